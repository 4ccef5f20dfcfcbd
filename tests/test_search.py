"""The search for a justification: deterministic, budgeted in attempts, trying a rule only
where its kind of node occurs, reading rules backwards from the line written, and finding
the new calculus, expectation and argmin rules for steps nobody annotated."""

import sympy as sp
from helpers import one_step
from test_rules_core import assert_verified

from derive import ArgMin, Expectation, Relation, Variance, data, model
from derive.rules import registry
from derive.rules.search import _holds_site, backwards, find_rules

x, t, w, phi = sp.symbols("x t w phi", real=True)
sigma = sp.Symbol("sigma", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
N = sp.Symbol("N", integer=True, positive=True)
T, X = data("t"), data("x")
oo = sp.oo


def names(found):
    return [r.name for r in found.rules]


def test_a_derivative_step_is_found():
    before = sp.Derivative(sp.Sum((T[n] - w * X[n]) ** 2, (n, 1, N)), w)
    found = find_rules(before, -2 * sp.Sum(X[n] * (T[n] - w * X[n]), (n, 1, N)), [])
    assert names(found) == ["differentiate"]


def test_an_integral_written_on_the_right_is_evaluated_there():
    found = find_rules(sp.exp(-1) - 1, sp.Integral(sp.Integer(1), (t, 1, sp.exp(-1))), [])
    assert names(found) == ["definite_integral (in the line written)"]
    assert_verified(one_step(sp.exp(-1) - 1, sp.Integral(sp.Integer(1), (t, 1, sp.exp(-1))),
                             found.rules))


def test_integrals_on_both_sides_are_evaluated_on_both():
    before = sp.Integral(sp.Integer(1), (t, 1, sp.exp(-1)))
    after = -2 * sp.Integral(t * sp.exp(-t ** 2), (t, 0, 1))
    found = find_rules(before, after, [])
    assert found is not None
    assert_verified(one_step(before, after, found.rules))


def test_the_variance_identity_is_found():
    X_ = sp.Symbol("X", real=True)
    found = find_rules(Variance(X_, [X_]),
                       Expectation(X_ ** 2, [X_]) - Expectation(X_, [X_]) ** 2, [])
    assert names(found) == ["expectation_algebra"]


def test_the_gaussian_nll_to_least_squares_in_one_line_is_found():
    f = model("f")
    g = sp.exp(-(T[n] - f(X[n], phi)) ** 2 / (2 * sigma ** 2)) / sp.sqrt(2 * sp.pi * sigma ** 2)
    before = ArgMin(-sp.Sum(sp.log(g), (n, 1, N)), phi)
    after = ArgMin(sp.Sum((T[n] - f(X[n], phi)) ** 2, (n, 1, N)), phi)
    found = find_rules(before, after, [])
    assert names(found) == ["rescale_objective"]
    assert found.relation is Relation.EQUAL


def test_the_search_is_deterministic_and_counts_attempts():
    before = sp.Integral(x * sp.exp(x), (x, 0, 1))
    after = sp.E - sp.Integral(sp.exp(x), (x, 0, 1))
    first, second = (find_rules(before, after, []) for _ in range(2))
    assert names(first) == names(second) and first.tried == second.tried
    assert find_rules(before, after, [], budget=first.tried) is not None
    assert find_rules(before, after, [], budget=first.tried - 1) is None


def test_a_rule_is_tried_only_where_its_kind_of_node_occurs():
    rules = registry()
    assert _holds_site(rules["differentiate"], sp.Derivative(x ** 2, x))
    assert not _holds_site(rules["differentiate"], x ** 2)
    assert not _holds_site(rules["expectation_linearity"], sp.Integral(x, (x, 0, 1)))
    assert _holds_site(rules["algebra"], x)  # no sites: anywhere
    assert _holds_site(rules["log_softmax"], sp.log(x))  # an identity: its left side's head
    assert not _holds_site(rules["log_softmax"], sp.exp(x))


def test_a_wrong_step_is_not_found():
    before = sp.Derivative(sp.Sum((T[n] - w * X[n]) ** 2, (n, 1, N)), w)
    assert find_rules(before, -4 * sp.Sum(X[n] * (T[n] - w * X[n]), (n, 1, N)), []) is None
    assert find_rules(sp.Integral(x, (x, 1, 0)), sp.Rational(1, 2), []) is None


def test_backwards_reads_a_rule_from_the_line_written():
    rule = backwards(registry()["definite_integral"])
    assert rule.needs_target and rule.name.endswith("(in the line written)")
    assert_verified(one_step(sp.Rational(1, 2), sp.Integral(x, (x, 0, 1)), rule))
    r = one_step(sp.Rational(1, 3), sp.Integral(x, (x, 0, 1)), rule)
    assert r.verdict.status.value == "REFUTED"


def test_a_function_the_document_defines_is_unfolded_in_both_lines():
    from derive import Derivation, check_derivation

    z = sp.Symbol("z", real=True)
    s = sp.Function("s")
    d = Derivation("sigmoid", sp.Derivative(s(z), z))
    definition = d.let(s(z), 1 / (1 + sp.exp(-z)), label="def")
    found = find_rules(sp.Derivative(s(z), z), s(z) * (1 - s(z)), [definition])
    assert names(found) == ["substitute(def)", "substitute(def) (in the line written)"]
    assert found.relation is Relation.DEFINE
    d.define(s(z) * (1 - s(z)), by=list(found.rules), label="1")
    assert all(r.verdict.status.value == "VERIFIED" for r in check_derivation(d))
    # twin: the derivative without the factor 1 - s
    assert find_rules(sp.Derivative(s(z), z), s(z), [definition]) is None
