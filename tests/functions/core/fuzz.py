"""Differential fuzzer: the core against the reference on generated adversarial files.

    python -m tests.functions.core.fuzz --files 3000 --seed 1      (or: make fuzz)

Prints, per generator tag (the defect planted), how many files disagree and how, with the
smallest disagreeing file of each tag shrunk line by line. Exits 0 only when every file
agrees. Pure core, no AWS.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from tests.functions.core.adversarial import case, generate
from tests.functions.core.differential import Comparison, Observed, compare

SHRINK_BUDGET = 80  # core runs per example at most


@dataclass
class Report:
    files: int = 0
    per_tag: Counter[str] = field(default_factory=Counter)
    disagreements: dict[str, list[Comparison]] = field(default_factory=lambda: defaultdict(list))
    exceptions: Counter[str] = field(default_factory=Counter)

    def add(self, comparison: Comparison) -> None:
        self.files += 1
        self.per_tag[comparison.case.tag] += 1
        if comparison.differences:
            self.disagreements[comparison.case.tag].append(comparison)
        for name, seen in comparison.observed.items():
            if seen.exception:
                self.exceptions[f"{name}: {seen.exception.split(':')[0]}"] += 1

    @property
    def disagreeing(self) -> int:
        return sum(len(c) for c in self.disagreements.values())


def run(seed: int, files: int) -> Report:
    report = Report()
    for generated in generate(seed, files):
        report.add(compare(generated))
    return report


def shrink(comparison: Comparison) -> Comparison:
    """Drop data lines (never the first) while the file still disagrees the same way: the
    same aspects, and the same kind of verdict from the reference (bounded, greedy)."""
    best, budget, progress = comparison, SHRINK_BUDGET, True
    while progress and budget > 0:
        progress = False
        lines = best.case.data.splitlines(keepends=True)
        for i in range(len(lines) - 1, 0, -1):
            if budget <= 0:
                break
            budget -= 1
            candidate = compare(replace(best.case, data=b"".join(lines[:i] + lines[i + 1 :])))
            if _signature(candidate) == _signature(best):
                best, lines, progress = candidate, lines[:i] + lines[i + 1 :], True
    return best


def _signature(comparison: Comparison) -> tuple[object, ...]:
    v = comparison.expected
    kind = re.sub(r"\d+", "#", v.structural.message) if v.structural else None
    return comparison.aspects, v.ok, kind, bool(v.rejections)


def summary(report: Report) -> list[str]:
    out = [
        f"files: {report.files}, disagreeing: {report.disagreeing} in "
        f"{len(report.disagreements)} of {len(report.per_tag)} tags"
    ]
    out += [f"exception escaping the core: {k} x{n}" for k, n in report.exceptions.most_common()]
    families: Counter[str] = Counter()
    for tag, comparisons in report.disagreements.items():
        families[tag.split(".")[0]] += len(comparisons)
    out.append("per family: " + ", ".join(f"{f} {n}" for f, n in families.most_common()))
    for tag in sorted(report.disagreements):
        comparisons = report.disagreements[tag]
        aspects = Counter(a for c in comparisons for a in c.aspects)
        how = ", ".join(f"{a} x{n}" for a, n in aspects.most_common())
        out.append(f"  {tag}: {len(comparisons)}/{report.per_tag[tag]} ({how})")
    return out


def example(comparison: Comparison) -> list[str]:
    c, v = comparison.case, comparison.expected
    out = [
        f"--- {c.tag}  (case {c.seed}/{c.index}, ratio {c.ratio}, zone {c.zone})",
        f"  file: {c.data!r}",
        f"  reference: ok={v.ok} counts={[v.rows_total, v.rows_valid, v.rows_rejected]} "
        f"structural={v.structural.message if v.structural else None!r} "
        f"rejected lines={v.rejected_lines}",
    ]
    if v.output is not None:
        out.append(f"  reference output: {v.output!r}")
    for name, diffs in comparison.differences.items():
        out.append(f"  {name}: {_core(comparison.observed[name])}")
        out += [f"    {d}" for d in diffs]
    return out


def _core(seen: Observed) -> str:
    o = seen.outcome
    if o is None:
        return f"raised {seen.exception}"
    lines = [e.line for e in o.row_errors]
    counts = [o.rows_total, o.rows_valid, o.rows_rejected]
    return f"ok={o.ok} counts={counts} structural={o.structural_error!r} rejected lines={lines}"


def examples(report: Report, shrinking: bool) -> Iterable[str]:
    for tag in sorted(report.disagreements):
        smallest = min(report.disagreements[tag], key=lambda c: len(c.case.data))
        yield from example(shrink(smallest) if shrinking else smallest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--case", type=int, help="replay this one case of --seed, in full")
    parser.add_argument("--no-shrink", action="store_true", help="show examples as generated")
    args = parser.parse_args(argv)
    if args.case is not None:
        comparison = compare(case(args.seed, args.case))
        print("\n".join(example(comparison)) if comparison.differences else "agrees")
        return 1 if comparison.differences else 0
    report = run(args.seed, args.files)
    print("\n".join(summary(report)))
    for line in examples(report, shrinking=not args.no_shrink):
        print(line)
    return 1 if report.disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
