"""Cold `derive check UDL_Equations.tex --chapter 5 --no-cache` of this tree, beside a
baseline tree and `python -c "import sympy"`, in one run: wall and CPU seconds (medians of
fresh processes), the load average, and, in this tree, where the CPU goes (reading and
searching, the symbolic checks, the numeric checks).

    git worktree add /tmp/derive-before <commit>    # the tree to compare with
    python bench/bench_chapter5.py /tmp/derive-before [--runs 3] [--chapter 5]

The machine is shared: the runs alternate between the trees, CPU seconds (user + system of
the child) are printed beside wall seconds, and the load average before and after says how
busy the machine was.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = next((p for p in (ROOT / ".." / "shared" / "reference" / "UDL_Equations.tex",
                         Path("/work/shared/reference/UDL_Equations.tex")) if p.exists()), None)

BREAKDOWN = """
import sys, time
sys.path.insert(0, {root!r})
t0 = time.process_time()
from derive.latex import load_document
from derive.checker import check_symbolic, check_numeric
import derive.numeric, derive.cli
t1 = time.process_time()
document = load_document({book!r}, {chapter})
t2 = time.process_time()
symbolic = numeric = 0.0
for d in document.derivations:
    for e in d.entries:
        a = time.process_time(); s, _ = check_symbolic(e); b = time.process_time()
        check_numeric(d, e, s); c = time.process_time()
        symbolic += b - a; numeric += c - b
print(f"{{t1 - t0:.2f}} {{t2 - t1:.2f}} {{symbolic:.2f}} {{numeric:.2f}}")
"""


def _run(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds of a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1, 3):
        raise SystemExit(f"{' '.join(command)} in {cwd} failed ({done.returncode}):\n"
                         f"{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("baseline", type=Path, nargs="?", help="the root of a tree to compare with")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chapter", type=int, default=5)
    args = parser.parse_args()
    if BOOK is None:
        print("../shared/reference/UDL_Equations.tex is absent: nothing to measure")
        return 0
    check = [sys.executable, "-m", "derive", "check", str(BOOK), "--chapter", str(args.chapter),
             "--no-cache", "--progress", "never"]
    trees = {"this tree": ROOT}
    if args.baseline is not None:
        trees["baseline"] = args.baseline.resolve()
    print(f"load average before: {os.getloadavg()[0]:.2f} (1 min)")
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in [*trees, "import sympy"]}
    for _ in range(args.runs):
        for name, tree in trees.items():
            timings[name].append(_run(check, tree))
        timings["import sympy"].append(_run([sys.executable, "-c", "import sympy"], ROOT))
    print(f"cold `derive check UDL_Equations.tex --chapter {args.chapter} --no-cache`, medians "
          f"of {args.runs} fresh processes:")
    for name, runs in timings.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"  {name:12s} wall {wall:6.2f} s   cpu {cpu:6.2f} s")
    parts = subprocess.run([sys.executable, "-c", BREAKDOWN.format(
        root=str(ROOT), book=str(BOOK), chapter=args.chapter)], capture_output=True, text=True,
        cwd=ROOT, check=True).stdout.split()
    names = ("importing", "reading and searching", "symbolic checks", "numeric checks")
    print("this tree, CPU seconds in one process: " + ", ".join(
        f"{n} {p}" for n, p in zip(names, parts, strict=True)))
    print(f"load average after: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
