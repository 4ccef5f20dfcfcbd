"""Algebra that closes ordinary lines: densities in closed form, logs under positivity the
step's hypotheses give (0 < theta < 1), softmax shifts, a density's integral, and symbols a
document defines substituted in both lines."""

import sympy as sp
from helpers import one_step
from test_rules_core import assert_refuted, assert_unproven, assert_verified

from derive import NormalDensity, Relation, Status, data, density, sig
from derive.rules import (
    density_integrates_to_one,
    differentiate,
    log_of_product,
    normal_density,
    sigmoid_definition,
    softmax_shift,
)
from derive.rules.search import backwards, find_rules

t, m, z, x, c = sp.symbols("t m z x c", real=True)
s = sp.Symbol("s", positive=True)
theta = sp.Symbol("theta", real=True)
oo = sp.oo


def test_minus_log_of_a_normal_density_in_closed_form():
    before = -sp.log(NormalDensity(t, m, s ** 2))
    after = sp.log(2 * sp.pi * s ** 2) / 2 + (t - m) ** 2 / (2 * s ** 2)
    assert_verified(one_step(before, after, normal_density))


def test_minus_log_of_a_normal_density_twins():
    before = -sp.log(NormalDensity(t, m, s ** 2))
    # the half dropped from the log of the normalising constant
    r = one_step(before, sp.log(2 * sp.pi * s ** 2) + (t - m) ** 2 / (2 * s ** 2), normal_density)
    assert r.verdict.status is not Status.VERIFIED
    # a variance of unknown sign: the closed form needs it positive
    v = sp.Symbol("v", real=True)
    r = one_step(NormalDensity(t, m, v), sp.exp(-(t - m) ** 2 / (2 * v)) / sp.sqrt(2 * sp.pi * v),
                 normal_density)
    assert_unproven(r, "v > 0")


def test_the_sigmoid_and_its_derivative():
    assert_verified(one_step(sig(z), 1 / (1 + sp.exp(-z)), sigmoid_definition))
    # d/dz sig(z) = sig(z) (1 - sig(z)): both in closed form, then differentiated
    before = sp.Derivative(1 / (1 + sp.exp(-z)), z)
    after = sig(z) * (1 - sig(z))
    r = one_step(before, sp.exp(-z) / (1 + sp.exp(-z)) ** 2, differentiate)
    assert_verified(r)
    # the sigmoid is on the line written: unfolded there, and read back
    assert_verified(one_step(sp.exp(-z) / (1 + sp.exp(-z)) ** 2, after,
                             backwards(sigmoid_definition)))
    assert_refuted(one_step(sig(z), 1 / (1 + sp.exp(z)), sigmoid_definition))


def test_softmax_is_unchanged_by_a_common_shift():
    k = sp.Symbol("k", integer=True)
    K = sp.Symbol("K", integer=True, positive=True)
    j = sp.Symbol("j", integer=True, positive=True)
    o = data("o")

    def softmax(shift):
        return sp.exp(o[j] + shift) / sp.Sum(sp.exp(o[k] + shift), (k, 1, K))

    assert_verified(one_step(softmax(c), softmax(0), softmax_shift))
    # twin: the shift kept in the numerator only
    r = one_step(softmax(c), sp.exp(o[j] + c) / sp.Sum(sp.exp(o[k]), (k, 1, K)), softmax_shift)
    assert r.verdict.status is not Status.VERIFIED


def test_a_density_integrates_to_one():
    p = density("p")
    assert_verified(one_step(sp.Integral(p(x), (x, -oo, oo)), sp.Integer(1), density_integrates_to_one))
    assert_verified(one_step(sp.Integral(NormalDensity(x, m, s), (x, -oo, oo)), sp.Integer(1),
                             density_integrates_to_one))
    f = sp.Function("f")  # twin: not a density
    assert_unproven(one_step(sp.Integral(f(x), (x, -oo, oo)), sp.Integer(1), density_integrates_to_one),
                    "density")


# -- logs under hypotheses ------------------------------------------------------------------

def bernoulli_log(n_heads, n_tails):
    return -sp.log(theta ** n_heads * (1 - theta) ** n_tails)


def test_the_log_of_a_bernoulli_likelihood_under_0_lt_theta_lt_1():
    n_heads, n_tails = sp.symbols("n_H n_T", nonnegative=True, integer=True)
    after = -n_heads * sp.log(theta) - n_tails * sp.log(1 - theta)
    r = one_step(bernoulli_log(n_heads, n_tails), after, log_of_product,
                 hypotheses=[theta > 0, theta < 1])
    assert_verified(r)
    r = one_step(bernoulli_log(n_heads, n_tails), after, log_of_product)
    assert_unproven(r, "theta")  # nothing says theta is in (0, 1)
    twin = -n_tails * sp.log(theta) - n_heads * sp.log(1 - theta)
    r = one_step(bernoulli_log(n_heads, n_tails), twin, log_of_product,
                 hypotheses=[theta > 0, theta < 1])
    assert r.verdict.status is not Status.VERIFIED


def test_a_hypothesis_0_lt_beta_lt_1_is_used_by_the_kernel():
    from derive.kernel import check, positive

    beta = sp.Symbol("beta", real=True)
    hypotheses = [0 < beta, beta < 1]
    assert check(positive(1 - beta), hypotheses).holds is True
    assert check(positive(beta * (1 - beta)), hypotheses).holds is True
    assert check(positive(1 - beta)).holds is None
    assert check(positive(beta - 1), hypotheses).holds is False


# -- symbols a document defines -------------------------------------------------------------

def test_a_defined_mean_substituted_in_both_lines_closes_the_step():
    n = sp.Symbol("n", integer=True, positive=True)
    N = sp.Symbol("N", integer=True, positive=True)
    X = data("x")
    mean = sp.Symbol("xbar", real=True)
    definitions = {mean: sp.Sum(X[n], (n, 1, N)) / N}
    before = sp.Sum((X[n] - mean) ** 2, (n, 1, N))
    after = sp.Sum(X[n] ** 2, (n, 1, N)) - N * mean ** 2
    found = find_rules(before, after, [], symbol_definitions=definitions)
    assert found is not None and found.relation is Relation.DEFINE
    r = one_step(before, after, found.rules, relation=":=")
    assert_verified(r)
    # twin: N xbar^2 read as xbar^2
    wrong = sp.Sum(X[n] ** 2, (n, 1, N)) - mean ** 2
    assert find_rules(before, wrong, [], symbol_definitions=definitions) is None


def test_a_later_redefinition_does_not_change_a_rule_found_earlier():
    h = sp.Symbol("h", real=True)
    definitions = {h: x + 1}
    found = find_rules(h ** 2, (x + 1) ** 2, [], symbol_definitions=definitions)
    assert found is not None
    definitions[h] = x + 2  # a later display defines h again
    r = one_step(h ** 2, (x + 1) ** 2, found.rules, relation=":=")
    assert_verified(r)
