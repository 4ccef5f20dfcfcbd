"""Benchmark: `derive check` on the UDL 5.27-5.31 chain against baselines doing the same work.

Run by hand: `python bench/bench_check.py [--repeats 5] [--baseline-points 3]
[--evalf-cap 20] [--against /tmp/numeric-base]`. Everything is measured in the same run:
- the wall time of `derive check proofs/udl_5_27_to_5_31.py --no-cache` as a fresh process,
  beside `python -c "import sympy"` (the floor under any fresh process), alternating;
- per step, derive's symbolic and numeric seconds, and two baselines that do the numeric
  check's work on the step made concrete (abstract densities: Gaussian mixtures; Pr(y|theta):
  a Gaussian whose mean and scale are theta; I: an integer; data: numbers; a delta: a
  Gaussian of width 0.05, one of derive's nascent deltas), so they compute real numbers:
  SymPy's `subs` + `evalf`, and `lambdify` (NumPy, integrals by SciPy's quad, 0 log 0 = 0).
  Each is timed on --baseline-points points (subs + evalf stops after --evalf-cap seconds a
  step) and scaled to derive's instance count, twice for order checks (two parameter
  settings per instance), with how many points gave finite numbers;
- 5.30c, the Gaussian NLL order check, against hand-written NumPy at 1000 parameter pairs,
  alternating, medians;
- with --against OLD_TREE (`git worktree add /tmp/numeric-base c3083a2` is the tree before
  the numeric rewrite): the numeric seconds of `derive check OLD_TREE/proofs --no-cache`
  (the steps both trees have; every step's numeric check, summed) by this tree and by
  OLD_TREE, each a fresh process run from its own root, alternating, medians of --repeats
  runs, and their ratio; then this tree on its own proofs/, for scale.
Ratios are against baselines of the same run: shared machines are noisy, so compare ratios,
not seconds, across runs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.integrate
import sympy as sp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive import check_derivation, guard  # noqa: E402
from derive.loader import load_file  # noqa: E402
from derive.notation import (  # noqa: E402
    KL,
    AppliedConditionalDensity,
    AppliedDensity,
    AppliedModel,
    OptimisationSet,
)

PROOF = ROOT / "proofs" / "udl_5_27_to_5_31.py"
PAIRS = 1000  # parameter pairs of the 5.30c comparison
NASCENT_WIDTH = sp.Rational(1, 20)  # a delta, for the baselines: the narrowest nascent one


def wall_of_fresh_process(repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "derive", "check", str(PROOF), "--no-cache"],
                       check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return times


# -- the step made concrete, for the baselines ------------------------------------------------


def _gaussian(x, mean, scale):
    return sp.exp(-(x - mean) ** 2 / (2 * scale**2)) / (scale * sp.sqrt(2 * sp.pi))


def concrete(expr: sp.Expr, rng: np.random.Generator, chosen: dict) -> sp.Expr:
    """``expr`` with a concrete meaning for its notation, as SymPy can evaluate it: an
    abstract density a mixture of two Gaussians, Pr(y|theta) a Gaussian with mean
    theta_mean and scale theta_scale (with theta = f[x, phi]: mean phi_a + phi_b x, scale
    1), KL its definition, a delta a Gaussian of width NASCENT_WIDTH (SymPy's own numeric
    delta integrals are wrong: issue 17552), I an integer, y_i numbers. ``chosen`` keeps
    the numbers drawn, so both sides of a step get the same ones."""
    def parameters(condition):
        if isinstance(condition, AppliedModel):
            x, phi = condition.args[0], condition.args[-1]
            a, b = sp.symbols(f"{phi}_a {phi}_b", real=True)
            return a + b * x, sp.Integer(1)
        return (sp.Symbol(f"{condition}_mean", real=True),
                sp.Symbol(f"{condition}_scale", positive=True))

    def mixture(density, z):
        if density not in chosen:
            w = rng.uniform(0.2, 1.0, 2)
            w /= w.sum()
            chosen[density] = [(sp.Float(w[k]), sp.Float(rng.uniform(-3, 3)),
                                sp.Float(rng.uniform(0.5, 2))) for k in range(2)]
        return sp.Add(*[w * _gaussian(z, m, s) for w, m, s in chosen[density]])

    def rewrite(e):
        if isinstance(e, KL):
            q, p = rewrite(e.q), rewrite(e.p)
            return sp.Integral(q * sp.log(q / p), (e.variable, -sp.oo, sp.oo))
        if isinstance(e, AppliedConditionalDensity):
            return _gaussian(rewrite(e.variable), *parameters(e.condition[0]))
        if isinstance(e, AppliedDensity):
            return mixture(e.func, e.args[0])
        if isinstance(e, sp.DiracDelta):
            return _gaussian(rewrite(e.args[0]), 0, NASCENT_WIDTH)
        if not e.args:
            return e
        return e.func(*[rewrite(a) for a in e.args])

    out = rewrite(expr)
    count = chosen.setdefault("I", int(rng.integers(1, 7)))
    out = out.subs({s: count for s in out.free_symbols if s.name == "I"})
    out = out.replace(lambda e: isinstance(e, sp.Sum), lambda e: e.doit())
    return out.replace(lambda e: isinstance(e, sp.Indexed),
                       lambda e: chosen.setdefault(e, sp.Float(round(rng.uniform(-3, 3), 3))))


def _objectives(step):
    before, after = step.before, step.after
    if isinstance(before, OptimisationSet) and isinstance(after, OptimisationSet):
        return before.objective, after.objective
    return before, after


def _point(free, rng) -> dict:
    return {s: sp.Float(rng.uniform(0.5, 2.0)) for s in free}


def subs_evalf(sides, points: int, cap: float, rng) -> tuple[float, int, int, bool]:
    """(seconds per point, points tried, points where both sides are finite numbers,
    whether a point was cut off at the cap: then the seconds are a lower bound)."""
    free = sorted(set().union(*(s.free_symbols for s in sides)), key=str)
    spent, tried, finite, cut = 0.0, 0, 0, False
    for _ in range(points):
        values = _point(free, rng)
        start = time.perf_counter()
        try:
            with guard.time_limit(max(cap - spent, 1.0)):
                numbers = [complex(s.subs(values).evalf(15)) for s in sides]
            finite += all(math.isfinite(abs(v)) and v.imag == 0 for v in numbers)
        except guard.CheckTimeout:
            spent += time.perf_counter() - start
            tried, cut = tried + 1, True
            break
        except (TypeError, ValueError):
            pass
        spent += time.perf_counter() - start
        tried += 1
        if spent >= cap:
            break
    return spent / max(tried, 1), tried, finite, cut


def _quad(f, low, high):
    """SciPy's quad as lambdify calls it, with what a person writing it by hand would add:
    0 log 0 = 0 where a density underflows (NaN otherwise), and room for narrow peaks."""
    def integrand(t):
        v = f(t)
        return v if math.isfinite(v) else 0.0
    return scipy.integrate.quad(integrand, low, high, limit=200)


def lambdified(sides, points: int, rng) -> tuple[float, int, int]:
    """(seconds per point, points, points where both sides are finite), compiled once;
    integrals by SciPy's quad (``_quad``)."""
    free = sorted(set().union(*(s.free_symbols for s in sides)), key=str)
    functions = [sp.lambdify(free, s, modules=[{"quad": _quad}, "scipy", "numpy"])
                 for s in sides]
    spent, finite = 0.0, 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(points):
            values = [float(v) for v in _point(free, rng).values()]
            start = time.perf_counter()
            with np.errstate(all="ignore"):
                numbers = [f(*values) for f in functions]
            spent += time.perf_counter() - start
            finite += all(np.isfinite(v) for v in numbers)
    return spent / points, points, finite


def per_step(args) -> None:
    derivations = load_file(PROOF)
    runs: dict[str, list] = {}
    for _ in range(args.repeats):
        for d in derivations:
            for r in check_derivation(d):
                runs.setdefault(r.label, []).append(r.verdict)
    steps = {e.label: e for d in derivations for e in d.entries if hasattr(e, "before")}
    rng = np.random.default_rng(0)
    print(f"\n{'step':<6} {'symbolic s':>10} {'numeric s':>9} | {'subs+evalf s':>12} "
          f"{'ratio':>9} | {'lambdify s':>10} {'ratio':>7} |  finite points (evalf, lambdify)")
    for label, verdicts in runs.items():
        symbolic = statistics.median(v.symbolic.seconds for v in verdicts)
        numeric = statistics.median(v.numeric.seconds for v in verdicts)
        step = steps.get(label)
        if step is None or verdicts[0].numeric.instances == 0:
            print(f"{label:<6} {symbolic:>10.3f} {numeric:>9.3f} | (no numeric check: "
                  f"{verdicts[0].numeric.detail[:60]})")
            continue
        chosen: dict = {}
        sides = [concrete(s, rng, chosen) for s in _objectives(step)]
        per_instance = 2 if "order" in verdicts[0].numeric.detail else 1
        instances = verdicts[0].numeric.instances * per_instance
        evalf_point, tried, evalf_finite, cut = subs_evalf(sides, args.baseline_points,
                                                           args.evalf_cap, rng)
        lambdify_point, points, lambdify_finite = lambdified(sides, args.baseline_points, rng)
        evalf_seconds, lambdify_seconds = evalf_point * instances, lambdify_point * instances
        at_least = ">" if cut else " "
        print(f"{label:<6} {symbolic:>10.3f} {numeric:>9.3f} | {at_least}{evalf_seconds:>11.4g} "
              f"{at_least}{evalf_seconds / numeric:>7.0f}x | {lambdify_seconds:>10.3g} "
              f"{lambdify_seconds / numeric:>6.1f}x |  {evalf_finite}/{tried}, "
              f"{lambdify_finite}/{points}")
    print("baselines: seconds per point scaled to derive's instances (x2 for order checks); "
          "ratio = baseline / derive numeric; '>': a point cut off at --evalf-cap")


# -- 5.30c by hand ----------------------------------------------------------------------------


def hand_written_5_30c(n: int = PAIRS, seed: int = 0) -> None:
    """The 5.30c order check by hand in NumPy, as derive does it: random I <= 6, data and
    (mu, sigma) for settings a and b; both objectives as written, F = -(1/I) sum log
    N(y_i; mu, sigma) and G = -sum log N(y_i; mu, sigma), at both settings; the signs of
    F(a) - F(b) and G(a) - G(b) must agree, a difference within 1e-7 relative being a tie."""
    rng = np.random.default_rng(seed)
    count = rng.integers(1, 7, n).astype(float)
    y = np.round(rng.uniform(-3, 3, (n, 6)), 3)
    counted = np.arange(1, 7)[None, :] <= count[:, None]

    def log_likelihood(mu, sigma):
        z = (y - mu[:, None]) / sigma[:, None]
        terms = -0.5 * z * z - np.log(sigma)[:, None] - 0.5 * math.log(2 * math.pi)
        return np.where(counted, terms, 0.0).sum(axis=1)

    def order(u, v):
        d = u - v
        return np.where(np.abs(d) <= 1e-7 * np.maximum(np.abs(u), np.abs(v)), 0.0, np.sign(d))

    a = (rng.uniform(-2, 2, n), rng.uniform(0.5, 2, n))
    b = (rng.uniform(-2, 2, n), rng.uniform(0.5, 2, n))
    f_a, f_b = -log_likelihood(*a) / count, -log_likelihood(*b) / count
    g_a, g_b = -log_likelihood(*a), -log_likelihood(*b)
    assert np.all(order(f_a, f_b) == order(g_a, g_b))


def hand_written_5_30c_families(n: int = PAIRS, seed: int = 0) -> None:
    """``hand_written_5_30c`` with derive's three families of Pr(y|theta), a third of the
    pairs each (as derive's chunk has them): a Gaussian with learned mean and scale, one of
    scale 1, and a logistic with learned location and scale."""
    rng = np.random.default_rng(seed)
    count = rng.integers(1, 7, n).astype(float)
    y = np.round(rng.uniform(-3, 3, (n, 6)), 3)
    counted = np.arange(1, 7)[None, :] <= count[:, None]
    blocks = [slice(k * n // 3, (k + 1) * n // 3) for k in range(3)]

    def gaussian(y, mu, sigma):
        z = (y - mu[:, None]) / sigma[:, None]
        return -0.5 * z * z - np.log(sigma)[:, None] - 0.5 * math.log(2 * math.pi)

    def logistic(y, mu, s):
        z = (y - mu[:, None]) / s[:, None]
        softplus = np.maximum(-z, 0.0) + np.log1p(np.exp(-np.abs(z)))
        return -z - 2 * softplus - np.log(s)[:, None]

    def draw():
        mu = rng.uniform(-2, 2, n)
        return mu, rng.uniform(0.5, 2, n), rng.uniform(0.3, 0.6, n)

    def log_likelihood(mu, sigma, s):
        terms = np.empty_like(y)
        g, unit, lg = blocks
        terms[g] = gaussian(y[g], mu[g], sigma[g])
        terms[unit] = gaussian(y[unit], mu[unit], np.ones(len(mu[unit])))
        terms[lg] = logistic(y[lg], mu[lg], s[lg])
        return np.where(counted, terms, 0.0).sum(axis=1)

    def order(u, v):
        d = u - v
        return np.where(np.abs(d) <= 1e-7 * np.maximum(np.abs(u), np.abs(v)), 0.0, np.sign(d))

    a, b = draw(), draw()
    f_a, f_b = -log_likelihood(*a) / count, -log_likelihood(*b) / count
    g_a, g_b = -log_likelihood(*a), -log_likelihood(*b)
    assert np.all(order(f_a, f_b) == order(g_a, g_b))


def against_hand_written(repeats: int) -> None:
    """derive's 5.30c numeric check and the two hand-written ones, alternating."""
    derivations = {d.name: d for d in load_file(PROOF)}
    derive_times, hand_times, families_times = [], [], []
    for _ in range(repeats):
        (r,) = check_derivation(derivations["kl_to_nll"], only=["5.30c"])
        derive_times.append(r.verdict.numeric.seconds)
        start = time.perf_counter()
        hand_written_5_30c()
        hand_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        hand_written_5_30c_families()
        families_times.append(time.perf_counter() - start)
    d, h, hf = (statistics.median(t) for t in (derive_times, hand_times, families_times))
    print(f"\n5.30c order check at {PAIRS} pairs ({r.verdict.numeric.instances} instances), "
          f"medians of {repeats}, alternating: derive numeric {d * 1e3:.2f} ms; hand-written "
          f"NumPy, Gaussian {h * 1e3:.2f} ms: {d / h:.1f}x; hand-written NumPy, derive's three "
          f"families {hf * 1e3:.2f} ms: {d / hf:.1f}x")


# -- numeric time of the whole proof library, against another tree ----------------------------

NUMERIC_TIME = """
import json, sys, time
from derive.loader import find_proof_files, load_file
from derive import check_derivation
start = time.perf_counter()
numeric, steps = 0.0, 0
for path in find_proof_files([sys.argv[1]]):
    for d in load_file(path):
        for r in check_derivation(d):
            numeric += r.verdict.numeric.seconds
            steps += 1
print(json.dumps({"numeric": numeric, "steps": steps, "wall": time.perf_counter() - start}))
"""


STEP_5_30C = """
import json, statistics
from derive.loader import load_file
from derive import check_derivation
d = {d.name: d for d in load_file("proofs/udl_5_27_to_5_31.py")}["kl_to_nll"]
times = [check_derivation(d, only=["5.30c"])[0].verdict.numeric.seconds for _ in range(REPEATS)]
print(json.dumps({"5.30c": statistics.median(times)}))
"""


def step_5_30c_of(tree: Path, repeats: int) -> float:
    """The median numeric seconds of 5.30c in ``tree``, in a fresh process from its root."""
    out = subprocess.run([sys.executable, "-c", STEP_5_30C.replace("REPEATS", str(repeats))],
                         check=True, capture_output=True, text=True, cwd=tree,
                         env={**os.environ, "PYTHONPATH": str(tree)})
    return json.loads(out.stdout.strip().splitlines()[-1])["5.30c"]


def numeric_time_of(tree: Path, proofs: Path) -> dict:
    """Every step of the proof files in ``proofs`` checked afresh by ``tree``'s derive, in a
    fresh process run from that tree's root (so it imports its own derive): summed numeric
    seconds, steps, and wall time."""
    out = subprocess.run([sys.executable, "-c", NUMERIC_TIME, str(proofs)], check=True,
                         capture_output=True, text=True, cwd=tree,
                         env={**os.environ, "PYTHONPATH": str(tree)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def cli_wall_of(tree: Path, proofs: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "derive", "check", str(proofs), "--no-cache"],
                   capture_output=True, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)})
    return time.perf_counter() - start


def against_tree(old: Path, repeats: int) -> None:
    """The old tree's proofs (the steps both trees have) checked by both trees, alternating,
    medians of ``repeats`` fresh processes; then this tree's own proofs, for scale."""
    trees = {"this tree": ROOT, str(old): old}
    common = old / "proofs"
    numeric: dict[str, list[float]] = {k: [] for k in trees}
    walls: dict[str, list[float]] = {k: [] for k in trees}
    steps = {}
    for _ in range(repeats):
        for name, tree in trees.items():
            run = numeric_time_of(tree, common)
            numeric[name].append(run["numeric"])
            steps[name] = run["steps"]
            walls[name].append(cli_wall_of(tree, common))
    print(f"\nderive check {common} --no-cache ({steps[str(old)]} steps, both trees), fresh "
          f"processes from each tree's root, alternating, medians of {repeats}:")
    for name in trees:
        print(f"  {name:<24} numeric {statistics.median(numeric[name]):6.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in numeric[name])}); "
              f"wall of the command {statistics.median(walls[name]):6.2f} s")
    new, before = (statistics.median(numeric[k]) for k in trees)
    print(f"  numeric time, this tree / {old}: {new / before:.2f}x; wall: "
          f"{statistics.median(walls['this tree']) / statistics.median(walls[str(old)]):.2f}x")
    own = numeric_time_of(ROOT, ROOT / "proofs")
    print(f"  this tree on its own proofs/ ({own['steps']} steps): numeric {own['numeric']:.2f} s, "
          f"wall {own['wall']:.2f} s (one run)")
    hand = []
    for _ in range(20):
        start = time.perf_counter()
        hand_written_5_30c()
        hand.append(time.perf_counter() - start)
    h = statistics.median(hand)
    for name, tree in trees.items():
        t = step_5_30c_of(tree, 20)
        print(f"  5.30c numeric in {name:<20} {t * 1e3:6.2f} ms, hand-written NumPy "
              f"{h * 1e3:.2f} ms: {t / h:.1f}x")


def import_sympy(repeats: int) -> list[float]:
    """Wall seconds of ``python -c "import sympy"``, fresh processes: the floor under any
    fresh ``derive`` process."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sympy"], check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline-points", type=int, default=3)
    parser.add_argument("--evalf-cap", type=float, default=20.0,
                        help="seconds of subs + evalf per step at most")
    parser.add_argument("--against", type=Path, default=None,
                        help="another checkout (the tree before the numeric rewrite)")
    parser.add_argument("--only", choices=("wall", "steps", "hand", "trees"), default=None)
    args = parser.parse_args()
    if args.only in (None, "wall"):
        walls, imports = [], []
        for _ in range(args.repeats):  # alternating, so both see the same load
            walls += wall_of_fresh_process(1)
            imports += import_sympy(1)
        w, floor = statistics.median(walls), statistics.median(imports)
        print(f"derive check {PROOF.relative_to(ROOT)} --no-cache as a fresh process: median "
              f"{w:.2f} s wall over {args.repeats} runs (min {min(walls):.2f}, max "
              f"{max(walls):.2f}); python -c \"import sympy\": median {floor:.2f} s: {w / floor:.1f}x")
    if args.only in (None, "steps"):
        per_step(args)
    if args.only in (None, "hand"):
        against_hand_written(max(20, args.repeats))
    if args.against is not None and args.only in (None, "trees"):
        against_tree(args.against.resolve(), args.repeats)


if __name__ == "__main__":
    main()
