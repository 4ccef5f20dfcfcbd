"""The numeric checker: instances that respect assumptions, quadrature, nascent deltas,
order checks, seeds that replay, and counterexamples that shrink."""

import numpy as np
import pytest
import sympy as sp
from helpers import I, Pr, Y, i, integral, one_step, q, theta, y

from derive import ArgMin, Delta, Numeric, Status, check_derivation
from derive import numeric as num
from derive.checker import DEFAULT_INSTANCES
from derive.kernel import Relation
from derive.rules import algebra, dirac_sifting, integral_linearity, swap_sum_integral


def sample(*exprs, n=500, seed=0):
    roles = num.read_roles(exprs)
    return roles, num.sample(roles, np.random.default_rng(seed), n, 0)


def test_instances_respect_the_declared_assumptions():
    pos = sp.Symbol("s", positive=True)
    integer = sp.Symbol("n", integer=True, positive=True)
    real = sp.Symbol("r", real=True)
    _, inst = sample(pos + integer + real)
    assert np.all(inst.scalars[pos] > 0)
    assert np.all(inst.scalars[integer] >= 1)
    assert np.all(inst.scalars[integer] == np.round(inst.scalars[integer]))
    assert np.any(inst.scalars[real] < 0) and np.any(inst.scalars[real] > 0)


def test_abstract_densities_are_real_densities():
    roles, inst = sample(integral(q(y)))
    total = num.evaluate(integral(q(y)), inst, roles, None)
    assert np.allclose(total, 1.0, atol=1e-9)
    values = num.evaluate(q(y).subs(y, sp.Rational(1, 3)), inst, roles, None)
    assert np.all(values > 0)


def test_every_conditional_family_is_a_density_and_the_learned_variance_one_is_used():
    expr = integral(Pr(y, theta))
    roles = num.read_roles([expr])
    rng = np.random.default_rng(0)
    seen = set()
    for chunk in range(len(num.FAMILIES)):
        inst = num.sample(roles, rng, 50, chunk)
        seen.add(inst.family[Pr].only.name)
        assert np.allclose(num.evaluate(expr, inst, roles, None), 1.0, atol=1e-6)
    assert "Gaussian(mean, variance learned)" in seen and len(seen) == len(num.FAMILIES)


def test_nascent_delta_gap_shrinks_with_eps_and_extrapolates_to_the_sifted_value():
    sifted = integral(Delta(y - Y[1]) * sp.log(Pr(y, theta)))
    roles, inst = sample(sifted, sp.log(Pr(Y[1], theta)), n=200)
    exact = num.evaluate(sp.log(Pr(Y[1], theta)), inst, roles, None)
    gaps = [np.max(np.abs(num.evaluate(sifted, inst, roles, eps) - exact))
            for eps in num.EPSILONS]
    assert gaps[0] > gaps[1] > gaps[2] > 0  # each eps gives a different, closer value
    left, right, _, unconverged = num.Sides(sifted, sp.log(Pr(Y[1], theta)), roles, {}).pairs(inst)
    assert not np.any(unconverged)
    assert np.max(np.abs(np.exp(left[0]) * left[1] - np.exp(right[0]) * right[1])) < num.DELTA_TOLERANCE


empirical_cross_entropy = ArgMin(
    -integral(sp.Sum(Delta(y - Y[i]), (i, 1, I)) / I * sp.log(Pr(y, theta))), theta)
sample_mean_twin = ArgMin(-sp.log(Pr(sp.Sum(Y[i], (i, 1, I)) / I, theta)), theta)


def _order_check(families, values_too):
    """The order check with conditional densities drawn from ``families`` only."""
    from unittest import mock

    from derive.numeric import checks, instances

    plan = num.Plan("order", empirical_cross_entropy.objective, sample_mean_twin.objective,
                    values_too=values_too, variables=(theta,))
    with mock.patch.object(instances, "FAMILIES", families):
        return checks._run(plan, np.random.default_rng(3), 400, 3)


def test_sample_mean_sifting_keeps_the_argmin_of_a_fixed_variance_gaussian():
    # The classic wrong step gives the right argmin here: order alone cannot see it...
    fixed = [f for f in num.FAMILIES if f.name == "Gaussian(mean learned, variance 1)"]
    assert _order_check(fixed, values_too=False).status is Numeric.PASSED


def test_sample_mean_sifting_is_caught_by_the_learned_variance_gaussian_and_by_values():
    learned = [f for f in num.FAMILIES if f.name == "Gaussian(mean, variance learned)"]
    fixed = [f for f in num.FAMILIES if f.name == "Gaussian(mean learned, variance 1)"]
    assert _order_check(learned, values_too=False).status is Numeric.COUNTEREXAMPLE
    assert _order_check(fixed, values_too=True).status is Numeric.COUNTEREXAMPLE


def test_the_default_is_at_least_1000_instances_per_step():
    assert DEFAULT_INSTANCES >= 1000
    r = one_step(sp.log(Pr(Y[1], theta)) * 2, 2 * sp.log(Pr(Y[1], theta)), algebra,
                 instances=DEFAULT_INSTANCES)
    assert r.verdict.numeric.instances >= 1000


def test_one_seed_replays_the_same_counterexample_and_another_seed_draws_others():
    def counterexample(seed):
        r = one_step(sp.Sum(Y[i], (i, 1, I)) ** 2, sp.Sum(Y[i] ** 2, (i, 1, I)), algebra,
                     seed=seed)
        assert r.verdict.status is Status.REFUTED
        return r.verdict.numeric.counterexample

    assert counterexample(5) == counterexample(5)
    assert counterexample(5)["seed"] == 5
    assert counterexample(5)["instance"] != counterexample(6)["instance"]


def test_counterexamples_shrink_to_the_smallest_sum_bound_that_fails():
    # (sum y_i)^2 = sum y_i^2 holds for I = 1 and fails from I = 2 on.
    r = one_step(sp.Sum(Y[i], (i, 1, I)) ** 2, sp.Sum(Y[i] ** 2, (i, 1, I)), algebra)
    instance = r.verdict.numeric.counterexample["instance"]
    assert instance["I"] == 2
    assert len(instance["y"]) == 2
    assert all(v == round(v, 1) for v in instance["y"])  # rounded while it still fails


def test_a_factor_I_twin_shrinks_to_I_equal_2():
    d_before = empirical_cross_entropy
    r = one_step(d_before, ArgMin(-I * sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I)), theta),
                 [integral_linearity, swap_sum_integral, dirac_sifting])
    assert r.verdict.status is Status.REFUTED
    assert r.verdict.numeric.counterexample["instance"]["I"] == 2


def test_what_cannot_be_evaluated_is_not_applicable_with_the_reason():
    g = sp.Function("g")
    r = one_step(g(y) + g(y), 2 * g(y), algebra)
    assert r.verdict.numeric.status is Numeric.NOT_APPLICABLE
    assert "no numeric meaning" in r.verdict.numeric.detail
    assert r.verdict.status is Status.VERIFIED  # proved, and the reason is stated


def test_nested_integrals_too_large_are_refused_not_attempted():
    u, v, w = sp.symbols("u v w", real=True)
    triple = integral(integral(integral(q(u) * q(v) * q(w), u), v), w)
    verdict = num.check_step(triple, sp.Integer(1), Relation.EQUAL, None, 0, 200, ["t"])
    assert verdict.status is Numeric.NOT_APPLICABLE
    assert "too large" in verdict.detail


def test_a_condition_used_as_a_number_is_a_number_and_the_density_a_regression_on_it():
    # theta is a number here (it is added), so Pr(y|theta) is a density whose mean and
    # scale are random functions of it, not a family with theta as its parameter vector.
    verdict = num.check_step(sp.log(Pr(y, theta)) + theta, theta + sp.log(Pr(y, theta)),
                             Relation.EQUAL, None, 0, 50, ["t"])
    assert verdict.status is Numeric.PASSED
    wrong = num.check_step(sp.log(Pr(y, theta)) + theta, sp.log(Pr(y, theta)),
                           Relation.EQUAL, None, 0, 50, ["t"])
    assert wrong.status is Numeric.COUNTEREXAMPLE


def test_relative_error_compares_tiny_values_relatively():
    a, b = np.array([1e-11]), np.array([1.1e-11])
    assert num.relative_error(a, b)[0] == pytest.approx(0.1 / 1.1)
    # an undefined side is no evidence either way: NaN, never "they differ"
    assert np.isnan(num.relative_error(np.array([1.0]), np.array([np.nan]))[0])


def test_definitions_of_densities_are_checked_to_integrate_to_one():
    from derive import Derivation

    d = Derivation("t", q(y))
    d.let(q(y), sp.Sum(Delta(y - Y[i]), (i, 1, I)) / I, label="good")
    d.let(Pr(y, theta), sp.Sum(Delta(y - Y[i]), (i, 1, I)), label="bad")
    good, bad = check_derivation(d, instances=200)
    assert good.verdict.status is Status.VERIFIED
    assert bad.verdict.status is Status.REFUTED


def test_order_checks_vary_scalar_optimisation_variables_and_only_them():
    from derive.rules import drop_positive_factor

    x = sp.Symbol("x", real=True)
    wrong = one_step(ArgMin((x - theta) ** 2, theta), ArgMin((x - theta) ** 2 * -1, theta),
                     drop_positive_factor)
    assert wrong.verdict.numeric.status is Numeric.COUNTEREXAMPLE
    instance = wrong.verdict.numeric.counterexample["instance"]
    assert instance["theta (a)"] != instance["theta (b)"]
    # x is not optimised: it is the same in both settings, so this (true) step passes
    right = one_step(ArgMin(2 * (x - theta) ** 2, theta), ArgMin((x - theta) ** 2, theta),
                     drop_positive_factor)
    assert right.verdict.status is Status.VERIFIED


def test_a_bound_variable_reused_inside_its_own_scope_is_restored_after_it():
    # int q(y) * (int q(y) dy) dy = 1: the inner y must not erase the outer one.
    inner = integral(q(y))
    roles, inst = sample(integral(q(y) * y * inner), n=50)
    nested = num.evaluate(integral(q(y) * y * inner), inst, roles, None)
    mean = num.evaluate(integral(q(y) * y), inst, roles, None)
    assert np.allclose(nested, mean, atol=1e-9)


def test_definitions_of_mass_functions_are_checked_to_sum_to_one_over_their_support():
    from derive import Derivation, mass_function

    lam = sp.Symbol("lambda", positive=True)
    b = sp.Symbol("b", real=True)
    Bern = mass_function("Bern", conditional=True, support=(0, 1))
    d = Derivation("t", Bern(b, lam))
    inside = [sp.Q.positive(1 - lam)]  # lambda in (0, 1): a mass function is nonnegative
    d.let(Bern(b, lam), lam**b * (1 - lam) ** (1 - b), label="bernoulli", hypotheses=inside)
    Wrong = mass_function("Wrong", conditional=True, support=(0, 1))  # a name defined once
    d.let(Wrong(b, lam), lam**b * (1 - lam) ** b, label="wrong_exponent", hypotheses=inside)
    undeclared = mass_function("Bern2", conditional=True)
    d.let(undeclared(b, lam), lam**b * (1 - lam) ** (1 - b), label="no_support")
    right, wrong, unknown = check_derivation(d, instances=200)
    assert right.verdict.status is Status.VERIFIED
    assert "sums to 1 over {0, 1}" in right.verdict.numeric.detail
    assert wrong.verdict.status is Status.REFUTED
    assert unknown.verdict.numeric.status is Numeric.NOT_APPLICABLE
    assert "declare" in unknown.verdict.numeric.detail


def test_the_widest_float_disagreements_are_confirmed_first():
    """A bound tight at K = 1 (KL of one outcome is 0) flags rounding noise in float; those
    narrow flags must not spend every high-precision confirmation before a wide one."""
    from derive.numeric.checks import _widest_first
    from derive.numeric.instances import Instances

    K = sp.Symbol("K", integer=True, positive=True)
    inst = Instances(4, {K: np.array([1.0, 5.0, 1.0, 3.0])})
    err = np.array([1e-16, 0.4, 2e-16, 0.5])
    assert _widest_first(np.arange(4), inst, err) == [3, 1, 2, 0]  # wide ones by K, then noise


def test_data_reached_by_a_sum_of_indices_is_drawn_that_long():
    """x[i + j] inside sums over i <= 3 and j <= 4 reaches x[7] (an index i + j with no
    constant term recursed for ever)."""
    from derive.numeric.instances import _largest

    j_ = sp.Symbol("j", integer=True, positive=True)
    assert _largest(i + j_, {i: 3, j_: 4}) == 7
    assert _largest(i + j_ - 1, {i: 3, j_: 4}) == 6
    assert _largest(i - j_, {i: 3, j_: 4}) is None  # not told: as many as any sum may take


def test_a_derivative_has_a_numeric_meaning_where_it_has_a_closed_form():
    from derive.rules import differentiate

    x = sp.Symbol("x", real=True)
    right = one_step(sp.Derivative(x**3 + x, x), 3 * x**2 + 1, differentiate)
    assert right.verdict.status is Status.VERIFIED
    assert right.verdict.numeric.status is Numeric.PASSED
    wrong = one_step(sp.Derivative(x**3 + x, x), x**2 + 1, differentiate)  # twin
    assert wrong.verdict.status is Status.REFUTED
    assert wrong.verdict.numeric.status is Numeric.COUNTEREXAMPLE
    g = sp.Function("g")  # of an unknown function: no number to compute, and no guess
    unknown = one_step(sp.Derivative(g(x) + x, x), sp.Derivative(g(x), x) + 1, differentiate)
    assert unknown.verdict.numeric.status is Numeric.NOT_APPLICABLE
