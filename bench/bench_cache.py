"""Benchmark: ``derive check`` on the whole proof library, cold, warm (from the cache), and
cold in two processes against one.

Every run is a fresh process of this checkout's derive (``python -m derive``), as a user
runs it; each figure is the median of 5 runs (``--repeat``). A cold run gets an empty cache
folder of its own; the warm runs share one filled beforehand: replayed whole from the run
cache (``derive.warm``, before SymPy is imported), and, with the run cache emptied before
each, from the step cache alone (every file imported, every verdict read). The -j 1 and
-j 2 cold runs alternate, so that a change in the machine's load during the benchmark falls
on both. Baselines measured in the same run: ``python -c pass``,
``python -c "import sympy"`` and ``python -c "import derive"``.

Aims: warm re-check under 0.3 s wall (issue 12); -j 2 at least 1.6x faster than -j 1 cold
(issue 3).
CPU seconds (user + system, worker processes included) are printed beside the wall times:
on a machine busy with other work, wall time above CPU time is time spent waiting for a core,
and no -j can win it back.

    python bench/bench_cache.py [--repeat 5] [PATH ...]       (default PATH: proofs)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_AIM_SECONDS = 0.3
SPEEDUP_AIM = 1.6


def derive_command() -> list[str]:
    # this checkout's derive (the runs' working folder is its root), not an installed one
    return [sys.executable, "-m", "derive"]


CPU: list[float] = []  # CPU seconds (user + system) of every timed run, its workers included


def timed(argv: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return seconds, run


def check(paths: list[str], cache: Path, jobs: int, form: str = "json") -> tuple[float, dict]:
    """One run; the warm runs print the table, as a user sees them, and are then counted by
    a JSON run (a JSON document costs more to print than the table)."""
    seconds, run = timed([*derive_command(), "check", *paths, "--format", form,
                          "--cache-dir", str(cache), "-j", str(jobs)])
    if run.returncode not in (0, 1, 3):
        sys.exit(f"derive check failed ({run.returncode}):\n{run.stderr}")
    return seconds, json.loads(run.stdout) if form == "json" else {}


def steps(document: dict) -> list[dict]:
    return [s for d in document["derivations"] for s in d["steps"]]


def cached(document: dict) -> int:
    return sum(len(d["from_cache"]) for d in document["derivations"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=["proofs"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="derive-bench-"))
    try:
        python = statistics.median(
            timed([sys.executable, "-c", "pass"])[0] for _ in range(args.repeat))
        sympy = statistics.median(
            timed([sys.executable, "-c", "import sympy"])[0] for _ in range(args.repeat))
        imports = statistics.median(
            timed([sys.executable, "-c", "import derive"])[0] for _ in range(args.repeat))
        import_cpu = statistics.median(CPU[-args.repeat:])

        cold: dict[int, list[float]] = {1: [], 2: []}
        cpu: dict[int, list[float]] = {1: [], 2: []}
        for n in range(args.repeat):
            for jobs in ((1, 2) if n % 2 == 0 else (2, 1)):
                seconds, document = check(args.paths, work / f"cold-{n}-{jobs}", jobs)
                cold[jobs].append(seconds)
                cpu[jobs].append(CPU[-1])
                assert not cached(document), "a cold run read a cache"
                if jobs == 1:
                    serial_document = document

        warm_cache = work / "warm"
        check(args.paths, warm_cache, 1)
        warm, warm_cpu, stepwise = [], [], []
        for _ in range(args.repeat):
            warm.append(check(args.paths, warm_cache, 1, "text")[0])
            warm_cpu.append(CPU[-1])
        for _ in range(args.repeat):
            shutil.rmtree(warm_cache / "runs", ignore_errors=True)
            stepwise.append(check(args.paths, warm_cache, 1, "text")[0])
        _, warm_document = check(args.paths, warm_cache, 1)
        served = cached(warm_document)
        total = len(steps(warm_document))
        checking = sum(s["seconds"] for s in steps(serial_document))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    j1, j2, w = (statistics.median(cold[1]), statistics.median(cold[2]),
                 statistics.median(warm))
    print(f"proof library: {' '.join(args.paths)}: {total} steps, {checking:.2f} s of "
          f"checking (sum over steps, -j 1); {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at the end; medians of {args.repeat}")
    print(f"  python -c pass          {python:6.3f} s")
    print(f"  python -c 'import sympy' {sympy:5.3f} s")
    print(f"  python -c 'import derive' {imports:4.3f} s   ({import_cpu:.3f} CPU s)")
    print(f"  cold, -j 1              {j1:6.3f} s   ({statistics.median(cpu[1]):.3f} CPU s)")
    print(f"  cold, -j 2              {j2:6.3f} s   ({statistics.median(cpu[2]):.3f} CPU s, "
          f"all processes) speedup {j1 / j2:.2f}x "
          f"(aim >= {SPEEDUP_AIM}x: {'met' if j1 / j2 >= SPEEDUP_AIM else 'NOT met'})")
    # On a machine with a free core per process, a run's wall time would be its serial part
    # (about a warm run: start, import, load, keys) plus its parallel part shared out.
    serial = statistics.median(warm_cpu)
    j1_cpu, j2_cpu = statistics.median(cpu[1]), statistics.median(cpu[2])
    modelled = j1_cpu / (serial + (j2_cpu - serial) / 2)
    print(f"  -j 2 speedup modelled from CPU seconds, for {os.cpu_count()} free cores: "
          f"{modelled:.2f}x (serial part ~ a warm run's CPU; assumes the two workers "
          f"balance)")
    print(f"  warm (run cache)        {w:6.3f} s   ({statistics.median(warm_cpu):.3f} CPU s) "
          f"(aim < {WARM_AIM_SECONDS} s: {'met' if w < WARM_AIM_SECONDS else 'NOT met'}); "
          f"{w / python:.1f}x python -c pass, {w / sympy:.2f}x import sympy")
    s = statistics.median(stepwise)
    print(f"  warm (step cache only)  {s:6.3f} s   {served}/{total} steps from the cache; "
          f"{s / sympy:.2f}x import sympy")


if __name__ == "__main__":
    main()
