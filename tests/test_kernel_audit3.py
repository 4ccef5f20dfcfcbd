"""Audit 3 of the kernel's certificates and objects: each test is a wrong step the kernel
once PROVED (or a correct one it REFUTED), with the concrete counterexample in its
docstring. They fail until the kernel is fixed; none may ever pass by being skipped."""

from __future__ import annotations

import pytest
import sympy as sp

from derive import Derivation, Status, Symbolic, check_derivation, density
from derive.kernel import (
    Algebra,
    ArgMin,
    Bound,
    DeriveError,
    Relation,
    Reparametrise,
    SchemaError,
    admit,
    judge,
    judge_definition,
    make_schema,
    rewrite,
)
from derive.rules import (
    definite_integral,
    fold,
    log_bound,
    reparametrise,
    termwise_bound,
)

x, y, t, a, z = sp.symbols("x y t a z", real=True)
u = sp.Symbol("u", positive=True)
oo = sp.oo


def not_proved(verdict):
    assert verdict.status is not Symbolic.PROVED, verdict.detail
    return verdict


def statuses(derivation, instances=100):
    return {r.label: r.verdict.status for r in check_derivation(derivation, instances=instances)}


def not_all_verified(derivation, instances=100):
    found = statuses(derivation, instances)
    assert any(s is not Status.VERIFIED for s in found.values()), found


# -- 1. a bound "with relation :=" is read as an equality -----------------------------------

def test_a_bound_certificate_with_relation_define_does_not_prove_an_equality():
    """Bound(x, Relation.DEFINE) shows only (x + 1) - x >= 0, yet composes as EQUAL:
    x + 1 = x was PROVED."""
    not_proved(judge(x + 1, x, Relation.EQUAL, [Bound(x, Relation.DEFINE)]))


def test_a_schema_with_relation_define_is_not_an_equality():
    """A 'symbolic' schema of relation := is admitted on lhs - rhs >= 0 alone, then
    rewrites as an equality: y + 1 = y was PROVED."""
    try:
        bogus = make_schema("one_is_zero_audit3", x + 1, x, relation=Relation.DEFINE,
                            trust="symbolic")
        admit(bogus)
    except SchemaError:
        return  # refused at admission: fixed
    not_proved(judge(y + 1, y, Relation.EQUAL, [rewrite(bogus, (), {bogus.scalars[0]: y})]))


# -- 2. exp and sig keep order only for real arguments --------------------------------------

def test_exp_of_a_complex_argument_is_not_monotone():
    """exp(q + i y) > exp(i y) for q > 0 was VERIFIED by termwise_bound; at q = 1,
    y = pi it reads -e > -1."""
    q = sp.Symbol("q", positive=True)
    not_proved(judge(sp.exp(q + sp.I * y), sp.exp(sp.I * y), Relation.GT,
                     [Bound(sp.I * y, Relation.GT, (0,))]))
    d = Derivation("exp_complex", sp.exp(q + sp.I * y))
    d.gt(sp.exp(sp.I * y), by=termwise_bound, label="s")
    not_all_verified(d)


# -- 3. an argmin whose objective loses a point, by Algebra ---------------------------------

def test_algebra_between_argmins_does_not_carry_a_removed_minimiser_as_a_domain():
    """argmin_t (t^3 + t^4)/(t + t^2) = argmin_t t^2 was VERIFIED by `algebra`, 'proved
    where t**2 + t != 0' (t is bound). The left objective is undefined at t = 0, so its
    infimum 0 is not attained: the left set is empty, the right is {0}."""
    objective = (t**3 + t**4) / (t + t**2)
    not_proved(judge(ArgMin(objective, t), ArgMin(t**2, t), Relation.EQUAL, [Algebra()]))
    not_proved(judge(ArgMin(objective, t), ArgMin(t**2, t), Relation.EQUAL,
                     [Algebra(t**2, (0,))]))


# -- 4. symbolic REFUTED without a counterexample --------------------------------------------

def test_a_true_bound_that_is_looser_than_the_schema_is_not_refuted():
    """log u <= u (true for u > 0) cited as log_bound was REFUTED: the kernel reached
    u - 1 and called the difference 1 from the line written a counterexample."""
    d = Derivation("log_loose", sp.log(u))
    d.le(u, by=log_bound, label="s")
    assert statuses(d)["s"] is not Status.REFUTED
    verdict = judge(x, x + 2, Relation.LE, [Bound(x + 1, Relation.LE)])
    assert verdict.status is not Symbolic.REFUTED, verdict.detail


def test_a_failed_rewrite_of_a_subterm_does_not_refute_a_true_step():
    """d/dx (x + 2) = 1 was REFUTED: a certificate rewrote the 2 into 1 (a false condition
    2 = 1 whose right side happens to be the line written), the derivative then gave 1."""
    verdict = judge(sp.Derivative(x + 2, x), sp.Integer(1), Relation.EQUAL,
                    [Algebra(sp.Integer(1), (0, 0)), Algebra()])
    assert verdict.status is not Symbolic.REFUTED, verdict.detail


# -- 5. Evaluate believed SymPy's definite integrals (now gone: the kernel never integrates) ---

def evaluated(integral):
    """What a rule now proposes for a definite integral: an antiderivative and the
    fundamental theorem (or, where it finds none, plain algebra)."""
    from derive.rules import RuleDoesNotApply

    try:
        return list(definite_integral.propose(integral, None, None)) or [Algebra()]
    except RuleDoesNotApply:
        return [Algebra()]


def test_sympy_integral_across_a_jump_is_not_proved():
    """int_0^pi atan(tan x) dx is 0 (x on [0, pi/2), x - pi after); SymPy says -pi^2/2,
    and the step was VERIFIED by definite_integral (the numbers could not evaluate it)."""
    wrong = sp.Integral(sp.atan(sp.tan(x)), (x, 0, sp.pi))
    not_proved(judge(wrong, -sp.pi**2 / 2, Relation.EQUAL, evaluated(wrong)))
    d = Derivation("atan_tan", wrong)
    d.eq(-sp.pi**2 / 2, by=definite_integral, label="s")
    not_all_verified(d)


def test_sympy_integral_across_a_jump_squared_is_not_proved():
    """int_0^pi atan(tan x)^2 dx = pi^3/12; SymPy says pi^3/3 (VERIFIED)."""
    integral = sp.Integral(sp.atan(sp.tan(x)) ** 2, (x, 0, sp.pi))
    not_proved(judge(integral, sp.pi**3 / 3, Relation.EQUAL, evaluated(integral)))


def test_sympy_integral_of_x_atan_one_over_x_is_not_proved():
    """int_{-1}^{1} x atan(1/x) dx = 1; SymPy says 1 + pi/2 (PROVED; the numbers refute)."""
    integral = sp.Integral(x * sp.atan(1 / x), (x, -1, 1))
    not_proved(judge(integral, 1 + sp.pi / 2, Relation.EQUAL, evaluated(integral)))


def test_a_divergent_oscillating_integral_has_no_value():
    """int_0^oo sin x dx diverges; SymPy gives AccumBounds(0, 2), VERIFIED as its value."""
    integral = sp.Integral(sp.sin(x), (x, 0, oo))
    not_proved(judge(integral, sp.AccumBounds(0, 2), Relation.EQUAL, evaluated(integral)))


def test_the_correct_value_of_an_integral_across_a_jump_is_not_refuted():
    """int_0^pi atan(tan x) dx = 0 is true; SymPy's -pi^2/2 made the kernel REFUTE it."""
    integral = sp.Integral(sp.atan(sp.tan(x)), (x, 0, sp.pi))
    verdict = judge(integral, sp.Integer(0), Relation.EQUAL, evaluated(integral))
    assert verdict.status is not Symbolic.REFUTED, verdict.detail


# -- 6. densities defined as functions that are zero somewhere, or not normalised -------------

def test_a_density_defined_zero_somewhere_is_not_a_positive_density():
    """p(z) := max(0, 1 - |z|) is PROVED well formed (nonnegative), but every density is
    positive to the kernel: max(0, 1 - |z|) := p(z) > 0 was VERIFIED; false at z = 2."""
    p = density("p")
    triangle = sp.Max(0, 1 - sp.Abs(z))
    not_proved(judge_definition(p(z), triangle))
    d = Derivation("triangle", triangle)
    definition = d.let(p(z), triangle, label="pdef")
    d.define(p(z), by=fold(definition), label="a")
    d.gt(sp.Integer(0), by=termwise_bound, label="b")
    not_all_verified(d)


def test_a_density_that_does_not_integrate_to_one_is_not_verified():
    """p(z) := max(0, 2 - |z|) integrates to 4; the definition was VERIFIED (the kernel
    checks nonnegativity only, the numbers could not evaluate it), and with it
    int max(0, 2 - |z|) dz = 1."""
    p = density("p")
    tent = sp.Max(0, 2 - sp.Abs(z))
    d = Derivation("tent", sp.Integral(tent, (z, -oo, oo)))
    definition = d.let(p(z), tent, label="pdef")
    d.define(sp.Integral(p(z), (z, -oo, oo)), by=fold(definition), label="a")
    from derive.rules import density_integrates_to_one
    d.eq(sp.Integer(1), by=density_integrates_to_one, label="b")
    not_all_verified(d)


# -- 7. a modelling substitution that optimises over a parameter -----------------------------

def test_reparametrise_does_not_capture_a_free_parameter():
    """argmin_theta (theta - a)^2 := argmin_a a^2 (theta := 2a, optimising over a, a free
    parameter of the line) was VERIFIED: the left set is {a}, the right {0}."""
    theta = sp.Symbol("theta", real=True)
    before, after = ArgMin((theta - a) ** 2, theta), ArgMin(a**2, a)
    not_proved(judge(before, after, Relation.DEFINE, [Reparametrise(theta, 2 * a, (a,))]))
    d = Derivation("capture", before)
    d.define(after, by=reparametrise(theta, 2 * a, [a]), label="s")
    not_all_verified(d)


# -- 8. a finite sum with its bounds reversed ------------------------------------------------

def test_a_bound_does_not_pass_through_a_sum_whose_bounds_are_reversed():
    """sum_{k=3}^{1} 1 >= sum_{k=3}^{1} 0 was PROVED; by SymPy's convention (the one the
    numbers use) the left is -1, and the numbers refute it."""
    k = sp.Symbol("k", integer=True)
    not_proved(judge(sp.Sum(sp.Integer(1), (k, 3, 1)), sp.Sum(sp.Integer(0), (k, 3, 1)),
                     Relation.GE, [Bound(sp.Integer(0), Relation.GE, (0,))]))


# -- 9. definitions judged one at a time -----------------------------------------------------

def test_mutually_circular_definitions_do_not_prove_f_equals_f_plus_one():
    """f(x) := g(x) and g(x) := f(x) + 1 are each well formed alone; the chain
    f(x) := g(x) := f(x) + 1 was VERIFIED throughout (its conclusion: f = f + 1)."""
    f, g = sp.Function("f"), sp.Function("g")
    d = Derivation("mutual", f(x))
    d.let(f(x), g(x), label="fdef")
    with pytest.raises(DeriveError, match="circular"):  # refused as the chain is built
        d.let(g(x), f(x) + 1, label="gdef")


def test_a_name_defined_twice_is_refused():
    """f(x) := x and f(x) := x + 1 in one derivation were both VERIFIED."""
    f = sp.Function("f")
    d = Derivation("twice", f(x))
    d.let(f(x), x, label="f1")
    with pytest.raises(DeriveError, match="defined twice"):
        d.let(f(x), x + 1, label="f2")
