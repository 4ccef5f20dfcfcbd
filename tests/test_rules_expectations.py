"""The expectation rules: linearity, E[c] = c, the variance and covariance identities, and
independence, which the kernel finds only where a step declares it."""

import sympy as sp
from helpers import one_step
from test_rules_core import assert_refuted, assert_unproven, assert_verified

from derive import Covariance, Expectation, Numeric, Status, Symbolic, Variance, density
from derive.kernel import Independent
from derive.messages import rests_on
from derive.rules import (
    algebra,
    expectation_algebra,
    expectation_as_integral,
    expectation_linearity,
    independence,
    kl_definition,
    log_of_product,
    variance_definition,
)

X, Y, a, b, x, w0, w1 = sp.symbols("X Y a b x w_0 w_1", real=True)
p, q = density("p"), density("q")
oo = sp.oo


def E(body, *variables, laws=()):  # noqa: N802
    return Expectation(body, variables or (X,), laws)


def refuted_by_the_numbers(r, *words):
    """Unproven by the kernel (saying why, in ``words``), refuted by a numeric counterexample
    under a random law (derive/numeric/averages.py)."""
    assert r.verdict.status is Status.REFUTED, (r.verdict.symbolic.detail, r.verdict.numeric.detail)
    assert r.verdict.symbolic.status is not Symbolic.PROVED
    assert r.verdict.numeric.status is Numeric.COUNTEREXAMPLE
    for w in words:
        assert w in r.verdict.symbolic.detail


def test_linearity_splits_sums_and_pulls_out_constants():
    r = one_step(E(a + b * X), a + b * E(X), expectation_linearity)
    assert_verified(r)
    assert "checked on 300 random instances" in rests_on(r.verdict)


def test_linearity_twins():
    assert_refuted(one_step(E(2 * X + 3), 2 * E(X) + 2, expectation_linearity))
    refuted_by_the_numbers(one_step(E(a + b * X), b * E(X), expectation_linearity), "not shown")


def test_the_mean_of_a_linear_model_with_random_weights():
    assert_verified(one_step(E(w0 + w1 * x, w0, w1), E(w0, w0) + x * E(w1, w1),
                             expectation_linearity))


def test_a_factor_of_the_random_variable_is_not_pulled_out():
    r = one_step(E(X * X), X * E(X), expectation_linearity)
    assert r.verdict.status is not Status.VERIFIED


def test_the_variance_identity():
    assert_verified(one_step(Variance(X, [X]), E((X - E(X)) ** 2), variance_definition))
    assert_verified(one_step(Variance(X, [X]), E(X ** 2) - E(X) ** 2, expectation_algebra))


def test_variance_identity_twins():
    refuted_by_the_numbers(one_step(Variance(X, [X]), E(X ** 2) + E(X) ** 2,
                                    expectation_algebra), "not shown")
    assert_refuted(one_step(Variance(X + 1, [X]), Variance(X, [X]) + 1, expectation_algebra))


def test_a_shift_leaves_the_variance_and_a_scale_squares_it():
    assert_verified(one_step(Variance(X + a, [X]), Variance(X, [X]), expectation_algebra))
    assert_verified(one_step(Variance(a * X, [X]), a ** 2 * Variance(X, [X]), expectation_algebra))
    refuted_by_the_numbers(one_step(Variance(a * X, [X]), a * Variance(X, [X]),
                                    expectation_algebra), "not shown")


def test_independence_declared_factorises():
    r = one_step(E(X * Y, X, Y), E(X) * E(Y, Y), independence, hypotheses=[Independent(X, Y)])
    assert_verified(r)


def test_expectation_of_a_product_without_independence_is_refuted_and_says_why():
    r = one_step(E(X * Y, X, Y), E(X) * E(Y, Y), independence)
    refuted_by_the_numbers(r, "X and Y are not declared independent")


def test_variance_of_a_sum_with_and_without_independence():
    before, after = Variance(X + Y, [X, Y]), Variance(X, [X]) + Variance(Y, [Y])
    assert_verified(one_step(before, after, expectation_algebra,
                             hypotheses=[Independent(X, Y)]))
    r = one_step(before, after, expectation_algebra)
    refuted_by_the_numbers(r, "X and Y are not declared independent")


def test_independence_of_other_variables_does_not_count():
    Z = sp.Symbol("Z", real=True)
    r = one_step(E(X * Y, X, Y), E(X) * E(Y, Y), independence, hypotheses=[Independent(X, Z)])
    refuted_by_the_numbers(r, "not declared independent")


def test_the_variance_of_a_sum_in_general_has_the_covariance():
    before = Variance(X + Y, [X, Y])
    after = Variance(X, [X, Y]) + Variance(Y, [X, Y]) + 2 * Covariance((X, Y), [X, Y])
    assert_verified(one_step(before, after, expectation_algebra))
    twin = Variance(X, [X, Y]) + Variance(Y, [X, Y]) + Covariance((X, Y), [X, Y])
    refuted_by_the_numbers(one_step(before, twin, expectation_algebra), "not shown")


def test_constants_under_a_density():
    assert_verified(one_step(E(a, laws=[p(X)]), a, expectation_linearity))


def test_an_expectation_under_a_density_is_the_integral_against_it():
    r = one_step(E(X ** 2, laws=[p(X)]), sp.Integral(X ** 2 * p(X), (X, -oo, oo)),
                 expectation_as_integral)
    assert_verified(r)


def test_an_expectation_under_a_density_becomes_a_cross_entropy():
    # E_{x~q}[log q - log p] is the KL divergence, through the integral against q
    z = sp.Symbol("z", real=True)
    from derive import KL

    before = Expectation(sp.log(q(z)) - sp.log(p(z)), [z], [q(z)])
    after = sp.Integral((sp.log(q(z)) - sp.log(p(z))) * q(z), (z, -oo, oo))
    assert_verified(one_step(before, after, expectation_as_integral))
    kl = one_step(KL(q(z), p(z), z), after, [kl_definition, log_of_product, algebra])
    assert_verified(kl)


def test_the_law_of_a_variable_must_be_a_density():
    f = sp.Function("f")  # not declared a density
    r = one_step(E(a, laws=[f(X)]), a, expectation_linearity)
    assert_unproven(r, "density")
