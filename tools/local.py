"""Run the whole pipeline on the embedded emulator: ``make local [INPUT=file-or-folder]``.

Starts moto in this process (``tools.emulator``), builds the function zips, then follows the
production path: bootstrap stack, ``tools.package``, ``aws cloudformation deploy`` through a
change set. It uploads the input CSV files under ``raw/`` (a folder recursively, keys
``raw/<relative path>``); the bucket notification invokes the validation function, the real
state machine runs the real function code from the packaged zips. It waits for every file's
outcome, prints one line per file and a total, and writes ``out/local/``:
``processed/`` and ``failed/`` (mirrored from the bucket), ``metadata.json`` (every DynamoDB
item) and ``notifications.json`` (every SNS message, captured through an SQS subscription).

Every call a function or the state machine makes is authorized against its role, as on
AWS; the run prints ``IAM: N allowed, M denied`` and each denial.

Exit status: 0 when every file reached exactly one outcome (a rejected file is an outcome)
and IAM denied nothing, 1 when the pipeline itself broke (a file stuck, lost, or in two
places) or a role lacks a permission it needs.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import boto3

from contract.keys import FAILED_PREFIX, PROCESSED_PREFIX, RAW_PREFIX
from contract.metadata import PARTITION_KEY, Status
from stacks.names import Output
from tools import deploy, package, status
from tools.emulator import Emulator
from tools.local_inputs import Inputs, input_files, report_skipped, upload, wait_budget
from tools.output import LiveLine, show_output
from tools.paths import BUILD_DIR, REPO
from tools.pipeline_state import (
    FileResult,
    Progress,
    drain_notifications,
    list_keys,
    metadata_items,
    subscribe_capture_queue,
    wait_for_outcomes,
)

log = logging.getLogger(__name__)

SAMPLES = REPO / "samples"
OUT = REPO / "out" / "local"
LOCAL_BUILD = BUILD_DIR / "local"
STACK_NAME = "csv-etl"
#: Parameters for the emulator run (the stage is "dev"; the emulator scales every workflow
#: retry wait down itself, see tools/emulator/bridges/stepfunctions.py).
LOCAL_PARAMETERS = {"LogRetentionDays": "1"}
#: The exit status after Ctrl-C (128 + SIGINT, as a shell reports it).
INTERRUPTED = 130


def _step(message: str, started: float) -> None:
    log.info(f"[{time.monotonic() - started:5.1f}s] {message}")


def build_functions(build_dir: Path, real_layer: bool = True) -> None:
    """Build the function zips into ``build_dir`` and add a layer entry to its manifest.

    The local run executes the handlers with this virtualenv's polars (the layer's pinned
    version) and the zips carry this machine's build of the core's C parser: the aarch64
    layer and objects never load here. The real layer is used when ``make package-functions``
    built it; otherwise a clearly labelled placeholder layer keeps the LayerVersion deployable.
    """
    build_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "tools.build_functions", "--out", str(build_dir), "--skip-layer", "--native-for", "host"]  # fmt: skip
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"tools.build_functions failed:\n{result.stdout}{result.stderr}")
    manifest = json.loads((build_dir / "manifest.json").read_text())
    real = _cached_layer(build_dir) if real_layer else None
    if real is not None:
        manifest["layer"] = real
        log.info("      layer: the real polars layer from build/layer.zip (not executed locally)")
    else:
        placeholder = build_dir / "placeholder-layer.zip"
        with zipfile.ZipFile(placeholder, "w") as archive:
            info = zipfile.ZipInfo("python/EMULATOR_PLACEHOLDER_LAYER.txt", (1980, 1, 1, 0, 0, 0))
            archive.writestr(
                info, "Placeholder: the emulator runs handlers with the venv's polars.\n"
            )
        body = placeholder.read_bytes()
        manifest["layer"] = {
            "path": str(placeholder),
            "sha256": hashlib.sha256(body).hexdigest(),
            "size": len(body),
        }
        log.info(
            "      layer: PLACEHOLDER (build/layer.zip not built; `make package-functions` "
            "builds the real one). Handlers run with the virtualenv's polars either way."
        )
    (build_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))


def _cached_layer(build_dir: Path) -> dict[str, Any] | None:
    """The real layer's manifest entry if build/ holds a layer zip matching its manifest."""
    manifest_path = BUILD_DIR / "manifest.json"
    if not manifest_path.is_file():
        return None
    entry = json.loads(manifest_path.read_text()).get("layer")
    if not entry:
        return None
    path = REPO / entry["path"]
    if not path.is_file() or path.stat().st_size != entry["size"]:
        return None
    # A private copy: a concurrent `make package-functions` may rewrite build/layer.zip.
    copy = build_dir / "layer.zip"
    shutil.copyfile(path, copy)
    if hashlib.sha256(copy.read_bytes()).hexdigest() != entry["sha256"]:
        return None
    return {**entry, "path": str(copy)}


def report(results: dict[str, FileResult], items: list[dict[str, Any]], elapsed: float) -> None:
    """The attempts as ``make status`` shows them, then each broken invariant and a total."""
    uploaded = [i for i in items if i.get(PARTITION_KEY) in results]
    now = datetime.datetime.now(datetime.UTC)
    log.info("")
    for line in status.render(uploaded, [status.problems(i, now) for i in uploaded]):
        log.info(line)
    succeeded = sum(r.status == Status.SUCCEEDED for r in results.values())
    failed = sum(r.status == Status.FAILED for r in results.values())
    broken = [r for r in results.values() if r.problem]
    log.info(
        f"\ntotal: {len(results)} files, {succeeded} processed, {failed} failed (rejected), "
        f"{len(broken)} without a clean outcome, in {elapsed:.1f}s"
    )
    for r in broken:
        log.info(f"  PIPELINE PROBLEM {r.key}: {r.problem}")


def write_outputs(
    out: Path, bucket: str, table: str, notifications: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Mirror processed/ and failed/, dump metadata and notifications under ``out``; the items."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    s3 = boto3.client("s3")
    for prefix in (PROCESSED_PREFIX, FAILED_PREFIX):
        (out / prefix).mkdir(parents=True, exist_ok=True)
        for key in list_keys(bucket, prefix):
            target = out / key
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    items = metadata_items(table)
    (out / "metadata.json").write_text(json.dumps(items, indent=2) + "\n")
    (out / "notifications.json").write_text(json.dumps(notifications, indent=2) + "\n")
    return items


def deploy_pipeline(
    region: str,
    build_dir: Path = LOCAL_BUILD,
    started: float | None = None,
    real_layer: bool = True,
) -> dict[str, str]:
    """Build, bootstrap, package and deploy on the running emulator; return the stack outputs."""
    started = time.monotonic() if started is None else started
    build_functions(build_dir, real_layer)
    _step("built function zips (tools.build_functions)", started)
    deploy.bootstrap(STACK_NAME, region)
    _step(f"bootstrap stack {package.bootstrap_stack_name(STACK_NAME)} deployed", started)
    package.package(STACK_NAME, region, build_dir=build_dir)
    _step("packaged: code and nested templates uploaded (tools.package)", started)
    outputs = deploy.deploy(STACK_NAME, region, stage="dev", extra=LOCAL_PARAMETERS, build_dir=build_dir)  # fmt: skip
    _step(f"stack {STACK_NAME} deployed (aws cloudformation deploy, change set)", started)
    return outputs


def progress_text(progress: Progress, started: float) -> str:
    """``[ 31.2s] 12/200 files done: 3 FAILED, 150 PROCESSING, 9 SUCCEEDED, 38 WAITING``."""
    states = ", ".join(f"{n} {state}" for state, n in sorted(progress.states.items()))
    return f"[{time.monotonic() - started:5.1f}s] {progress.done}/{progress.total} files done: {states}"  # fmt: skip


def run(
    input_path: Path = SAMPLES,
    out: Path = OUT,
    timeout: float | None = None,
    line: LiveLine | None = None,
) -> int:
    """The whole local run; returns the process exit status. ``timeout``: seconds to wait for
    the outcomes once uploaded (default ``wait_budget``); ``line`` shows live progress."""
    started = time.monotonic()
    inputs = input_files(input_path)
    report_skipped(inputs, input_path)
    if not inputs.files:
        print(f"no file under {input_path} would start the pipeline", file=sys.stderr)
        return 1
    emulator = Emulator().start()
    interrupted = False
    try:
        return _run_on(emulator, inputs, out, timeout, line, started)
    except KeyboardInterrupt:
        # No orderly stop: the pipeline's threads would go on against a half-stopped moto.
        # The process ends now; what it must not leave behind (the functions' processes,
        # code and /tmp) goes first.
        interrupted = True
        emulator.runtimes.abort()
        raise
    finally:
        if not interrupted:
            emulator.stop()


def _run_on(
    emulator: Emulator,
    inputs: Inputs,
    out: Path,
    timeout: float | None,
    line: LiveLine | None,
    started: float,
) -> int:
    """Deploy on the running emulator, upload, wait, write and report; the exit status."""
    keys = list(inputs.files)
    region = emulator.region
    _step(f"emulator: moto on {emulator.endpoint} (in-process, bridged)", started)
    outputs = deploy_pipeline(region, LOCAL_BUILD, started)
    bucket, table = outputs[Output.BUCKET_NAME], outputs[Output.TABLE_NAME]
    queue_url = subscribe_capture_queue(outputs[Output.TOPIC_ARN])
    upload(bucket, inputs, started, line)
    budget = wait_budget(len(keys), inputs.size) if timeout is None else timeout
    _step(f"uploaded {len(keys)} file(s) ({inputs.size / 1e6:.1f} MB) to s3://{bucket}/{RAW_PREFIX}; waiting up to {budget:.0f}s for their outcomes (TIMEOUT=)", started)  # fmt: skip
    on_poll = None if line is None else (lambda p: line.update(progress_text(p, started)))
    results = wait_for_outcomes(bucket, table, keys, budget, on_poll)
    if line is not None:
        line.done()
    _step("every execution finished" if all(not r.problem for r in results.values()) else f"stopped waiting after {budget:.0f}s", started)  # fmt: skip
    time.sleep(0.2)  # let the last SNS -> SQS deliveries land
    items = write_outputs(out, bucket, table, drain_notifications(queue_url))
    report(results, items, time.monotonic() - started)
    denied = report_iam(emulator)
    log.info(f"\nwrote {out.relative_to(REPO) if out.is_relative_to(REPO) else out}/: processed/, failed/, metadata.json, notifications.json")  # fmt: skip
    return 1 if denied or any(r.problem for r in results.values()) else 0


def report_iam(emulator: Emulator) -> int:
    """``IAM: N allowed, M denied`` and each denial: a role missing a permission on AWS."""
    log.info(emulator.iam.summary())
    denials = emulator.iam.denials()
    for denial in denials:
        log.info(f"  IAM DENIED {denial.describe()}")
    return len(denials)


def _interrupt_once(signum: int, frame: object) -> None:
    """The first Ctrl-C stops the run; further ones are ignored while the emulator shuts down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.local [--input PATH] [--out DIR] [--timeout S]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=SAMPLES, help="CSV file or folder")
    parser.add_argument("--out", type=Path, default=OUT, help="results folder (out/local)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds to wait for outcomes once uploaded (default: from file count and size)")  # fmt: skip
    args = parser.parse_args(argv)
    started = time.monotonic()
    signal.signal(signal.SIGINT, _interrupt_once)
    try:
        return run(args.input.resolve(), args.out.resolve(), args.timeout, LiveLine())
    except (deploy.DeployError, package.PackageError, RuntimeError, FileNotFoundError) as exc:
        print(f"local: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\nlocal: interrupted after {time.monotonic() - started:.1f}s; the emulator is stopped and its files removed", file=sys.stderr)  # fmt: skip
        return INTERRUPTED
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


if __name__ == "__main__":
    # The deploy step's CLI output shows only if it fails: the run prints its own steps.
    show_output(quiet=[deploy.__name__, package.__name__])
    code = main()
    if code == INTERRUPTED:
        # Interrupted: end now rather than wait for the pipeline's threads to run down.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
