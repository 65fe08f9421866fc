"""A chaos run anyone can repeat: ``make chaos SEED=1 FILES=200 FAULT_RATE=0.1``.

Deploys the pipeline on the embedded emulator (as ``make local`` does), then uploads a
seeded mix of valid and invalid CSV files under ``raw/``, a share of them re-uploads of
keys already sent, with other content, while every AWS call the pipeline makes (functions
and state machine; never the harness) fails transiently with probability FAULT_RATE: an AWS
error (throttling, 5xx), a lost response (the call happened, the caller sees a 500) or
added latency. It waits for every upload's execution, then prints the invariant verdict of
each upload (``tools.invariants``) and a total line. Exit status 0 only if every upload
reached its one correct outcome.

Repeatable: the files, their order and the dice come from the seed. Not deterministic:
which call meets which roll of the dice depends on thread scheduling, so two runs with one
seed hit different calls (the verdict should not differ).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3

from contract.keys import RAW_PREFIX
from stacks.names import Output
from tools import invariants, pipeline_state
from tools.emulator import Emulator
from tools.emulator.api_faults import ApiFaults, CallLog
from tools.output import show_output
from tools.paths import BUILD_DIR

log = logging.getLogger(__name__)

HEADER = "transaction_id,customer_id,amount,timestamp"
#: How a fault's effect is chosen: AWS error, lost response, added latency.
EFFECTS = (("error", 0.7), ("lost", 0.15), ("latency", 0.15))
LATENCY_SECONDS = 0.5


def body(rng: random.Random, valid: bool) -> bytes:
    """A CSV file of 1-20 rows in the accepted forms; an invalid one has an impossible date."""
    rows = []
    for n in range(rng.randint(1, 20)):
        amount = f"{rng.randint(-9999, 99999)}.{rng.randint(0, 99):02d}"
        day = rng.randint(1, 28)
        stamp = rng.choice(
            [
                f"2024-11-{day:02d}T08:{n % 60:02d}:00Z",
                f"2024-11-{day:02d}",
                f"17304{rng.randint(10000, 99999)}",
            ]
        )
        rows.append(f"T{n},C{rng.randint(1, 50)},{amount},{stamp}")
    if not valid:
        rows[rng.randrange(len(rows))] = "TX,CX,1.00,2024-02-30T08:00:00Z"
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def plan(
    seed: int,
    files: int,
    prefix: str = "chaos/",
    invalid_share: float = 0.2,
    reupload_share: float = 0.3,
) -> list[tuple[str, bytes]]:
    """(key, body) of every upload, in upload order: new keys and re-uploads of earlier ones."""
    rng = random.Random(seed)  # noqa: S311 - seeded test data, not cryptography
    uploads: list[tuple[str, bytes]] = []
    keys: list[str] = []
    for n in range(files):
        if keys and rng.random() < reupload_share:
            key = rng.choice(keys)
        else:
            key = f"{RAW_PREFIX}{prefix}{n // 50:02d}/file-{n:04d}.csv"
            keys.append(key)
        uploads.append((key, body(rng, valid=rng.random() >= invalid_share)))
    return uploads


def inject_faults(faults: ApiFaults, rate: float) -> None:
    """Every pipeline call: a fault with probability ``rate``, its effect by EFFECTS."""
    for effect, share in EFFECTS:
        faults.inject(
            probability=rate * share,
            lose_response=effect == "lost",
            latency=LATENCY_SECONDS if effect == "latency" else 0.0,
            only_latency=effect == "latency",
        )


def upload(bucket: str, key: str, data: bytes) -> invariants.Upload:
    """Put one version; the sequencer is filled in from the S3 event later."""
    response = boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=data)
    return invariants.Upload(key, str(response.get("VersionId", "")), "", data)


def sequencers(emulator: Emulator) -> dict[str, str]:
    """The S3 sequencer of each version the validation function was notified of."""
    found: dict[str, str] = {}
    for invocation in emulator.invocations("validation"):
        event = invocation.event if isinstance(invocation.event, dict) else {}
        for record in event.get("Records", []):
            obj = record.get("s3", {}).get("object", {})
            if obj.get("versionId"):
                found[obj["versionId"]] = obj.get("sequencer", "")
    return found


def report(verdicts: list[invariants.Verdict], elapsed: float, fired: int) -> int:
    """One line per upload, a total line; the exit status."""
    for v in verdicts:
        detail = f"  {v.detail}" if v.category != invariants.OK else ""
        log.info(
            f"{v.category:<12} {v.status:<11} {v.upload.key.removeprefix(RAW_PREFIX)} {v.upload.version_id[:8]}{detail}"
        )
    counts = invariants.summary(verdicts)
    statuses: dict[str, int] = {}
    for v in verdicts:
        statuses[v.status] = statuses.get(v.status, 0) + 1
    keys = len({v.upload.key for v in verdicts})
    broken = len(verdicts) - counts.get(invariants.OK, 0)
    log.info(
        f"\ntotal: {len(verdicts)} uploads of {keys} keys; verdicts {dict(sorted(counts.items()))}; "
        f"statuses {dict(sorted(statuses.items()))}; {fired} faults injected; "
        f"{broken} without their one correct outcome; {elapsed:.1f}s"
    )
    return 0 if broken == 0 else 1


def run(seed: int, files: int, rate: float, timeout: float) -> int:
    """The whole chaos run; returns the exit status."""
    from tools import local

    started = time.monotonic()
    uploads = plan(seed, files)
    with Emulator() as emulator:
        outputs = local.deploy_pipeline(
            emulator.region, BUILD_DIR / "chaos", started, real_layer=False
        )
        bucket, table = outputs[Output.BUCKET_NAME], outputs[Output.TABLE_NAME]
        queue_url = pipeline_state.subscribe_capture_queue(outputs[Output.TOPIC_ARN])
        calls = CallLog(emulator.calls)
        faults = ApiFaults(emulator.calls, seed=seed)
        inject_faults(faults, rate)
        log.info(
            f"[{time.monotonic() - started:5.1f}s] uploading {files} files, fault rate {rate:g}, seed {seed}"
        )
        with ThreadPoolExecutor(max_workers=4) as pool:
            done = list(pool.map(lambda kv: upload(bucket, *kv), uploads))
        arns = [_execution_arn(outputs, u) for u in done]
        statuses = pipeline_state.wait_for_executions(arns, timeout)
        log.info(
            f"[{time.monotonic() - started:5.1f}s] executions ended: {_tally(statuses.values())}"
        )
        faults.clear()
        time.sleep(0.5)  # the last SNS -> SQS deliveries
        known = sequencers(emulator)
        checked = [
            invariants.Upload(u.key, u.version_id, known.get(u.version_id, ""), u.body)
            for u in done
        ]
        state = invariants.read_state(
            bucket,
            pipeline_state.metadata_items(table),
            pipeline_state.drain_notifications(queue_url),
            [u.key for u in checked],
            calls.snapshot(),
        )
        state.lost_publishes = faults.fired.count(("sns", "Publish", "lost response"))
        verdicts = invariants.check(checked, state)
        status = report(verdicts, time.monotonic() - started, len(faults.fired))
        for v in verdicts:
            if v.category != invariants.OK:
                log.info(
                    f"  {v.upload.key} {v.upload.version_id[:8]}: {explain(_execution_arn(outputs, v.upload))}"
                )
        return status


def _execution_arn(outputs: dict[str, str], u: invariants.Upload) -> str:
    from functions.common.naming import execution_name

    etag = hashlib.md5(u.body, usedforsecurity=False).hexdigest()
    name = execution_name(outputs[Output.BUCKET_NAME], u.key, u.version_id, etag)
    return pipeline_state.execution_arn(outputs[Output.STATE_MACHINE_ARN], name)


def explain(arn: str) -> str:
    """How an execution ended, and the last task failures on its way (for a broken verdict)."""
    sfn = boto3.client("stepfunctions")
    try:
        described = sfn.describe_execution(executionArn=arn)
    except sfn.exceptions.ExecutionDoesNotExist:
        return "no execution (the S3 event did not start one)"
    events = sfn.get_execution_history(executionArn=arn, reverseOrder=True, maxResults=200)[
        "events"
    ]
    failures = [
        f"{e['taskFailedEventDetails'].get('resource')}: {e['taskFailedEventDetails'].get('error')} {str(e['taskFailedEventDetails'].get('cause', ''))[:120]}"
        for e in events
        if "taskFailedEventDetails" in e
    ][:3]
    return f"{described['status']} {described.get('error', '')}; last failures: {failures}"


def _tally(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.chaos --seed 1 --files 200 --fault-rate 0.1``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--fault-rate", type=float, default=0.1)
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds to wait for executions"
    )
    args = parser.parse_args(argv)
    return run(args.seed, args.files, args.fault_rate, args.timeout)


if __name__ == "__main__":
    show_output(quiet=["tools.deploy", "tools.package"])
    sys.exit(main())
