"""What numeric evidence is evidence of (audit 4): the numbers test what the kernel claimed
(its claim and trace), never more, and instances of a real symbol reach well beyond
[-3, 3]. Each correct step has a wrong twin that is still refuted."""

from __future__ import annotations

import sympy as sp

from derive import ArgMin, Derivation, Status, check_derivation
from derive.kernel import Claim, Relation
from derive.numeric import checks
from derive.rules import drop_constant, reparametrise

theta, phi = sp.symbols("theta phi", real=True)


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
