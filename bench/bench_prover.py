"""Measure the prover's reach on real texts: of the steps the reader reads in UDL chapters
2-19 and in the d2l corpus, how many are VERIFIED, REFUTED and UNPROVEN, and the UNPROVEN
steps for which no rule was found, grouped by what they would need.

The corpora live outside the repository (../shared/reference, ../shared/corpus/d2l); absent,
they are skipped. Run from the repository root:

    python bench/bench_prover.py                  # both corpora, a summary
    python bench/bench_prover.py --steps out.txt  # and every step with its verdict
    python bench/bench_prover.py --udl 5 --no-d2l # one chapter of the book only
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import sympy as sp
from sympy.core.function import AppliedUndef

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this tree's derive, not an installed one

from derive.checker import check_entry  # noqa: E402
from derive.derivation import Step  # noqa: E402
from derive.kernel import Status  # noqa: E402
from derive.kernel.objects import Covariance, Expectation, OptimisationSet, Variance  # noqa: E402
from derive.latex import LatexError, load_document  # noqa: E402

SHARED = next((p for p in (ROOT / ".." / "shared", Path("/work/shared")) if p.exists()),
              ROOT / ".." / "shared")
UDL = SHARED / "reference" / "UDL_Equations.tex"
D2L = SHARED / "corpus" / "d2l"


def needs(before: sp.Basic, after: sp.Basic) -> str:
    """What a step nobody could justify is about, by the objects its two lines hold."""
    both = sp.Tuple(before, after)
    if both.has(sp.Derivative):
        return "derivatives"
    if any(isinstance(n, (Expectation, Variance, Covariance)) for n in sp.preorder_traversal(both)):
        return "expectations"
    if both.has(sp.Integral):
        return "integrals"
    if isinstance(before, OptimisationSet) or isinstance(after, OptimisationSet):
        return "argmin/argmax"
    if both.has(sp.Sum, sp.Product):
        return "finite sums and products"
    if both.has(sp.log, sp.exp):
        return "logs and exponentials"
    if any(isinstance(n, AppliedUndef) for n in sp.preorder_traversal(both)):
        return "unknown functions (definitions)"
    return "plain algebra"


def documents(udl_chapters: list[int], d2l: bool):
    if UDL.exists():
        for chapter in udl_chapters:
            yield "UDL", f"UDL chapter {chapter}", UDL, chapter
    if d2l and D2L.exists():
        for path in sorted(D2L.rglob("*.md")):
            yield "d2l", str(path.relative_to(D2L)), path, None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--udl", type=int, nargs="*", default=list(range(2, 20)),
                        help="UDL chapters (default 2-19)")
    parser.add_argument("--no-d2l", action="store_true", help="skip the d2l corpus")
    parser.add_argument("--instances", type=int, default=1000)
    parser.add_argument("--steps", type=Path, help="write every step and its verdict here")
    args = parser.parse_args()

    totals: dict[str, Counter] = defaultdict(Counter)
    missing: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    lines: list[str] = []
    start = time.perf_counter()
    for corpus, name, path, chapter in documents(args.udl, not args.no_d2l):
        try:
            document = load_document(path, chapter)
        except LatexError as e:
            lines.append(f"{name}: not loaded: {e}")
            continue
        for derivation in document.derivations:
            for entry in derivation.entries:
                if not isinstance(entry, Step):
                    continue
                result = check_entry(derivation, entry, instances=args.instances)
                status = result.verdict.status
                totals[corpus][status.value] += 1
                where = f"{entry.location}: {entry.label}"
                lines.append(f"{status.value:9} {where} [{entry.rule_names}] "
                             f"{entry.before}  ==  {entry.after}")
                if status is Status.UNPROVEN and entry.rule_names == "no rule found":
                    missing[corpus][needs(entry.before, entry.after)].append(
                        f"{where}: {entry.before}  ==  {entry.after}")
    seconds = time.perf_counter() - start

    for corpus, counts in totals.items():
        read = sum(counts.values())
        verified = counts[Status.VERIFIED.value]
        print(f"{corpus}: {read} steps read, {verified} VERIFIED ({100 * verified / read:.0f}%), "
              f"{counts[Status.REFUTED.value]} REFUTED, {counts[Status.UNPROVEN.value]} UNPROVEN")
        for group, steps in sorted(missing[corpus].items(), key=lambda kv: -len(kv[1])):
            print(f"  no rule found, {group}: {len(steps)}")
            for step in steps:
                print(f"    {step[:220]}")
    read = sum(sum(c.values()) for c in totals.values())
    verified = sum(c[Status.VERIFIED.value] for c in totals.values())
    if read:
        print(f"both: {read} steps read, {verified} VERIFIED ({100 * verified / read:.0f}%); "
              f"{seconds:.1f}s")
    if args.steps:
        args.steps.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
