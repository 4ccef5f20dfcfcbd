"""How much of the mathematics people write derive reads and checks: every chapter of UDL
(``../shared/reference/UDL_Equations.tex``, chapters 2-19) and every section of Dive into
Deep Learning (``../shared/corpus/d2l/``), each corpus on its own.

Prints, per corpus: displays found and read (and the share), steps, and their verdicts
(VERIFIED, REFUTED, UNPROVEN, and candidate links between displays left "not linked"), the
top reasons displays were left unread, and the time spent reading (median of 3, per
display) and checking. ``--refuted`` lists every REFUTED step with its source line and
what was read; ``--sample N`` draws N read steps at random (``--seed``) and prints each
step's source line beside the LaTeX derive renders back, for comparing by eye.

Run from the repository: python bench/bench_reach.py [--no-check] [--search-budget N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this repository's derive

import derive.numeric  # noqa: E402, F401  (before any time-limited search: see check_all)
from derive.checker import check_entry  # noqa: E402
from derive.derivation import Step  # noqa: E402
from derive.kernel import Status  # noqa: E402
from derive.latex import load_document, read_document  # noqa: E402
from derive.rules.search import SEARCH_BUDGET  # noqa: E402

_CANDIDATES = (Path(__file__).resolve().parents[1] / ".." / "shared", Path("/work/shared"))
SHARED = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])
BOOK = SHARED / "reference" / "UDL_Equations.tex"
D2L = SHARED / "corpus" / "d2l"


def corpora() -> dict[str, list[tuple[Path, int | None]]]:
    found = {}
    if BOOK.exists():
        found["UDL chapters 2-19"] = [(BOOK, chapter) for chapter in range(2, 20)]
    if D2L.is_dir():
        found["d2l"] = [(path, None) for path in sorted(D2L.rglob("*.md"))]
    return found


def read_corpus(files, search_budget: int):
    documents, seconds = [], 0.0
    for path, chapter in files:
        start = time.perf_counter()
        documents.append(load_document(path, chapter, search_budget=search_budget))
        seconds += time.perf_counter() - start
    return documents, seconds


def reading_seconds(files) -> float:
    """The time to read the corpus (no chains built, no rule searched for), in CPU time:
    the machine is shared, and reading does no waiting."""
    start = time.process_time()
    for path, chapter in files:
        read_document(path, chapter)
    return time.process_time() - start


def check_all(documents, instances: int):
    """Every step's result, and the steps whose check raised (a bug to report, not a
    verdict). NumPy is imported first: imported inside the search's time limit, an alarm
    can leave it half-initialised."""
    results, crashed = [], []
    for document in documents:
        for derivation in document.derivations:
            for entry in derivation.entries:
                if not isinstance(entry, Step):
                    continue
                try:
                    results.append(check_entry(derivation, entry, instances=instances))
                except Exception as e:  # noqa: BLE001
                    crashed.append((entry, f"{type(e).__name__}: {e}"))
    return results, crashed


def source_line(step: Step) -> str:
    location = step.location
    lines = Path(location.file).read_text(encoding="utf-8").splitlines()
    return lines[location.line - 1].strip() if 0 < location.line <= len(lines) else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-check", action="store_true", help="read only, check nothing")
    parser.add_argument("--search-budget", type=int, default=SEARCH_BUDGET,
                        help=f"the rule search's budget per unannotated step, in attempts "
                             f"(default {SEARCH_BUDGET})")
    parser.add_argument("--instances", type=int, default=200,
                        help="random instances per step (default 200)")
    parser.add_argument("--refuted", action="store_true", help="list every REFUTED step")
    parser.add_argument("--sample", type=int, default=0, metavar="N",
                        help="print N read steps drawn at random beside their source")
    parser.add_argument("--seed", type=int, default=13, help="the sample's seed")
    parser.add_argument("--top", type=int, default=12, help="unread reasons shown")
    args = parser.parse_args()

    found = corpora()
    if not found:
        print(f"{SHARED}: absent, nothing to measure")
        return 0
    for name, files in found.items():
        documents, load_seconds = read_corpus(files, args.search_budget)
        reading = [reading_seconds(files) for _ in range(3)]
        reports = [d.report for d in documents]
        displays = sum(r.displays for r in reports)
        read = sum(r.read for r in reports)
        reasons = Counter(e.code for r in reports for e in r.unread)
        equations = displays or 1
        print(f"{name}: {len(files)} files")
        print(f"  displays: {displays}, read: {read} ({read / max(displays, 1):.0%}), "
              f"unread: {displays - read}")
        print(f"  steps: {sum(r.steps for r in reports)}, chains: "
              f"{sum(r.chains for r in reports)}, definitions: "
              f"{sum(r.definitions for r in reports)}")
        print(f"  reading, median of 3: {statistics.median(reading):.2f}s CPU "
              f"({1000 * statistics.median(reading) / equations:.2f} ms a display); "
              f"reading and the rule search: {load_seconds:.1f}s")
        print("  top unread reasons: " + ", ".join(
            f"{code} {n}" for code, n in reasons.most_common(args.top)))
        if args.sample:
            steps = [e for d in documents for derivation in d.derivations
                     for e in derivation.entries if isinstance(e, Step) and not e.candidate]
            for step in random.Random(args.seed).sample(steps, min(args.sample, len(steps))):
                print(f"    {step.location}: {source_line(step)}")
                print(f"      read: {sp.latex(step.before, order='none')} = "
                      f"{sp.latex(step.after, order='none')}")
        if args.no_check:
            continue
        start = time.perf_counter()
        results, crashed = check_all(documents, args.instances)
        verdicts = Counter("not linked" if r.not_linked else r.verdict.status.value
                           for r in results)
        print(f"  verdicts: VERIFIED {verdicts[Status.VERIFIED.value]}, REFUTED "
              f"{verdicts[Status.REFUTED.value]}, UNPROVEN {verdicts[Status.UNPROVEN.value]}, "
              f"not linked {verdicts['not linked']}, check raised {len(crashed)}; checking "
              f"{time.perf_counter() - start:.1f}s")
        for entry, error in crashed:
            print(f"    check raised {entry.location}: {error[:200]}")
        if args.refuted:
            for r in results:
                if r.verdict.status is Status.REFUTED:
                    print(f"    REFUTED {r.entry.location}: {source_line(r.entry)}")
                    print(f"      read: {sp.sstr(r.entry.before, order='none')}  =  "
                          f"{sp.sstr(r.entry.after, order='none')}")
                    print(f"      {str(r.verdict.symbolic.detail)[:300]}")
                    print(f"      {str(r.verdict.numeric.detail)[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
