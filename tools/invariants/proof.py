"""Proof of processing (docs/pipeline.md §2), checked against the files themselves.

Independently of the pipeline's own code (stdlib csv, Decimal and hashlib): an item's
``source_sha256`` is the sha256 of the uploaded bytes; ``output_sha256`` the sha256 of the
bytes of its outcome (processed/ for SUCCEEDED, the failed/ copy for an invalid file),
compared with the object in place when it still holds this upload, else with the bytes it
must have held; ``amount_total`` the exact sum of the ``amount`` column of processed/
(``"0.00"`` for an invalid or quarantined file); and rows_total = rows_valid + rows_rejected.
A superseded item is checked for what it carries (it wrote nothing); a FAILED item without
counts (quarantined before Validate answered) carries no proof.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from contract.keys import FileKeys
from contract.metadata import Attr, Status
from contract.ordering import VERSION_METADATA
from contract.proof import NO_AMOUNT
from tools.invariants.model import Expected, State, Upload

PROOF = (Attr.AMOUNT_TOTAL, Attr.SOURCE_SHA256, Attr.OUTPUT_SHA256)

Require = Callable[[bool, str, str], None]


def sha256(body: bytes) -> str:
    """Hex sha256 of bytes."""
    return hashlib.sha256(body).hexdigest()


def amount_sum(output: bytes) -> str:
    """The exact sum of the ``amount`` column of a transformed file, two fraction digits."""
    rows = csv.DictReader(io.StringIO(output.decode(), newline=""))
    total = sum((Decimal(row["amount"]) for row in rows), Decimal(0))
    return format(total, ".2f")


def _held(state: State, place: str, upload: Upload, fallback: bytes) -> bytes:
    """The bytes of ``place`` if it holds this upload still, else what it must have held."""
    held = state.objects.get(place)
    if held is not None and held["metadata"].get(VERSION_METADATA) == upload.version_id:
        return bytes(held["body"])
    return fallback


def check_proof(
    upload: Upload, want: Expected, item: Mapping[str, Any], state: State, require: Require
) -> None:
    """Every proof field of one terminal item, against the files (category "proof")."""
    status = item.get(Attr.STATUS)
    counts = [item.get(a) for a in (Attr.ROWS_TOTAL, Attr.ROWS_VALID, Attr.ROWS_REJECTED)]
    if counts[0] is not None:
        total, valid, rejected = (int(c or 0) for c in counts)
        require(total == valid + rejected, "proof", f"rows {total} != {valid} + {rejected}")
    keys = FileKeys.of(upload.key)
    if status == Status.SUCCEEDED:
        output = _held(state, keys.processed, upload, want.output)
        _fields(item, sha256(upload.body), sha256(output), amount_sum(output), require)
        held = state.objects.get(keys.processed)
        if held is not None and held["metadata"].get(VERSION_METADATA) == upload.version_id:
            recorded = held["metadata"]
            require(
                recorded.get("output-sha256") == item.get(Attr.OUTPUT_SHA256)
                and recorded.get("amount-total") == item.get(Attr.AMOUNT_TOTAL),
                "proof",
                f"{keys.processed} metadata disagrees with the item",
            )
    elif status == Status.FAILED and counts[0] is not None:  # invalid, filed by validation
        copy = _held(state, keys.failed, upload, upload.body)
        _fields(item, sha256(upload.body), sha256(copy), NO_AMOUNT, require)
    elif item.get(Attr.SOURCE_SHA256):  # superseded: what it carries must be right
        source = item.get(Attr.SOURCE_SHA256)
        require(source == sha256(upload.body), "proof", "source_sha256 is not the upload's")


def _fields(
    item: Mapping[str, Any], source: str, output: str, amount: str, require: Require
) -> None:
    got = tuple(item.get(a) for a in PROOF)
    for name, have, wanted in zip(PROOF, got, (amount, source, output), strict=True):
        require(have == wanted, "proof", f"{name} {have!r}, expected {wanted!r}")
