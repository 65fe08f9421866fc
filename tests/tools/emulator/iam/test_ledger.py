"""The IAM ledger: every decision in order, the summary line, denials since a mark, grants."""

from __future__ import annotations

from tools.emulator.iam import Entry, Ledger
from tools.emulator.iam.policy import Decision, Effect, Grant

GRANT = Grant("p", 2, "", "s3:GetObject", "arn:aws:s3:::b/raw/*", 0)


def _entry(allowed: bool, resource: str = "arn:aws:s3:::b/raw/k") -> Entry:
    decision = Decision(Effect.ALLOW, GRANT) if allowed else Decision(Effect.IMPLICIT_DENY)
    return Entry("fn", "arn:aws:iam::1:role/r", "arn:aws:sts::1:assumed-role/r/fn", "s3",
                 "GetObject", "s3:GetObject", resource, decision)  # fmt: skip


def test_the_summary_counts_allowed_and_denied_requests() -> None:
    ledger = Ledger()
    assert ledger.summary() == "IAM: 0 allowed, 0 denied"
    for allowed in (True, True, False):
        ledger.record(_entry(allowed))
    assert ledger.summary() == "IAM: 2 allowed, 1 denied"


def test_denials_since_a_mark_are_only_the_later_ones() -> None:
    ledger = Ledger()
    ledger.record(_entry(False, "arn:aws:s3:::b/old"))
    mark = ledger.mark()
    ledger.record(_entry(True))
    ledger.record(_entry(False, "arn:aws:s3:::b/new"))
    assert [d.resource for d in ledger.denials(since=mark)] == ["arn:aws:s3:::b/new"]
    assert len(ledger.denials()) == 2


def test_grants_are_the_statements_that_allowed_something_per_role() -> None:
    ledger = Ledger()
    ledger.record(_entry(True))
    ledger.record(_entry(True))
    ledger.record(_entry(False))
    assert ledger.grants() == {("arn:aws:iam::1:role/r", GRANT)}


def test_each_entry_reads_as_one_line() -> None:
    assert _entry(True).describe() == (
        "fn: s3 GetObject -> s3:GetObject on arn:aws:s3:::b/raw/k (allowed by p[2])"
    )
    assert _entry(False).describe().endswith("(DENIED: implicit-deny)")
