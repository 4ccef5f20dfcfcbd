"""Numeric evidence that never refutes correct mathematics (issue 9): the steps that float
artefacts used to refute, the defects that crashed the checker, bounds, domains, and the
high-precision confirmation of every counterexample. Each true step has a wrong twin that
must still be refuted."""

import json
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from helpers import Y, i, y

from derive import ArgMax, ArgMin, Delta, Numeric, Status, check_derivation, data, density
from derive import numeric as num
from derive.kernel import Claim, Relation
from derive.loader import load_file

ROOT = Path(__file__).resolve().parents[1]


def numeric(before, after, relation=Relation.EQUAL, claim=None, seed=0, instances=400,
            hypotheses=()):
    return num.check_step(before, after, relation, claim, seed, instances, ["t"], hypotheses)


def passes(before, after, **kw):
    v = numeric(before, after, **kw)
    assert v.status is Numeric.PASSED, v.detail
    return v


def refuted(before, after, **kw):
    v = numeric(before, after, **kw)
    assert v.status is Numeric.COUNTEREXAMPLE, v.detail
    assert v.counterexample["seed"] == kw.get("seed", 0)
    return v


# -- the steps that float artefacts refuted ---------------------------------------------------

def test_5_10a_at_seed_222_is_verified():
    (d,) = [d for d in load_file(ROOT / "proofs" / "udl_5_9_to_5_11.py")]
    (r,) = check_derivation(d, seed=222, only=["5.10a"])
    assert r.verdict.status is Status.VERIFIED, r.verdict.numeric.detail


def test_gaussian_nll_with_sigma_of_unknown_sign_is_not_refuted():
    sigma, phi = sp.Symbol("sigma", real=True), sp.Symbol("phi", real=True)
    I = sp.Symbol("I", integer=True, positive=True)
    r2 = (Y[i] - phi) ** 2
    before = ArgMin(-sp.Sum(sp.log(sp.exp(-r2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)),
                            (i, 1, I)), phi)
    after = ArgMin(sp.Sum(r2, (i, 1, I)), phi)
    for seed in range(5):
        passes(before, after, claim=Claim.MINIMISERS, seed=seed)


def test_ridge_regression_as_map_with_a_product_of_gaussians_that_underflows():
    w = sp.Symbol("w", real=True)
    lam = sp.Symbol("lambda", positive=True)
    X = data("x")
    n = 50  # 50 factors exp(-20 r^2): the product is far below the smallest double
    likelihood = sp.Product(sp.exp(-20 * (Y[i] - w * X[i]) ** 2), (i, 1, n))
    before = ArgMax(likelihood * sp.exp(-lam * w**2), w)
    after = ArgMin(20 * sp.Sum((Y[i] - w * X[i]) ** 2, (i, 1, n)) + lam * w**2, w)
    passes(before, after, claim=Claim.MINIMISERS)
    refuted(before, ArgMin(-20 * sp.Sum((Y[i] - w * X[i]) ** 2, (i, 1, n)), w),
            claim=Claim.MINIMISERS)


def test_integrals_on_finite_intervals_are_accurate():
    passes(sp.Integral(y**2, (y, 0, 1)), sp.Rational(1, 3))
    passes(sp.Integral(y * sp.exp(-y**2), (y, 0, 1)), (1 - sp.exp(-1)) / 2)
    refuted(sp.Integral(y**2, (y, 0, 1)), sp.Rational(1, 3) + sp.Rational(1, 10**6))


def test_log_of_a_product_with_a_free_real_factor_is_checked_where_it_is_defined():
    sig, z = sp.Symbol("sig", real=True), sp.Symbol("z", positive=True)
    v = passes(sp.log(sig * z), sp.log(sig) + sp.log(z))
    assert "checked where sig > 0" in v.domain and "declare sig positive" in v.domain
    refuted(sp.log(sig * z), sp.log(sig) - sp.log(z))


def test_where_a_step_was_checked_is_data_a_report_translates_and_the_cache_keeps():
    from derive.cache import decode_verdict, encode_verdict
    from derive.kernel import Message
    from derive.report.language import KO, translate

    sig, z = sp.Symbol("sig", real=True), sp.Symbol("z", positive=True)
    v = passes(sp.log(sig * z), sp.log(sig) + sp.log(z))
    assert isinstance(v.detail, Message) and isinstance(v.domain, Message)
    segments, translated = translate(v.detail, KO)
    assert translated and ("expr", sp.log(sig * z)) in segments  # the expression, typeset
    assert any("인 곳에서 확인함" in text for kind, text in segments if kind == "text")
    stored = decode_verdict(json.loads(json.dumps(encode_verdict(v))))
    assert str(stored.detail) == str(v.detail) and str(stored.domain) == str(v.domain)
    assert translate(stored.detail, KO)[1]


def test_a_step_whose_sides_are_undefined_nearly_everywhere_is_not_applicable():
    t = sp.Symbol("t", real=True)
    v = numeric(ArgMin(sp.log(-t**2 - 1), t), ArgMin(-t**2, t), claim=Claim.MINIMISERS)
    assert v.status is Numeric.NOT_APPLICABLE
    assert "could not be evaluated" in v.detail


def test_the_domain_of_an_undefined_side_is_told_by_the_sign_that_explains_it():
    x = sp.Symbol("x", real=True)
    v = passes(sp.log(x**3 + x), sp.log(x) + sp.log(x**2 + 1))
    assert "checked where x > 0" in v.domain


# -- the defects that crashed the checker or tested nothing -----------------------------------

def test_reversed_integration_bounds():
    x = sp.Symbol("x", real=True)
    passes(sp.Integral(1, (x, 0, -1)), sp.Integer(-1))
    refuted(sp.Integral(1, (x, 0, -1)), sp.Integer(1))
    passes(sp.Integral(sp.exp(-x), (x, sp.oo, 0)), sp.Integer(-1))


def test_sums_over_two_indices():
    j = sp.Symbol("j", integer=True, positive=True)
    n = sp.Symbol("n", integer=True, positive=True)
    X, A = data("x"), data("a")
    quadratic = sp.Sum(X[i] * A[i, j] * X[j], (i, 1, n), (j, 1, n))
    passes(quadratic, sp.Sum(X[j] * A[j, i] * X[i], (i, 1, n), (j, 1, n)))
    refuted(quadratic, sp.Sum(X[i] ** 2 * A[i, i], (i, 1, n)))


def test_conditional_densities_with_several_conditions():
    x1, x2, x3 = sp.symbols("x_1 x_2 x_3", real=True)
    P = density("P", conditional=True)
    passes(sp.Integral(P(x3, x1, x2), (x3, -sp.oo, sp.oo)), sp.Integer(1))
    refuted(sp.Integral(P(x3, x1, x2), (x3, -sp.oo, sp.oo)), sp.Integer(2))
    # x_1 is a number here (the condition of one density, the variable of the other)
    passes(sp.log(P(x2, x1) * P(x1, x3)), sp.log(P(x2, x1)) + sp.log(P(x1, x3)))


def test_sums_with_any_bounds():
    k = sp.Symbol("k", integer=True)
    a, b = sp.symbols("a b", integer=True)
    passes(sp.Sum(2**k, (k, -sp.oo, 0)), sp.Integer(2))
    refuted(sp.Sum(2**k, (k, -sp.oo, 0)), sp.Integer(1))
    passes(sp.Sum(k, (k, -3, 0)), sp.Integer(-6))
    passes(sp.Sum(sp.Rational(1, 2) ** k, (k, 1, sp.oo)), sp.Integer(1))
    # SymPy's convention for any a, b (an upper bound below the lower one included)
    passes(sp.Sum(k, (k, a, b)), (b * (b + 1) - (a - 1) * a) / 2)
    refuted(sp.Sum(k, (k, a, b)), b * (b + 1) / 2)


def test_negative_symbols_are_sampled_negative():
    s = sp.Symbol("s", negative=True)
    passes(sp.sqrt(s**2), -s)
    refuted(sp.sqrt(s**2), s)
    roles = num.read_roles([s])
    inst = num.sample(roles, np.random.default_rng(0), 200, 0)
    assert np.all(inst.scalars[s] < 0)


def test_scaled_deltas():
    sifted = sp.Integral(Delta(2 * (y - Y[1])) * y**2, (y, -sp.oo, sp.oo))
    passes(sifted, Y[1] ** 2 / 2)
    refuted(sifted, Y[1] ** 2)


# -- bounds -----------------------------------------------------------------------------------

def test_bounds_hold_where_true_and_are_refuted_with_both_sides_where_not():
    x = sp.Symbol("x", real=True)
    passes(x**2 + 1, 2 * x, relation=Relation.GE, claim=Claim.BOUND)
    passes((x - 1) ** 2, sp.Integer(0), relation=Relation.GE, claim=Claim.BOUND)
    passes(2 * x, x**2 + 1, relation=Relation.LE, claim=Claim.BOUND)  # tight at x = 1
    v = refuted(x**2, 2 * x, relation=Relation.GE, claim=Claim.BOUND)
    assert set(v.counterexample["values"]) == {"left", "right"}
    left, right = v.counterexample["values"]["left"], v.counterexample["values"]["right"]
    assert left < right
    refuted(sp.exp(x), x + 2, relation=Relation.GT, claim=Claim.BOUND)


def test_a_bound_between_argmin_sets_is_not_applicable():
    t = sp.Symbol("t", real=True)
    v = numeric(ArgMin(t**2, t), ArgMin(t**2 + 1, t), relation=Relation.LE, claim=Claim.BOUND)
    assert v.status is Numeric.NOT_APPLICABLE and "not meaningful" in v.detail


# -- confirmation -----------------------------------------------------------------------------

def test_float_cancellation_is_discarded_and_counted_never_a_counterexample():
    # ((b x + 1)^2 - (b x)^2 - 1) / (2 b x) = 1, but in floats (b x + 1)^2 loses the 1s
    x = sp.Symbol("x", positive=True)
    b = sp.Integer(10) ** 10
    v = numeric(((b * x + 1) ** 2 - (b * x) ** 2 - 1) / (2 * b * x), sp.Integer(1))
    assert v.status is not Numeric.COUNTEREXAMPLE, v.detail
    assert v.discarded > 0 and "not confirmed" in v.detail


def test_a_counterexample_shows_the_values_confirmed_in_high_precision():
    x = sp.Symbol("x", real=True)
    v = refuted(sp.exp(x), 1 + x + x**2 / 2)
    instance, values = v.counterexample["instance"], v.counterexample["values"]
    exact = float(sp.exp(sp.Float(instance["x"], 30)))
    assert values["left"] == pytest.approx(exact, rel=1e-5)  # shown to six digits


def test_the_same_seed_replays_the_same_confirmed_counterexample():
    x = sp.Symbol("x", real=True)
    a = refuted(sp.sin(x) ** 2, sp.sin(x), seed=3)
    b = refuted(sp.sin(x) ** 2, sp.sin(x), seed=3)
    assert a.counterexample == b.counterexample


@pytest.mark.parametrize("before, after", [
    (sp.DiracDelta(2 * y), sp.DiracDelta(y) / 2),  # true, as distributions
    (sp.DiracDelta(2 * y), sp.DiracDelta(y)),  # false, as distributions
    (sp.DiracDelta(y - 1) * y, sp.DiracDelta(y - 1)),  # true: y delta(y - 1) = delta(y - 1)
])
def test_a_delta_outside_an_integral_is_never_evaluated_at_a_point(before, after):
    # A nascent delta's value at a point has no limit to extrapolate: delta(2y) = delta(y)/2
    # was refuted (values of -0.0185 and 0.0077 at y = -0.4). Under an integral over y the
    # same deltas are evaluated, and a wrong sifting is refuted.
    v = numeric(before, after)
    assert v.status is Numeric.NOT_APPLICABLE
    assert "a distribution, not a value" in str(v.detail)
    sifted = sp.Integral(sp.DiracDelta(2 * y) * sp.exp(y), (y, -sp.oo, sp.oo))
    assert passes(sifted, sp.Rational(1, 2))
    assert refuted(sifted, sp.Integer(1))
