"""Bound steps: the kernel's meaning of one (a bound schema or a difference shown
nonnegative, carried through positions whose polarity it computes), the rules that propose
them (Jensen, Gibbs, the elementary bounds, dropping a term, a termwise bound), chains of
bounds and their conclusion, and the numbers that test them. Each with wrong twins."""

from __future__ import annotations

import json
import textwrap

import pytest
import sympy as sp

from derive import (
    KL,
    Derivation,
    DeriveError,
    Expectation,
    Numeric,
    Relation,
    Status,
    Symbolic,
    check_derivation,
    data,
    density,
)
from derive.cli import EXIT_OK, EXIT_REFUTED, main
from derive.kernel import AXIOMS, Bound, Maximum, judge, rewrite
from derive.messages import rests_on
from derive.numeric import check_step
from derive.rules import (
    Rule,
    cauchy_schwarz,
    drop_nonnegative_term,
    exp_bound,
    gibbs,
    jensen,
    log_bound,
    log_sum_exp_lower_bound,
    log_sum_exp_upper_bound,
    sum_and_max_term,
    termwise_bound,
)
from derive.rules.sites import abstract, schema_binding

oo = sp.oo
u, c = sp.symbols("u c", real=True)
a_, s = sp.symbols("a s", positive=True)
z = sp.Symbol("z", real=True)
k = sp.Symbol("k", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)
y, v = data("y", positive=True), data("v")
q = density("q")
f, g = sp.Function("f", real=True), sp.Function("g", real=True)
W = 1 / K  # uniform weights: nonnegative, summing to one


def one(before, after, by, relation=Relation.LE, instances=200, hypotheses=(), expect="verified"):
    d = Derivation("t", before)
    step = {Relation.LE: d.le, Relation.LT: d.lt, Relation.GE: d.ge, Relation.GT: d.gt,
            Relation.EQUAL: d.eq}[relation]
    step(after, by=by, label="s", hypotheses=hypotheses, expect=expect)
    (result,) = check_derivation(d, instances=instances)
    return result


def verified(result):
    assert result.verdict.status is Status.VERIFIED, (result.verdict.symbolic.detail,
                                                      result.verdict.numeric.detail)
    return result


def refuted(result):
    assert result.verdict.status is Status.REFUTED, (result.verdict.symbolic.detail,
                                                     result.verdict.numeric.detail)
    assert result.verdict.symbolic.status is not Symbolic.PROVED
    return result


def not_verified(result):
    assert result.verdict.status is not Status.VERIFIED
    assert result.verdict.symbolic.status is not Symbolic.PROVED
    return result


def proposing(*certificates):
    return Rule("bad", "", (), lambda before, target, context: list(certificates))


# -- the kernel: a Bound carried through positions ----------------------------------------

@pytest.mark.parametrize("before, after, relation", [
    (a_ + 1, a_ + 1 + u**2, Relation.LE),  # a term of a sum
    (3 * (a_ + 1), 3 * (a_ + 1 + u**2), Relation.LE),  # a positive factor
    (-(a_ + 1), -(a_ + 1 + u**2), Relation.GE),  # a negative factor turns it around
    (sp.log(a_ + 1), sp.log(a_ + 1 + u**2), Relation.LE),  # log, both arguments positive
    (sp.exp(a_ + u), sp.exp(a_ + u + u**2), Relation.LE),  # exp
    (sp.Integral(q(z) * f(z), (z, -oo, oo)), sp.Integral(q(z) * (f(z) + g(z) ** 2), (z, -oo, oo)),
     Relation.LE),  # an integrand, against a positive density
    (sp.Sum(v[k], (k, 1, K)), sp.Sum(v[k] + v[k] ** 2, (k, 1, K)), Relation.LE),  # sum terms
    (Expectation(f(z), [z]), Expectation(f(z) + g(z) ** 2, [z]), Relation.LE),  # E's body
])
def test_a_termwise_bound_is_carried_through_positions_that_keep_or_reverse_order(
        before, after, relation):
    r = one(before, after, termwise_bound, relation)
    assert r.verdict.symbolic.status is Symbolic.PROVED, r.verdict.symbolic.detail
    assert r.verdict.status is Status.VERIFIED


def test_the_relation_through_a_negative_factor_is_the_reverse_one():
    r = not_verified(one(-(a_ + 1), -(a_ + 1 + u**2), termwise_bound, Relation.LE))
    assert "show >=, not <=" in str(r.verdict.symbolic.detail)


def test_a_factor_of_unknown_sign_or_a_function_that_is_not_monotone_carries_no_bound():
    r = not_verified(one(c * (a_ + 1), c * (a_ + 1 + u**2), termwise_bound))
    assert "sign of c" in str(r.verdict.symbolic.detail)
    refuted(one(sp.sin(a_), sp.sin(a_ + u**2), termwise_bound))  # sin is no monotone position


def test_an_integral_carries_a_bound_only_over_ordered_bounds():
    r = not_verified(one(sp.Integral(f(z), (z, 1, 0)), sp.Integral(f(z) + g(z) ** 2, (z, 1, 0)),
                         termwise_bound))
    assert "0 - 1 >= 0" in str(r.verdict.symbolic.detail) or "-1 >= 0" in str(
        r.verdict.symbolic.detail)


def test_strictness_is_lost_under_an_integral_and_a_sum():
    inside = sp.Integral(q(z) * (f(z) + 1), (z, -oo, oo))
    r = not_verified(one(sp.Integral(q(z) * f(z), (z, -oo, oo)), inside, termwise_bound,
                         Relation.LT))
    assert "show <=, not <" in str(r.verdict.symbolic.detail)
    # outside any binder a positive difference is strict
    verified(one(a_, a_ + 1, termwise_bound, Relation.LT))


def test_a_bound_the_kernel_cannot_show_is_never_accepted():
    forged = proposing(Bound(a_ - 1, Relation.GE))  # claims a >= a - 1 ... and a - 1 >= a?
    not_verified(one(a_, a_ + 1, forged, Relation.LE))
    verdict = judge(a_, a_ + u, Relation.LE, [Bound(a_ + u, Relation.LE)])
    assert verdict.status is Symbolic.UNKNOWN  # u of unknown sign


def test_opposite_bounds_in_one_step_are_refused():
    verdict = judge(a_ + s, a_ + s, Relation.LE,
                    [Bound(a_ + 1 + s, Relation.LE), Bound(a_ + s, Relation.GE)])
    assert verdict.status is Symbolic.UNKNOWN
    assert "opposite directions" in str(verdict.detail)


# -- dropping a term ---------------------------------------------------------------------

def test_dropping_a_nonnegative_term_bounds_from_below_and_a_nonpositive_from_above():
    verified(one(a_ + u**2, a_, drop_nonnegative_term, Relation.GE))
    verified(one(a_ - u**2, a_, drop_nonnegative_term, Relation.LE))
    refuted(one(a_ + u**2, a_, drop_nonnegative_term, Relation.LE))
    r = not_verified(one(a_ + u, a_, drop_nonnegative_term, Relation.GE))  # u of either sign
    assert "not shown" in str(r.verdict.symbolic.detail)


def test_drop_nonnegative_term_only_drops_terms():
    r = not_verified(one(a_ + u**2, 2 * a_, drop_nonnegative_term, Relation.LE))
    assert "differ otherwise" in str(r.verdict.symbolic.detail)


# -- Jensen ------------------------------------------------------------------------------

def test_jensen_finite_for_each_function_in_the_direction_of_its_curvature():
    verified(one(sp.log(sp.Sum(W * y[k], (k, 1, K))), sp.Sum(W * sp.log(y[k]), (k, 1, K)),
                 jensen, Relation.GE))
    verified(one(sp.sqrt(sp.Sum(W * y[k], (k, 1, K))), sp.Sum(W * sp.sqrt(y[k]), (k, 1, K)),
                 jensen, Relation.GE))
    verified(one(sp.exp(sp.Sum(W * v[k], (k, 1, K))), sp.Sum(W * sp.exp(v[k]), (k, 1, K)),
                 jensen, Relation.LE))
    verified(one(sp.Sum(W * v[k], (k, 1, K)) ** 2, sp.Sum(W * v[k] ** 2, (k, 1, K)), jensen,
                 Relation.LE))
    # -log is convex: the log's bound turned around by the factor -1
    verified(one(-sp.log(sp.Sum(W * y[k], (k, 1, K))), -sp.Sum(W * sp.log(y[k]), (k, 1, K)),
                 jensen, Relation.LE))
    # and read from the average of g
    verified(one(sp.Sum(W * sp.log(y[k]), (k, 1, K)), sp.log(sp.Sum(W * y[k], (k, 1, K))),
                 jensen, Relation.LE))


def test_jensen_wrong_twins_are_refuted_with_both_sides():
    r = refuted(one(sp.log(sp.Sum(W * y[k], (k, 1, K))), sp.Sum(W * sp.log(y[k]), (k, 1, K)),
                    jensen, Relation.LE))
    assert set(r.verdict.numeric.counterexample["values"]) == {"left", "right"}
    refuted(one(sp.exp(sp.Sum(W * v[k], (k, 1, K))), sp.Sum(W * sp.exp(v[k]), (k, 1, K)),
                jensen, Relation.GE))  # the convex exp as if concave
    r = refuted(one(sp.log(sp.Sum(2 * W * y[k], (k, 1, K))),
                    sp.Sum(2 * W * sp.log(y[k]), (k, 1, K)), jensen, Relation.GE))
    assert "= 1: the difference is 1, not 0" in str(r.verdict.symbolic.detail)


def test_jensen_needs_its_side_conditions():
    # log of values of either sign
    r = not_verified(one(sp.log(sp.Sum(W * v[k], (k, 1, K))), sp.Sum(W * sp.log(v[k]), (k, 1, K)),
                         jensen, Relation.GE))
    assert "v[k] > 0" in str(r.verdict.symbolic.detail)
    # weights of either sign
    r = not_verified(one(sp.log(sp.Sum(v[k] * y[k], (k, 1, K))),
                         sp.Sum(v[k] * sp.log(y[k]), (k, 1, K)), jensen, Relation.GE))
    assert "v[k] >= 0" in str(r.verdict.symbolic.detail)
    # the integral form against a function that is not declared a density: the rule finds
    # no site, and a certificate forged for it is refused by the kernel
    p = sp.Function("p", positive=True)
    before = sp.log(sp.Integral(p(z) * sp.exp(z), (z, -oo, oo)))
    after = sp.Integral(p(z) * z, (z, -oo, oo))
    r = not_verified(one(before, after, jensen, Relation.GE))
    assert "found no Jensen site" in str(r.verdict.symbolic.detail)
    schema = AXIOMS["jensen_log_integral"]
    forged = rewrite(schema, (), schema_binding(schema, z=z, p=abstract(p(z), [z]),
                                                h=abstract(sp.exp(z), [z])))
    verdict = judge(before, after, Relation.GE, [forged])
    assert verdict.status is Symbolic.UNKNOWN and "is a density of z" in str(verdict.detail)


def test_jensen_integral_and_expectation_forms():
    h = sp.exp(z) + 1
    verified(one(sp.log(sp.Integral(q(z) * h, (z, -oo, oo))),
                 sp.Integral(q(z) * sp.log(h), (z, -oo, oo)), jensen, Relation.GE))
    r = verified(one(sp.log(Expectation(h, [z])), Expectation(sp.log(h), [z]), jensen,
                     Relation.GE))
    assert r.verdict.numeric.status is Numeric.PASSED  # under random laws of z
    assert "random instances" in rests_on(r.verdict)
    refuted(one(Expectation(sp.log(h), [z]), sp.log(Expectation(h, [z])), jensen, Relation.GE))


def test_a_forged_jensen_binding_is_refused_by_the_kernel():
    schema = AXIOMS["jensen_log_finite"]
    line = sp.log(sp.Sum(W * y[k], (k, 1, K)))
    binding = schema_binding(schema, k=k, m=sp.Integer(1), N=K, w=abstract(2 * W, [k]),
                             y=abstract(y[k] / 2, [k]))  # the same line, weights summing to 2
    verdict = judge(line, sp.Sum(2 * W * sp.log(y[k] / 2), (k, 1, K)), Relation.GE,
                    [rewrite(schema, (), binding)])
    assert verdict.status is Symbolic.UNKNOWN and "fails" in str(verdict.detail)


# -- Gibbs and the elementary bounds --------------------------------------------------------

def test_gibbs_for_densities_and_its_twin():
    p = density("p")
    verified(one(KL(q(z), p(z), z), sp.Integer(0), gibbs, Relation.GE))
    refuted(one(KL(q(z), p(z), z), sp.Integer(0), gibbs, Relation.LE))
    f_ = sp.Function("f", positive=True)
    not_verified(one(KL(q(z), f_(z), z), sp.Integer(0), gibbs, Relation.GE))  # f no density


def test_the_tangent_bounds_and_their_twins():
    verified(one(sp.log(a_), a_ - 1, log_bound, Relation.LE))
    verified(one(a_ - 1, sp.log(a_), log_bound, Relation.GE))
    refuted(one(sp.log(a_), a_ - 1, log_bound, Relation.GE))
    verified(one(sp.exp(u), 1 + u, exp_bound, Relation.GE))
    refuted(one(sp.exp(u), 1 + u, exp_bound, Relation.LE))
    not_verified(one(sp.log(u), u - 1, log_bound, Relation.LE))  # u may be negative


def test_a_bound_tight_at_an_instance_is_not_a_violation_there():
    # log x <= x - 1 is an equality at x = 1: here every instance with K = 1 is one
    j = sp.Symbol("j", integer=True, positive=True)
    a, b = data("a", positive=True), data("b", positive=True)
    p_k, q_k = a[k] / sp.Sum(a[j], (j, 1, K)), b[k] / sp.Sum(b[j], (j, 1, K))
    before = sp.Sum(p_k * sp.log(q_k / p_k), (k, 1, K))
    after = sp.Sum(p_k * (q_k / p_k - 1), (k, 1, K))
    verified(one(before, after, log_bound, Relation.LE, instances=1000))
    v = check_step(sp.Integer(0), sp.Integer(0), Relation.LE, None, 1, 50, ("t",))
    assert v.status is Numeric.PASSED


def test_cauchy_schwarz_and_its_twin():
    w = data("w")
    lhs = sp.Sum(v[k] * w[k], (k, 1, K)) ** 2
    rhs = sp.Sum(v[k] ** 2, (k, 1, K)) * sp.Sum(w[k] ** 2, (k, 1, K))
    verified(one(lhs, rhs, cauchy_schwarz, Relation.LE))
    verified(one(rhs, lhs, cauchy_schwarz, Relation.GE))
    refuted(one(lhs, rhs, cauchy_schwarz, Relation.GE))


def test_log_sum_exp_bounds_and_their_twins():
    lse = sp.log(sp.Sum(sp.exp(v[k]), (k, 1, K)))
    largest = Maximum(v[k], (k, 1, K))
    verified(one(lse, largest, log_sum_exp_lower_bound, Relation.GE))
    verified(one(lse, largest + sp.log(K), log_sum_exp_upper_bound, Relation.LE))
    refuted(one(lse, largest, log_sum_exp_lower_bound, Relation.LE))
    refuted(one(sp.Sum(sp.exp(v[k]), (k, 1, K)), Maximum(sp.exp(v[k]), (k, 1, K)),
                sum_and_max_term, Relation.LE))


def test_a_sum_below_its_largest_term_needs_nonnegative_terms():
    r = not_verified(one(sp.Sum(v[k], (k, 1, K)), Maximum(v[k], (k, 1, K)), sum_and_max_term,
                         Relation.GE))
    assert "v[k] >= 0" in str(r.verdict.symbolic.detail)


# -- chains of bounds --------------------------------------------------------------------

def test_relations_compose_as_in_lean_calc():
    d = Derivation("chain", a_)
    assert d.conclusion is Relation.EQUAL
    d.eq(a_ + 0, by=termwise_bound, label="1")
    d.le(a_ + 1, by=termwise_bound, label="2")
    assert d.conclusion is Relation.LE
    d.lt(a_ + 2, by=termwise_bound, label="3")
    assert d.conclusion is Relation.LT
    with pytest.raises(DeriveError, match="split it into two derivations"):
        d.ge(a_, by=termwise_bound, label="4")
    e = Derivation("up", a_ + 2)
    e.ge(a_ + 1, by=termwise_bound, label="1").gt(a_, by=termwise_bound, label="2")
    assert e.conclusion is Relation.GT
    assert [st.relation for st in e.steps] == [Relation.GE, Relation.GT]


def test_an_equality_step_that_bounds_is_not_an_equality():
    r = not_verified(one(a_ + u**2, a_, drop_nonnegative_term, Relation.EQUAL))
    assert "show >=, not =" in str(r.verdict.symbolic.detail)


CHAIN = """
import sympy as sp
from derive import Derivation
from derive.rules import log_bound, termwise_bound

x = sp.Symbol("x", positive=True)
u = sp.Symbol("u", real=True)
tangent = Derivation("tangent", sp.log(x) + u**2)
tangent.le(x - 1 + u**2, by=log_bound, label="1")
tangent.lt(x + u**2, by=termwise_bound, label="2")
bound = Derivation("bound", sp.log(x))
bound.le(x - 1, by=log_bound, label="1")
wrong = Derivation("wrong", sp.log(x))
wrong.ge(x - 1, by=log_bound, label="1", expect="refuted")
"""


def test_derive_check_states_each_chain_s_conclusion(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "chains.py").write_text(textwrap.dedent(CHAIN))
    main(["check", "chains.py", "--instances", "40", "--no-cache"])
    out = capsys.readouterr().out
    assert "conclusion: log(x) <= x - 1: proved" in out
    assert "conclusion: log(x) >= x - 1: not proved: 1 REFUTED" in out
    assert "conclusion: u**2 + log(x) < u**2 + x: proved" in out  # <= then < gives <


def test_derive_check_json_gives_each_chain_s_conclusion(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "chains.py").write_text(textwrap.dedent(CHAIN.split("tangent =")[0] + """
bound = Derivation("bound", sp.log(x))
bound.le(x - 1, by=log_bound, label="1")
"""))
    assert main(["check", "chains.py", "--format", "json", "--instances", "40",
                 "--no-cache"]) == EXIT_OK
    (block,) = json.loads(capsys.readouterr().out)["derivations"]
    assert block["conclusion"] == {"relation": "<=", "first": "log(x)", "last": "x - 1",
                                   "proved": True, "text": "log(x) <= x - 1: proved"}


def test_a_chain_whose_steps_are_not_all_verified_is_not_proved(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "chain.py").write_text(textwrap.dedent(CHAIN.split("tangent =")[0] + """
d = Derivation("d", sp.log(x))
d.le(x - 1, by=log_bound, label="1")
d.le(x, by=log_bound, label="2")
"""))
    assert main(["check", "chain.py", "--instances", "40", "--no-cache"]) != EXIT_OK
    assert "conclusion: log(x) <= x: not proved: 2 UNPROVEN" in capsys.readouterr().out


def test_proof_files_conclusions_and_twins(capsys):
    assert main(["check", "proofs/gibbs_inequality.py", "proofs/gibbs_inequality_twins.py",
                 "--instances", "100", "--no-cache"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "D_KL[q(z)||p(z)] >= 0: proved" in out
    assert out.count(": proved") == 3 and out.count("not proved") == 5
    assert main(["check", "proofs/gibbs_inequality_twins.py", "--instances", "100",
                 "--no-cache", "--ignore-expectations"]) == EXIT_REFUTED
