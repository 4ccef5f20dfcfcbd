"""Audit 1 of the kernel (conditions, signs, equality): each case was PROVED (or a correct
step REFUTED) when found; see /work/notes/audit1.md for the counterexample of each and where
the hole is. The kernel must leave every false step unproved and refute no correct one."""

from __future__ import annotations

import pytest
import sympy as sp
from helpers import one_step

from derive import Derivation, Status, Symbolic, check_derivation, sig
from derive.kernel import Algebra, Bound, Relation, judge
from derive.rules import Rule, algebra, definite_integral, dirac_sifting, fundamental_theorem

x, y = sp.symbols("x y", real=True)
N = sp.Symbol("N", integer=True, positive=True)
a = sp.IndexedBase("a", real=True)
w = sp.IndexedBase("w", real=True)


def not_proved(before, after, certificates, relation=Relation.EQUAL):
    verdict = judge(before, after, relation, certificates)
    assert verdict.status is not Symbolic.PROVED, verdict.detail


def never_verified(result):
    assert result.verdict.status is not Status.VERIFIED, result.verdict.symbolic.detail
    assert result.verdict.symbolic.status is not Symbolic.PROVED, result.verdict.symbolic.detail


def proposing(*certificates):
    return Rule("audit", "", (), lambda before, target, context: list(certificates))


def bound_step(before, after, by, relation):
    d = Derivation("t", before)
    getattr(d, relation)(after, by=by, label="s")
    (result,) = check_derivation(d, seed=1, instances=300)
    return result


# -- binders whose declared assumptions the range contradicts --------------------------------

def test_an_even_index_summed_over_odd_values_is_refused():
    even = sp.Symbol("i", integer=True, even=True)
    before = sp.Sum((-1) ** even, (even, 1, N))  # SymPy makes the term 1: "sum = N"
    never_verified(one_step(before, N, algebra))  # N = 1: the sum is -1


def test_an_integer_variable_of_integration_is_refused():
    z = sp.Symbol("z", integer=True)
    before = sp.Integral(z - sp.floor(z), (z, 0, 1))  # SymPy makes the integrand 0
    never_verified(one_step(before, sp.Integer(0), algebra))  # it is 1/2


def test_a_negative_variable_integrated_over_positive_values_is_refused():
    z = sp.Symbol("z", negative=True)
    integral = sp.Integral(-z, (z, 1, 2))  # "-z > 0", so "the integral is positive"
    not_proved(sp.Integer(0), integral, [Bound(integral, Relation.LE)], Relation.LE)  # -3/2


def test_a_positive_variable_integrated_down_to_negative_values_is_refused():
    z = sp.Symbol("z", positive=True)
    before = sp.Integral(sp.sqrt(z ** 2), (z, 1, -1))  # SymPy makes sqrt(z**2) z
    never_verified(one_step(before, sp.Integer(0), definite_integral))


# -- a bound through a sum whose limits may be reversed ---------------------------------------

def test_a_bound_through_a_reversed_sum_is_refused():
    j = sp.Symbol("j", integer=True)
    # SymPy's (and the numeric checker's) sum from 3 to 1 is -(sum from 2 to 2) = -1
    before = sp.Sum(1, (j, 3, 1))
    not_proved(before, sp.Integer(0), [Bound(sp.Integer(0), Relation.GE, (0,))], Relation.GE)
    M = sp.Symbol("M", integer=True, positive=True)
    before = sp.Sum(a[j] ** 2 + 1, (j, M, N))
    after = sp.Sum(a[j] ** 2, (j, M, N))
    not_proved(before, after, [Bound(a[j] ** 2, Relation.GE, (0,))], Relation.GE)


# -- derivatives SymPy takes branch by branch -------------------------------------------------

def test_a_piecewise_derivative_is_not_taken_branch_by_branch():
    identity = sp.Piecewise((0, sp.Eq(x, 0)), (x, True))  # x everywhere: its derivative is 1
    branchwise = sp.Piecewise((0, sp.Eq(x, 0)), (1, True))  # 0 at x = 0
    assert judge(identity, x, Relation.EQUAL, [Algebra()]).status is Symbolic.PROVED
    not_proved(sp.Derivative(identity, x), branchwise, [Algebra()])


# -- continuity -------------------------------------------------------------------------------

def test_data_indexed_by_a_step_of_the_variable_is_not_continuous():
    z = sp.Symbol("z", real=True)
    jumps = w[sp.floor(z)]  # jumps from w[0] to w[1] at z = 1
    before = sp.Integral(jumps * sp.DiracDelta(z - 1), (z, -sp.oo, sp.oo))
    never_verified(one_step(before, w[1], dirac_sifting))  # (w[0] + w[1])/2 by nascent deltas
    before = sp.Integral(sp.Derivative(jumps, z), (z, 0, 2))  # its derivative "nan", continuous
    never_verified(one_step(before, w[2] - w[0], fundamental_theorem))


def test_tanh_of_a_complex_argument_is_not_continuous():
    k = sp.Symbol("k")  # complex: at k = i, tanh(k x) = i tan(x), a pole at pi/2
    before = sp.Integral(sp.Derivative(sp.tanh(k * x), x), (x, 0, sp.pi))
    never_verified(one_step(before, sp.tanh(k * sp.pi), fundamental_theorem))


@pytest.mark.parametrize("head", [sp.tanh, sig])
def test_a_head_continuous_on_the_reals_is_not_continuous_off_them(head):
    from derive.kernel.conditions import is_continuous

    assert not is_continuous(head(sp.Symbol("k") * x), x)[0]


# -- equality: SymPy's is_zero of an integral --------------------------------------------------

@pytest.mark.parametrize("integrand, high", [(sp.exp(sp.I * x), 2 * sp.pi),
                                             ((-1) ** sp.floor(x), 2)])
def test_an_integral_that_is_zero_is_not_refuted_for_a_nonzero_integrand(integrand, high):
    integral = sp.Integral(integrand, (x, 0, high))  # both are 0
    verdict = judge(integral, sp.Integer(0), Relation.EQUAL, [Algebra()])
    assert verdict.status is not Symbolic.REFUTED, verdict.detail


# -- a bound through positions of a complex line ------------------------------------------------

def test_a_bound_inside_a_complex_exponential_is_refused():
    before = sp.exp(sp.I * y + x)
    k = list(before.args[0].args).index(x)
    after = sp.exp(sp.I * y + x + 1)  # y = pi, x = 0: -1 <= -e is false
    not_proved(before, after, [Bound(x + 1, Relation.LE, (0, k))], Relation.LE)
    never_verified(bound_step(before, after, proposing(Bound(x + 1, Relation.LE, (0, k))), "le"))


# -- sums with bounds that are not integers ------------------------------------------------------

def test_a_sum_of_ones_up_to_a_real_bound_is_not_counted():
    i = sp.Symbol("i", integer=True)
    t = sp.Symbol("t", positive=True)  # t = 5/2: the sum has 2 terms
    not_proved(sp.Sum(1, (i, 1, t)), t, [Algebra()])
    not_proved(sp.Sum(1, (i, sp.Rational(1, 2), 3)), sp.Rational(7, 2), [Algebra()])


# -- the domain: cancellations SymPy hides in functions -----------------------------------------

@pytest.mark.parametrize("before, after", [
    (sp.tan(x) * sp.cos(x), sp.sin(x)),  # undefined at pi/2 before, 1 after
    (sp.Derivative(sp.Abs(x), x), sp.sign(x)),  # undefined at 0 before, 0 after
    (sp.Derivative(sp.Max(x, 0), x), sp.Heaviside(x)),  # undefined at 0 before, 1/2 after
])
def test_a_point_removed_from_the_domain_is_stated(before, after):
    verdict = judge(before, after, Relation.EQUAL, [Algebra()])
    assert verdict.status is not Symbolic.PROVED or verdict.domain, verdict.detail
