"""The pieces chapter 5 added: notation (binary and class data, model outputs, sig), their
numeric meanings, the kernel's finite-sum canonical form and positivity of sums, conditional
density definitions, and the shipped identities' wrong twins."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from derive import Derivation, Status, check_derivation, data, density, model_output, sig
from derive.kernel import alpha_equal, canonical, check, positive
from derive.numeric import MAX_I, Roles, read_roles, sample
from derive.rules import log_sum_exp_shift, substitute

i = sp.Symbol("i", integer=True, positive=True)
k = sp.Symbol("k", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)
phi = sp.Symbol("phi", real=True)
X = data("x")


# -- notation and its numeric meaning ---------------------------------------------------------

def _sampled(expr) -> tuple[Roles, object]:
    roles = read_roles([expr])
    return roles, sample(roles, np.random.default_rng(0), 200, 0)


def test_binary_data_are_zeros_and_ones_and_class_labels_are_classes():
    B, C = data("b", kind="binary"), data("c", kind="class")
    _, inst = _sampled(B[i] + C[i])
    values = {str(label): v for label, v in inst.data.items()}
    assert set(np.unique(values["b"])) == {0.0, 1.0}
    assert set(np.unique(values["c"])) == set(range(1, MAX_I + 1))
    assert B[i].is_integer and B[i].is_nonnegative and C[i].is_positive


def test_an_unknown_data_kind_is_refused():
    with pytest.raises(ValueError, match="kind must be one of"):
        data("y", kind="ordinal")


def test_sig_is_positive_for_real_arguments_and_not_known_below_one():
    t = sp.Symbol("t", real=True)
    assert sig(t).is_positive and sig(t).is_real
    assert (1 - sig(t)).is_positive is None  # never assumed: a hypothesis must say so
    assert sig(sp.Symbol("w")).is_positive is None
    assert sp.latex(sig(t)) == r"\mbox{sig}[t]"


def test_sig_is_the_logistic_function_numerically():
    t = sp.Symbol("t", real=True)
    d = Derivation("sig_value", sig(t))
    d.eq(1 / (1 + sp.exp(-t)), by="algebra", label="1")
    (r,) = check_derivation(d, instances=300)
    assert r.verdict.numeric.status.value == "passed"
    wrong = Derivation("sig_wrong", sig(t))
    wrong.eq(1 / (1 + sp.exp(t)), by="algebra", label="1")
    (r,) = check_derivation(wrong, instances=300)
    assert r.verdict.status is Status.REFUTED


def test_model_outputs_are_distinct_functions_of_their_index():
    f = model_output("f")
    same = Derivation("outputs_differ", f(1, X[i], phi))
    same.eq(f(2, X[i], phi), by="algebra", label="1")
    (r,) = check_derivation(same, instances=300)
    assert r.verdict.status is Status.REFUTED  # f_1 and f_2 are different outputs
    assert str(f(1, X[i], phi)) == "f_1[x[i], phi]"


def test_a_sum_over_model_outputs_evaluates_each_output():
    f = model_output("f")
    total = sp.Sum(f(k, X[i], phi), (k, 1, 2))
    d = Derivation("sum_of_outputs", total)
    d.eq(f(1, X[i], phi) + f(2, X[i], phi), by="algebra", label="1")
    (r,) = check_derivation(d, instances=300)
    assert r.verdict.numeric.status.value == "passed"


# -- kernel: canonical forms with finite sums, positivity of sums -----------------------------

def test_canonical_form_splits_finite_sums_so_equal_sums_cancel():
    s = sp.Symbol("s", positive=True)
    a = sp.Sum(-(X[i] - 1) ** 2 / (2 * s ** 2), (i, 1, I))
    b = sp.Sum((X[i] - 1) ** 2, (i, 1, I)) / (2 * s ** 2)
    assert canonical(a + b) == 0


def test_canonical_form_leaves_infinite_sums_alone():
    n = sp.Symbol("n", integer=True, positive=True)
    divergent = sp.Sum(1 + n, (n, 1, sp.oo))
    # splitting a divergent sum proves nonsense: it stays one sum (bound variable renamed)
    assert alpha_equal(canonical(divergent), divergent)


def test_a_finite_sum_of_positive_terms_over_a_nonempty_range_is_positive():
    terms = sp.exp(X[k])
    assert check(positive(sp.Sum(terms, (k, 1, K)))).holds is True
    assert check(positive(sp.Sum(terms, (k, 1, K - 3)))).holds is None  # maybe empty
    assert check(positive(sp.Sum(X[k], (k, 1, K)))).holds is None  # signs unknown
    assert check(positive(sp.Sum(terms, (k, 1, sp.oo)))).holds is None


# -- conditional density definitions ----------------------------------------------------------

def test_a_conditional_density_definition_must_integrate_to_one():
    y, mu = sp.symbols("y mu", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    Pr = density("Pr", conditional=True)
    good = Derivation("normal_ok", Pr(X[i], mu, sigma))
    good.let(Pr(y, mu, sigma), sp.exp(-(y - mu) ** 2 / (2 * sigma ** 2))
             / sp.sqrt(2 * sp.pi * sigma ** 2), label="normal")
    bad = Derivation("normal_missing_sqrt", Pr(X[i], mu, sigma))
    definition = bad.let(Pr(y, mu, sigma), sp.exp(-(y - mu) ** 2 / (2 * sigma ** 2))
                         / (2 * sp.pi * sigma ** 2), label="normal")
    bad.define(sp.exp(-(X[i] - mu) ** 2 / (2 * sigma ** 2)) / (2 * sp.pi * sigma ** 2),
               by=substitute(definition), label="use")
    good.define(sp.exp(-(X[i] - mu) ** 2 / (2 * sigma ** 2)) / sp.sqrt(2 * sp.pi * sigma ** 2),
                by=substitute(good.entries[0]), label="use")
    assert check_derivation(good, instances=300)[0].verdict.status is Status.VERIFIED
    bad_definition = check_derivation(bad, instances=300)[0]
    assert bad_definition.verdict.status is Status.REFUTED
    assert bad_definition.verdict.numeric.counterexample is not None


# -- the shipped identities' wrong twins ------------------------------------------------------

def test_log_sum_exp_shift_by_a_shift_that_depends_on_the_index_is_refuted():
    # "pulling out" y_k as if it were y_1: the shift must be the same for every k
    Y = data("y")
    d = Derivation("lse_shift_by_index", sp.log(sp.Sum(sp.exp(X[k] + Y[k]), (k, 1, K))))
    d.eq(Y[1] + sp.log(sp.Sum(sp.exp(X[k]), (k, 1, K))), by=log_sum_exp_shift, label="1",
         expect="refuted")
    (r,) = check_derivation(d, instances=300)
    assert r.verdict.status is Status.REFUTED
    # y_k is no shift: no binding of c fits (c would depend on k), so nothing is proposed
    assert "no instance" in r.verdict.symbolic.detail


def test_log_sum_exp_shift_written_with_the_shift_inside_the_log_is_refuted():
    c = sp.Symbol("c", real=True)
    d = Derivation("lse_shift_inside", sp.log(sp.Sum(sp.exp(X[k] + c), (k, 1, K))))
    d.eq(sp.log(c + sp.Sum(sp.exp(X[k]), (k, 1, K))), by=log_sum_exp_shift, label="1")
    (r,) = check_derivation(d, instances=300)
    assert r.verdict.status is Status.REFUTED


def test_gaussian_log_density_with_the_variance_in_place_of_the_scale_is_refuted():
    y, mu = sp.symbols("y mu", real=True)
    s = sp.Symbol("s", positive=True)
    before = sp.log(sp.exp(-(y - mu) ** 2 / (2 * s ** 2)) / sp.sqrt(2 * sp.pi * s ** 2))
    d = Derivation("gauss_wrong", before)
    d.eq(-sp.log(2 * sp.pi * s) / 2 - (y - mu) ** 2 / (2 * s ** 2), by="gaussian_log_density",
         label="1")
    (r,) = check_derivation(d, instances=300)
    assert r.verdict.status is Status.REFUTED


def test_log_softmax_with_the_sum_inside_out_is_refuted():
    j = sp.Symbol("j", integer=True, positive=True)
    before = sp.log(sp.exp(X[j]) / sp.Sum(sp.exp(X[k]), (k, 1, K)))
    d = Derivation("log_softmax_wrong", before)
    d.eq(X[j] - sp.Sum(X[k], (k, 1, K)), by="log_softmax", label="1")
    (r,) = check_derivation(d, instances=300)
    assert r.verdict.status is Status.REFUTED
