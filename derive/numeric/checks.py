"""The numeric checks of a step: values, order of objectives, bounds, nascent-delta limits;
float disagreements confirmed in high precision before they refute; shrinking.

A check draws chunks of instances until it has ``instances`` that can be evaluated (an
instance where a side is undefined in the reals or beyond float range is left out, and the
verdict says where the step was checked), or until it has drawn DRAW_FACTOR times as many:
then most instances could not be evaluated and the check is not applicable, with why.
A float disagreement is only a candidate: it is re-evaluated at the same instance in
high precision (``exact``), and refutes only if it survives there beyond the error bound;
otherwise it is discarded and counted."""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from derive import messages  # noqa: F401  (the English words of what the checks say)
from derive.kernel import Claim, Message, Numeric, NumericVerdict, Relation, say
from derive.kernel.objects import Independent
from derive.notation import KL, OptimisationSet
from derive.numeric import exact, laws, vector
from derive.numeric.averages import AVERAGES
from derive.numeric.concrete import NotEvaluable, Params
from derive.numeric.domain import Domain, read_signs
from derive.numeric.instances import (
    MAX_TERMS,
    Instances,
    Roles,
    draw_parameters,
    independence,
    plain_number,
    read_roles,
    sample,
)

CHUNK = 125  # instances evaluated at once: bounds memory (integral x sum x chunk arrays)
TOLERANCE = 1e-7  # relative error allowed between two sides evaluated without deltas
DELTA_TOLERANCE = 1e-4  # after Richardson extrapolation of nascent deltas to eps = 0
EXACT_TOLERANCE = 1e-9  # in high precision: a disagreement must exceed this, and the errors
EPSILONS = (0.2, 0.1, 0.05)  # nascent delta widths
NOISE_FLOOR = 1e-13  # absolute differences below this are float noise, not disagreement
LOG_FLOAT_RANGE = 700.0  # e^l for |l| below this is a normal float (e^709 overflows)
DRAW_FACTOR = 4  # at most this many times ``instances`` are drawn
MAX_CONFIRMATIONS = 10  # high-precision re-evaluations per check; later candidates: discarded
MAX_REJECTED_CHUNKS = 50


def relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| relative to the larger magnitude; 0 below the noise floor; NaN where either
    side is not finite (that instance cannot be evaluated: it is no evidence)."""
    with np.errstate(all="ignore"):
        diff = np.abs(a - b)
        err = np.where(diff <= NOISE_FLOOR, 0.0, diff / np.maximum(np.abs(a), np.abs(b)))
    return np.where(np.isfinite(a) & np.isfinite(b), err, np.nan)


def _pair_error(pa, pb, scale=0.0, floor=NOISE_FLOOR) -> np.ndarray:
    """``relative_error`` of two values given as (log|v|, sign) pairs, exact where the
    values themselves would under- or overflow; relative to ``scale`` where it is larger
    (the integrals of |f| whose difference a side is)."""
    (la, sa), (lb, sb) = pa, pb
    with np.errstate(all="ignore"):
        if _in_float_range(la, lb):  # the same numbers, in fewer operations
            va, vb = sa * np.exp(la), sb * np.exp(lb)
            diff = np.abs(va - vb)
            rel = diff / np.maximum(np.maximum(np.abs(va), np.abs(vb)), scale)
            rel = np.where((diff <= floor) | (diff == 0), 0.0, rel)
            return np.where(np.isfinite(va) & np.isfinite(vb), rel, np.nan)
        top = np.maximum(la, lb)
        gap = np.abs(la - lb)
        rel = np.where(sa == sb, -np.expm1(-gap), 1.0 + np.exp(-gap))
        rel = np.where((sa == 0) & (sb == 0), 0.0, np.where((sa == 0) | (sb == 0), 1.0, rel))
        absolute = rel * np.exp(top)
        rel = np.where((absolute <= floor) & (floor > 0), 0.0,
                       rel / np.maximum(1.0, scale / np.where(np.exp(top) > 0, np.exp(top), 1.0)))
        defined = (np.isfinite(sa) & np.isfinite(sb) & ~np.isnan(la) & ~np.isnan(lb)
                   & (la < np.inf) & (lb < np.inf))
    return np.where(defined, rel, np.nan)


def _in_float_range(la, lb) -> bool:
    """Are both values, given by their logs, within float range at every row (so they
    can be compared as values: neither over- nor underflows)? NaN (undefined) is not."""
    return bool(np.all((np.abs(la) < LOG_FLOAT_RANGE) & (np.abs(lb) < LOG_FLOAT_RANGE)))


def _rows(v, rows: slice):
    """Rows of a per-instance array, or a scalar that holds for every row as it is."""
    return v[rows] if np.ndim(v) else v


def _pair_defined(p) -> np.ndarray:
    lv, sv = p
    return np.isfinite(sv) & ~np.isnan(lv) & (lv < np.inf)


def _pair_order(pa, pb, tol: float, scale=0.0) -> np.ndarray:
    """sign(a - b) of values given as pairs; 0 (a tie) within ``tol`` relative. No absolute
    floor: two likelihoods of 1e-6000 (in log space) are ordered like any others."""
    (la, sa), (lb, sb) = pa, pb
    with np.errstate(all="ignore"):
        if _in_float_range(la, lb):  # as below, in value space
            va, vb = sa * np.exp(la), sb * np.exp(lb)
            d = va - vb
            bound = tol * np.maximum(np.maximum(np.abs(va), np.abs(vb)), scale)
            return np.where(np.abs(d) <= bound, 0.0, np.sign(d))
        same = np.where(sa > 0, np.sign(la - lb), np.where(sa < 0, np.sign(lb - la), 0.0))
        sign = np.where(sa == sb, same, np.sign(sa - sb))
        return np.where(_pair_error(pa, pb, scale, floor=0.0) <= tol, 0.0, sign)


def _settings_order(p, tol: float, scale=0.0) -> np.ndarray:
    """``_pair_order`` of rows 2r and 2r + 1 of one pair (the two settings of an order
    check, interleaved): in value space, each value computed once over the whole array."""
    lv, sv = p
    a, b = slice(0, None, 2), slice(1, None, 2)
    with np.errstate(all="ignore"):
        if not bool(np.all(np.abs(lv) < LOG_FLOAT_RANGE)):
            return _pair_order((lv[a], sv[a]), (lv[b], sv[b]), tol, scale)
        v = sv * np.exp(lv)
        size = np.abs(v)
        d = v[a] - v[b]
        bound = tol * np.maximum(np.maximum(size[a], size[b]), scale)
        return np.where(np.abs(d) <= bound, 0.0, np.sign(d))


def _value(pair) -> np.ndarray:
    with np.errstate(all="ignore"):
        return pair[1] * np.exp(pair[0])


def _richardson(values: list) -> object:
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
class Plan:
    """What the numeric check of a step compares, or why there is none."""

    kind: str  # "values", "order", "bound", or "none"
    left: sp.Expr | None = None
    right: sp.Expr | None = None
    values_too: bool = False
    variables: tuple[sp.Symbol, ...] = ()
    deferred: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    reason: Message | None = None  # why there is no check (kind "none")
    hypotheses: tuple = ()  # Q.positive(e) and the like: instances must satisfy them
    relation: Relation = Relation.EQUAL  # for a bound: before REL after


def plan_for(before: sp.Expr, after: sp.Expr, relation: Relation, claim: Claim | None,
             substitution: tuple = ()) -> Plan:
    bound = relation in (Relation.LE, Relation.LT, Relation.GE, Relation.GT)
    if isinstance(before, OptimisationSet) or isinstance(after, OptimisationSet):
        if bound:
            return Plan("none", reason=say("numeric.bound_of_optimisations"))
    if isinstance(before, OptimisationSet) and isinstance(after, OptimisationSet):
        if substitution and claim is not Claim.MINIMISERS:
            # the objectives themselves are claimed equal once the substitution is made
            return Plan("values", before.objective, after.objective, deferred=substitution)
        if not substitution and (relation is Relation.DEFINE or claim is Claim.DEFINITION):
            return Plan("none", reason=say("numeric.definition_applied"))
        if not substitution and set(before.variables) != set(after.variables):
            return Plan("none", reason=say("numeric.different_variables"))
        # with a substitution, the variables are the line after's (those it brings in)
        variables = after.variables if substitution else before.variables
        if type(before) is not type(after):
            # argmax F = argmin G: order of F against the reverse order of G
            return Plan("order", before.objective, -after.objective, variables=variables,
                        deferred=substitution)
        return Plan("order", before.objective, after.objective,
                    values_too=claim is Claim.VALUES, variables=variables,
                    deferred=substitution)
    if isinstance(before, OptimisationSet) or isinstance(after, OptimisationSet):
        return Plan("none", reason=say("numeric.one_side_optimises"))
    if relation is Relation.DEFINE and not substitution:
        return Plan("none", reason=say("numeric.definition_exact"))
    if bound:
        return Plan("bound", before, after, deferred=substitution, relation=relation)
    return Plan("values", before, after, deferred=substitution)


def step_rng(seed: int, *names: str) -> np.random.Generator:
    """The generator of a step's instances: the same stream for the same seed and names."""
    return np.random.Generator(np.random.PCG64(_seed_sequence(seed, names)))


@lru_cache(maxsize=256)
def _seed_sequence(seed: int, names: tuple[str, ...]) -> np.random.SeedSequence:
    """``np.random.default_rng``'s seeding of [seed, crc32 of each name], kept for the steps
    checked last: hashing the entropy is half the cost of a new generator. Nothing spawns
    from it, and a PCG64 only reads it."""
    return np.random.SeedSequence([seed, *(zlib.crc32(n.encode()) for n in names)])


# -- both sides, in float and in high precision --------------------------------------------


class Sides:
    """The two expressions a check compares, compiled once for each backend (the
    high-precision one only when a disagreement needs confirming)."""

    def __init__(self, left: sp.Expr, right: sp.Expr, roles: Roles, substitution: dict):
        self.left_expr, self.right_expr = left, right
        self.roles, self.substitution = roles, substitution
        self.left, self.ndim_left = vector.compile_side(left, roles, substitution)
        self.right, self.ndim_right = vector.compile_side(right, roles, substitution)
        self.has_delta = any(e.has(sp.DiracDelta) for e in
                             [left, right, *substitution.values()])
        self.tolerance = DELTA_TOLERANCE if self.has_delta else TOLERANCE
        self._exact = None

    def pairs(self, inst: Instances):
        """Both sides as (log|v|, sign) on every instance, the scale their difference is
        relative to, and where the nascent-delta gap between them does not shrink as eps
        does (a disagreement); with deltas, the values extrapolated to eps = 0."""
        ndim = max(self.ndim_left, self.ndim_right)
        if not self.has_delta:
            env = vector.Env(inst, ndim)
            left, left_scale = vector.log_values_in(env, self.left)
            right, right_scale = vector.log_values_in(env, self.right)
            return left, right, left_scale + right_scale, False
        tol = vector.DELTA_QUADRATURE_TOLERANCE
        series, scale = [], 0.0
        for eps in EPSILONS:
            env = vector.Env(inst, ndim, eps, tol)
            left, left_scale = vector.log_values_in(env, self.left)
            right, right_scale = vector.log_values_in(env, self.right)
            series.append((_value(left), _value(right)))
            scale = np.maximum(scale, left_scale + right_scale)
        first = relative_error(*series[0])
        last = relative_error(*series[-1])
        left = _richardson([a for a, _ in series])
        right = _richardson([b for _, b in series])
        unconverged = last > first + DELTA_TOLERANCE
        with np.errstate(all="ignore"):
            lp = (np.log(np.abs(left)), np.sign(left))
            rp = (np.log(np.abs(right)), np.sign(right))
        return lp, rp, scale, unconverged

    def exact(self, inst: Instances):
        """Both sides at instance 0 in high precision: (left, right, scale, error), mpmath
        numbers. With deltas: nascent deltas at the same widths, extrapolated the same way;
        the extrapolation's own error is the gap between its last two estimates."""
        if self._exact is None:
            self._exact = (exact.compile_side(self.left_expr, self.roles, self.substitution),
                           exact.compile_side(self.right_expr, self.roles, self.substitution))
        left, right = self._exact
        with mpmath.workdps(exact.DIGITS):
            if not self.has_delta:
                lv, ls, le = exact.at(left, inst)
                rv, rs, re = exact.at(right, inst)
                return lv, rv, ls + rs, le + re
            values = [(exact.at(left, inst, eps), exact.at(right, inst, eps)) for eps in EPSILONS]
            lv = _richardson([a[0] for a, _ in values])
            rv = _richardson([b[0] for _, b in values])
            ls = sum(a[1] + b[1] for a, b in values)
            le = 2 * sum(a[2] + b[2] for a, b in values)  # |Richardson weights| sum to < 2
            drift = (abs(lv - _richardson([a[0] for a, _ in values[:-1]]))
                     + abs(rv - _richardson([b[0] for _, b in values[:-1]])))
            return lv, rv, ls, le + drift / 16


def _exact_tie(a, b, scale, error, tol) -> int | None:
    """sign(a - b) in high precision, 0 for a tie within the error bound; None if undefined."""
    if any(exact._isnan(v) or mpmath.isinf(v) for v in (a, b)):
        return None
    bound = tol * max(abs(a), abs(b), scale) + error
    d = a - b
    return 0 if abs(d) <= bound else (1 if d > 0 else -1)


# -- candidates, their confirmation, and counterexamples -----------------------------------


@dataclass
class Candidate:
    """A row of a chunk where the float check disagreed; ``other``: the second parameter
    setting of an order check."""

    inst: Instances
    other: Instances | None = None


@dataclass(frozen=True)
class Confirmed:
    values: dict
    detail: Message


def _fmt(x) -> str:
    return mpmath.nstr(x, 10) if isinstance(x, mpmath.mpf) else f"{x:.10g}"


class Check:
    """One numeric check: its plan, its compiled sides, and the float and high-precision
    comparisons the plan asks for."""

    def __init__(self, plan: Plan, roles: Roles):
        self.plan, self.roles = plan, roles
        self.sides = Sides(plan.left, plan.right, roles, dict(plan.deferred))
        self.hypotheses = [(h, _compile_hypothesis(h, roles, dict(plan.deferred)))
                           for h in plan.hypotheses]

    # float ----------------------------------------------------------------------------

    def admissible(self, inst: Instances) -> np.ndarray:
        keep = np.ones(inst.n, dtype=bool)
        for _, test in self.hypotheses:
            if test is not None:
                keep &= test(inst)
        return keep

    def float_check(self, inst: Instances, other: Instances | None):
        """(left defined, right defined, flagged, worst error per row) on a chunk."""
        tol = self.sides.tolerance
        if self.plan.kind == "order":
            return self._order_check(inst, other, tol)
        left, right, scale, unconverged = self.sides.pairs(inst)
        if self.plan.kind == "values":
            err = _pair_error(left, right, scale)
            return _pair_defined(left), _pair_defined(right), (err > tol) | unconverged, err
        order = _pair_order(left, right, tol, scale)
        violated = order > 0 if self.plan.relation in (Relation.LE, Relation.LT) else order < 0
        # how far a violation goes (a bound holds with no error to report): the widest are
        # confirmed first, as the likeliest to be real
        by = np.where(violated, _pair_error(left, right, scale), 0.0)
        return _pair_defined(left), _pair_defined(right), violated, by

    def _order_check(self, inst: Instances, other: Instances, tol: float):
        """``float_check`` of an order check: both settings in one evaluation, even rows
        a and odd rows b (``Instances.paired``), each side's order of its two settings
        taken from those interleaved rows at once."""
        left, right, scale, unconverged = self.sides.pairs(inst.paired(other))
        a, b = slice(0, None, 2), slice(1, None, 2)
        scale_a, scale_b = _rows(scale, a), _rows(scale, b)
        scale_ab = np.maximum(scale_a, scale_b)
        flagged = _settings_order(left, tol, scale_ab) != _settings_order(right, tol, scale_ab)
        err = np.zeros(inst.n)
        if self.plan.values_too:
            left_a, left_b = (left[0][a], left[1][a]), (left[0][b], left[1][b])
            right_a, right_b = (right[0][a], right[1][a]), (right[0][b], right[1][b])
            err = np.fmax(_pair_error(left_a, right_a, scale_a),
                          _pair_error(left_b, right_b, scale_b))
            flagged |= (err > tol) | _rows(unconverged, a) | _rows(unconverged, b)
        left_ok, right_ok = _pair_defined(left), _pair_defined(right)
        return left_ok[a] & left_ok[b], right_ok[a] & right_ok[b], flagged, err

    def fails_in_float(self, c: Candidate) -> bool:
        try:
            if not self.admissible(c.inst)[0]:
                return False
            left_ok, right_ok, flagged, _ = self.float_check(c.inst, c.other)
        except NotEvaluable:
            return False
        return bool(left_ok[0] and right_ok[0] and flagged[0])

    # high precision -------------------------------------------------------------------

    def confirm(self, c: Candidate) -> Confirmed | None:
        """The float disagreement at this instance, re-evaluated in high precision: the
        counterexample's values and detail if it survives beyond the error bound."""
        tol = DELTA_TOLERANCE if self.sides.has_delta else EXACT_TOLERANCE
        try:
            fa, ga, scale_a, error_a = self.sides.exact(c.inst)
            if self.plan.kind == "values" or (self.plan.kind == "order" and self.plan.values_too):
                differ = _exact_tie(fa, ga, scale_a, error_a, tol)
                if differ:
                    if self.plan.kind == "values":
                        return Confirmed({"left": fa, "right": ga}, say(
                            "numeric.sides_differ", left=_fmt(fa), right=_fmt(ga)))
                    return Confirmed({"F(a)": fa, "G(a)": ga}, say(
                        "numeric.objectives_differ", left=_fmt(fa), right=_fmt(ga)))
                if self.plan.kind == "values":
                    return None
            if self.plan.kind == "bound":
                # A bound tight at the instance (log 1 <= 1 - 1) differs in DIGITS digits by
                # rounding: a violation must exceed the working precision, not only tol.
                order = _exact_tie(fa, ga, scale_a, error_a + _rounding(fa, ga), tol)
                relation = self.plan.relation
                if order is None or not (order > 0 if relation in (Relation.LE, Relation.LT)
                                         else order < 0):
                    return None
                return Confirmed({"left": fa, "right": ga}, say(
                    "numeric.bound_fails", relation=relation.value, left=_fmt(fa),
                    right=_fmt(ga)))
            fb, gb, scale_b, error_b = self.sides.exact(c.other)
        except NotEvaluable:
            return None
        scale, error = scale_a + scale_b, error_a + error_b
        sf = _exact_tie(fa, fb, scale, error, tol)
        sg = _exact_tie(ga, gb, scale, error, tol)
        if sf is None or sg is None or sf == sg:
            return None
        # A tie within tol against an order is an order not kept only if the tie holds at
        # the working precision too: an objective that varies little on a large constant
        # (a Gaussian likelihood with sigma = 1e3) is tied within tol, yet ordered as the
        # other side is.
        if _exact_tie(fa, fb, scale, error + _rounding(fa, fb), 0) == _exact_tie(
                ga, gb, scale, error + _rounding(ga, gb), 0):
            return None
        return Confirmed({"F(a)": fa, "F(b)": fb, "G(a)": ga, "G(b)": gb}, say(
            "numeric.order_not_kept", before=mpmath.nstr(fa - fb, 6),
            after=mpmath.nstr(ga - gb, 6)))


def _rounding(a, b):
    """What evaluating two values in DIGITS digits may have got wrong by rounding alone."""
    return mpmath.mpf(10) ** (10 - exact.DIGITS) * max(1, abs(a), abs(b))


def _compile_hypothesis(h, roles: Roles, substitution: dict):
    """A test of one hypothesis on a chunk, or None for one about a bound variable."""
    if isinstance(h, Independent):  # an assumption about the law, not about an instance
        return None
    sampled = (roles.scalars | set(roles.parameter_of) | set(roles.weights_of)
               | set(roles.data))
    if not h.free_symbols <= sampled:
        return None  # about a bound variable (for every i): not a condition on an instance
    if isinstance(h, sp.logic.boolalg.And):
        tests = [t for t in (_compile_hypothesis(a, roles, substitution) for a in h.args) if t]
        return lambda inst: np.all([t(inst) for t in tests], axis=0)
    if isinstance(h, sp.assumptions.assume.AppliedPredicate) and h.function.name in PREDICATES:
        node, ndim = vector.compile_side(h.arguments[0], roles, substitution)
        test = PREDICATES[h.function.name]
        return lambda inst: test(vector.values_of(node, ndim, inst, None))
    if type(h) in RELATIONS:
        lhs, nl = vector.compile_side(h.lhs, roles, substitution)
        rhs, nr = vector.compile_side(h.rhs, roles, substitution)
        test = RELATIONS[type(h)]
        return lambda inst: test(vector.values_of(lhs, nl, inst, None),
                                 vector.values_of(rhs, nr, inst, None))
    raise NotEvaluable(f"cannot sample instances under the hypothesis {h}: use "
                       f"Q.positive/negative/nonzero/... or an inequality")


PREDICATES = {
    "positive": lambda v: v > 0, "negative": lambda v: v < 0,
    "nonnegative": lambda v: v >= 0, "nonpositive": lambda v: v <= 0,
    "nonzero": lambda v: v != 0, "zero": lambda v: v == 0,
}
RELATIONS = {sp.StrictGreaterThan: np.greater, sp.GreaterThan: np.greater_equal,
             sp.StrictLessThan: np.less, sp.LessThan: np.less_equal}


def admissible(hypotheses: Sequence, inst: Instances, roles: Roles) -> np.ndarray:
    """Which instances satisfy every hypothesis (Q.positive(e), e > 0, ...)."""
    keep = np.ones(inst.n, dtype=bool)
    for h in hypotheses:
        test = _compile_hypothesis(h, roles, {})
        if test is not None:
            keep &= test(inst)
    return keep


# -- running a check --------------------------------------------------------------------


def check_step(before: sp.Expr, after: sp.Expr, relation: Relation, claim: Claim | None,
               seed: int, instances: int, names: Sequence[str], hypotheses: Sequence = (),
               substitution: Sequence = ()) -> NumericVerdict:
    """The numeric verdict of one step on ``instances`` random instances from ``seed``,
    each satisfying the step's ``hypotheses``; ``claim`` is what the rule claims (equal
    values, same minimisers, a definition, a bound), ``substitution`` the (old, new) pairs
    of a modelling substitution."""
    start = time.perf_counter()
    try:  # one law behind a density applied in several shapes (the product rule holds)
        before, after = _one_law(before, after)
        _refuse_bare_deltas(before, after, *(new for _, new in substitution))
    except NotEvaluable as e:
        return NumericVerdict(Numeric.NOT_APPLICABLE, say("numeric.not_evaluable", why=str(e)),
                              seed=seed, seconds=time.perf_counter() - start)
    plan = plan_for(before, after, relation, claim, tuple(tuple(p) for p in substitution))
    if hypotheses:
        plan = replace(plan, hypotheses=tuple(hypotheses))
    if plan.kind == "none":
        return NumericVerdict(Numeric.NOT_APPLICABLE, plan.reason, seed=seed,
                              seconds=time.perf_counter() - start)
    return _timed(_run_or_explain(plan, step_rng(seed, *names), instances, seed), start)


def _refuse_bare_deltas(*exprs: sp.Expr) -> None:
    """A Dirac delta has a value only under an integral over a variable of its argument
    (then the nascent deltas' integrals converge, as powers of eps, to the sifted value).
    Alone, delta(a x) = delta(x)/|a| is an identity of distributions: a nascent delta's
    value at a point has no such limit to extrapolate, so comparing them would refute a
    true line (or pass a false one). Such a line is not evaluated."""
    for e in exprs:
        bare = _bare_delta(e, frozenset())
        if bare is not None:
            raise NotEvaluable(f"{bare} is a distribution, not a value: derive compares deltas "
                               f"only under an integral over their variable")


def _bare_delta(e: sp.Basic, integrated: frozenset) -> sp.Basic | None:
    if isinstance(e, sp.DiracDelta):
        return None if e.args[0].free_symbols & integrated else e
    if isinstance(e, sp.Integral):
        integrated = integrated | {limit[0] for limit in e.limits}
    for a in e.args:
        found = _bare_delta(a, integrated)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=64)
def _one_law(before: sp.Expr, after: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """``laws.one_law`` of the two sides, kept for the steps checked last (like
    ``prepared``: the same step checked again rewrites nothing)."""
    return tuple(laws.one_law([before, after]))


def _timed(v: NumericVerdict, start: float) -> NumericVerdict:
    return replace(v, seconds=time.perf_counter() - start)


def _run_or_explain(plan: Plan, rng, instances: int, seed: int,
                    agree: Message | None = None) -> NumericVerdict:
    try:
        return _run(plan, rng, instances, seed, agree)
    except NotEvaluable as e:
        return NumericVerdict(Numeric.NOT_APPLICABLE, say("numeric.not_evaluable", why=str(e)),
                              seed=seed)


def _roles_of(plan: Plan) -> Roles:
    exprs = [plan.left, plan.right] + [e for _, e in plan.deferred]
    exprs += [a for h in plan.hypotheses for a in getattr(h, "args", ())
              if isinstance(a, sp.Expr)]
    roles = read_roles(exprs)
    for s, _ in plan.deferred:
        roles.scalars.discard(s)
        roles.parameter_of.pop(s, None)
    substituted = {s: e for s, e in plan.deferred}
    sides = {"left": plan.left.xreplace(substituted), "right": plan.right.xreplace(substituted)}
    roles.sign_of = read_signs(sides, roles.scalars | set(roles.random))
    roles.independent = independence(roles, plan.hypotheses)
    return roles


def _light(expr: sp.Basic) -> bool:
    """No integral, no delta, and only sums whose bounds are sampled integers or small
    numbers: its arrays are (instances x a few sum terms), whatever the chunk."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Integral, KL, sp.DiracDelta)) or (
                isinstance(node, AVERAGES) and node.laws):  # under stated laws: an integral
            return False
        if isinstance(node, (sp.Sum, sp.Product)):
            for _, low, high in node.limits:
                if not all(b.is_Integer and abs(b) <= MAX_TERMS or isinstance(b, sp.Symbol)
                           for b in (low, high)):
                    return False
    return True


def chunk_size(light: bool, instances: int) -> int:
    """Instances evaluated at once. A step with integrals or long sums: CHUNK (its arrays
    are instances x quadrature nodes x sum terms), each chunk with one family of each
    conditional density and one shape of each model, in turn. A ``light`` one: every
    instance in one chunk, the families and shapes mixed in it (``sample``'s ``mixed``),
    since Python's work per chunk is then most of the cost."""
    return max(CHUNK, instances) if light else CHUNK


@lru_cache(maxsize=64)
def prepared(plan: Plan) -> tuple[Roles, Check, bool]:
    """What a check of ``plan`` needs before drawing anything: the roles of its symbols,
    both sides compiled, and whether it is light (``chunk_size``). Kept for the plans
    checked last: the same step checked again (other seeds, a replay, a benchmark)
    compiles nothing."""
    roles = _roles_of(plan)
    light = all(_light(e) for e in [plan.left, plan.right, *(e for _, e in plan.deferred)])
    return roles, Check(plan, roles), light


def _run(plan: Plan, rng: np.random.Generator, instances: int, seed: int,
         agree: Message | None = None) -> NumericVerdict:
    """The check of ``plan``; ``agree`` says what a passed check of values shows, when that
    is more than that the values agree (a density integrates to 1)."""
    roles, check, light = prepared(plan)
    domain = Domain(forced=dict(roles.sign_of))
    size = chunk_size(light, instances)
    worst, done, chunk, discarded, confirmations, drawn = 0.0, 0, 0, 0, 0, 0
    while done < instances and drawn < DRAW_FACTOR * instances:
        n = min(size, instances - done)
        inst = sample(roles, rng, n, chunk, mixed=light)
        chunk += 1
        drawn += n
        if plan.hypotheses:
            inst = inst.pick(np.flatnonzero(check.admissible(inst)))
            if inst.n == 0:
                if chunk > MAX_REJECTED_CHUNKS:
                    raise NotEvaluable(f"random instances almost never satisfy the "
                                       f"hypotheses {', '.join(map(str, plan.hypotheses))}")
                continue
        other = None
        if plan.kind == "order":
            other = inst.copy()
            draw_parameters(roles, other, rng, only=plan.variables)
        left_ok, right_ok, flagged, err = check.float_check(inst, other)
        domain.count(inst.scalars, left_ok, right_ok)
        ok = left_ok & right_ok
        candidates = np.flatnonzero(ok & flagged)
        for row in _widest_first(candidates, inst, err):
            if confirmations >= MAX_CONFIRMATIONS:
                discarded += 1
                continue
            found, spent = _confirm_and_shrink(check, plan, inst, other, row)
            confirmations += spent
            if found is not None:
                candidate, confirmed = found
                return _counterexample(plan, candidate, confirmed, seed, done + inst.n,
                                       discarded, domain)
            discarded += 1
        good = ok & ~flagged
        done += int(np.sum(good))
        if np.any(good):
            worst = max(worst, float(np.nanmax(np.where(good, err, 0.0))))
    where = domain.statement()
    if done < instances:
        why = (say("numeric.few_evaluated_where", done=done, drawn=drawn, domain=where)
               if where else say("numeric.few_evaluated", done=done, drawn=drawn))
        if discarded:
            why = say("numeric.notes", what=why,
                      notes=(say("numeric.unconfirmed", count=discarded),))
        return NumericVerdict(Numeric.NOT_APPLICABLE, why, done, None, seed,
                              discarded=discarded, domain=where)
    if plan.kind == "order":
        what = say("numeric.order_and_values" if plan.values_too else "numeric.order_kept")
    elif plan.kind == "bound":
        what = say("numeric.bound_holds", relation=plan.relation.value)
    else:
        what = agree or say("numeric.values_agree")
    if check.sides.has_delta:
        what = say("numeric.nascent", what=what, eps=", ".join(map(str, EPSILONS)))
    extras = _extras(discarded, where)
    if extras:
        what = say("numeric.notes", what=what, notes=extras)
    return NumericVerdict(Numeric.PASSED, what, done, worst, seed, discarded=discarded,
                          domain=where)


def _extras(discarded: int, where: Message | str) -> tuple[Message, ...]:
    """What a passed check adds to its detail: the float artefacts it discarded, and where
    it was checked."""
    parts = []
    if discarded:
        parts.append(say("numeric.artefacts" if discarded != 1 else "numeric.artefact",
                         count=discarded, digits=exact.DIGITS))
    if where:
        parts.append(where)
    return tuple(parts)


def _widest_first(rows: np.ndarray, inst: Instances, err: np.ndarray) -> list[int]:
    """The float disagreements in the order they are confirmed: the simplest first (the
    smallest sum bounds), but every narrow one (within NARROW relative: rounding noise, as a
    bound tight at K = 1 gives) after every wide one, so that noise cannot spend every
    confirmation before a real disagreement is reached."""
    if len(rows) == 0:
        return []
    sizes = [np.abs(inst.scalars[s][rows]) for s in inst.scalars if s.is_integer]
    size = np.sum(sizes, axis=0) if sizes else np.zeros(len(rows))
    width = np.nan_to_num(np.asarray(err, dtype=float)[rows], nan=0.0, posinf=np.inf)
    return [int(rows[k]) for k in np.lexsort((-width, size, width <= NARROW))]


NARROW = 1e-6  # a relative disagreement float rounding can explain in these evaluations


def _confirm_and_shrink(check: Check, plan: Plan, inst: Instances, other: Instances | None,
                        row: int) -> tuple[tuple[Candidate, Confirmed] | None, int]:
    """Shrink the float disagreement at ``row`` in float, then confirm the shrunk instance in
    high precision (and, if that does not confirm, the original one). (found, how many
    high-precision re-evaluations it took)."""
    original = Candidate(inst.pick([row]), other.pick([row]) if other is not None else None)
    shrunk = shrink(check, original)
    tried = 0
    for candidate in ([shrunk, original] if shrunk is not original else [original]):
        tried += 1
        confirmed = check.confirm(candidate)
        if confirmed is not None:
            return (candidate, confirmed), tried
    return None, tried


def _counterexample(plan: Plan, found: Candidate, confirmed: Confirmed, seed: int,
                    tried: int, discarded: int, domain: Domain) -> NumericVerdict:
    instance = found.inst.describe(0)
    if found.other is not None:  # an order check: name both settings of each variable
        other = found.other.describe(0)
        for v in map(str, plan.variables):
            if v in instance:
                instance[f"{v} (a)"] = instance.pop(v)
                instance[f"{v} (b)"] = other[v]
    values = {k: plain_number(exact.to_float(v)) for k, v in confirmed.values.items()}
    return NumericVerdict(
        Numeric.COUNTEREXAMPLE, confirmed.detail, tried, float("inf"), seed,
        {"instance": instance, "values": values, "detail": confirmed.detail, "seed": seed},
        discarded=discarded, domain=domain.statement())


def _round_instance(inst: Instances, digits: int) -> Instances:
    """The instance with its real numbers rounded (a nonzero number never to 0)."""
    out = inst.pick([0])

    def rounded(v):
        r = np.round(v, digits)
        return np.where(r == 0, v, r)

    for s, v in out.scalars.items():
        if not s.is_integer:
            out.scalars[s] = rounded(v)
    for label in out.data:
        out.data[label] = np.round(out.data[label], digits)
    for s, p in out.params.items():
        out.params[s] = Params(tuple(rounded(v) for v in p.values), p.family)
    if out.law is not None:
        out.law = out.law.rounded(rounded)
    return out


def shrink(check: Check, bad: Candidate) -> Candidate:
    """The failing instance made simpler while it still fails in float: smaller sum bounds
    first, then rounder numbers. "Simpler" is a total order (sum bounds, then digits), and
    the search stops at a local minimum, as Hypothesis's shrinker does."""
    current = bad
    for s in sorted((s for s in bad.inst.scalars if s.is_integer), key=str):
        value = int(current.inst.scalars[s][0])
        smaller = range(1, value) if value > 1 else range(value + 1, 0) if value < 0 else ()
        for k in sorted(smaller, key=abs):
            trial = Candidate(current.inst.pick([0]),
                              current.other.pick([0]) if current.other is not None else None)
            trial.inst.scalars[s] = np.array([float(k)])
            if trial.other is not None:
                trial.other.scalars[s] = trial.inst.scalars[s]
            if check.fails_in_float(trial):
                current = trial
                break
    for digits in (0, 1, 2):
        trial_a = _round_instance(current.inst, digits)
        trial_b = None
        if current.other is not None:
            trial_b = _round_instance(current.other, digits)
            trial_b.scalars, trial_b.data = trial_a.scalars, trial_a.data
            trial_b.law = trial_a.law  # the law is part of the instance, not a parameter
        trial = Candidate(trial_a, trial_b)
        if check.fails_in_float(trial):
            return trial
    return current


# -- definitions ------------------------------------------------------------------------


def check_density(function, body: sp.Lambda, seed: int, instances: int,
                  names: Sequence[str]) -> NumericVerdict:
    """A definition of a density must be one: integrating to 1 over its variable (the first
    argument; a conditional density's condition is sampled like any other symbol)."""
    start = time.perf_counter()
    variable = body.variables[0]
    plan = Plan("values", sp.Integral(body.expr, (variable, -sp.oo, sp.oo)), sp.Integer(1))
    verdict = _run_or_explain(plan, step_rng(seed, *names), instances, seed,
                              agree=say("numeric.integrates_to_one"))
    return _timed(verdict, start)


def check_mass_function(body: sp.Lambda, support: Sequence, seed: int, instances: int,
                        names: Sequence[str], hypotheses: Sequence = ()) -> NumericVerdict:
    """A definition of a probability mass function must sum to 1 over its support, for
    random values of its condition (those satisfying the definition's hypotheses)."""
    start = time.perf_counter()
    rest = body.variables[1:]
    total = sp.Add(*[body(value, *rest) for value in support])
    plan = Plan("values", total, sp.Integer(1), hypotheses=tuple(hypotheses))
    agree = say("numeric.sums_to_one", support=", ".join(map(str, support)))
    verdict = _run_or_explain(plan, step_rng(seed, *names), instances, seed, agree)
    return _timed(verdict, start)

