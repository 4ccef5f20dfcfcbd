"""Cold `derive check proofs` of this checkout against another (a baseline tree), beside
`python -c "import sympy"`, all in one run: fresh processes, medians, and the ratios.

    git worktree add /tmp/derive-before <commit>      # the tree to compare with
    python bench/bench_versions.py /tmp/derive-before [--runs 5] [--proofs PATH]

Each tree is run from its own root (`python -m derive check proofs --no-cache`, or its
`derive.cli` for trees without `python -m derive`), so each imports its own code. The machine
is shared and noisy: the runs alternate between the trees, and the baseline `import sympy`
is measured in the same run so the figures can be compared across runs. With ``--proofs``
both trees check the same folder (the baseline's own proofs, say, where this tree has more):
otherwise each checks its own ``proofs/``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _command(tree: Path, proofs: str = "proofs") -> list[str]:
    if (tree / "derive" / "__main__.py").exists():
        return [sys.executable, "-m", "derive", "check", proofs, "--no-cache",
                "--progress", "never"]
    return [sys.executable, "-c", "import sys; from derive.cli import main; "
            f"sys.exit(main(['check', {proofs!r}, '--no-cache', '--progress', 'never']))"]


def _seconds(command: list[str], cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1, 3):
        raise SystemExit(f"{' '.join(command)} in {cwd} failed ({done.returncode}):\n"
                         f"{done.stderr[-2000:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("baseline", type=Path, help="the root of the tree to compare with")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--proofs", type=Path, help="one folder of proofs both trees check")
    args = parser.parse_args()
    proofs = str(args.proofs.resolve()) if args.proofs else "proofs"
    trees = {"this tree": ROOT, "baseline": args.baseline.resolve()}
    timings: dict[str, list[float]] = {name: [] for name in [*trees, "import sympy"]}
    for _ in range(args.runs):
        for name, tree in trees.items():
            timings[name].append(_seconds(_command(tree, proofs), tree))
        timings["import sympy"].append(_seconds([sys.executable, "-c", "import sympy"], ROOT))
    medians = {name: statistics.median(values) for name, values in timings.items()}
    print(f"cold `derive check {proofs} --no-cache`, medians of {args.runs} fresh processes:")
    for name, value in medians.items():
        spread = f"(min {min(timings[name]):.2f}, max {max(timings[name]):.2f})"
        print(f"  {name:12s} {value:6.2f} s {spread}")
    sympy = medians["import sympy"]
    for name in trees:
        print(f"  {name} / import sympy: {medians[name] / sympy:.1f}x")
    print(f"  this tree / baseline: {medians['this tree'] / medians['baseline']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
