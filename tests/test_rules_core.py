"""Each built-in rule: a step it justifies, and steps it must refuse (with why)."""

import pytest
import sympy as sp
from helpers import I, Pr, X, Y, c, f, i, integral, k, one_step, p, phi, q, theta, x, y, z

from derive import KL, ArgMax, ArgMin, Delta, Derivation, Status, Symbolic
from derive.notation import density
from derive.rules import (
    algebra,
    argmax_to_argmin,
    dirac_sifting,
    drop_constant,
    drop_positive_factor,
    integral_linearity,
    kl_definition,
    log_of_exp,
    log_of_finite_product,
    log_of_product,
    monotone_transform,
    reparametrise,
    substitute,
    sum_linearity,
    swap_sum_integral,
)

oo = sp.oo


def assert_verified(r):
    assert r.verdict.status is Status.VERIFIED, (r.verdict.symbolic.detail, r.verdict.numeric.detail)
    assert r.verdict.symbolic.status is Symbolic.PROVED


def assert_refuted(r):
    assert r.verdict.status is Status.REFUTED, (r.verdict.symbolic.detail, r.verdict.numeric.detail)
    assert r.verdict.numeric.counterexample or r.verdict.symbolic.status is Symbolic.REFUTED


def assert_unproven(r, *words):
    assert r.verdict.status is Status.UNPROVEN, (r.verdict.symbolic.detail, r.verdict.numeric.detail)
    for w in words:
        assert w in r.verdict.symbolic.detail


# -- KL ------------------------------------------------------------------------------------

def test_kl_definition_expands_to_the_integral_of_q_log_q_over_p():
    r = one_step(KL(q(z), p(z), z), integral(q(z) * sp.log(q(z) / p(z)), z), kl_definition)
    assert_verified(r)


def test_kl_definition_refuses_the_reversed_quotient():
    assert_refuted(one_step(KL(q(z), p(z), z), integral(q(z) * sp.log(p(z) / q(z)), z),
                            kl_definition))


def test_kl_definition_does_not_apply_without_a_kl():
    assert_unproven(one_step(q(z), q(z) + 0 * z, kl_definition), "found no KL")


# -- logarithms ----------------------------------------------------------------------------

def test_log_of_quotient_of_densities_splits():
    assert_verified(one_step(sp.log(q(y) / p(y)), sp.log(q(y)) - sp.log(p(y)), log_of_product))


def test_log_of_product_of_unknown_sign_says_what_to_declare_and_is_unproven():
    a, b = sp.symbols("a b", real=True)
    r = one_step(sp.log(a * b), sp.log(a) + sp.log(b), log_of_product)
    assert "cannot show a > 0: declare a positive" in r.verdict.symbolic.detail
    # at a, b < 0 the right side is undefined in the reals: outside the step's domain, no
    # counterexample; the numbers say where they checked it
    assert r.verdict.status is Status.UNPROVEN
    assert "checked where a > 0" in r.verdict.numeric.domain


def test_log_of_product_of_two_negatives_is_refused():
    a, b = sp.symbols("a b", positive=True)
    r = one_step(sp.log((-a) * (-b)), sp.log(-a) + sp.log(-b), log_of_product)
    assert r.verdict.status is Status.REFUTED
    assert "2*I*pi" in r.verdict.symbolic.detail  # log(-a) + log(-b) = log(ab) + 2 i pi


def test_log_of_power_pulls_the_exponent_down():
    assert_verified(one_step(sp.log(k**3), 3 * sp.log(k), log_of_product))


def unevaluated_log_exp(u):
    # SymPy folds log(exp(u)) at once for real u; as a book line it stays unevaluated.
    return sp.log(sp.exp(u, evaluate=False), evaluate=False)


def test_log_of_exp_of_a_real():
    assert_verified(one_step(unevaluated_log_exp(x * theta), x * theta, log_of_exp))


def test_log_of_exp_of_a_symbol_not_declared_real_is_unproven():
    w = sp.Symbol("w")
    r = one_step(unevaluated_log_exp(w), w, log_of_exp)
    assert r.verdict.status is not Status.VERIFIED
    assert "cannot show w is real" in r.verdict.symbolic.detail


def test_log_of_finite_product_is_a_sum_of_logs():
    before = sp.log(sp.Product(Pr(Y[i], theta), (i, 1, I)))
    assert_verified(one_step(before, sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I)),
                             log_of_finite_product))


def test_log_of_finite_product_wrong_twin_log_outside():
    before = sp.log(sp.Product(Pr(Y[i], theta), (i, 1, I)))
    assert_refuted(one_step(before, sp.Sum(Pr(Y[i], theta), (i, 1, I)), log_of_finite_product))


# -- linearity -----------------------------------------------------------------------------

def test_integral_linearity_splits_and_pulls_out_constants():
    before = integral(q(y) * (3 * sp.log(q(y)) - sp.log(p(y))))
    after = 3 * integral(q(y) * sp.log(q(y))) - integral(q(y) * sp.log(p(y)))
    assert_verified(one_step(before, after, integral_linearity))


def test_integral_linearity_wrong_twin_constant_dropped():
    before = integral(q(y) * (3 * sp.log(q(y)) - sp.log(p(y))))
    after = integral(q(y) * sp.log(q(y))) - integral(q(y) * sp.log(p(y)))
    assert_refuted(one_step(before, after, integral_linearity))


def test_integral_linearity_cannot_show_convergence_of_unweighted_terms():
    r = one_step(integral(y + y**2), integral(y) + integral(y**2), integral_linearity)
    assert_unproven(r, "converges")


def test_sum_linearity_pulls_out_a_constant():
    before = sp.Sum(k * sp.log(Pr(Y[i], theta)), (i, 1, I))
    assert_verified(one_step(before, k * sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I)),
                             sum_linearity))


def test_sum_linearity_refuses_an_infinite_sum():
    n = sp.Symbol("n", integer=True, positive=True)
    r = one_step(sp.Sum(k / n**2, (n, 1, oo)), k * sp.Sum(1 / n**2, (n, 1, oo)), sum_linearity)
    assert r.verdict.status is not Status.VERIFIED
    assert "infinite" in r.verdict.symbolic.detail


def test_sum_linearity_wrong_twin_factor_moved_out_depends_on_index():
    before = sp.Sum(Y[i] * sp.log(Pr(Y[i], theta)), (i, 1, I))
    r = one_step(before, Y[1] * sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I)), sum_linearity)
    assert_refuted(r)


# -- sums and integrals, deltas ------------------------------------------------------------

empirical = sp.Sum(Delta(y - Y[i]), (i, 1, I)) / I


def test_swap_sum_integral_moves_the_other_factor_into_the_sum():
    before = integral(sp.Sum(Delta(y - Y[i]), (i, 1, I)) * sp.log(Pr(y, theta)))
    after = sp.Sum(integral(Delta(y - Y[i]) * sp.log(Pr(y, theta))), (i, 1, I))
    assert_verified(one_step(before, after, swap_sum_integral))


def test_swap_sum_integral_refuses_a_factor_that_depends_on_the_index():
    before = integral(sp.Sum(Delta(y - Y[i]), (i, 1, I)) * sp.log(Pr(y, theta)) * X[i])
    after = sp.Sum(integral(Delta(y - Y[i]) * sp.log(Pr(y, theta)) * X[i]), (i, 1, I))
    r = one_step(before, after, swap_sum_integral)
    assert r.verdict.status is not Status.VERIFIED
    assert "escape its binder" in r.verdict.symbolic.detail  # x_i cannot leave the sum


def test_dirac_sifting_evaluates_g_at_the_centre():
    before = integral(Delta(y - Y[1]) * sp.log(Pr(y, theta)))
    assert_verified(one_step(before, sp.log(Pr(Y[1], theta)), dirac_sifting))


def test_dirac_sifting_refuses_a_finite_range():
    before = integral(Delta(y - Y[1]) * sp.log(Pr(y, theta)), y, 0, 1)
    r = one_step(before, sp.log(Pr(Y[1], theta)), dirac_sifting)
    assert r.verdict.status is not Status.VERIFIED
    assert "whole line" in r.verdict.symbolic.detail


def test_dirac_sifting_refuses_a_scaled_delta():
    before = integral(Delta(2 * (y - Y[1])) * sp.log(Pr(y, theta)))
    r = one_step(before, sp.log(Pr(Y[1], theta)), dirac_sifting)
    assert r.verdict.status is Status.REFUTED  # delta(2u) = delta(u)/2: the numbers show it
    assert "/2" in r.verdict.symbolic.detail  # the kernel reached log Pr(y_1|theta) / 2


def test_dirac_sifting_wrong_twin_sign_of_centre():
    before = integral(Delta(y - Y[1]) * sp.log(Pr(y, theta)))
    assert_refuted(one_step(before, sp.log(Pr(-Y[1], theta)), dirac_sifting))


def test_sifting_chain_of_the_empirical_distribution():
    before = -integral(empirical * sp.log(Pr(y, theta)))
    after = -sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I)) / I
    assert_verified(one_step(before, after, [integral_linearity, swap_sum_integral,
                                             dirac_sifting]))


# -- argmin --------------------------------------------------------------------------------

nll = sp.Sum(-sp.log(Pr(Y[i], theta)), (i, 1, I))


def test_drop_constant_drops_a_theta_free_term():
    before = ArgMin(nll + sp.log(k) + I, theta)
    assert_verified(one_step(before, ArgMin(nll, theta), drop_constant))


def test_drop_constant_refuses_a_theta_dependent_term():
    before = ArgMin(nll + sp.log(Pr(Y[1], theta)), theta)
    r = one_step(before, ArgMin(nll, theta), drop_constant)
    assert_refuted(r)
    assert "depends on theta" in r.verdict.symbolic.detail


def test_drop_positive_factor_drops_one_over_I():
    assert_verified(one_step(ArgMin(nll / I, theta), ArgMin(nll, theta), drop_positive_factor))


def test_drop_positive_factor_refuses_a_negative_factor():
    r = one_step(ArgMin(-nll / I, theta), ArgMin(nll, theta), drop_positive_factor)
    assert_refuted(r)
    assert "false" in r.verdict.symbolic.detail


def test_drop_positive_factor_refuses_a_factor_of_unknown_sign_and_says_what_to_declare():
    r = one_step(ArgMin(c * nll, theta), ArgMin(nll, theta), drop_positive_factor)
    assert r.verdict.status is not Status.VERIFIED
    assert "cannot show c > 0" in r.verdict.symbolic.detail


def test_drop_positive_factor_refuses_a_theta_dependent_factor():
    factor = 1 + Pr(Y[1], theta)
    r = one_step(ArgMin(factor * nll, theta), ArgMin(nll, theta), drop_positive_factor)
    assert r.verdict.status is Status.REFUTED
    assert "depends on theta" in r.verdict.symbolic.detail


def test_monotone_transform_log_of_a_likelihood():
    likelihood = sp.Product(Pr(Y[i], theta), (i, 1, I))
    assert_verified(one_step(ArgMax(likelihood, theta), ArgMax(sp.log(likelihood), theta),
                             monotone_transform))


def test_monotone_transform_log_of_an_objective_of_unknown_sign_is_unproven():
    r = one_step(ArgMax(c * theta, theta), ArgMax(sp.log(c * theta), theta), monotone_transform)
    assert r.verdict.status is not Status.VERIFIED
    assert "cannot show" in r.verdict.symbolic.detail


def test_monotone_transform_refuses_a_non_monotone_transform():
    r = one_step(ArgMin(nll, theta), ArgMin(nll**2, theta), monotone_transform)
    assert r.verdict.status is not Status.VERIFIED
    assert "neither log nor exp" in r.verdict.symbolic.detail


def test_argmax_to_argmin_negates():
    ll = sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I))
    assert_verified(one_step(ArgMax(ll, theta), ArgMin(-ll, theta), argmax_to_argmin))


def test_argmax_to_argmin_wrong_twin_without_negation():
    ll = sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I))
    assert_refuted(one_step(ArgMax(ll, theta), ArgMin(ll, theta), argmax_to_argmin))


# -- definitions and substitutions ---------------------------------------------------------

def _with_definition(after):
    d = Derivation("t", ArgMin(-integral(q(y) * sp.log(Pr(y, theta))), theta))
    definition = d.let(q(y), empirical, label="def")
    d.define(after, by=substitute(definition), label="s")
    from derive import check_derivation

    return check_derivation(d, instances=200)


def test_substitute_a_definition_everywhere():
    def_result, step = _with_definition(
        ArgMin(-integral(empirical * sp.log(Pr(y, theta))), theta))
    assert def_result.verdict.status is Status.VERIFIED  # a density: integrates to 1
    assert_verified(step)
    assert "definition" in step.verdict.numeric.detail


def test_substitute_wrong_twin_definition_altered():
    _, step = _with_definition(ArgMin(-integral(empirical * I * sp.log(Pr(y, theta))), theta))
    assert step.verdict.status is not Status.VERIFIED


def test_reparametrise_theta_by_a_model():
    before = ArgMin(-sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I)), theta)
    after = ArgMin(-sp.Sum(sp.log(Pr(Y[i], f(X[i], phi))), (i, 1, I)), phi)
    assert_verified(one_step(before, after, reparametrise(theta, f(X[i], phi), [phi]), ":="))


def test_reparametrise_wrong_twin_model_of_the_first_input_only():
    before = ArgMin(-sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I)), theta)
    after = ArgMin(-sp.Sum(sp.log(Pr(Y[i], f(X[1], phi))), (i, 1, I)), phi)
    r = one_step(before, after, reparametrise(theta, f(X[i], phi), [phi]), ":=")
    assert_refuted(r)


# -- algebra -------------------------------------------------------------------------------

def test_algebra_proves_an_expansion():
    assert_verified(one_step((x + 1) ** 2, x**2 + 2 * x + 1, algebra))


def test_algebra_refutes_a_wrong_expansion_with_a_counterexample():
    assert_refuted(one_step((x + 1) ** 2, x**2 + 1, algebra))


def test_algebra_refutes_a_false_numeric_identity_symbolically():
    r = one_step(sp.Integer(2) + x, sp.Integer(3) + x, algebra)
    assert r.verdict.symbolic.status is Symbolic.REFUTED
    assert r.verdict.status is Status.REFUTED


@pytest.mark.parametrize("name", ["kl_definition", "log_quotient", "sifting",
                                  "drop additive constant"])
def test_rules_are_found_by_name_and_alias(name):
    from derive.rules import lookup

    assert lookup(name).name


def test_a_density_of_unknown_kind_is_not_a_density():
    g = sp.Function("g", positive=True)
    r = one_step(KL(g(z), p(z), z), integral(g(z) * sp.log(g(z) / p(z)), z), kl_definition)
    assert r.verdict.status is not Status.VERIFIED
    assert "g(z) is a density" in r.verdict.symbolic.detail
    assert density("g2")(z).is_positive


def test_a_definition_written_as_an_equality_is_not_a_proof():
    before = ArgMin(-sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I)), theta)
    after = ArgMin(-sp.Sum(sp.log(Pr(Y[i], f(X[i], phi))), (i, 1, I)), phi)
    r = one_step(before, after, reparametrise(theta, f(X[i], phi), [phi]), "=")
    assert r.verdict.status is Status.UNPROVEN
    assert ".define" in r.verdict.symbolic.detail


def test_a_hypothesis_shows_a_side_condition_and_restricts_the_random_instances():
    step = dict(before=ArgMin(c * nll, theta), after=ArgMin(nll, theta))
    without = one_step(step["before"], step["after"], drop_positive_factor)
    assert without.verdict.status is Status.REFUTED  # c < 0 flips the argmin
    d = Derivation("t", step["before"])
    d.eq(step["after"], by=drop_positive_factor, label="s", hypotheses=[sp.Q.positive(c)])
    from derive import check_derivation

    (with_hypothesis,) = check_derivation(d, instances=300)
    assert with_hypothesis.verdict.status is Status.VERIFIED
    assert with_hypothesis.verdict.numeric.instances >= 300


def test_a_plain_function_is_never_taken_for_the_density_of_the_same_name():
    density("q")(y)  # made first, so that SymPy's cache would hand it back
    plain = sp.Function("q")(y)
    assert plain != q(y) and plain.is_positive is None
    r = one_step(sp.log(plain * p(y)), sp.log(plain) + sp.log(p(y)), log_of_product)
    assert "cannot show q(y) > 0" in r.verdict.symbolic.detail


def test_densities_and_models_print_as_powers():
    from derive.notation import model

    assert sp.latex(model("f")(X[i], phi) ** 2) == r"\mbox{\bf f}[{x}_{i},\phi]^{2}"
    assert sp.latex(Pr(y, theta) ** 3) == r"Pr(y|\theta)^{3}"


def test_a_mass_function_prints_like_the_book_and_is_neither_a_density_nor_positive():
    from derive.notation import mass_function

    Bern = mass_function("Pr", conditional=True)
    lam = sp.Symbol("lambda", real=True)
    assert sp.latex(Bern(y, lam)) == r"Pr(y|\lambda)"
    assert Bern(y, lam) != Pr(y, lam)  # not the density of the same name
    assert Bern(y, lam).is_positive is None and Bern(y, lam).is_nonnegative
