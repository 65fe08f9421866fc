"""What the commands print: every module logs to its own logger; a command shows them.

Modules call ``logging.getLogger(__name__).info(...)`` and never print their progress; a
command's ``__main__`` block calls ``show_output`` once, which sends the messages of this
package's loggers (and of the module run as ``python -m tools.X``, named ``__main__``) to
stdout, one plain line each. Used as a library (tests, ``make local``'s deploy step), the
same modules stay silent unless the caller shows them.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

#: The loggers a command shows: the tools' modules, and the command module itself.
SHOWN = ("tools", "__main__")
_HANDLER_NAME = "tools.output"


def show_output(quiet: Iterable[str] = ()) -> None:
    """Print INFO messages of the tools' loggers as plain lines on stdout; ``quiet`` loggers
    show only warnings and errors. Calling it again replaces the earlier configuration."""
    handler = logging.StreamHandler(sys.stdout)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in SHOWN:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
