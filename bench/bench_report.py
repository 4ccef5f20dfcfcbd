"""Time writing reports against checking the same derivations, in one run.

For every proof under proofs/: check it (the baseline), write its .tex and .md (English and
Korean), and compile its PDF. Prints the median of each over the repeats, and the ratio of
writing .tex + .md to checking (the aim: under 10%).

    python bench/bench_report.py [--repeats 5] [--no-pdf]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from derive.checker import check_derivation
from derive.loader import load_paths
from derive.report import render, write_report
from derive.report.pdf import engine_missing

ROOT = Path(__file__).resolve().parent.parent


def _median_seconds(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-pdf", action="store_true", help="skip compiling PDFs")
    args = parser.parse_args()

    derivations = [(path, d) for path, ds in load_paths([ROOT / "proofs"]) for d in ds]
    items = [(path, d, check_derivation(d)) for path, d in derivations]  # warm caches
    check = _median_seconds(lambda: [check_derivation(d) for _, d in derivations], args.repeats)
    rows = [("check (baseline)", check)]
    for fmt in ("tex", "md"):
        for lang in ("en", "ko"):
            rows.append((f"write .{fmt} ({lang})", _median_seconds(
                lambda fmt=fmt, lang=lang: render(items, fmt, lang), args.repeats)))
    if not args.no_pdf:
        with tempfile.TemporaryDirectory() as folder:
            for lang, engine in (("en", "-pdf"), ("ko", "-lualatex")):
                if engine_missing(engine):
                    print(f"pdf ({lang}): skipped, {engine_missing(engine)}")
                    continue
                out = Path(folder) / f"report.{lang}.pdf"
                rows.append((f"compile .pdf ({lang})", _median_seconds(
                    lambda out=out, lang=lang: write_report(items, out, lang),
                    max(1, args.repeats // 2))))

    steps = sum(len(rs) for _, _, rs in items)
    print(f"{len(derivations)} derivations, {steps} steps; medians of {args.repeats} runs")
    for name, seconds in rows:
        print(f"  {name:<22} {seconds * 1000:9.1f} ms   {seconds / check:7.1%} of checking")
    writing = sum(s for name, s in rows if name.startswith("write") and "(en)" in name)
    verdict = "met" if writing < 0.1 * check else "NOT met"
    print(f"writing .tex + .md (en) is {writing / check:.1%} of checking: aim under 10% {verdict}")


if __name__ == "__main__":
    main()
