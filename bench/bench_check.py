"""Benchmark: `derive check` on the UDL 5.27-5.31 chain against a naive SymPy baseline.

Run by hand: `python bench/bench_check.py [--repeats 5] [--baseline-points 20]`. It prints
- the wall time of `derive check proofs/udl_5_27_to_5_31.py` as a fresh process (median),
- per step: symbolic and numeric seconds, and numeric instance-evaluations per second,
- the naive baseline on the same steps, measured in the same run: `simplify(lhs - rhs) == 0`
  (capped at --simplify-cap seconds a step) and `subs` + `evalf` at random points; the
  latter runs at a few points a second, so it is timed on --baseline-points points and
  scaled to the same instance count as derive's numeric check (stated in the output).
Figures are medians; ratios are against the baseline of the same run (shared machines are
noisy: compare ratios, not seconds, across runs).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import sympy as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive import check_derivation, guard  # noqa: E402
from derive.checker import DEFAULT_INSTANCES  # noqa: E402
from derive.loader import load_file  # noqa: E402
from derive.notation import OptimisationSet  # noqa: E402

PROOF = ROOT / "proofs" / "udl_5_27_to_5_31.py"


def wall_of_fresh_process(repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "derive.cli", "check", str(PROOF), "--no-cache"],
                       check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return times


def sides(entry):
    before, after = (entry.lhs, entry.rhs) if not hasattr(entry, "before") else (
        entry.before, entry.after)
    if isinstance(before, OptimisationSet) and isinstance(after, OptimisationSet):
        return before.objective, after.objective
    return before, after


def naive_simplify(lhs, rhs, cap: float) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        with guard.time_limit(cap):
            result = sp.simplify(lhs - rhs) == 0
    except guard.CheckTimeout:
        return cap, f"timeout (> {cap:g} s)"
    return time.perf_counter() - start, "proved" if result else "not shown"


def naive_subs_evalf(lhs, rhs, points: int, rng) -> tuple[float, str]:
    """subs + evalf at random points: the data arrays and functions get random numbers where
    SymPy can take them; what cannot be evaluated to a number is reported as such."""
    symbols = sorted((lhs - rhs).free_symbols, key=str)
    start = time.perf_counter()
    evaluated = 0
    for _ in range(points):
        values = {s: sp.Float(rng.uniform(0.5, 2.0)) for s in symbols
                  if isinstance(s, sp.Symbol)}
        a = lhs.subs(values).evalf(15)
        b = rhs.subs(values).evalf(15)
        evaluated += bool(a.is_number and b.is_number)
    seconds = time.perf_counter() - start
    return seconds, f"{evaluated}/{points} points evaluated to numbers"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline-points", type=int, default=20)
    parser.add_argument("--simplify-cap", type=float, default=30.0)
    args = parser.parse_args()

    walls = wall_of_fresh_process(args.repeats)
    print(f"derive check {PROOF.relative_to(ROOT)} as a fresh process: median "
          f"{statistics.median(walls):.2f} s wall over {args.repeats} runs "
          f"(min {min(walls):.2f}, max {max(walls):.2f})")

    derivations = load_file(PROOF)
    per_step: dict[str, list[tuple[float, float, int, int]]] = {}
    for _ in range(args.repeats):
        for d in derivations:
            for r in check_derivation(d):
                v = r.verdict
                per_step.setdefault(r.label, []).append(
                    (v.symbolic.seconds, v.numeric.seconds, v.numeric.instances,
                     _evaluations_per_instance(r)))
    entries = {e.label: e for d in derivations for e in d.entries}
    rng = np.random.default_rng(0)
    print(f"\n{'step':<6} {'symbolic s':>10} {'numeric s':>9} {'evals/s':>10} | "
          f"{'simplify s':>10} {'subs+evalf s':>13} {'(scaled to n)':>13} {'speed-up':>8}")
    total_derive = total_naive = 0.0
    for label, runs in per_step.items():
        sym = statistics.median(r[0] for r in runs)
        numeric_seconds = statistics.median(r[1] for r in runs)
        n, per_instance = runs[0][2], runs[0][3]
        rate = n * per_instance / numeric_seconds if n and numeric_seconds else 0.0
        lhs, rhs = sides(entries[label])
        simplify_seconds, simplify_result = naive_simplify(lhs, rhs, args.simplify_cap)
        evalf_seconds, evalf_result = naive_subs_evalf(lhs, rhs, args.baseline_points, rng)
        scaled = evalf_seconds / args.baseline_points * max(n, DEFAULT_INSTANCES)
        derive_seconds = sym + numeric_seconds
        naive_seconds = simplify_seconds + scaled
        total_derive += derive_seconds
        total_naive += naive_seconds
        print(f"{label:<6} {sym:>10.3f} {numeric_seconds:>9.3f} {rate:>10.3g} | "
              f"{simplify_seconds:>10.3f} {evalf_seconds:>13.3f} {scaled:>13.1f} "
              f"{naive_seconds / derive_seconds:>7.0f}x   "
              f"[simplify: {simplify_result}; evalf: {evalf_result}]")
    print(f"\nall steps: derive {total_derive:.2f} s (symbolic + numeric, medians), naive "
          f"baseline {total_naive:.1f} s: {total_naive / total_derive:.0f}x faster")
    print("instance-evaluations: one side of a step on one random instance (at one eps for "
          "nascent deltas, at one parameter setting for order checks)")


def _evaluations_per_instance(result) -> int:
    """How many side evaluations one instance of this step's numeric check costs."""
    detail = result.verdict.numeric.detail
    sides_per_setting = 2
    settings = 2 if "order" in detail else 1
    eps_levels = 3 if "nascent" in detail else 1
    return sides_per_setting * settings * eps_levels


def hand_written_5_30c(n: int = 1000, seed: int = 0) -> None:
    """The 5.30c order check by hand in NumPy: -sum log N(y_i; mu, sigma) against the same
    divided by I, at n parameter pairs (random I <= 6, data, mu, sigma for a and b)."""
    rng = np.random.default_rng(seed)
    I = rng.integers(1, 7, n)
    y = np.round(rng.uniform(-3, 3, (n, 6)), 3)
    mask = np.arange(1, 7)[None, :] <= I[:, None]

    def nll(mu, s):
        lp = -0.5 * ((y - mu[:, None]) / s[:, None]) ** 2 - np.log(s)[:, None] - 0.5 * np.log(2 * np.pi)
        return -np.where(mask, lp, 0).sum(axis=1)

    a = (rng.uniform(-2, 2, n), rng.uniform(0.5, 2, n))
    b = (rng.uniform(-2, 2, n), rng.uniform(0.5, 2, n))
    fa, fb = nll(*a), nll(*b)
    assert np.all(np.sign(fa / I - fb / I) == np.sign(fa - fb))


def fair_baselines(repeats: int) -> None:
    """5.30c: derive's numeric check against hand-written NumPy, in the same run."""
    derivations = {d.name: d for d in load_file(PROOF)}
    derive_times, hand_times = [], []
    for _ in range(repeats):
        (r,) = check_derivation(derivations["kl_to_nll"], only=["5.30c"])
        derive_times.append(r.verdict.numeric.seconds)
        start = time.perf_counter()
        hand_written_5_30c()
        hand_times.append(time.perf_counter() - start)
    d, h = statistics.median(derive_times), statistics.median(hand_times)
    print(f"\n5.30c order check at 1000 pairs: derive numeric {d * 1e3:.2f} ms, hand-written "
          f"NumPy {h * 1e3:.2f} ms: {d / h:.1f}x")


if __name__ == "__main__":
    main()
    fair_baselines(20)
