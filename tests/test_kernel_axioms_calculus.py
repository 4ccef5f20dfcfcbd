"""The laws of derive/kernel/laws_calculus.py, each checked on random instances (both sides of
the law as written, evaluated numerically, independently of the kernel), each with a wrong
twin the numbers tell apart; where the twin breaks a side condition, the kernel refuses it.

Expectations are evaluated under random discrete joint laws of (X, Y) (exact sums), or, with
densities, by quadrature against random normal densities.
"""

from __future__ import annotations

import itertools

import mpmath
import numpy as np
import pytest
import sympy as sp

from derive.kernel import AXIOMS, Covariance, Expectation, Independent, NormalDensity, Variance
from derive.kernel import laws_calculus as L
from derive.kernel.conditions import check
from derive.kernel.schemas import instance

X, Y, x, t, u = L.X, L.Y, L.x, L.t, sp.Symbol("u", real=True)
f, g, F, p, q = L.f, L.g, L.F, L.p, L.q
SEEDS = range(3)


# -- evaluating a law's sides numerically -------------------------------------------------

class Joint:
    """A random discrete joint law of (X, Y) on 3 x 3 points: independent (a product of
    marginals) or not."""

    def __init__(self, rng: np.random.Generator, independent: bool):
        self.xs = [sp.Rational(int(v), 4) for v in rng.choice(range(-8, 9), 3, replace=False)]
        self.ys = [sp.Rational(int(v), 4) for v in rng.choice(range(-8, 9), 3, replace=False)]
        if independent:
            px, py = (_probabilities(rng, 3) for _ in range(2))
            self.table = {(a, b): px[i] * py[j] for (i, a), (j, b)
                          in itertools.product(enumerate(self.xs), enumerate(self.ys))}
        else:
            w = _probabilities(rng, 9)
            self.table = {(a, b): w[3 * i + j] for (i, a), (j, b)
                          in itertools.product(enumerate(self.xs), enumerate(self.ys))}

    def expectation(self, body: sp.Expr, variables) -> sp.Expr:
        total = sp.Integer(0)
        for (a, b), weight in self.table.items():
            total += weight * body.xreplace({X: a, Y: b})
        if set(variables) - {X, Y}:
            raise ValueError(f"unexpected random variables {variables}")
        return total


def _probabilities(rng, n):
    w = [sp.Integer(int(v)) for v in rng.integers(1, 6, n)]
    return [v / sum(w) for v in w]


def value(e: sp.Basic, joint: Joint | None = None) -> float:
    """The number ``e`` stands for: averages by the joint law (or by quadrature against
    their densities), integrals by quadrature, derivatives by SymPy."""
    e = _averaged(sp.sympify(e), joint)
    e = e.doit() if e.has(sp.Derivative) else e
    return complex(sp.N(e, 15)).real


def _averaged(e: sp.Basic, joint: Joint | None) -> sp.Basic:
    if not e.args:
        return e
    if isinstance(e, Variance):
        (body,) = e.bodies
        mean = Expectation(body, e.variables, e.laws)
        return _averaged(Expectation((body - mean) ** 2, e.variables, e.laws), joint)
    if isinstance(e, Covariance):
        a, b = e.bodies
        ea, eb = (Expectation(s, e.variables, e.laws) for s in (a, b))
        return _averaged(Expectation((a - ea) * (b - eb), e.variables, e.laws), joint)
    if isinstance(e, Expectation):
        body = _averaged(e.body, joint)
        if e.laws:
            return sp.Float(_quadrature(body * sp.Mul(*e.laws), e.variables), 15)
        return joint.expectation(body, e.variables)
    if isinstance(e, sp.Integral) and all(limit[1:] == (-sp.oo, sp.oo) for limit in e.limits):
        variables = [limit[0] for limit in e.limits]
        return sp.Float(_quadrature(_averaged(e.function, joint), variables), 15)
    return e.func(*(_averaged(a, joint) for a in e.args))


def _quadrature(integrand: sp.Expr, variables) -> float:
    """The integral over the whole plane (or line) of an integrand that decays like a normal
    density: Gauss-Legendre on unit panels of [-30, 30], in every variable."""
    nodes, weights = np.polynomial.legendre.leggauss(16)
    panels = np.arange(-30, 30)
    points = (panels[:, None] + (nodes[None, :] + 1) / 2).ravel()
    point_weights = np.tile(weights / 2, len(panels))
    grids = np.meshgrid(*([points] * len(variables)), indexing="ij")
    w = np.ones_like(grids[0])
    for axis in range(len(variables)):
        w = w * point_weights.reshape([-1 if k == axis else 1 for k in range(len(variables))])
    values = sp.lambdify(list(variables), integrand, "numpy")(*grids)
    return float(np.sum(w * np.broadcast_to(values, w.shape)))


def normal(mean, variance):
    return sp.exp(-(X - mean) ** 2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance)


def random_function(rng, variable):
    a, b, c = (sp.Rational(int(v), 4) for v in rng.integers(-6, 7, 3))
    return sp.Lambda(variable, a * variable ** 2 + b * sp.sin(variable) + c * sp.exp(variable / 3))


def written(name: str):
    return AXIOMS[name].written


def instantiated(expr: sp.Basic, functions: dict, scalars: dict) -> sp.Basic:
    for name, body in functions.items():
        expr = expr.replace(name, body)
    return expr.xreplace(scalars)


def assert_close(a: float, b: float):
    assert abs(a - b) <= 1e-8 * max(1.0, abs(a), abs(b)), (a, b)


def assert_apart(a: float, b: float):
    assert abs(a - b) > 1e-6 * max(1.0, abs(a), abs(b)), (a, b)


# -- calculus -------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_fundamental_theorem(seed):
    rng = np.random.default_rng(seed)
    integrand = random_function(rng, t)
    low, at_x = sp.Rational(int(rng.integers(-4, 0)), 2), sp.Rational(int(rng.integers(1, 5)), 3)
    lhs, rhs = written("fundamental_theorem")
    scalars = {L.a: low}
    # the derivative taken at x, numerically: (I(x + h) - I(x - h)) / 2h
    integral = instantiated(lhs.expr, {f: integrand}, scalars)
    h = sp.Rational(1, 10 ** 6)
    slope = (value(integral.xreplace({x: at_x + h})) - value(integral.xreplace({x: at_x - h})))
    assert abs(slope / (2 * float(h)) - value(integrand(at_x))) < 1e-5
    assert_close(value(instantiated(rhs, {f: integrand}, scalars).xreplace({x: at_x})),
                 value(integrand(at_x)))


def test_fundamental_theorem_twin_a_lower_bound_moving_with_x_is_refused():
    schema = AXIOMS["fundamental_theorem"]
    line = sp.Derivative(sp.Integral(sp.exp(-t ** 2), (t, x / 2, x)), x)
    by_name = {v.name if isinstance(v, sp.Symbol) else v.__name__: v for v in schema.variables}
    binding = {by_name["x"]: x, by_name["a"]: x / 2, by_name["t"]: t,
               by_name["f"]: sp.Lambda(u, sp.exp(-u ** 2))}
    _, conditions = instance(schema, line, (), binding)
    assert any(check(c).holds is False for c in conditions if c.kind == "free_of")
    # and it is false: d/dx int_{x/2}^x exp(-t^2) dt = exp(-x^2) - exp(-x^2/4)/2
    true = sp.diff(sp.Integral(sp.exp(-t ** 2), (t, x / 2, x)), x).doit()
    assert_apart(value(true.xreplace({x: 1})), value(sp.exp(-1)))


@pytest.mark.parametrize("seed", SEEDS)
def test_integral_of_derivative(seed):
    rng = np.random.default_rng(seed)
    antiderivative = random_function(rng, x)
    a, b = sp.Rational(int(rng.integers(-5, 0)), 2), sp.Rational(int(rng.integers(1, 6)), 2)
    lhs, rhs = written("integral_of_derivative")
    left = instantiated(lhs, {F: antiderivative}, {L.a: a, L.b: b}).doit()
    right = instantiated(rhs, {F: antiderivative}, {L.a: a, L.b: b})
    assert_close(value(left), value(right))
    assert_apart(value(left), value(antiderivative(a) - antiderivative(b)))  # twin: F(a) - F(b)


def _improper(low, high):
    """The name of the improper law for these bounds."""
    return {(-sp.oo, sp.oo): "integral_of_derivative_on_the_line",
            (L.a, sp.oo): "integral_of_derivative_to_infinity",
            (-sp.oo, L.b): "integral_of_derivative_from_minus_infinity"}[(low, high)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("bounds", [(-sp.oo, sp.oo), (L.a, sp.oo), (-sp.oo, L.b)])
def test_integral_of_derivative_improper(seed, bounds):
    # an antiderivative with limits at both infinities: F' decays, and the quadrature of
    # F' over the (half) line is F's limit minus its value, or limit, at the other end
    rng = np.random.default_rng(seed)
    c1, c2, c3 = (sp.Rational(int(v), 4) for v in rng.integers(1, 9, 3))
    antiderivative = sp.Lambda(x, c1 * sp.atan(c2 * x) + c3 * sp.erf(x))
    a, b = sp.Rational(int(rng.integers(-5, 0)), 2), sp.Rational(int(rng.integers(1, 6)), 2)
    lhs, rhs = written(_improper(*bounds))
    integrand = sp.diff(antiderivative(x), x)
    low, high = (e.xreplace({L.a: a, L.b: b}) for e in bounds)
    left = float(mpmath.quad(sp.lambdify(x, integrand, "mpmath"), [float(low), float(high)]))
    right = value(instantiated(rhs, {F: antiderivative}, {L.a: a, L.b: b}))
    assert_close(left, right)
    assert_apart(left, value(antiderivative(high) + antiderivative(low)))  # twin: F(b) + F(a)


def test_integral_of_derivative_improper_twin_no_limit_is_refused():
    # F = sin x has no limit at infinity: SymPy's value there is an interval, never a number
    schema = AXIOMS["integral_of_derivative_to_infinity"]
    by_name = {v.name if isinstance(v, sp.Symbol) else v.__name__: v for v in schema.variables}
    line = sp.Integral(sp.Derivative(sp.sin(x), x), (x, 0, sp.oo))
    binding = {by_name["x"]: x, by_name["a"]: sp.Integer(0), by_name["F"]: sp.Lambda(u, sp.sin(u))}
    _, conditions = instance(schema, line, (), binding)
    assert [check(c).holds for c in conditions if c.kind == "finite"] == [True, None]
    # F = x exp(-x) tends to 0, but SymPy's oo * 0 is nan: not shown, never wrong
    binding[by_name["F"]] = sp.Lambda(u, u * sp.exp(-u))
    line = sp.Integral(sp.Derivative(x * sp.exp(-x), x), (x, 0, sp.oo))
    _, conditions = instance(schema, line, (), binding)
    assert None in [check(c).holds for c in conditions if c.kind == "finite"]


@pytest.mark.parametrize("seed", SEEDS)
def test_integral_reversed_bounds(seed):
    rng = np.random.default_rng(seed)
    integrand = random_function(rng, x)
    scalars = {L.lo: sp.Integer(int(rng.integers(-3, 0))), L.hi: sp.Integer(int(rng.integers(1, 4)))}
    lhs, rhs = (instantiated(s, {f: integrand}, scalars) for s in written("integral_reversed_bounds"))
    assert_close(value(lhs), value(rhs))
    assert_apart(value(lhs), value(-rhs))  # twin: the bounds swapped without the sign


@pytest.mark.parametrize("seed", SEEDS)
def test_linear_change_of_variable(seed):
    rng = np.random.default_rng(seed)
    integrand = random_function(rng, x)
    k = sp.Rational(int(rng.choice([-5, -3, 3, 5])), 2)
    scalars = {L.nonzero_k: k, L.m: sp.Rational(int(rng.integers(-3, 4)), 2), L.lo: sp.Integer(-1),
               L.hi: sp.Integer(2)}
    lhs, rhs = (instantiated(s, {f: integrand}, scalars)
                for s in written("linear_change_of_variable"))
    assert_close(value(lhs), value(rhs))
    assert_apart(value(lhs / k), value(rhs))  # twin: du = k dx forgotten


@pytest.mark.parametrize("k", [sp.Integer(-2), sp.Rational(1, 3), sp.Integer(3)])
def test_linear_change_of_variable_on_the_line(k):
    density = sp.Lambda(x, sp.exp(-(x - 1) ** 2))
    scalars = {L.nonzero_k: k, L.m: sp.Rational(1, 2)}
    lhs, rhs = (instantiated(s, {f: density}, scalars)
                for s in written("linear_change_of_variable_on_the_line"))
    assert_close(value(lhs), value(rhs))
    if k < 0:  # twin: k for |k|, which flips the sign for a negative slope
        assert_apart(value(lhs * sp.sign(k)), value(rhs))


@pytest.mark.parametrize("seed", SEEDS)
def test_integration_by_parts(seed):
    rng = np.random.default_rng(seed)
    first, second = random_function(rng, x), random_function(rng, x)
    scalars = {L.a: sp.Integer(-1), L.b: sp.Rational(3, 2)}
    lhs, rhs = (instantiated(s, {f: first, g: second}, scalars).doit()
                for s in written("integration_by_parts"))
    assert_close(value(lhs), value(rhs))
    boundary = value((first(x) * second(x)).xreplace({x: sp.Rational(3, 2)})
                     - (first(x) * second(x)).xreplace({x: -1}))
    assert_apart(value(lhs), 2 * boundary - value(rhs))  # twin: the integral added


# -- expectations ---------------------------------------------------------------------------

def _random_bodies(rng, variables):
    def one():
        a, b, c = (sp.Rational(int(v), 3) for v in rng.integers(-5, 6, 3))
        return sp.Lambda(variables, a * variables[0] ** 2 + b * variables[-1] + c)
    return one(), one()


@pytest.mark.parametrize("suffix", ["", "_joint"])
@pytest.mark.parametrize("law", ["expectation_of_sum", "expectation_of_multiple",
                                 "expectation_of_constant", "variance_definition",
                                 "covariance_definition"])
@pytest.mark.parametrize("seed", SEEDS)
def test_averages_without_laws(law, suffix, seed):
    rng = np.random.default_rng(seed)
    joint = Joint(rng, independent=False)
    variables = L.FORMS[suffix][0]
    first, second = _random_bodies(rng, variables)
    scalars = {L.k: sp.Rational(int(rng.integers(2, 7)), 3)}
    lhs, rhs = (instantiated(s, {f: first, g: second}, scalars) for s in written(law + suffix))
    assert_close(value(lhs, joint), value(rhs, joint))


@pytest.mark.parametrize("law", ["expectation_of_sum", "expectation_of_multiple",
                                 "expectation_of_constant", "variance_definition",
                                 "covariance_definition"])
def test_averages_under_a_density(law):
    rng = np.random.default_rng(7)
    first, second = _random_bodies(rng, (X,))
    laws = {p: sp.Lambda(X, normal(sp.Rational(1, 2), sp.Rational(3, 2)))}
    lhs, rhs = (instantiated(s, {f: first, g: second, **laws}, {L.k: sp.Rational(5, 3)})
                for s in written(law + "_under_law"))
    assert_close(value(lhs), value(rhs))


def test_expectation_of_a_constant_under_a_function_that_is_not_a_density():
    # twin: E[c] = c needs p normalised: under 2 N(x | 0, 1), E[c] would be 2c
    lhs, rhs = written("expectation_of_constant_under_law")
    doubled = {p: sp.Lambda(X, 2 * normal(0, 1))}
    assert_apart(value(instantiated(lhs, doubled, {L.k: 3})), 3)
    law = AXIOMS["expectation_of_constant_under_law"]
    assert [c.kind for c in law.conditions] == ["density"]


@pytest.mark.parametrize("seed", SEEDS)
def test_independent_product_and_its_twin(seed):
    rng = np.random.default_rng(seed)
    first, second = random_function(rng, X), random_function(rng, Y)
    lhs, rhs = (instantiated(s, {f: first, g: second}, {})
                for s in written("expectation_of_independent_product"))
    independent, dependent = Joint(rng, independent=True), Joint(rng, independent=False)
    assert_close(value(lhs, independent), value(rhs, independent))
    assert_apart(value(lhs, dependent), value(rhs, dependent))  # twin: not independent
    law = AXIOMS["expectation_of_independent_product"]
    (condition,) = law.conditions
    assert condition.kind == "independent"
    a, b = condition.subject
    assert check(condition).holds is None
    assert check(condition, [Independent(a, b)]).holds is True


def test_product_under_laws():
    first, second = sp.Lambda(X, X ** 2 + 1), sp.Lambda(Y, Y - 2)
    laws = {p: sp.Lambda(X, normal(1, 2)), q: sp.Lambda(Y, normal(-1, 1).xreplace({X: Y}))}
    lhs, rhs = (instantiated(s, {f: first, g: second, **laws}, {})
                for s in written("expectation_of_product_under_laws"))
    assert_close(value(lhs), value(rhs))
    assert_close(value(rhs), (1 + 2 + 1) * (-1 - 2))


@pytest.mark.parametrize("seed", SEEDS)
def test_a_variable_the_body_does_not_mention_averages_out(seed):
    rng = np.random.default_rng(seed)
    joint = Joint(rng, independent=False)
    for name, function, variable in (("expectation_of_the_first", f, X),
                                     ("expectation_of_the_second", g, Y)):
        body = random_function(rng, variable)
        lhs, rhs = (instantiated(s, {function: body}, {}) for s in written(name))
        assert_close(value(lhs, joint), value(rhs, joint))


def test_a_variable_the_body_mentions_does_not_average_out():
    # twin: E_{X,Y}[X Y] is not E_X[X Y] (which is not even a number): the kernel refuses
    # to bind f to a body that mentions Y
    schema = AXIOMS["expectation_of_the_first"]
    by_name = {v.name if isinstance(v, sp.Symbol) else v.__name__: v for v in schema.variables}
    binding = {by_name["X"]: X, by_name["Y"]: Y, by_name["f"]: sp.Lambda(u, u * Y)}
    with pytest.raises(Exception, match="escape"):
        instance(schema, Expectation(X * Y, (X, Y)), (), binding)


def test_marginals_under_laws():
    laws = {p: sp.Lambda(X, normal(1, 2)), q: sp.Lambda(Y, normal(0, 1).xreplace({X: Y}))}
    for name, function, body, expected in (
            ("expectation_of_the_first_under_laws", f, sp.Lambda(X, X ** 2), 3),
            ("expectation_of_the_second_under_laws", g, sp.Lambda(Y, Y ** 2 + Y), 1)):
        lhs, rhs = (instantiated(s, {function: body, **laws}, {}) for s in written(name))
        assert_close(value(lhs), value(rhs))
        assert_close(value(rhs), expected)


def test_expectation_as_integral():
    body, law = sp.Lambda(X, sp.cos(X)), sp.Lambda(X, normal(0, 1))
    lhs, rhs = (instantiated(s, {f: body, p: law}, {}) for s in written("expectation_as_integral"))
    assert_close(value(lhs), value(rhs))
    assert_close(value(rhs), float(sp.exp(-sp.Rational(1, 2))))


# -- densities ------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_normal_density_definition(seed):
    rng = np.random.default_rng(seed)
    scalars = {L.x: sp.Rational(int(rng.integers(-9, 10)), 4), L.m: sp.Rational(int(rng.integers(-4, 5)), 3),
               L.v: sp.Rational(int(rng.integers(1, 9)), 4)}
    lhs, rhs = (s.xreplace(scalars) for s in written("normal_density_definition"))
    x0, m0, v0 = (float(scalars[s]) for s in (L.x, L.m, L.v))
    from_scipy_formula = float(mpmath.npdf(x0, m0, mpmath.sqrt(v0)))
    assert_close(value(rhs), from_scipy_formula)
    assert_close(value(lhs.rewrite(sp.exp)), from_scipy_formula)
    twin = sp.exp(-(scalars[L.x] - scalars[L.m]) ** 2 / (2 * scalars[L.v])) / (2 * sp.pi * scalars[L.v])
    assert_apart(value(twin), from_scipy_formula)  # twin: no square root
    assert "positive" in [c.kind for c in AXIOMS["normal_density_definition"].conditions]


def test_sigmoid_definition():
    lhs, rhs = written("sigmoid_definition")
    for z in (-3, 0, sp.Rational(5, 2)):
        expected = 1 / (1 + mpmath.exp(-z))
        assert_close(value(rhs.xreplace({L.x: z})), float(expected))
        assert_close(value(lhs.xreplace({L.x: z}).rewrite(sp.exp)), float(expected))
        if z:
            assert_apart(value(1 / (1 + sp.exp(z))), float(expected))  # twin: exp(z)


def test_density_integrates_to_one():
    lhs, rhs = written("density_integrates_to_one")
    (z,) = lhs.variables
    assert_close(value(instantiated(lhs, {p: sp.Lambda(z, normal(2, 3).xreplace({X: z}))}, {})), 1)
    assert_apart(value(instantiated(lhs, {p: sp.Lambda(z, 2 * normal(0, 1).xreplace({X: z}))}, {})), 1)
    assert [c.kind for c in AXIOMS["density_integrates_to_one"].conditions] == ["density"]


def test_the_kernel_knows_a_normal_density_is_a_density():
    from derive.kernel import conditions as cond

    s = sp.Symbol("s", positive=True)
    assert check(cond.density(NormalDensity(x, 1, s), x)).holds is True
    assert check(cond.density(2 * NormalDensity(x, 1, s), x)).holds is None


def test_every_law_of_this_section_is_tested_here():
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    for schema in L.laws():
        base = schema.name
        for suffix in L.FORMS:
            if suffix and base.endswith(suffix):
                base = base[: -len(suffix)]
        assert f'"{base}' in source, f"law {schema.name} has no test here"
