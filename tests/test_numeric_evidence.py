"""What numeric evidence is evidence of (audit 4): the numbers test what the kernel claimed
(its claim and trace), never more, and instances of a real symbol reach well beyond
[-3, 3]. Each correct step has a wrong twin that is still refuted."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from helpers import I, Y, i

from derive import ArgMin, Derivation, Numeric, Status, check_derivation
from derive import numeric as num
from derive.identities import IdentityRefused, identity
from derive.kernel import Claim, Relation
from derive.numeric import checks
from derive.rules import algebra, drop_constant, reparametrise

theta, phi = sp.symbols("theta phi", real=True)
x, y = sp.symbols("x y", real=True)
u = sp.Symbol("u", positive=True)


def statuses(derivation, instances=100):
    return {r.label: r.verdict.status for r in check_derivation(derivation, instances=instances)}


# -- a substitution, then a certificate that keeps only the minimisers ---------------------

def _substituted_then_dropped(after):
    d = Derivation("t", ArgMin((theta - 1)**2 + 3, theta))
    d.define(after, by=[reparametrise(theta, 2 * phi, [phi]), drop_constant], label="s")
    return statuses(d)["s"]


def test_a_substitution_then_a_dropped_constant_is_not_refuted():
    """argmin_theta (theta - 1)^2 + 3 := argmin_phi (2 phi - 1)^2 by [reparametrise(theta ->
    2 phi), drop_constant]: correct (theta = 2 phi; the constant 3 does not move the
    minimiser), PROVED by the kernel, and REFUTED ("4.0 vs 1.0"): with a substitution,
    numeric.checks.plan_for compares the objectives' values, not their order."""
    d = Derivation("t", ArgMin((theta - 1)**2 + 3, theta))
    d.define(ArgMin((2 * phi - 1)**2, phi), by=[reparametrise(theta, 2 * phi, [phi]),
                                                drop_constant], label="s")
    assert statuses(d)["s"] is not Status.REFUTED


def test_a_substitution_then_a_dropped_constant_is_verified():
    assert _substituted_then_dropped(ArgMin((2 * phi - 1)**2, phi)) is Status.VERIFIED


def test_a_dropped_term_that_moves_the_minimiser_is_still_refuted_after_a_substitution():
    """3 theta is no constant: argmin (theta - 1)^2 + 3 theta is theta = -1/2, not 1/2."""
    d = Derivation("t", ArgMin((theta - 1)**2 + 3 * theta, theta))
    d.define(ArgMin((2 * phi - 1)**2, phi), by=[reparametrise(theta, 2 * phi, [phi]),
                                                drop_constant], label="s")
    assert statuses(d)["s"] is Status.REFUTED


def test_a_wrong_substitution_is_still_refuted_when_a_constant_is_dropped():
    """theta = 2 phi written as (3 phi - 1)^2: the minimiser 1/3 is not theta = 1's 1/2."""
    assert _substituted_then_dropped(ArgMin((3 * phi - 1)**2, phi)) is Status.REFUTED


def test_a_substitution_compares_values_unless_a_certificate_keeps_only_the_minimisers():
    before, after = ArgMin((theta - 1)**2 + 3, theta), ArgMin((2 * phi - 1)**2, phi)
    substitution = ((theta, 2 * phi),)
    values = checks.plan_for(before, after, Relation.EQUAL, Claim.VALUES, substitution)
    assert values.kind == "values" and values.deferred == substitution
    order = checks.plan_for(before, after, Relation.EQUAL, Claim.MINIMISERS, substitution)
    assert (order.kind, order.variables, order.deferred) == ("order", (phi,), substitution)
    assert not order.values_too


# -- real symbols over a wide spread of magnitudes -----------------------------------------

def test_numeric_evidence_for_every_real_looks_beyond_three():
    """identity("abs_below_five", |x - 5|, 5 - x, trust="numeric") was admitted, and the step
    |y - 5| = 5 - y VERIFIED: every real instance was drawn from uniform(-3, 3), where the
    identity holds. At y = 6: |1| = 1 but 5 - 6 = -1. Now the identity's own check finds
    that (refused, with its counterexample); were it admitted, the step is not VERIFIED."""
    try:
        rule = identity("audit4_abs_below_five", sp.Abs(x - 5), 5 - x, trust="numeric")
    except IdentityRefused as refused:
        assert refused.verdict.numeric.counterexample["instance"]["x"] > 5
        return
    d = Derivation("t", sp.Abs(y - 5))
    d.eq(5 - y, by=rule, label="s")
    assert statuses(d, instances=300)["s"] is not Status.VERIFIED


@pytest.mark.parametrize("lhs, rhs", [(sp.Abs(u - 10), 10 - u), (sp.Min(x, 100), x),
                                      (sp.Max(x, -50), x)])
def test_an_identity_that_holds_only_at_ordinary_sizes_is_refused(lhs, rhs):
    with pytest.raises(IdentityRefused, match="counterexample"):
        identity("audit4_ordinary_sizes_only", lhs, rhs, trust="numeric")


def test_a_step_true_only_below_five_is_refuted_with_a_counterexample_beyond_it():
    d = Derivation("t", sp.Abs(y - 5))
    d.eq(5 - y, by=algebra, label="s")
    (result,) = check_derivation(d, instances=300)
    assert result.verdict.status is Status.REFUTED
    assert result.verdict.numeric.counterexample["instance"]["y"] > 5


@pytest.mark.parametrize("lhs, rhs", [
    (sp.log(1 + sp.exp(x)) - x, sp.log(1 + sp.exp(-x))),  # exp(1000) overflows a float
    (sp.sqrt(x**2 + 1) - x, 1 / (sp.sqrt(x**2 + 1) + x)),  # cancellation at x = 1e3
])
def test_a_true_identity_is_admitted_whatever_floats_do_at_large_magnitudes(lhs, rhs):
    identity("audit4_true_at_every_size", lhs, rhs, trust="numeric")


def test_a_share_of_real_instances_is_drawn_over_a_wide_spread_of_magnitudes():
    k = sp.Symbol("k", integer=True, positive=True)
    roles = num.read_roles([x + u + k])
    inst = num.sample(roles, np.random.default_rng(0), 2000, 0)
    real, positive = inst.scalars[x], inst.scalars[u]
    assert np.any(real > 100) and np.any(real < -100) and np.any(np.abs(real) < 0.01)
    assert np.all(positive > 0) and np.any(positive > 100) and np.any(positive < 0.01)
    assert np.max(np.abs(real)) <= 1e3 and np.mean(np.abs(real) <= 3) > 0.8
    assert set(inst.scalars[k]) <= set(range(1, num.MAX_I + 1))  # sum bounds: as before
    again = num.sample(roles, np.random.default_rng(0), 2000, 0)
    assert np.array_equal(again.scalars[x], real)  # seeded: the same instances


def test_a_flat_objective_on_a_large_constant_is_not_an_order_not_kept():
    """sigma = 1e3 makes the Gaussian negative log-likelihood nearly flat in phi on top of
    I log sigma: its two settings tie within the tolerance while the squares do not. The tie
    does not hold at the working precision, where both are ordered alike."""
    sigma = sp.Symbol("sigma", positive=True)
    r2 = (Y[i] - phi) ** 2
    nll = ArgMin(-sp.Sum(sp.log(sp.exp(-r2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)),
                         (i, 1, I)), phi)
    for seed in range(5):
        v = num.check_step(nll, ArgMin(sp.Sum(r2, (i, 1, I)), phi), Relation.EQUAL,
                           Claim.MINIMISERS, seed, 400, ["t"])
        assert v.status is Numeric.PASSED, v.detail
    wrong = num.check_step(nll, ArgMin(sp.Sum(r2 * sigma**2, (i, 1, I)) + phi, phi),
                           Relation.EQUAL, Claim.MINIMISERS, 0, 400, ["t"])
    assert wrong.status is Numeric.COUNTEREXAMPLE
