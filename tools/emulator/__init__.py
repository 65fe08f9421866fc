"""The embedded AWS emulator: moto's server in this process, plus the bridges over its gaps.

Everything that differs between the emulator and AWS lives in ``bridges/``, one module per
AWS service and one function per gap, each with a comment saying what moto does and what
AWS does. ``Emulator`` (``emulator.py``) runs the server and owns a run's state: injected
faults (``faults.py``), the invocation log (``invocations.py``), the Lambda worker processes
(``lambda_workers.py``, running ``lambda_runtime.py``) and the patches (``patches.py``).

The bridges are written against one moto version (``version.py``); ``tests/tools/emulator/
bridges/`` shows each gap on plain moto, so an upgrade that closes or moves one fails loudly
instead of silently.
"""

from tools.emulator.emulator import Emulator
from tools.emulator.environment import FAKE_CREDENTIALS
from tools.emulator.faults import Fault
from tools.emulator.invocations import Invocation

__all__ = ["FAKE_CREDENTIALS", "Emulator", "Fault", "Invocation"]
