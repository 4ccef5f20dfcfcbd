"""The kernel's part in calculus and expectations: derivatives it takes and those it leaves to
the fundamental theorem, continuity of derivatives, averages rebuilt from their parts, and
the converse certificate (an equality read from the line written), with wrong twins."""

from __future__ import annotations

import sympy as sp

from derive.kernel import (
    AXIOMS,
    Algebra,
    Bound,
    Claim,
    Converse,
    Expectation,
    Relation,
    Symbolic,
    canonical,
    check,
    continuous,
    differentiable,
    judge,
    rewrite,
)

x, t, w = sp.symbols("x t w", real=True)
oo = sp.oo


def test_the_kernel_differentiates_polynomials_and_sums_itself():
    n = sp.Symbol("n", integer=True, positive=True)
    N = sp.Symbol("N", integer=True, positive=True)
    squares = sp.Sum((sp.IndexedBase("t")[n] - w * sp.IndexedBase("x")[n]) ** 2, (n, 1, N))
    assert differentiable(sp.Derivative(squares, w))
    verdict = judge(sp.Derivative(w ** 3, w), 3 * w ** 2, Relation.EQUAL, [Algebra()])
    assert verdict.status is Symbolic.PROVED
    assert judge(sp.Derivative(w ** 3, w), 3 * w, Relation.EQUAL, [Algebra()]).status \
        is not Symbolic.PROVED


def test_no_derivative_under_an_integral_that_depends_on_the_variable():
    # SymPy differentiates under the integral sign with no condition: d/dx of
    # int_0^oo sin(x t)/t dt (= pi/2 for x > 0) would become int_0^oo cos(x t) dt, which
    # diverges. The kernel leaves such derivatives to the fundamental theorem.
    improper = sp.Derivative(sp.Integral(sp.sin(x * t) / t, (t, 0, oo)), x)
    assert not differentiable(improper)
    assert canonical(improper).has(sp.Derivative)
    assert judge(improper, sp.Integral(sp.cos(x * t), (t, 0, oo)), Relation.EQUAL,
                 [Algebra()]).status is not Symbolic.PROVED


def test_a_derivative_is_continuous_where_its_value_is():
    assert check(continuous(sp.Derivative(sp.exp(x) * x, x), x)).holds is True
    assert check(continuous(sp.Derivative(sp.Abs(x), x), x)).holds is None  # sign(x)
    assert check(continuous(sp.Derivative(sp.log(x), x), x)).holds is None  # 1/x


def test_averages_rebuild_from_their_parts():
    X = sp.Symbol("X", real=True)
    e = Expectation(X ** 2 + 1, [X])
    assert e.func(*e.args) == e
    assert sp.expand(Expectation((X + 1) ** 2, [X])).body == X ** 2 + 2 * X + 1


# -- the converse certificate ---------------------------------------------------------------

def evaluated(integral):
    """The certificates that evaluate ``integral``: its integrand written as the derivative
    of an antiderivative, then the fundamental theorem (the kernel never integrates)."""
    from derive.rules import definite_integral

    return tuple(definite_integral.propose(integral, None, None))


def test_a_converse_evaluates_the_integral_written_on_the_right():
    before = sp.exp(-1) - 1
    after = sp.Integral(sp.Integer(1), (t, 1, sp.exp(-1)))
    verdict = judge(before, after, Relation.EQUAL, [Converse(evaluated(after))])
    assert verdict.status is Symbolic.PROVED
    assert verdict.claim is Claim.VALUES


def test_a_converse_that_meets_the_line_off_by_a_constant_refutes():
    after = sp.Integral(sp.Integer(1), (t, 0, 1))
    verdict = judge(sp.Integer(2), after, Relation.EQUAL, [Converse(evaluated(after))])
    assert verdict.status is Symbolic.REFUTED


def test_a_converse_off_by_an_expression_is_only_unproven():
    after = sp.Integral(sp.Integer(1), (t, 0, x))
    verdict = judge(x ** 2, after, Relation.EQUAL, [Converse(evaluated(after))])
    assert verdict.status is Symbolic.UNKNOWN


def test_a_converse_takes_no_bound_and_no_argmin_change():
    a = sp.Symbol("a", positive=True)
    verdict = judge(sp.log(a), sp.log(a), Relation.EQUAL, [Converse((Bound(sp.log(a)),))])
    assert verdict.status is Symbolic.UNKNOWN
    assert "converse" in verdict.detail
    verdict = judge(sp.Integer(1), sp.Integer(1), Relation.EQUAL, [Converse(())])
    assert verdict.status is Symbolic.UNKNOWN


def test_a_converse_keeps_a_definition_an_assumption():
    from derive.kernel import Define

    m = sp.Symbol("m", real=True)
    declared = [(m, x)]
    verdict = judge(x + 1, m + 1, Relation.EQUAL, [Converse((Define(m, x, "m"),))],
                    definitions=declared)
    assert verdict.status is Symbolic.UNKNOWN  # a definition applied is written :=
    verdict = judge(x + 1, m + 1, Relation.DEFINE, [Converse((Define(m, x, "m"),))],
                    definitions=declared)
    assert verdict.status is Symbolic.PROVED
    assert verdict.claim is Claim.DEFINITION


def test_a_converse_schema_instance_is_checked_like_any_other():
    a, b = sp.symbols("a b", positive=True)
    schema = AXIOMS["log_of_product"]
    names = {v.name: v for v in schema.variables}
    good = rewrite(schema, (), {names["a"]: a, names["b"]: b})
    verdict = judge(sp.log(a) + sp.log(b), sp.log(a * b), Relation.EQUAL, [Converse((good,))])
    assert verdict.status is Symbolic.PROVED
    c = sp.Symbol("c", real=True)  # of unknown sign: the condition is not shown
    bad = rewrite(schema, (), {names["a"]: a, names["b"]: c})
    verdict = judge(sp.log(a) + sp.log(c), sp.log(a * c), Relation.EQUAL, [Converse((bad,))])
    assert verdict.status is Symbolic.UNKNOWN
    assert "c > 0" in verdict.detail
