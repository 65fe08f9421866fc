"""Which of two uploads of one key is newer: the S3 event ``sequencer`` (docs/pipeline.md §7).

S3 gives every object-created event a ``sequencer``, a hexadecimal string that orders the
events of one key (never across keys). AWS documents the comparison: the sequencers can have
different lengths, so right-pad the shorter with zeros, then compare lexicographically
(S3 User Guide, "Event message structure"). ``rank`` pads every sequencer to one fixed width,
so ranks compare as plain strings: in Python and in a Step Functions Choice
(``StringGreaterThan``) alike. An attempt whose sequencer is unknown (``""``: a replay or a
sweep that did not carry it) ranks below every known one.
"""

from __future__ import annotations

import re
from typing import Final

#: Every rank has this many characters (AWS sequencers are 16-20 hex digits today).
RANK_WIDTH: Final = 64
_HEX = re.compile(r"[0-9A-F]*")

#: S3 user metadata of every object the pipeline writes under processed/ and failed/: which
#: upload it came from. The conditional writes compare ranks; a retry compares version ids
#: to recognise its own earlier write. One word each: Step Functions reads them by JSONPath.
RANK_METADATA: Final = "rank"
VERSION_METADATA: Final = "sourceversion"


def rank(sequencer: str) -> str:
    """The sequencer upper-cased and right-padded with zeros to RANK_WIDTH; ValueError if not hex."""
    value = sequencer.strip().upper()
    if len(value) > RANK_WIDTH or not _HEX.fullmatch(value):
        raise ValueError(f"not an S3 sequencer (hex, at most {RANK_WIDTH} digits): {sequencer!r}")
    return value.ljust(RANK_WIDTH, "0")


def newer(a: str, b: str) -> bool:
    """Whether the upload with sequencer (or rank) ``a`` happened after the one with ``b``."""
    return rank(a) > rank(b)
