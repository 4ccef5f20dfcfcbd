"""Measure derive.latex on the book's chapter 5 and on the seed post: displays found and
read, steps found, and verdicts, without and with justifications supplied.

"With justifications" supplies, for every step, the rules the unannotated run found (as a
`% by:` comment would): it measures what reading costs once the rules are known, and that
supplied names give the same verdicts. Run from the repository: python bench/bench_latex.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from derive.checker import check_derivation
from derive.latex import load_document

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DOCUMENTS = [(SHARED / "reference" / "UDL_Equations.tex", 5),
             (SHARED / "seed" / "000_86771fc8b7dc4c48.txt", None)]


def measure(path: Path, chapter: int | None, search_budget: int) -> tuple[dict, float]:
    start = time.perf_counter()
    document = load_document(path, chapter, search_budget=search_budget)
    read_seconds = time.perf_counter() - start
    verdicts = Counter(r.verdict.status.value for d in document.derivations
                       for r in check_derivation(d, instances=200))
    report = document.report
    return {"displays": report.displays, "read": report.read, "unread": len(report.unread),
            "chains": report.chains, "steps": report.steps, "definitions": report.definitions,
            "skipped equations": len(report.skipped),
            "rules found by search": len(report.searched), **verdicts}, read_seconds


def annotated_copy(path: Path, chapter: int | None, folder: Path) -> Path:
    """A copy with a `% by:` comment on the line of every step the search justified (lines
    holding one step only; modelling substitutions and namings have no rule name to write,
    and are found again)."""
    document = load_document(path, chapter)
    steps_on = Counter(e.location.line for d in document.derivations for e in d.steps)
    lines = path.read_text(encoding="utf-8").split("\n")
    for d in document.derivations:
        for step in d.steps:
            names = step.rule_names
            if step.rules[0].origin == "search" or names.startswith(("reparametrise", "name(")):
                continue
            if steps_on[step.location.line] == 1:
                names = names.replace("substitute(", "substitute ").replace(")", "")
                line = lines[step.location.line - 1]
                if path.suffix == ".tex":
                    lines[step.location.line - 1] = f"{line} % by: {names}"
                else:  # in Markdown a comment would swallow the closing $: write it beside
                    at = line.rindex("$")
                    lines[step.location.line - 1] = (f"{line[:at]} \\quad \\text{{by {names}}}"
                                                     f"{line[at:]}")
    copy = folder / path.name
    copy.write_text("\n".join(lines), encoding="utf-8")
    return copy


def main() -> int:
    import tempfile

    for path, chapter in DOCUMENTS:
        if not path.exists():
            print(f"{path}: absent, skipped")
            continue
        with tempfile.TemporaryDirectory() as folder:
            annotated = annotated_copy(path, chapter, Path(folder))
            for name, source in (("without justifications", path),
                                 ("with justifications", annotated)):
                figures, _ = measure(source, chapter, 10.0)
                times = [measure(source, chapter, 10.0)[1] for _ in range(3)]
                print(f"{path.name}" + (f" chapter {chapter}" if chapter else "") + f", {name}")
                for key, value in figures.items():
                    print(f"  {key}: {value}")
                print(f"  reading (and searching), median of 3: {statistics.median(times):.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
