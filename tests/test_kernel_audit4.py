"""Audit 4: the wiring between rules and kernel, hypotheses, the numeric half and the LaTeX
reader, attacked as a hostile user or rule-pack author would. Each test is a wrong step
derive VERIFIED (or a correct one it REFUTED) through a public entry point, with the
counterexample in its docstring. Each failed before its hole was closed; none may pass by
being skipped. The audit's findings in the numeric checker and the LaTeX reader have their
tests beside those parts' own (tests/test_numeric_*.py, tests/test_latex_*.py)."""

from __future__ import annotations

import pytest
import sympy as sp
from helpers import statuses

from derive import Derivation, Status, Symbolic, check_derivation, density
from derive.derivation import Definition
from derive.kernel import Algebra, Bound, Define, DeriveError, Expectation, Relation, judge
from derive.rules import fold, substitute, termwise_bound
from derive.rules.base import Rule

x, y, z = sp.symbols("x y z", real=True)
Q = sp.Q


def pack_rule(*certificates):
    """A rule as a rule pack could ship it: it proposes the certificates given, whatever
    the line (the kernel is to judge them)."""
    return Rule("audit4_pack_rule", "", (), lambda before, target, context: list(certificates),
                origin="package audit4")


# -- 1. a Define certificate need not be a definition of the derivation ---------------------

def test_a_definition_from_another_derivation_cannot_be_folded_into_this_one():
    """d.let(f(x), x + 1), and another derivation's f(x) := x: the chain
    f(x) := x + 1 := f(x) + 1 was VERIFIED step by step, so f(x) = f(x) + 1. The
    redefinition check (Derivation._refuse_redefinition) sees only this derivation's lets;
    the kernel accepts any Define the rule hands it."""
    f = sp.Function("f")
    other = Derivation("other", x)
    f_is_x = other.let(f(x), x, label="fo")
    d = Derivation("d", f(x))
    f_is_x_plus_1 = d.let(f(x), x + 1, label="fd")
    d.define(x + 1, by=substitute(f_is_x_plus_1), label="s1")
    # A definition cited is declared in the derivation citing it, before the step (shown
    # there, and judged); this one would define f twice: refused as the chain is built.
    with pytest.raises(DeriveError, match="defined twice"):
        d.define(f(x) + 1, by=fold(f_is_x), label="s2")


def test_a_definition_never_declared_is_not_applied():
    """substitute(Definition(...)) built by hand, never let() in any derivation: x + y :=
    x + 1 was VERIFIED ("values agree": the numbers substitute y := 1 too). Nothing is
    defined, so y is any real: at y = 0 the chain says x = x + 1."""
    d = Derivation("d", x + y)
    ghost = Definition("ghost", y, sp.Integer(1))
    d.define(x + 1, by=substitute(ghost), label="s1")
    # Decided (lead): citing a definition declares it, in the derivation citing it and
    # before the step, so that it is judged and shown as the assumption it is (y := 1);
    # the chain then says x + y = x + 1 given y := 1, which is true. What must never be
    # applied is a definition the derivation does not show: test_a_rule_pack_cannot_...
    assert [e.label for e in d.entries] == ["ghost", "s1"]
    assert statuses(d) == {"ghost": Status.VERIFIED, "s1": Status.VERIFIED}


def test_a_rule_pack_cannot_define_what_it_likes():
    """A rule pack proposing Define(y, 1): x + y := x + 1 VERIFIED, then x + 1 = x + 1; the
    chain concludes x + y = x + 1 for every y. The kernel's Define branch (certificates.py
    _interpret) never asks whether the step's derivation declared the definition."""
    d = Derivation("d", x + y)
    d.define(x + 1, by=pack_rule(Define(y, sp.Integer(1))), label="s1")
    assert statuses(d)["s1"] is not Status.VERIFIED


# -- 2. a hypothesis that the line is real lets a bound through exp of a complex argument ---

def test_a_bound_through_exp_needs_its_argument_real_not_only_the_line():
    """exp(x + iy) <= exp(x + 1 + iy) under the hypotheses that both lines are real
    (satisfiable: y = pi): VERIFIED by termwise_bound. At y = pi, x = 0 it says
    -1 <= -e. _through's exp/sig branch asks nothing of its argument; only the whole
    lines' reality is asked, and a hypothesis gives it. The numbers cannot sample Q.real
    (not applicable), so decide() takes the proof alone."""
    before, after = sp.exp(x + sp.I * y), sp.exp(x + 1 + sp.I * y)
    d = Derivation("t", before)
    d.le(after, by=termwise_bound, label="s", hypotheses=[Q.real(before), Q.real(after)])
    assert statuses(d)["s"] is not Status.VERIFIED


# -- 3. a hypothesis about a bound variable --------------------------------------------------

def test_a_hypothesis_about_an_integration_variable_does_not_sign_the_integrand():
    """hypotheses=[Q.positive(z)], z the integration variable over [-2, 1]: z*g(z) <
    2*z*g(z) was shown from it, so int_{-2}^{1} z g(z) dz <= int_{-2}^{1} 2 z g(z) dz was
    VERIFIED (g a positive function, which the numbers cannot evaluate). With g = 1 it
    says -3/2 <= -3. conditions._ask uses every hypothesis, also those about variables the
    line binds (the numbers ignore those: "about a bound variable")."""
    g = sp.Function("g", positive=True)
    d = Derivation("t", sp.Integral(g(z) * z, (z, -2, 1)))
    d.le(sp.Integral(2 * g(z) * z, (z, -2, 1)), by=termwise_bound, label="s",
         hypotheses=[Q.positive(z)])
    assert statuses(d)["s"] is not Status.VERIFIED


def test_the_kernel_does_not_prove_a_bound_from_a_hypothesis_about_a_bound_variable():
    """The same hole in the kernel alone: judge PROVED int_{-2}^{1} z dz <= int_{-2}^{1} 2z dz
    (-3/2 <= -3) from Q.positive(z); only the numbers refuted it."""
    verdict = judge(sp.Integral(z, (z, -2, 1)), sp.Integral(2 * z, (z, -2, 1)), Relation.LE,
                    [Bound(2 * z, Relation.LE, (0,))], [Q.positive(z)])
    assert verdict.status is not Symbolic.PROVED, verdict.detail


# -- 4. an expectation under a law that is no density ----------------------------------------

def test_an_expectation_under_a_negative_law_is_not_positive():
    """E_{-q(x)}[x^2 + 1] > 0 VERIFIED by termwise_bound. By the kernel's own definition
    (objects.Expectation: the integral of body * law) it is -int (x^2 + 1) q(x) dx < 0.
    Expectation's signs (_eval_is_positive/nonnegative/real) and _through's Expectation
    branch never look at the laws; the numbers say "not a density" (not applicable)."""
    q = density("q")
    d = Derivation("t", Expectation(x**2 + 1, (x,), (-q(x),)))
    d.gt(0, by=termwise_bound, label="s")
    assert statuses(d)["s"] is not Status.VERIFIED


# -- 8. a := step that carries a bound ---------------------------------------------------------

def test_a_definition_step_cannot_carry_a_bound():
    """f(x) := g(x) declared; f(x) := g(x) + 1 by [substitute, termwise_bound] was VERIFIED
    (g a positive function the numbers cannot evaluate), and the chain's conclusion is
    f(x) = g(x) + 1: with g = 1, 1 = 2. _relation_mismatch lets a step written := have a
    certificate that shows < (it checks the shown relation only for bounds and =); with
    g(x) replaced by x the kernel PROVED it and only the numbers refuted it."""
    f, g = sp.Function("f"), sp.Function("g", positive=True)
    d = Derivation("t", f(x))
    f_is_g = d.let(f(x), g(x), label="fd")
    d.define(g(x) + 1, by=[substitute(f_is_g), termwise_bound], label="s1")
    assert statuses(d)["s1"] is not Status.VERIFIED


# -- 11. bad input: a hypothesis that is no proposition ---------------------------------------

def test_a_hypothesis_that_is_no_proposition_is_a_clear_error():
    """hypotheses=[True] (a Python bool, as ``x > 0`` gives for numbers) or ["x > 0"]: the
    step is accepted, then checking it raises a bare AttributeError ('bool' object has no
    attribute 'free_symbols') from numeric/checks.py _compile_hypothesis. It should be a
    DeriveError naming the step, when the step is written or checked."""
    from derive.kernel import DeriveError

    for bad in (True, "x > 0"):
        try:
            d = Derivation("t", x)
            d.eq(x, by="algebra", hypotheses=[bad], label="s")
            check_derivation(d, instances=20)
        except DeriveError:
            continue
        except Exception as e:  # noqa: BLE001  (any other exception is the finding)
            raise AssertionError(f"hypothesis {bad!r}: bare {type(e).__name__}: {e}") from None


# -- 12. an argmin's objective gains a point where it is undefined ---------------------------

def test_an_argmin_objective_that_gains_a_hole_at_its_minimiser_is_not_the_same_set():
    """argmin_t t^2 = argmin_t (t^3 + t^4)/(t + t^2) was VERIFIED by algebra (numbers
    passed). The right objective is t^2 except at t = 0 and t = -1, where it is undefined:
    its infimum 0 is never attained, so the right set is empty and the left is {0}. The
    mirror of audit 3's finding 3: equality.cancelled(before, after) looks only at the
    denominators the line before loses, never at those the line after gains."""
    from derive.kernel import Algebra, ArgMin

    t = sp.Symbol("t", real=True)
    holed = (t**3 + t**4) / (t + t**2)
    verdict = judge(ArgMin(t**2, t), ArgMin(holed, t), Relation.EQUAL, [Algebra()])
    assert verdict.status is not Symbolic.PROVED, verdict.detail


def test_its_twins_a_value_step_that_gains_a_hole_carries_it_and_a_real_exp_bound_holds():
    """The companions of the fixes above, which must keep working: an equality that gains a
    denominator holds where it is nonzero (carried, not refused); a bound through exp of a
    real argument; a fact of every term of a sum (about its index) is still taken."""
    from derive.kernel import Algebra

    verdict = judge(x, (x**2 + x) / (x + 1), Relation.EQUAL, [Algebra()])
    assert verdict.status is Symbolic.PROVED and verdict.domain == ("x + 1 != 0",)
    d = Derivation("t", sp.exp(x))
    d.le(sp.exp(x + 1), by=termwise_bound, label="s")
    assert statuses(d)["s"] is Status.VERIFIED
    i, n = sp.Symbol("i", integer=True), sp.Symbol("n", integer=True, positive=True)
    a = sp.IndexedBase("a", real=True)
    verdict = judge(sp.Sum(a[i], (i, 1, n)), sp.Sum(2 * a[i], (i, 1, n)), Relation.LE,
                    [Bound(2 * a[i], Relation.LE, (0,))], [Q.positive(a[i])])
    assert verdict.status is Symbolic.PROVED, verdict.detail


def test_a_symbol_and_a_function_of_one_name_in_one_step_are_refused():
    """The kernel half of audit 4's finding 6: y and y(x) in one step print alike (the
    reader once turned x into x(y) inside a mixed partial, and d/dx of x(y)^2 y^2 was 0);
    the kernel refuses the step by name, whatever read it."""
    y_of = sp.Function("y")
    verdict = judge(sp.Derivative(x**2 * y_of(x), x), 2 * x * y, Relation.EQUAL,
                    [Algebra()])
    assert verdict.status is Symbolic.UNKNOWN and verdict.detail.key == "judge.look_alike"
    assert "y" in str(verdict.detail)
