"""IAM on the emulator: each call of a function or a state machine, authorized as AWS would.

``requests.py`` and ``s3.py`` say which IAM actions on which resource ARNs a call needs,
``policy.py`` evaluates identity-based policies, ``authorizer.py`` is the call hook that
checks functions' and state machines' calls against their roles, and ``ledger.py`` records
every decision with the statement that made it. ``bridges/iam.py`` attaches it to moto.
"""

from tools.emulator.iam.authorizer import Authorizer
from tools.emulator.iam.ledger import Entry, Ledger

__all__ = ["Authorizer", "Entry", "Ledger"]
