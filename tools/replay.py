"""Re-run failed uploads once their cause is fixed: ``make replay``.

    make replay FILE=raw/x.csv            # that file's failed upload
    make replay PREFIX=raw/2026/ [SINCE=2026-12-01T00:00:00Z] [YES=1]

What it replays: every file key whose **latest** attempt (metadata item) is FAILED, with
``FILE`` (exact key), ``PREFIX`` (keys under it) and ``SINCE`` (attempts started at or
after, ISO 8601) narrowing the choice. A key whose latest attempt succeeded, was superseded
or is still PROCESSING has nothing to replay.

What a replay runs on (docs/pipeline.md §9): the failed upload's raw/ version was deleted
once it was filed, and ``failed/<path>`` holds its exact bytes (with ``sourceversion`` naming
it, §7). The replay copies those bytes back to ``raw/<key>`` (``If-None-Match: *``: only while
raw/ holds no version of the key), which is a new upload: its S3 event starts its own
execution (attempt 0 of the new version, named by ``functions.common.naming``) with its own
S3 sequencer, so it ranks as the newest upload of the key, and it gets its own metadata
item. ``failed/<path>`` and its report are left as they are: they stay the record of the
earlier failure until the replay ends; if the replay fails again its own copy and report
replace them (the newest failed upload holds failed/, §7); if it succeeds, processed/ gets its
output and failed/ keeps the earlier failure (as for any invalid-then-valid upload, §7).

A corrected file needs no replay: upload it to ``raw/<key>``; it is a new upload like any.

Refused, and said why: no matching failed attempt; failed/<path> holds another upload
(the bytes of this one were replaced by a newer failure); raw/ already holds a version of
the key (an upload or an earlier replay in flight). So a replay command retried, or run
twice, replays each failure once: the second run finds the first's version under raw/, or
the first's attempt as the key's latest. More than ``CONFIRM_ABOVE`` files ask first
(``YES=1`` skips the question). Exit status: 0 when every chosen file was replayed, 1 when
some were refused, 2 when nothing matched.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import boto3

from contract.keys import FileKeys
from contract.metadata import PARTITION_KEY, SORT_KEY, Attr, Status
from contract.ordering import VERSION_METADATA
from contract.payloads import ExecutionInput
from functions.common import attempts
from stacks.names import Output
from tools import pipeline_state
from tools.deploy import stack_outputs
from tools.output import show_output

log = logging.getLogger(__name__)

#: Replaying more files than this asks for confirmation first.
CONFIRM_ABOVE = 3
#: S3 user metadata of a replayed raw/ version: the version whose failure it replays.
REPLAY_OF_METADATA = "replayof"


class Refusal(Exception):
    """The whole command refuses: nothing matched, or the operator said no."""


@dataclass(frozen=True)
class Selection:
    """Which failed uploads to replay: an exact key, or a prefix, and a start time."""

    file: str = ""
    prefix: str = ""
    since: datetime.datetime | None = None

    def __str__(self) -> str:
        given = {"FILE": self.file, "PREFIX": self.prefix, "SINCE": self.since}
        return " ".join(f"{name}={value}" for name, value in given.items() if value)

    def matches(self, item: dict[str, Any]) -> bool:
        key = str(item.get(PARTITION_KEY, ""))
        if (self.file and key != self.file) or not key.startswith(self.prefix):
            return False
        return self.since is None or _when(str(item.get(SORT_KEY, ""))) >= self.since


@dataclass
class Replay:
    """What one run did: key -> the new raw/ version and its execution, or why it refused."""

    replayed: dict[str, dict[str, str]] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


def _when(text: str) -> datetime.datetime:
    value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def failed_attempts(items: Iterable[dict[str, Any]], selection: Selection) -> list[dict[str, Any]]:
    """The latest attempt of each key, where it is FAILED and matches ``selection``."""
    latest: dict[str, dict[str, Any]] = {}
    for item in items:
        key = str(item.get(PARTITION_KEY, ""))
        if key not in latest or str(item.get(SORT_KEY, "")) > str(latest[key].get(SORT_KEY, "")):
            latest[key] = item
    return [
        item
        for _, item in sorted(latest.items())
        if item.get(Attr.STATUS) == Status.FAILED and selection.matches(item)
    ]


def replay_one(bucket: str, state_machine_arn: str, item: dict[str, Any]) -> dict[str, str]:
    """Copy the failed upload's bytes back to raw/; the new version and its execution ARN.

    ValueError (its message the reason) when it must not: see the module docstring.
    """
    s3 = boto3.client("s3")
    key, version = str(item[PARTITION_KEY]), str(item.get(Attr.VERSION_ID, ""))
    place = FileKeys.of(key).failed
    try:
        held = s3.head_object(Bucket=bucket, Key=place)
    except s3.exceptions.ClientError as exc:
        raise ValueError(f"{place} is missing: the failed bytes are gone") from exc
    if held.get("Metadata", {}).get(VERSION_METADATA) != version:
        raise ValueError(
            f"{place} holds another upload ({held.get('Metadata', {}).get(VERSION_METADATA)}), "
            f"not the failed version {version}"
        )
    listed = s3.list_object_versions(Bucket=bucket, Prefix=key)
    if any(v["Key"] == key for v in listed.get("Versions", [])):
        raise ValueError(f"{key} already has a version under raw/ (an upload or replay in flight)")
    try:
        copied = s3.copy_object(
            Bucket=bucket,
            Key=key,
            CopySource={"Bucket": bucket, "Key": place, "VersionId": held["VersionId"]},
            MetadataDirective="REPLACE",
            Metadata={REPLAY_OF_METADATA: version},
            ContentType=held.get("ContentType") or "text/csv",
            IfNoneMatch="*",
        )
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in (
            "PreconditionFailed",
            "ConditionalRequestConflict",
        ):
            raise ValueError(f"{key} got a version under raw/ meanwhile (in flight)") from exc
        raise
    new_version = str(copied.get("VersionId", ""))
    etag = str(copied.get("CopyObjectResult", {}).get("ETag", "")).strip('"')
    upload = ExecutionInput.of(bucket, key, new_version, etag, "")
    arn = attempts.execution_arn(state_machine_arn, attempts.name_of(upload, 0))
    return {"version_id": new_version, "replay_of": version, "execution_arn": arn}


def replay(
    stack_name: str,
    region: str,
    selection: Selection,
    *,
    confirm: Callable[[int], bool],
) -> Replay:
    """Replay the chosen failed uploads of the deployed stack; Refusal when none match."""
    outputs = stack_outputs(stack_name, region)
    chosen = failed_attempts(pipeline_state.metadata_items(outputs[Output.TABLE_NAME]), selection)
    if not chosen:
        raise Refusal(f"nothing to replay: no file whose latest attempt FAILED matches {selection}")
    if len(chosen) > CONFIRM_ABOVE and not confirm(len(chosen)):
        raise Refusal(f"not replaying {len(chosen)} files (YES=1 replays without asking)")
    done = Replay()
    for item in chosen:
        key = str(item[PARTITION_KEY])
        try:
            done.replayed[key] = replay_one(
                outputs[Output.BUCKET_NAME], outputs[Output.STATE_MACHINE_ARN], item
            )
        except ValueError as refused:
            done.refused[key] = str(refused)
            log.info(f"refused  {key}: {refused}")
            continue
        log.info(
            f"replayed {key}: version {item.get(Attr.VERSION_ID)} -> "
            f"{done.replayed[key]['version_id']}, execution {done.replayed[key]['execution_arn']}"
        )
    log.info(f"replay: {len(done.replayed)} replayed, {len(done.refused)} refused")
    return done


def _ask(count: int) -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input(f"replay {count} failed files? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.replay --stack-name S --region R (--file K | --prefix P) [--since T] [--yes]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack-name", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--file", default="", help="exact raw/ key")
    parser.add_argument("--prefix", default="", help="keys under this prefix (raw/...)")
    parser.add_argument("--since", default="", help="attempts started at or after (ISO 8601)")
    parser.add_argument("--yes", action="store_true", help="do not ask before many files")
    args = parser.parse_args(argv)
    if not (args.file or args.prefix or args.since):
        parser.error("say what to replay: FILE=raw/<key>, PREFIX=raw/<folder>/ or SINCE=<time>")
    selection = Selection(args.file, args.prefix, _when(args.since) if args.since else None)
    try:
        done = replay(
            args.stack_name, args.region, selection, confirm=(lambda _: True) if args.yes else _ask
        )
    except Refusal as refusal:
        log.error(str(refusal))
        return 2
    return 1 if done.refused else 0


if __name__ == "__main__":
    show_output()
    sys.exit(main())
