"""tools.local: the run's progress, its report, and how it ends when interrupted."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import pytest

from contract.metadata import Status
from tools import local
from tools.paths import REPO
from tools.pipeline_state import WAITING, Progress


def test_a_missing_input_is_one_line_and_exit_status_1(tmp_path: Path) -> None:
    assert local.main(["--input", str(tmp_path / "missing")]) == 1


def test_the_iam_line_and_each_denial_are_printed(caplog: pytest.LogCaptureFixture) -> None:
    from tools.emulator import Emulator
    from tools.emulator.iam import Entry
    from tools.emulator.iam.policy import Decision, Effect

    emulator = Emulator()
    assert emulator.authorizer is not None
    denial = Entry("fn", "arn:aws:iam::1:role/r", "arn:aws:sts::1:assumed-role/r/fn", "s3",
                   "CopyObject", "s3:PutObjectTagging", "arn:aws:s3:::b/failed/x",
                   Decision(Effect.IMPLICIT_DENY))  # fmt: skip
    emulator.authorizer.ledger.record(denial)
    caplog.set_level(logging.INFO, logger=local.__name__)

    assert local.report_iam(emulator) == 1

    assert caplog.messages == [
        "IAM: 0 allowed, 1 denied",
        "  IAM DENIED fn: s3 CopyObject -> s3:PutObjectTagging on arn:aws:s3:::b/failed/x (DENIED: implicit-deny)",
    ]


def test_progress_says_files_done_of_total_and_each_state() -> None:
    progress = Progress(200, 12, {Status.PROCESSING: 150, Status.SUCCEEDED: 9, Status.FAILED: 3, WAITING: 38})  # fmt: skip

    text = local.progress_text(progress, started=0.0)

    assert text.endswith("] 12/200 files done: 3 FAILED, 150 PROCESSING, 9 SUCCEEDED, 38 WAITING")


def test_ctrl_c_while_files_run_ends_with_one_line_and_leaves_no_temporary_files(
    tmp_path: Path,
) -> None:
    inputs, temp = tmp_path / "in", tmp_path / "tmp"
    shutil.copytree(REPO / "samples", inputs)
    temp.mkdir()
    command = [sys.executable, "-m", "tools.local", "--input", str(inputs), "--out", str(tmp_path / "out"), "--timeout", "600"]  # fmt: skip
    run = subprocess.Popen(
        command, cwd=REPO, env={**os.environ, "TMPDIR": str(temp)}, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert run.stdout is not None
    seen = []
    for line in run.stdout:  # until the files are uploaded and the pipeline runs them
        seen.append(line)
        if "waiting up to" in line:
            break
    assert seen and "waiting up to" in seen[-1], "".join(seen)

    os.killpg(run.pid, signal.SIGINT)  # as Ctrl-C: the whole process group
    out, err = run.communicate(timeout=120)

    assert run.returncode == local.INTERRUPTED, out + err
    assert [line for line in err.splitlines() if line] == [err.strip()]
    assert err.strip().startswith("local: interrupted after")
    assert "Traceback" not in out + err and "docker" not in (out + err).lower()
    assert list(temp.iterdir()) == []


class _Emulator:
    """Records how the run ends the emulator."""

    calls: ClassVar[list[str]] = []

    def __init__(self) -> None:
        self.runtimes = self

    def start(self) -> _Emulator:
        return self

    def stop(self) -> None:
        self.calls.append("stop")

    def abort(self) -> None:
        self.calls.append("abort")


@pytest.mark.parametrize(("error", "ending"), [(KeyboardInterrupt, ["abort"]), (RuntimeError, ["stop"])])  # fmt: skip
def test_an_interrupted_run_aborts_the_functions_instead_of_an_orderly_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: type[BaseException], ending: list[str]
) -> None:
    # An orderly stop removes the bridges while executions still run: their threads then
    # meet an unbridged moto (docker errors) and keep the process alive for minutes.
    def interrupted(*args: object) -> int:
        raise error

    (tmp_path / "a.csv").write_text("x")
    monkeypatch.setattr(local, "Emulator", _Emulator)
    monkeypatch.setattr(local, "_run_on", interrupted)
    _Emulator.calls = []

    with pytest.raises(error):
        local.run(tmp_path, tmp_path / "out")

    assert _Emulator.calls == ending
