"""The kernel's bounds and probability laws (derive/kernel/laws_bounds.py), each on random
instances that meet its side conditions, and each with a wrong twin that random instances
refute: the bound turned around, the convex function taken for a concave one, weights that
sum to 2, the marginal of the wrong variable, ...

Every law is evaluated here by a small evaluator of its own (quadrature on a grid, explicit
sums and maxima, a concrete Gaussian law for Pr), not by derive's numeric checker, so the
table is checked independently of the code that checks steps.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.kernel import AXIOMS, KL, Expectation, Maximum, Relation, laws_bounds

INSTANCES = 8
TOLERANCE = 1e-7


# -- evaluating a law's written sides on one instance ------------------------------------

def gaussian(t, mean, sd):
    return np.exp(-0.5 * ((t - mean) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))


class GaussianLaw:
    """A joint normal law of two random variables given parameters c1, c2: the density of any
    of its marginals or conditionals, the variables told apart by their symbols."""

    def __init__(self, rng: random.Random, roles: dict, independent_of=()):
        self.roles = roles  # symbol -> 0 or 1 (which variable)
        self.base = [rng.uniform(-1, 1), rng.uniform(-1, 1)]
        # a's mean (variable 0) depends on c1, c2 unless declared independent of them
        self.slopes = [[0.0 if c in independent_of else rng.uniform(-1, 1) for c in ("c1", "c2")],
                       [rng.uniform(-1, 1), rng.uniform(-1, 1)]]
        self.sd = [rng.uniform(0.6, 1.5), rng.uniform(0.6, 1.5)]
        self.rho = 0.0 if independent_of else rng.uniform(-0.8, 0.8)

    def mean(self, j, given):
        return self.base[j] + sum(s * given.get(c, 0.0)
                                  for s, c in zip(self.slopes[j], ("c1", "c2"), strict=True))

    def density(self, variables, conditions):
        """p(variables | conditions): each a list of (symbol, value)."""
        params = {str(s): v for s, v in conditions if s not in self.roles}
        given = [(self.roles[s], v) for s, v in conditions if s in self.roles]
        wanted = [(self.roles[s], v) for s, v in variables]
        if len(wanted) == 2:
            (i, xi), (j, xj) = wanted
            values = {i: xi, j: xj}
            u = [(values[d] - self.mean(d, params)) / self.sd[d] for d in (0, 1)]
            r = self.rho
            return np.exp(-(u[0] ** 2 - 2 * r * u[0] * u[1] + u[1] ** 2) / (2 * (1 - r * r))) / (
                2 * math.pi * self.sd[0] * self.sd[1] * math.sqrt(1 - r * r))
        (i, xi), = wanted
        if not given:
            return gaussian(xi, self.mean(i, params), self.sd[i])
        (j, xj), = given
        mean = self.mean(i, params) + self.rho * self.sd[i] / self.sd[j] * (
            xj - self.mean(j, params))
        return gaussian(xi, mean, self.sd[i] * math.sqrt(1 - self.rho ** 2))


GRID = np.linspace(-14.0, 14.0, 4001)  # the instances' densities are negligible beyond


def integrate(values) -> float:
    return float(np.trapezoid(np.broadcast_to(values, GRID.shape), GRID))


def compiled(e):
    """``e`` as a function of an instance ``env`` (symbols -> numbers, function names ->
    callables on arrays), built once; an integral over the line is a trapezoid sum on a fine
    grid (exact to rounding for the smooth, fast-decaying integrands of these instances)."""
    if isinstance(e, sp.Symbol):
        return lambda env: env[e]
    if e.is_Number or e.is_NumberSymbol:
        value = int(e) if e.is_Integer else float(e)
        return lambda env: value
    if isinstance(e, AppliedUndef):
        if e.func.__name__ == "Pr":
            first, *conditions = e.args
            variables = list(first) if isinstance(first, sp.Tuple) else [first]
            parts = [(v, compiled(v)) for v in variables], [(c, compiled(c)) for c in conditions]
            return lambda env: env["Pr"].density([(v, f(env)) for v, f in parts[0]],
                                                 [(c, f(env)) for c, f in parts[1]])
        name, args = e.func.__name__, [compiled(a) for a in e.args]
        return lambda env: env[name](*(f(env) for f in args))
    if isinstance(e, (sp.Sum, Maximum)):
        (k, low, high), = e.limits
        body, low, high = compiled(e.function), compiled(low), compiled(high)
        reduce = sum if isinstance(e, sp.Sum) else (lambda terms: np.maximum.reduce(terms))
        return lambda env: reduce([body({**env, k: i})
                                   for i in range(low(env), high(env) + 1)])
    if isinstance(e, KL):
        return compiled(sp.Integral(e.q * sp.log(e.q / e.p), (e.variable, -sp.oo, sp.oo)))
    if isinstance(e, sp.Integral):
        (z, _, _), = e.limits
        body = compiled(e.function)
        return lambda env: integrate(body({**env, z: GRID}))
    if isinstance(e, Expectation):
        (z,) = e.variables
        body = compiled(e.body)
        return lambda env: integrate(env["law of z"](GRID) * body({**env, z: GRID}))
    args = [compiled(a) for a in e.args]
    if isinstance(e, sp.Add):
        return lambda env: sum(f(env) for f in args)
    if isinstance(e, sp.Mul):
        return lambda env: math.prod(f(env) for f in args)
    if isinstance(e, sp.Pow):
        base, exponent = args
        return lambda env: np.power(base(env), exponent(env))
    if isinstance(e, (sp.exp, sp.log)):
        (f,) = args
        function = np.exp if isinstance(e, sp.exp) else np.log
        return lambda env: function(f(env))
    raise TypeError(f"no value for {type(e).__name__}: {e}")


def holds(lhs, rhs, relation: Relation, env) -> bool:
    left, right = compiled(lhs)(env), compiled(rhs)(env)
    slack = TOLERANCE * (1 + abs(left) + abs(right))
    return {Relation.EQUAL: abs(left - right) <= slack, Relation.LE: left <= right + slack,
            Relation.GE: left >= right - slack}[relation]


# -- random instances meeting each law's conditions --------------------------------------

k, z, t, x = laws_bounds.k, laws_bounds.z, laws_bounds.t, laws_bounds.x
m, N = laws_bounds.first, laws_bounds.last
a, b, c1, c2 = laws_bounds.a_, laws_bounds.b_, laws_bounds.c1, laws_bounds.c2


def weights(rng, n, total=1.0):
    raw = [rng.uniform(0.1, 1.0) for _ in range(n)]
    return [total * r / sum(raw) for r in raw]


def table(values):
    return lambda i: values[int(i) - 1]


def finite_instance(rng, positive=False, total=1.0):
    n = rng.randint(1, 5)
    low = 0.1 if positive else -2.0
    return {m: 1, N: n, "w": table(weights(rng, n, total)),
            "y": table([rng.uniform(low, 3.0) for _ in range(n)]),
            "f": table([rng.uniform(-3, 3) if not positive else rng.uniform(0.1, 3)
                        for _ in range(n)]),
            "g": table([rng.uniform(-3, 3) for _ in range(n)]),
            "p": table(weights(rng, n)), "q": table(weights(rng, n))}


def integral_instance(rng, positive=False):
    mean, sd = rng.uniform(-1, 1), rng.uniform(0.5, 1.5)
    slope, shift = rng.uniform(-1, 1), rng.uniform(0.2, 2)
    other_mean, other_sd = rng.uniform(-1, 1), rng.uniform(0.5, 1.5)
    h = ((lambda u: np.exp(slope * u) + shift) if positive
         else (lambda u: slope * u + shift * np.sin(u)))
    return {"p": lambda u: gaussian(u, mean, sd), "q": lambda u: gaussian(u, other_mean, other_sd),
            "h": h, "law of z": lambda u: gaussian(u, mean, sd)}


def instance(name: str, rng: random.Random) -> dict:
    positive = any(g in name for g in ("jensen_log", "jensen_sqrt", "sum_at_least", "gibbs"))
    env = {x: rng.uniform(0.05, 5), t: rng.uniform(-3, 3),
           c1: rng.uniform(-1, 1), c2: rng.uniform(-1, 1)}
    env.update(finite_instance(rng, positive))
    if "integral" in name or "expectation" in name or "kl" in name or "density" in name:
        env.update(integral_instance(rng, positive))
    if name.startswith(("product", "bayes", "marginal", "drop_independent")):
        dropped = () if "drop" not in name else ("c1",) if name.endswith("_1") else ("c2",)
        env["Pr"] = GaussianLaw(rng, {a: 0, b: 1, z: 1} if "first" not in name
                                else {a: 1, z: 0}, independent_of=dropped)
        env.update({a: rng.uniform(-2, 2), b: rng.uniform(-2, 2)})
    return env


LAWS = {law.name: law for law in laws_bounds.laws()}


@pytest.mark.parametrize("name", sorted(LAWS))
def test_each_law_holds_on_random_instances(name):
    law = LAWS[name]
    assert AXIOMS[name] is law or AXIOMS[name].name == name  # admitted in the table
    lhs, rhs = law.written
    rng = random.Random(name)
    for _ in range(INSTANCES):
        env = instance(name, rng)
        assert holds(lhs, rhs, law.relation, env), (name, env)


# -- wrong twins: each fails on some random instance --------------------------------------

def _turned(relation: Relation) -> Relation:
    return {Relation.LE: Relation.GE, Relation.GE: Relation.LE}[relation]


def _twins():
    """(name, lhs, rhs, relation, instance maker) of statements that are false."""
    w, y, h, p, q, f = (sp.Function(n) for n in "wyhpqf")
    Pr = laws_bounds.Pr
    for name, law in LAWS.items():
        lhs, rhs = law.written
        if law.relation is not Relation.EQUAL and not name.startswith(("sum_at", "kl_non")):
            # the bound turned around: Jensen with <= for the log, the convex exp as concave
            yield f"{name} turned around", lhs, rhs, _turned(law.relation), name
    for g in ("log", "sqrt"):  # weights that sum to 2
        law = LAWS[f"jensen_{g}_finite"]
        lhs, rhs = (e.xreplace({w(k): 2 * w(k)}) for e in law.written)
        yield f"jensen_{g}_finite with weights summing to 2", lhs, rhs, law.relation, law.name
    yield ("Gibbs turned around", KL(q(z), p(z), z), sp.Integer(0), Relation.LE,
           "kl_nonnegative")
    yield ("a sum at most its largest term", sp.Sum(f(k), (k, m, N)),
           Maximum(f(k), (k, m, N)), Relation.LE, "sum_at_least_max_term")
    yield ("log-sum-exp at most the max", sp.log(sp.Sum(sp.exp(f(k)), (k, m, N))),
           Maximum(f(k), (k, m, N)), Relation.LE, "log_sum_exp_at_least_max")
    yield ("the product rule with the wrong marginal", Pr(sp.Tuple(a, b), c1),
           Pr(b, a, c1) * Pr(b, c1), Relation.EQUAL, "product_rule_given_1")
    yield ("Bayes without the evidence", Pr(a, b, c1), Pr(b, a, c1) * Pr(a, c1), Relation.EQUAL,
           "bayes_rule_given_1")
    yield ("the marginal of the integrated variable",
           sp.Integral(Pr(sp.Tuple(a, z), c1), (z, -sp.oo, sp.oo)), Pr(b, c1), Relation.EQUAL,
           "marginalisation_given_1")
    yield ("a condition dropped that matters", Pr(a, c1), Pr(a), Relation.EQUAL,
           "product_rule_given_1")
    yield ("twice a density integrates to 1", sp.Integral(2 * p(z), (z, -sp.oo, sp.oo)),
           sp.Integer(1), Relation.EQUAL, "density_integrates_to_one")
    yield ("the KL from its integral with the sign flipped",
           sp.Integral(q(z) * sp.log(p(z) / q(z)), (z, -sp.oo, sp.oo)), KL(q(z), p(z), z),
           Relation.EQUAL, "negative_kl_from_integral")
    yield ("exp of the max as the exp of the sum", Maximum(sp.exp(f(k)), (k, m, N)),
           sp.exp(sp.Sum(f(k), (k, m, N))), Relation.EQUAL, "max_of_exp")


TWINS = list(_twins())


@pytest.mark.parametrize("twin", TWINS, ids=[t[0] for t in TWINS])
def test_each_wrong_twin_fails_on_some_random_instance(twin):
    label, lhs, rhs, relation, family = twin
    rng = random.Random(label)
    assert any(not holds(lhs, rhs, relation, instance(family, rng))
               for _ in range(10 * INSTANCES)), label


def test_every_law_of_the_section_is_in_the_table_and_named_once():
    names = [law.name for law in laws_bounds.laws()]
    assert len(names) == len(set(names))
    assert set(names) <= set(AXIOMS)
    assert all(AXIOMS[n].trust == "axiom" for n in names)


def test_the_laws_of_probability_take_the_law_itself():
    law = AXIOMS["product_rule_given_1"]
    assert len(law.laws) == 1 and not law.functions
    assert AXIOMS["marginal_as_integral_given_1"].bound  # the variable it integrates over
