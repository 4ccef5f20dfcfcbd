"""The numeric checks of a step: values, order of objectives, nascent-delta limits,
counterexamples and their shrinking."""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

from derive.kernel import Claim, Numeric, NumericVerdict, Relation
from derive.notation import (
    OptimisationSet,
)
from derive.numeric.concrete import Deferred, NotEvaluable, Params
from derive.numeric.evaluate import evaluate
from derive.numeric.instances import (
    Instances,
    Roles,
    draw_parameters,
    plain_number,
    read_roles,
    sample,
)

CHUNK = 125  # instances evaluated at once: bounds memory (integral x sum x chunk arrays)
TOLERANCE = 1e-7  # relative error allowed between two sides evaluated without deltas
DELTA_TOLERANCE = 1e-4  # after Richardson extrapolation of nascent deltas to eps = 0
EPSILONS = (0.2, 0.1, 0.05)  # nascent delta widths


NOISE_FLOOR = 1e-13  # absolute differences below this are float noise, not disagreement


def relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| relative to the larger magnitude (so tiny likelihoods are compared as
    carefully as large ones); 0 below the noise floor; inf where only one side is defined,
    0 where neither is (an instance outside both sides' domain says nothing)."""
    with np.errstate(all="ignore"):
        diff = np.abs(a - b)
        err = np.where(diff <= NOISE_FLOOR, 0.0, diff / np.maximum(np.abs(a), np.abs(b)))
    fa, fb = np.isfinite(a), np.isfinite(b)
    return np.where(fa & fb, err, np.where(fa | fb, np.inf, 0.0))


def _richardson(values: list[np.ndarray]) -> np.ndarray:
    """Extrapolate values at eps, eps/2, eps/4, ... to eps = 0. A Gaussian nascent delta
    smooths g into E[g(c + eps Z)] = g(c) + eps^2 g2(c)/2 + eps^4 g4(c)/8 + ... (g2, g4 the
    derivatives): even powers only, so each level of the table removes the next one."""
    table = list(values)
    power = 2
    while len(table) > 1:
        factor = 2.0**power
        table = [(factor * fine - coarse) / (factor - 1)
                 for coarse, fine in zip(table, table[1:], strict=False)]
        power += 2
    return table[0]


@dataclass(frozen=True)
class Evaluated:
    """Both sides on a chunk; ``unconverged`` is the last nascent-delta gap where the gap did
    not shrink as eps did (0 elsewhere): such an instance cannot pass."""

    left: np.ndarray
    right: np.ndarray
    tolerance: float
    unconverged: np.ndarray | float = 0.0

    def error(self) -> np.ndarray:
        return np.maximum(relative_error(self.left, self.right), self.unconverged)


@dataclass
class Sides:
    """Evaluates the two expressions a check compares, with deltas extrapolated to eps = 0."""

    left: sp.Expr
    right: sp.Expr
    roles: Roles

    @property
    def has_delta(self) -> bool:
        return self.left.has(sp.DiracDelta) or self.right.has(sp.DiracDelta)

    def values(self, inst: Instances) -> Evaluated:
        if not self.has_delta:
            return Evaluated(evaluate(self.left, inst, self.roles, None),
                             evaluate(self.right, inst, self.roles, None), TOLERANCE)
        series = [(evaluate(self.left, inst, self.roles, eps),
                   evaluate(self.right, inst, self.roles, eps)) for eps in EPSILONS]
        first, last = relative_error(*series[0]), relative_error(*series[-1])
        return Evaluated(_richardson([a for a, _ in series]), _richardson([b for _, b in series]),
                         DELTA_TOLERANCE, np.where(last > first + DELTA_TOLERANCE, last, 0.0))


@dataclass
class Counterexample:
    row: int
    inst: Instances
    values: dict[str, float]
    detail: str
    other: Instances | None = None  # the second parameter setting of an order check


def _first_failure(err: np.ndarray, tol: float, inst: Instances) -> int | None:
    bad = np.flatnonzero(err > tol)
    if not len(bad):
        return None
    sizes = [inst.scalars[s][bad] for s in inst.scalars if s.is_integer]
    key = np.sum(sizes, axis=0) if sizes else np.zeros(len(bad))
    return int(bad[np.argmin(key)])


def check_values(sides: Sides, inst: Instances) -> tuple[float, Counterexample | None]:
    ev = sides.values(inst)
    err = ev.error()
    row = _first_failure(err, ev.tolerance, inst)
    if row is None:
        return float(np.max(err)) if len(err) else 0.0, None
    left, right = float(ev.left[row]), float(ev.right[row])
    detail = f"the two sides differ: {left:.10g} vs {right:.10g}"
    if float(np.atleast_1d(ev.unconverged)[row if np.ndim(ev.unconverged) else 0]) > 0:
        detail += " (and the nascent-delta gap does not shrink as eps -> 0)"
    return float(err[row]), Counterexample(row, inst, {"left": left, "right": right}, detail)


def _sign(d: np.ndarray, scale: np.ndarray, tol: float) -> np.ndarray:
    """The sign of a difference, 0 (a tie) within the tolerance relative to the values."""
    return np.where(np.abs(d) <= np.maximum(tol * scale, 1e-300), 0, np.sign(d))


def check_order(sides: Sides, inst_a: Instances, inst_b: Instances,
                values_too: bool) -> tuple[float, Counterexample | None]:
    """sign(F(a) - F(b)) = sign(G(a) - G(b)) for each instance's pair of parameters (a, b),
    F the objective before (left), G after (right); with ``values_too``, also F = G."""
    at_a, at_b = sides.values(inst_a), sides.values(inst_b)
    fa, ga, fb, gb = at_a.left, at_a.right, at_b.left, at_b.right
    tol = at_a.tolerance
    with np.errstate(all="ignore"):
        sf = _sign(fa - fb, np.maximum(np.abs(fa), np.abs(fb)), tol)
        sg = _sign(ga - gb, np.maximum(np.abs(ga), np.abs(gb)), tol)
        defined = np.isfinite(fa) & np.isfinite(fb) & np.isfinite(ga) & np.isfinite(gb)
    err = np.where((sf != sg) & defined, np.inf, 0.0)
    if values_too:
        err = np.maximum(err, np.maximum(at_a.error(), at_b.error()))
    row = _first_failure(err, tol, inst_a)
    if row is None:
        return float(np.max(err)) if len(err) else 0.0, None
    values = {"F(a)": float(fa[row]), "F(b)": float(fb[row]),
              "G(a)": float(ga[row]), "G(b)": float(gb[row])}
    if sf[row] != sg[row]:
        detail = (f"the order of the objectives is not kept: before, F(a) - F(b) = "
                  f"{fa[row] - fb[row]:.6g}; after, G(a) - G(b) = {ga[row] - gb[row]:.6g}")
    else:
        detail = f"the objectives differ as values: F(a) = {fa[row]:.10g}, G(a) = {ga[row]:.10g}"
    return float(err[row]), Counterexample(row, inst_a, values, detail, inst_b)


@dataclass(frozen=True)
class Plan:
    """What the numeric check of a step compares, or why there is none."""

    kind: str  # "values", "order", or "none"
    left: sp.Expr | None = None
    right: sp.Expr | None = None
    values_too: bool = False
    variables: tuple[sp.Symbol, ...] = ()
    deferred: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    reason: str = ""
    hypotheses: tuple = ()  # Q.positive(e) and the like: instances must satisfy them


def plan_for(before: sp.Expr, after: sp.Expr, relation: Relation, claim: Claim | None,
             substitution: tuple = ()) -> Plan:
    if isinstance(before, OptimisationSet) and isinstance(after, OptimisationSet):
        if substitution:
            return Plan("values", before.objective, after.objective,
                        deferred=substitution)
        if relation is Relation.DEFINE or claim is Claim.DEFINITION:
            return Plan("none", reason="a definition applied: the sides are equal by "
                        "definition, and the substitution is checked symbolically to be exact")
        if set(before.variables) != set(after.variables):
            return Plan("none", reason="the two sides optimise over different variables")
        if type(before) is not type(after):
            # argmax F = argmin G: order of F against the reverse order of G
            return Plan("order", before.objective, -after.objective,
                        variables=before.variables)
        return Plan("order", before.objective, after.objective,
                    values_too=claim is Claim.VALUES, variables=before.variables)
    if isinstance(before, OptimisationSet) or isinstance(after, OptimisationSet):
        return Plan("none", reason="one side is an argmin/argmax and the other is not")
    if relation is Relation.DEFINE and not substitution:
        return Plan("none", reason="a definition applied: equal by definition, checked "
                    "symbolically to be exact")
    return Plan("values", before, after,
                deferred=substitution)


def step_rng(seed: int, *names: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(n.encode()) for n in names)])


def check_step(before: sp.Expr, after: sp.Expr, relation: Relation, claim: Claim | None,
               seed: int, instances: int, names: Sequence[str], hypotheses: Sequence = (),
               substitution: Sequence = ()) -> NumericVerdict:
    """The numeric verdict of one step on ``instances`` random instances from ``seed``,
    each satisfying the step's ``hypotheses``."""
    start = time.perf_counter()
    plan = plan_for(before, after, relation, claim, tuple(substitution))
    if hypotheses:
        plan = replace(plan, hypotheses=tuple(hypotheses))
    if plan.kind == "none":
        return NumericVerdict(Numeric.NOT_APPLICABLE, plan.reason, seed=seed,
                              seconds=time.perf_counter() - start)
    rng = step_rng(seed, *names)
    try:
        verdict = _run(plan, rng, instances, seed)
    except NotEvaluable as e:
        verdict = NumericVerdict(Numeric.NOT_APPLICABLE, f"cannot evaluate numerically: {e}",
                                 seed=seed)
    return NumericVerdict(verdict.status, verdict.detail, verdict.instances, verdict.max_error,
                          verdict.seed, verdict.counterexample, time.perf_counter() - start)


PREDICATES = {
    "positive": lambda v: v > 0, "negative": lambda v: v < 0,
    "nonnegative": lambda v: v >= 0, "nonpositive": lambda v: v <= 0,
    "nonzero": lambda v: v != 0, "zero": lambda v: v == 0,
}
RELATIONS = {sp.StrictGreaterThan: np.greater, sp.GreaterThan: np.greater_equal,
             sp.StrictLessThan: np.less, sp.LessThan: np.less_equal}
MAX_REJECTED_CHUNKS = 50


def admissible(hypotheses: Sequence, inst: Instances, roles: Roles) -> np.ndarray:
    """Which instances satisfy every hypothesis (Q.positive(e), e > 0, ...)."""
    keep = np.ones(inst.n, dtype=bool)
    sampled = roles.scalars | set(roles.parameter_of) | set(roles.weights_of) | roles.data
    for h in hypotheses:
        if not h.free_symbols <= sampled:
            continue  # about a bound variable (for every i): not a condition on an instance
        if isinstance(h, sp.logic.boolalg.And):
            keep &= admissible(h.args, inst, roles)
        elif isinstance(h, sp.assumptions.assume.AppliedPredicate) and (
                h.function.name in PREDICATES):
            keep &= PREDICATES[h.function.name](evaluate(h.arguments[0], inst, roles, None))
        elif type(h) in RELATIONS:
            keep &= RELATIONS[type(h)](evaluate(h.lhs, inst, roles, None),
                                       evaluate(h.rhs, inst, roles, None))
        else:
            raise NotEvaluable(f"cannot sample instances under the hypothesis {h}: use "
                               f"Q.positive/negative/nonzero/... or an inequality")
    return keep


def _run(plan: Plan, rng: np.random.Generator, instances: int, seed: int) -> NumericVerdict:
    exprs = [plan.left, plan.right] + [e for _, e in plan.deferred]
    exprs += [a for h in plan.hypotheses for a in getattr(h, "args", ())
              if isinstance(a, sp.Expr)]
    roles = read_roles(exprs)
    for s, _ in plan.deferred:
        roles.scalars.discard(s)
        roles.parameter_of.pop(s, None)
    sides = Sides(plan.left, plan.right, roles)
    worst, done, chunk = 0.0, 0, 0
    while done < instances:
        n = min(CHUNK, instances - done)
        inst = sample(roles, rng, n, chunk)
        chunk += 1
        if plan.hypotheses:
            inst = inst.pick(np.flatnonzero(admissible(plan.hypotheses, inst, roles)))
            if inst.n == 0:
                if chunk > MAX_REJECTED_CHUNKS:
                    raise NotEvaluable(f"random instances almost never satisfy the "
                                       f"hypotheses {', '.join(map(str, plan.hypotheses))}")
                continue
            n = inst.n
        for s, e in plan.deferred:
            inst.deferred[s] = Deferred(e)
        if plan.kind == "values":
            err, bad = check_values(sides, inst)
        else:
            other = inst.pick(np.arange(inst.n))
            draw_parameters(roles, other, rng, only=plan.variables)
            err, bad = check_order(sides, inst, other, plan.values_too)
        if bad is not None:
            return _counterexample(plan, sides, bad, seed, done + n)
        worst = max(worst, err)
        done += n
    what = "order of objectives kept" if plan.kind == "order" else "values agree"
    if plan.values_too:
        what += ", and values agree"
    if sides.has_delta:
        what += f" (nascent deltas, eps = {', '.join(map(str, EPSILONS))} -> 0)"
    return NumericVerdict(Numeric.PASSED, what, done, worst, seed)


def _counterexample(plan: Plan, sides: Sides, bad: Counterexample, seed: int,
                    tried: int) -> NumericVerdict:
    found = shrink(plan, sides, bad)
    instance = found.inst.describe(found.row)
    if found.other is not None:  # an order check: name both settings of each variable
        other = found.other.describe(found.row)
        for v in map(str, plan.variables):
            if v in instance:
                instance[f"{v} (a)"] = instance.pop(v)
                instance[f"{v} (b)"] = other[v]
    return NumericVerdict(
        Numeric.COUNTEREXAMPLE, found.detail, tried, float("inf"), seed,
        {"instance": instance, "values": {k: plain_number(v) for k, v in found.values.items()},
         "detail": found.detail, "seed": seed})


def _round_instance(inst: Instances, digits: int) -> Instances:
    """The instance with its real numbers rounded (a positive number never to 0)."""
    out = inst.pick([0])

    def rounded(v, keep_positive):
        r = np.round(v, digits)
        return np.where(r == 0, v, r) if keep_positive else r

    for s, v in out.scalars.items():
        if not s.is_integer:
            out.scalars[s] = rounded(v, s.is_positive)
    for label in out.data:
        out.data[label] = np.round(out.data[label], digits)
    for s, p in out.params.items():
        out.params[s] = Params(tuple(rounded(v, True) for v in p.values), p.family)
    return out


def shrink(plan: Plan, sides: Sides, bad: Counterexample) -> Counterexample:
    """The failing instance, made simpler while it still fails: smaller sum bounds first,
    then rounder numbers. "Simpler" is a total order (sum bounds, then digits), and the
    search stops at a local minimum, as Hypothesis's shrinker does. The values shown are
    those of the shrunk instance, evaluated again."""
    a = bad.inst.pick([bad.row])
    b = bad.other.pick([bad.row]) if bad.other is not None else None
    current = Counterexample(0, a, bad.values, bad.detail, b)

    def attempt(a: Instances, b: Instances | None) -> Counterexample | None:
        try:
            if b is None:
                return check_values(sides, a)[1]
            return check_order(sides, a, b, plan.values_too)[1]
        except NotEvaluable:
            return None

    for s in sorted((s for s in a.scalars if s.is_integer), key=str):
        for smaller in range(1, int(current.inst.scalars[s][0])):
            trial_a = current.inst.pick([0])
            trial_a.scalars[s] = np.array([float(smaller)])
            trial_b = None
            if current.other is not None:
                trial_b = current.other.pick([0])
                trial_b.scalars[s] = trial_a.scalars[s]
            found = attempt(trial_a, trial_b)
            if found is not None:
                current = found
                break
    for digits in (0, 1, 2):
        trial_a = _round_instance(current.inst, digits)
        trial_b = None
        if current.other is not None:
            trial_b = _round_instance(current.other, digits)
            trial_b.scalars, trial_b.data = trial_a.scalars, trial_a.data
        found = attempt(trial_a, trial_b)
        if found is not None:
            return found
    return current


def check_density(function, body: sp.Lambda, seed: int, instances: int,
                  names: Sequence[str]) -> NumericVerdict:
    """A definition of a density must be one: integrating to 1 over its variable (the first
    argument; a conditional density's condition is sampled like any other symbol)."""
    start = time.perf_counter()
    variable = body.variables[0]
    integral = sp.Integral(body.expr, (variable, -sp.oo, sp.oo))
    if len(body.variables) > 1:
        # A conditional density Pr(y|mu, sigma): over y, for random values of the condition
        # (|mu| <= 3, sigma <= 3): over [-40, 40], past 12 sigma, where [-15, 15] is not.
        integral = sp.Integral(body.expr, (variable, -40, 40))
    plan = Plan("values", integral, sp.Integer(1))
    try:
        verdict = _run(plan, step_rng(seed, *names), instances, seed)
    except NotEvaluable as e:
        verdict = NumericVerdict(Numeric.NOT_APPLICABLE, f"cannot evaluate numerically: {e}",
                                 seed=seed)
    detail = ("a density: integrates to 1 on every instance" if verdict.status is Numeric.PASSED
              else verdict.detail)
    return NumericVerdict(verdict.status, detail, verdict.instances, verdict.max_error,
                          seed, verdict.counterexample, time.perf_counter() - start)


def check_mass_function(body: sp.Lambda, support: Sequence, seed: int, instances: int,
                        names: Sequence[str], hypotheses: Sequence = ()) -> NumericVerdict:
    """A definition of a probability mass function must sum to 1 over its support, for
    random values of its condition (those satisfying the definition's hypotheses)."""
    start = time.perf_counter()
    rest = body.variables[1:]
    total = sp.Add(*[body(value, *rest) for value in support])
    plan = Plan("values", total, sp.Integer(1), hypotheses=tuple(hypotheses))
    try:
        verdict = _run(plan, step_rng(seed, *names), instances, seed)
    except NotEvaluable as e:
        verdict = NumericVerdict(Numeric.NOT_APPLICABLE, f"cannot evaluate numerically: {e}",
                                 seed=seed)
    detail = (f"a mass function: sums to 1 over {{{', '.join(map(str, support))}}} on every "
              f"instance" if verdict.status is Numeric.PASSED else verdict.detail)
    return NumericVerdict(verdict.status, detail, verdict.instances, verdict.max_error,
                          seed, verdict.counterexample, time.perf_counter() - start)
