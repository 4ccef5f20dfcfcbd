"""Stress: the numeric checker never refutes correct mathematics, and still refutes the wrong.

Run by hand: `python bench/bench_numeric_stress.py [--seeds 200] [--identities 1000] [-j 2]`
(-j: processes for the verified steps' seeds). It counts, and prints with the time taken:
- every VERIFIED step of proofs/ checked at --seeds seeds: how many are REFUTED (must be 0);
- --identities true identities with known closed forms, drawn from families with wide and
  extreme parameters (scales 1e-3..1e3): Gaussian, Laplace, exponential and Beta densities
  and their moments, polynomial x exponential integrands on finite and infinite intervals,
  sums with random bounds: how many are REFUTED (must be 0);
- every wrong twin of proofs/: how many are still REFUTED with a counterexample (all).
``tests/test_numeric_stress.py`` runs the same at a smaller size under ``-m slow``.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import sympy as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive import Numeric, Status, check_derivation, numeric  # noqa: E402
from derive.kernel import Relation  # noqa: E402
from derive.loader import load_file  # noqa: E402

y = sp.Symbol("y", real=True)
k = sp.Symbol("k", integer=True)


def _scale(rng) -> sp.Expr:
    return sp.Float(10.0 ** rng.uniform(-3, 3), 17)


def _location(rng, scale) -> sp.Expr:
    return sp.Float(rng.uniform(-3, 3) * float(scale), 17)


def identity(rng) -> tuple[str, sp.Expr, sp.Expr]:
    """A true identity with a known closed form, its family's name first."""
    family = rng.integers(0, 7)
    s = _scale(rng)
    m = _location(rng, s)
    if family == 0:  # a Gaussian density and its first two moments
        power = int(rng.integers(0, 3))
        pdf = sp.exp(-(y - m) ** 2 / (2 * s**2)) / (sp.sqrt(2 * sp.pi) * s)
        return "gaussian", sp.Integral(y**power * pdf, (y, -sp.oo, sp.oo)), [1, m, m**2 + s**2][power]
    if family == 1:  # a Laplace density: mass, mean, mean absolute deviation
        which = int(rng.integers(0, 3))
        pdf = sp.exp(-sp.Abs(y - m) / s) / (2 * s)
        f = [1, y, sp.Abs(y - m)][which]
        return "laplace", sp.Integral(f * pdf, (y, -sp.oo, sp.oo)), [1, m, s][which]
    if family == 2:  # an exponential density's moments: E[y^n] = n! s^n
        n = int(rng.integers(0, 4))
        pdf = sp.exp(-y / s) / s
        return "exponential", sp.Integral(y**n * pdf, (y, 0, sp.oo)), sp.factorial(n) * s**n
    if family == 3:  # a Beta density's mass and mean; 1/B(a, b) beyond float range for large a, b
        a, b = (sp.Float(10.0 ** rng.uniform(-0.3, 3), 17) for _ in range(2))
        pdf = y ** (a - 1) * (1 - y) ** (b - 1) / sp.beta(a, b)
        which = int(rng.integers(0, 2))
        return "beta", sp.Integral(y**which * pdf, (y, 0, 1)), [1, a / (a + b)][which]
    if family == 4:  # polynomial x exponential on a finite interval
        n, c = int(rng.integers(0, 4)), sp.Float(10.0 ** rng.uniform(-2, 1), 17)
        lo, hi = sorted(sp.Float(v, 17) for v in rng.uniform(-2, 2, 2))
        antiderivative = sp.integrate(y**n * sp.exp(-c * y), y)
        closed = antiderivative.subs(y, hi) - antiderivative.subs(y, lo)
        if rng.uniform() < 0.5:
            return "poly_exp_finite", sp.Integral(y**n * sp.exp(-c * y), (y, hi, lo)), -closed
        return "poly_exp_finite", sp.Integral(y**n * sp.exp(-c * y), (y, lo, hi)), closed
    if family == 5:  # polynomial x exponential on a half line: n!/c^(n+1)
        n, c = int(rng.integers(0, 5)), sp.Float(10.0 ** rng.uniform(-2, 2), 17)
        return "poly_exp_half_line", sp.Integral(y**n * sp.exp(-c * y), (y, 0, sp.oo)), \
            sp.factorial(n) / c ** (n + 1)
    # sums with random bounds (either order: SymPy's convention) and geometric series
    lo, hi = (int(v) for v in rng.integers(-20, 21, 2))
    r = sp.Rational(int(rng.integers(1, 9)), 10)
    kind = int(rng.integers(0, 3))
    if kind == 0:
        return "sum_bounds", sp.Sum(k, (k, lo, hi)), sp.Rational((hi * (hi + 1) - (lo - 1) * lo), 2)
    if kind == 1:
        return "sum_bounds", sp.Sum(k**2, (k, lo, hi)), sp.summation(k**2, (k, lo, hi))
    return "geometric", sp.Sum(r**k, (k, lo, sp.oo)), r**lo / (1 - r)


def stress_identities(count: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    outcome = {"refuted": [], "passed": 0, "not applicable": []}
    for n in range(count):
        name, left, right = identity(rng)
        right = sp.sympify(right)
        v = numeric.check_step(left, right, Relation.EQUAL, None, n, 50, ["stress", str(n)])
        if v.status is Numeric.COUNTEREXAMPLE:
            outcome["refuted"].append((name, str(left), str(right), v.detail))
        elif v.status is Numeric.PASSED:
            outcome["passed"] += 1
        else:
            outcome["not applicable"].append((name, v.detail))
    return outcome


def proof_steps(expect: str):
    for path in sorted((ROOT / "proofs").glob("*.py")):
        for d in load_file(path):
            for e in d.entries:
                if (e.expect == "refuted") == (expect == "refuted"):
                    yield d, e


def _verified_at(seeds: range, instances: int) -> dict:
    refuted, checked = [], 0
    for d, e in proof_steps("verified"):
        for seed in seeds:
            (r,) = check_derivation(d, seed=seed, instances=instances, only=[e.label])
            checked += 1
            if r.verdict.status is Status.REFUTED:
                refuted.append((d.name, e.label, seed, r.verdict.numeric.detail))
    return {"checked": checked, "refuted": refuted}


def stress_verified(seeds: int, instances: int = 1000, jobs: int = 1) -> dict:
    """Every VERIFIED step of proofs/ at seeds 0 .. seeds-1, in ``jobs`` processes (each
    takes every jobs-th seed)."""
    if jobs <= 1:
        return _verified_at(range(seeds), instances)
    with ProcessPoolExecutor(jobs) as pool:
        parts = list(pool.map(_verified_at, [range(k, seeds, jobs) for k in range(jobs)],
                              [instances] * jobs))
    return {"checked": sum(p["checked"] for p in parts),
            "refuted": [r for p in parts for r in p["refuted"]]}


def stress_twins() -> dict:
    still, lost = 0, []
    for d, e in proof_steps("refuted"):
        (r,) = check_derivation(d, only=[e.label])
        confirmed = (r.verdict.status is Status.REFUTED
                     and r.verdict.numeric.status is Numeric.COUNTEREXAMPLE)
        if confirmed:
            still += 1
        else:
            lost.append((d.name, e.label, r.verdict.status.value))
    return {"refuted": still, "lost": lost}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--identities", type=int, default=1000)
    parser.add_argument("--instances", type=int, default=1000)
    parser.add_argument("-j", "--jobs", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    ids = stress_identities(args.identities)
    print(f"identities: {args.identities} true identities, {len(ids['refuted'])} REFUTED, "
          f"{ids['passed']} passed, {len(ids['not applicable'])} not applicable "
          f"({time.perf_counter() - start:.1f} s)")
    for r in ids["refuted"][:10]:
        print("  REFUTED", r)
    for r in ids["not applicable"][:5]:
        print("  not applicable", r)
    start = time.perf_counter()
    twins = stress_twins()
    print(f"wrong twins: {twins['refuted']} still REFUTED with a counterexample, "
          f"{len(twins['lost'])} not ({time.perf_counter() - start:.1f} s) {twins['lost']}")
    start = time.perf_counter()
    verified = stress_verified(args.seeds, args.instances, args.jobs)
    print(f"verified steps of proofs/: {verified['checked']} checks ({args.seeds} seeds, "
          f"{args.jobs} processes), {len(verified['refuted'])} REFUTED "
          f"({time.perf_counter() - start:.1f} s)")
    for r in verified["refuted"][:10]:
        print("  REFUTED", r)


if __name__ == "__main__":
    main()
