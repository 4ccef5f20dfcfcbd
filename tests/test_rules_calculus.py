"""The calculus rules: each justifies the steps it is for, and its wrong twins are REFUTED or
UNPROVEN with the reason."""

import sympy as sp
from helpers import one_step
from test_rules_core import assert_refuted, assert_unproven, assert_verified

from derive import Status
from derive.messages import rests_on
from derive.rules import (
    algebra,
    change_of_variable,
    change_variable,
    definite_integral,
    differentiate,
    fundamental_theorem,
    integration_by_parts,
)

x, y, t, u, w, z, mu = sp.symbols("x y t u w z mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
N = sp.Symbol("N", integer=True, positive=True)
T, X = sp.IndexedBase("t", real=True), sp.IndexedBase("x", real=True)
oo = sp.oo


def over_n(e):
    return sp.Sum(e, (n, 1, N))


# -- derivatives ----------------------------------------------------------------------------

def test_the_derivative_of_a_sum_of_squares():
    r = one_step(sp.Derivative(over_n((T[n] - w * X[n]) ** 2), w),
                 -2 * over_n(X[n] * (T[n] - w * X[n])), differentiate)
    assert_verified(r)
    assert "no numeric evidence" in rests_on(r.verdict)  # the numbers have no derivatives yet


def test_a_derivative_off_by_a_factor_two_is_unproven():
    r = one_step(sp.Derivative(over_n((T[n] - w * X[n]) ** 2), w),
                 -4 * over_n(X[n] * (T[n] - w * X[n])), differentiate)
    assert_unproven(r, "not shown to be 0")


def test_product_chain_and_quotient_rules():
    assert_verified(one_step(sp.Derivative(x * sp.exp(-x ** 2), x),
                             sp.exp(-x ** 2) - 2 * x ** 2 * sp.exp(-x ** 2), differentiate))
    assert_verified(one_step(sp.Derivative(sp.sin(x) / (1 + x ** 2), x),
                             (sp.cos(x) * (1 + x ** 2) - 2 * x * sp.sin(x)) / (1 + x ** 2) ** 2,
                             differentiate))


def test_the_chain_rule_with_the_inner_derivative_forgotten_is_not_verified():
    r = one_step(sp.Derivative(sp.exp(-x ** 2), x), sp.exp(-x ** 2), differentiate)
    assert r.verdict.status is not Status.VERIFIED


def test_differentiate_does_not_apply_without_a_derivative():
    assert_unproven(one_step(x ** 2, x * x, differentiate), "found no derivative")


# -- definite integrals ---------------------------------------------------------------------

def test_definite_integrals_in_closed_form_cross_checked_by_quadrature():
    for before, after in [(sp.Integral(-1, (x, 0, 1)), -1),
                          (sp.Integral(sp.exp(y), (y, 0, x)), sp.exp(x) - 1),
                          (sp.Integral(y * sp.exp(-y ** 2), (y, 0, 1)), (1 - sp.exp(-1)) / 2)]:
        r = one_step(before, sp.sympify(after), definite_integral)
        assert_verified(r)
        assert r.verdict.numeric.status.value == "passed"


def test_the_power_rule_by_the_fundamental_theorem():
    assert_verified(one_step(sp.Integral(n * y ** (n - 1), (y, 0, x)), x ** n,
                             definite_integral))


def test_an_integral_with_its_bounds_swapped_is_refuted():
    assert_refuted(one_step(sp.Integral(x, (x, 1, 0)), sp.Rational(1, 2), definite_integral))


def test_an_integral_of_an_unknown_function_is_not_evaluated():
    f = sp.Function("f")
    r = one_step(sp.Integral(f(x), (x, 0, 1)), f(1) - f(0), definite_integral)
    assert r.verdict.status is not Status.VERIFIED


def test_an_antiderivative_that_is_not_continuous_on_the_line_is_not_used():
    # 1/x: log(x) differentiates back to 1/x, but 1/x is not continuous at 0; the kernel's
    # own closed form (log 2) closes it instead
    assert_verified(one_step(sp.Integral(1 / x, (x, 1, 2)), sp.log(2), definite_integral))
    r = one_step(sp.Integral(1 / x, (x, -1, 1)), sp.Integer(0), definite_integral)
    assert r.verdict.status is not Status.VERIFIED


def test_an_integration_variable_that_also_names_its_upper_bound():
    # d2l writes int_0^x e^x dx: the x under the integral is its own dummy, the bound is the
    # free x; the law is used with the dummy renamed, and its continuity still checked
    assert_verified(one_step(sp.Integral(sp.exp(x), (x, 0, x)), sp.exp(x) - 1,
                             definite_integral))
    assert_verified(one_step(sp.Integral(x, (x, 0, x)), x ** 2 / 2, definite_integral))
    # twins: the integrand's x read as the free one (int_0^x x dt = x^2), and a jump at 0
    # inside [-1, x] that the renamed variable must not hide
    r = one_step(sp.Integral(x, (x, 0, x)), x ** 2, definite_integral)
    assert r.verdict.status is not Status.VERIFIED
    r = one_step(sp.Integral(1 / x ** 2, (x, -1, x)), -1 / x - 1, definite_integral)
    assert_unproven(r, "continuous")


# -- the fundamental theorem ----------------------------------------------------------------

def test_the_derivative_of_an_integral_with_a_variable_upper_bound():
    before = sp.Derivative(sp.Integral(sp.exp(-t ** 2), (t, 0, x)), x)
    assert_verified(one_step(before, sp.exp(-x ** 2), fundamental_theorem))


def test_the_fundamental_theorem_twins():
    # the lower bound moving with x: d/dx int_{x/2}^x is not the integrand at x
    moving = sp.Derivative(sp.Integral(sp.exp(-t ** 2), (t, x / 2, x)), x)
    assert_unproven(one_step(moving, sp.exp(-x ** 2), fundamental_theorem), "free of x")
    # the integrand evaluated at the wrong point
    before = sp.Derivative(sp.Integral(sp.exp(-t ** 2), (t, 0, x)), x)
    r = one_step(before, sp.exp(-2 * x ** 2), fundamental_theorem)
    assert r.verdict.status is not Status.VERIFIED


def test_the_derivative_of_an_integral_is_not_algebra():
    before = sp.Derivative(sp.Integral(sp.exp(-t ** 2), (t, 0, x)), x)
    assert one_step(before, sp.exp(-x ** 2), algebra).verdict.status is not Status.VERIFIED


def test_the_integral_of_a_derivative_needs_it_continuous():
    F = sp.Function("F")
    assert_verified(one_step(sp.Integral(sp.Derivative(sp.sin(x) * x, x), (x, 0, 1)),
                             sp.sin(1), fundamental_theorem))
    r = one_step(sp.Integral(sp.Derivative(F(x), x), (x, 0, 1)), F(1) - F(0),
                 fundamental_theorem)
    assert_unproven(r, "continuous")


# -- changes of variable --------------------------------------------------------------------

def test_a_linear_change_of_variable_read_from_the_bounds():
    assert_verified(one_step(sp.Integral(sp.exp(2 * x), (x, 0, 1)),
                             sp.Integral(sp.exp(u) / 2, (u, 0, 2)), change_of_variable))


def test_a_change_of_variable_without_the_jacobian_is_refuted():
    assert_refuted(one_step(sp.Integral(sp.exp(2 * x), (x, 0, 1)),
                            sp.Integral(sp.exp(u), (u, 0, 2)), change_of_variable))


def test_a_reflection_keeps_the_orientation():
    # u = 1 - x runs from 1 to 0: int_0^1 x^2 dx = int_1^0 -(1 - u)^2 du
    assert_verified(one_step(sp.Integral(x ** 2, (x, 0, 1)),
                             sp.Integral(-(1 - u) ** 2, (u, 1, 0)), change_of_variable))
    assert_refuted(one_step(sp.Integral(x ** 2, (x, 0, 1)),
                            sp.Integral((1 - u) ** 2, (u, 1, 0)), change_of_variable))


def test_standardising_a_gaussian_over_the_whole_line():
    before = sp.Integral(sp.exp(-(x - mu) ** 2 / (2 * sigma ** 2)), (x, -oo, oo))
    after = sp.Integral(sigma * sp.exp(-z ** 2 / 2), (z, -oo, oo))
    assert_verified(one_step(before, after, [change_variable(x, sigma * z + mu, z), algebra]))
    # twin: the factor sigma forgotten
    r = one_step(before, sp.Integral(sp.exp(-z ** 2 / 2), (z, -oo, oo)),
                 [change_variable(x, sigma * z + mu, z), algebra])
    assert_refuted(r)


def test_a_change_of_variable_that_is_not_linear_is_refused():
    import pytest

    from derive.rules import RuleDoesNotApply

    with pytest.raises(RuleDoesNotApply, match="not linear"):
        change_variable(x, z ** 2, z)


# -- integration by parts -------------------------------------------------------------------

def test_integration_by_parts_and_its_twin():
    before = sp.Integral(x * sp.exp(x), (x, 0, 1))
    assert_verified(one_step(before, sp.E - sp.Integral(sp.exp(x), (x, 0, 1)),
                             integration_by_parts))
    assert_refuted(one_step(before, sp.E + sp.Integral(sp.exp(x), (x, 0, 1)),
                            integration_by_parts))


def test_integration_by_parts_with_a_log():
    before = sp.Integral(x * sp.log(x), (x, 1, 2))
    after = 2 * sp.log(2) - sp.Integral(x / 2, (x, 1, 2))
    # log x is continuously differentiable on [1, 2], though not on the whole line
    assert_verified(one_step(before, after, integration_by_parts))
    # twin: over [-1, 2] the log is undefined at and left of 0
    before = sp.Integral(x * sp.log(x), (x, -1, 2))
    after = 2 * sp.log(2) - sp.log(-1) / 2 - sp.Integral(x / 2, (x, -1, 2))
    r = one_step(before, after, integration_by_parts)
    assert r.verdict.status is not Status.VERIFIED
