"""What happened to the uploads: ``make status [FILE=raw/x.csv] [SINCE=24h] [JSON=1]``.

Reads the deployed stack's metadata table (its name from the stack outputs; endpoint,
region and credentials from the environment, so the same code runs against the emulator
and a real account) and prints one line per attempt: start, status, row counts, duration
(end - start), outcome key, and the checks that failed (docs/operations.md §1):

- ``counts``: ``rows_total`` is not ``rows_valid + rows_rejected``;
- ``proof``: a SUCCEEDED or FAILED item of a validated file (it has row counts) lacks one of
  ``amount_total``, ``source_sha256``, ``output_sha256`` (or the amount is not a decimal);
- ``stuck``: PROCESSING for longer than the workflow's timeout (it can no longer end by itself).

Access paths and their cost: ``FILE=`` is a Query on the partition key (reads only that
file's attempts: its full history). Without it the table is Scanned, which reads and bills
every item whatever ``SINCE`` filters; ``--max-scan`` bounds the items read (the listing then
says it is incomplete). The exit status is 1 when any attempt is flagged or the scan stopped.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from botocore.exceptions import ClientError

from contract.keys import RAW_PREFIX
from contract.metadata import PARTITION_KEY, SORT_KEY, Attr, Status
from stacks.names import Output
from stacks.orchestration import WORKFLOW_TIMEOUT_SECONDS
from tools.deploy import stack_outputs
from tools.output import shorten, show_output, table
from tools.pipeline_state import Items, query_items, scan_items, seconds_between

log = logging.getLogger(__name__)

DEFAULT_SINCE = "24h"
#: Items a Scan reads at most (~100 MB of 1 KB items; about 12,500 read request units).
MAX_SCAN = 100_000
#: The fields that prove what an attempt read and wrote (docs/pipeline.md §2).
PROOF_FIELDS = (Attr.AMOUNT_TOTAL, Attr.SOURCE_SHA256, Attr.OUTPUT_SHA256)
_RELATIVE = re.compile(r"^(\d+)([mhd])$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}


def iso(moment: datetime.datetime) -> str:
    """A moment as the workflow writes ``process_start_time``: ``2024-11-01T08:00:00.000Z``."""
    utc = moment.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_since(text: str, now: datetime.datetime) -> str:
    """``90m``, ``24h``, ``7d`` (before ``now``) or an ISO 8601 date or time (UTC if naive)."""
    relative = _RELATIVE.match(text.strip())
    if relative:
        count, unit = relative.groups()
        return iso(now - datetime.timedelta(seconds=int(count) * _UNIT_SECONDS[unit]))
    try:
        moment = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"SINCE={text!r}: use 90m, 24h, 7d or an ISO 8601 time") from None
    return iso(moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC))


def _counts_problem(item: dict[str, Any]) -> str:
    counts = [item.get(a) for a in (Attr.ROWS_TOTAL, Attr.ROWS_VALID, Attr.ROWS_REJECTED)]
    if all(c is None for c in counts):
        return ""
    total, valid, rejected = counts
    if not (isinstance(total, int) and isinstance(valid, int) and isinstance(rejected, int)):
        return f"counts: incomplete row counts {counts}"
    if total != valid + rejected:
        return f"counts: rows_total {total} != rows_valid {valid} + rows_rejected {rejected}"
    return ""


def _proof_problem(item: dict[str, Any]) -> str:
    if item.get(Attr.STATUS) not in (Status.SUCCEEDED, Status.FAILED):
        return ""
    if item.get(Attr.ROWS_TOTAL) is None:  # never validated (quarantined): nothing to prove
        return ""
    missing = [f for f in PROOF_FIELDS if not item.get(f)]
    if missing:
        return f"proof: no {', '.join(missing)}"
    try:
        Decimal(str(item[Attr.AMOUNT_TOTAL]))
    except InvalidOperation:
        return f"proof: amount_total {item[Attr.AMOUNT_TOTAL]!r} is not a decimal"
    return ""


def _stuck_problem(item: dict[str, Any], now: datetime.datetime, stuck_after: float) -> str:
    if item.get(Attr.STATUS) != Status.PROCESSING:
        return ""
    age = seconds_between(str(item.get(SORT_KEY, "")), iso(now))
    if age is None or age <= stuck_after:
        return ""
    return f"stuck: PROCESSING for {age / 3600:.1f} h, longer than the workflow may run ({stuck_after / 3600:.1f} h)"  # fmt: skip


def problems(
    item: dict[str, Any], now: datetime.datetime, stuck_after: float = WORKFLOW_TIMEOUT_SECONDS
) -> list[str]:
    """Why one attempt's item does not add up ([] when it does)."""
    found = [_counts_problem(item), _proof_problem(item), _stuck_problem(item, now, stuck_after)]
    return [p for p in found if p]


@dataclass
class Listing:
    """What ``make status`` shows: the attempts (items plus their checks) and how they were read."""

    table: str
    items: Items
    now: datetime.datetime
    file: str = ""
    since: str = ""
    stuck_after: float = WORKFLOW_TIMEOUT_SECONDS
    checks: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.checks = [problems(i, self.now, self.stuck_after) for i in self.items.items]

    @property
    def flagged(self) -> int:
        return sum(bool(c) for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        """Every item in full, with its duration and problems, for scripts."""
        attempts = [
            {**item, "duration_seconds": duration(item), "problems": checks}
            for item, checks in zip(self.items.items, self.checks, strict=True)
        ]
        return {
            "table": self.table, "file": self.file or None, "since": self.since or None,
            "scanned": self.items.scanned, "truncated": self.items.truncated,
            "flagged": self.flagged, "attempts": attempts,
        }  # fmt: skip


def duration(item: dict[str, Any]) -> float | None:
    """end - start of one attempt, in seconds (None while it runs)."""
    return seconds_between(str(item.get(SORT_KEY, "")), str(item.get(Attr.PROCESS_END_TIME, "")))


def _cell(value: Any) -> str:
    return "-" if value is None or value == "" else str(value)


def render(items: list[dict[str, Any]], checks: list[list[str]]) -> list[str]:
    """The attempts as a table (long keys shortened in the middle), then each error and flag."""
    header = ("file", "started", "status", "rows", "valid", "rejected", "duration", "outcome", "check")  # fmt: skip
    rows = []
    for item, found in zip(items, checks, strict=True):
        took = duration(item)
        rows.append((
            str(item.get(PARTITION_KEY, "")).removeprefix(RAW_PREFIX),
            str(item.get(SORT_KEY, "")).replace("T", " ")[:19],
            _cell(item.get(Attr.STATUS)), _cell(item.get(Attr.ROWS_TOTAL)),
            _cell(item.get(Attr.ROWS_VALID)), _cell(item.get(Attr.ROWS_REJECTED)),
            "-" if took is None else f"{took:.2f}s", _cell(item.get(Attr.OUTPUT_KEY)),
            ",".join(p.split(":", 1)[0] for p in found) or "ok",
        ))  # fmt: skip
    lines = table(header, rows)
    for item, found in zip(items, checks, strict=True):
        name = shorten(str(item.get(PARTITION_KEY, "")).removeprefix(RAW_PREFIX))
        if item.get(Attr.ERROR_MESSAGE):
            lines.append(f"  {name}: {str(item[Attr.ERROR_MESSAGE])[:160]}")
        lines += [f"  FLAGGED {name} ({item.get(SORT_KEY, '')}): {p}" for p in found]
    return lines


def read(
    table_name: str, file: str = "", since: str = "", max_scan: int | None = MAX_SCAN
) -> Items:
    """One file's attempts (a Query) or every attempt since ``since`` (a bounded Scan)."""
    if file:
        return query_items(table_name, file if file.startswith(RAW_PREFIX) else RAW_PREFIX + file, since)  # fmt: skip
    return scan_items(table_name, since, max_scan)


def report(listing: Listing) -> None:
    """Log the table and a summary line (what was read, how much, what is flagged)."""
    for line in render(listing.items.items, listing.checks):
        log.info(line)
    scope = f"file {listing.file}" if listing.file else f"since {listing.since or 'ever'}"
    log.info(
        f"\n{len(listing.items.items)} attempt(s), {scope}, {listing.flagged} flagged "
        f"({listing.items.scanned} item(s) read from {listing.table})"
    )
    if listing.items.truncated:
        log.info(f"INCOMPLETE: the scan stopped after {listing.items.scanned} items; narrow it with SINCE= or FILE=, or raise --max-scan")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.status --stack-name S --region R [--file K] [--since T] [--json]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-name", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--file", default="", help="one file's full history (raw/ optional)")
    parser.add_argument("--since", default="", help=f"90m, 24h, 7d or ISO time (default {DEFAULT_SINCE}; with --file: all)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="every item in full, for scripts")
    parser.add_argument("--max-scan", type=int, default=MAX_SCAN, help="items a Scan reads at most")  # fmt: skip
    args = parser.parse_args(argv)
    now = datetime.datetime.now(datetime.UTC)
    try:
        since_text = args.since or ("" if args.file else DEFAULT_SINCE)
        since = parse_since(since_text, now) if since_text else ""
        table_name = stack_outputs(args.stack_name, args.region)[Output.TABLE_NAME]
        items = read(table_name, args.file, since, args.max_scan)
    except (ValueError, ClientError) as exc:
        print(f"status: {exc}", file=sys.stderr)
        return 1
    listing = Listing(table_name, items, now, args.file, since)
    if args.json:
        print(json.dumps(listing.as_json(), indent=2, default=str))
    else:
        report(listing)
    return 1 if listing.flagged or items.truncated else 0


if __name__ == "__main__":
    show_output()
    sys.exit(main())
