"""The rules of probability for one joint law Pr: the product rule, Bayes' rule,
marginalisation (both ways), a condition declared independent dropped, a density
integrating to one, the KL divergence read back from its integral, and an integral split
where the line written splits it; the kernel's law variables; and the numbers, which draw
one joint law behind every shape in which Pr is applied. Each with wrong twins."""

from __future__ import annotations

import pytest
import sympy as sp

from derive import KL, Derivation, Numeric, Relation, Status, Symbolic, check_derivation, density
from derive.kernel import AXIOMS, Claim, Independent, judge, rewrite
from derive.numeric import NotEvaluable, check_step
from derive.numeric.laws import one_law
from derive.rules import (
    Rule,
    bayes_rule,
    density_integrates_to_one,
    drop_independent_condition,
    kl_from_integral,
    marginalisation,
    product_rule,
    split_integral,
)
from derive.rules.sites import schema_binding

oo = sp.oo
x, z, w = sp.symbols("x z w", real=True)
phi, theta = sp.symbols("phi theta", real=True)
Pr = density("Pr", conditional=True)
q = density("q", conditional=True)
p = density("p")
X = sp.IndexedBase("x")


def integral(e, variable=z):
    return sp.Integral(e, (variable, -oo, oo))


def one(before, after, by, hypotheses=(), instances=200, relation=Relation.EQUAL):
    d = Derivation("t", before)
    (d.eq if relation is Relation.EQUAL else d.le)(after, by=by, label="s",
                                                   hypotheses=hypotheses)
    (result,) = check_derivation(d, instances=instances)
    return result


def verified(result):
    assert result.verdict.status is Status.VERIFIED, (result.verdict.symbolic.detail,
                                                      result.verdict.numeric.detail)
    assert result.verdict.numeric.status is Numeric.PASSED, result.verdict.numeric.detail
    return result


def refuted(result):
    assert result.verdict.status is Status.REFUTED, (result.verdict.symbolic.detail,
                                                     result.verdict.numeric.detail)
    return result


def not_verified(result):
    assert result.verdict.status is not Status.VERIFIED
    assert result.verdict.symbolic.status is not Symbolic.PROVED
    return result


joint = Pr(sp.Tuple(x, z), phi)


# -- the rules ---------------------------------------------------------------------------

@pytest.mark.parametrize("given", [(), (phi,), (phi, theta)])
def test_the_product_rule_either_way_after_any_number_of_conditions(given):
    j = Pr(sp.Tuple(x, z), *given)
    verified(one(j, Pr(z, x, *given) * Pr(x, *given), product_rule))
    verified(one(j, Pr(x, z, *given) * Pr(z, *given), product_rule))


def test_the_product_rule_with_the_wrong_marginal_or_divided_is_refuted():
    refuted(one(joint, Pr(z, x, phi) * Pr(z, phi), product_rule))
    refuted(one(joint, Pr(z, x, phi) / Pr(x, phi), product_rule))


def test_bayes_rule_and_its_twin():
    verified(one(Pr(z, x, phi), Pr(x, z, phi) * Pr(z, phi) / Pr(x, phi), bayes_rule))
    refuted(one(Pr(z, x, phi), Pr(x, z, phi) * Pr(z, phi), bayes_rule))  # no evidence


def test_marginalisation_both_ways_names_the_variable_as_the_line_written():
    verified(one(integral(joint), Pr(x, phi), marginalisation))
    verified(one(integral(Pr(sp.Tuple(z, x), phi)), Pr(x, phi), marginalisation))
    verified(one(Pr(x, phi), integral(Pr(sp.Tuple(x, w), phi), w), marginalisation))
    refuted(one(integral(joint), sp.Integer(1), marginalisation))  # as if a density of z


def test_marginalisation_only_over_the_whole_line():
    r = not_verified(one(sp.Integral(joint, (z, 0, oo)), Pr(x, phi), marginalisation))
    assert "found no marginal" in str(r.verdict.symbolic.detail)


def test_a_condition_is_dropped_only_where_independence_is_declared():
    verified(one(Pr(z, phi), Pr(z), drop_independent_condition,
                 hypotheses=[Independent(z, phi)]))
    r = not_verified(one(Pr(z, phi), Pr(z), drop_independent_condition))
    assert "found no condition declared independent" in str(r.verdict.symbolic.detail)
    # declared of another pair: a forged certificate is refused by the kernel
    schema = AXIOMS["drop_independent_condition_given_1_1"]
    forged = rewrite(schema, (), schema_binding(schema, a=z, c1=phi, Pr=Pr))
    verdict = judge(Pr(z, phi), Pr(z), Relation.EQUAL, [forged], [Independent(x, phi)])
    assert verdict.status is Symbolic.UNKNOWN and "not declared independent" in str(
        verdict.detail)


def test_a_density_integrates_to_one_and_twice_a_density_does_not():
    verified(one(integral(q(z, theta)), sp.Integer(1), density_integrates_to_one))
    not_verified(one(integral(2 * q(z, theta)), sp.Integer(1), density_integrates_to_one))


def test_the_kl_divergence_read_back_from_its_integral_with_either_sign():
    qz = q(z, theta)
    verified(one(integral(qz * sp.log(qz / Pr(z, x, phi))), KL(qz, Pr(z, x, phi), z),
                 kl_from_integral))
    verified(one(integral(qz * sp.log(Pr(z, x, phi) / qz)), -KL(qz, Pr(z, x, phi), z),
                 kl_from_integral))
    refuted(one(integral(qz * sp.log(Pr(z, x, phi) / qz)), KL(qz, Pr(z, x, phi), z),
                kl_from_integral))


def test_split_integral_splits_where_the_line_written_does_and_nowhere_else():
    qz = q(z, theta)
    before = integral(qz * sp.log(Pr(x, phi)) + qz * sp.log(Pr(z, x, phi) / qz))
    after = integral(qz * sp.log(Pr(x, phi))) + integral(qz * sp.log(Pr(z, x, phi) / qz))
    r = verified(one(before, after, split_integral))
    assert len(r.certificates) == 1


# -- the kernel's law variables ----------------------------------------------------------

def test_a_law_variable_takes_a_conditional_density_and_nothing_else():
    schema = AXIOMS["product_rule_given_1"]
    after = Pr(z, x, phi) * Pr(x, phi)
    good = rewrite(schema, (), schema_binding(schema, a=x, b=z, c1=phi, Pr=Pr))
    assert judge(joint, after, Relation.EQUAL, [good]).status is Symbolic.PROVED
    as_lambda = rewrite(schema, (), schema_binding(
        schema, a=x, b=z, c1=phi, Pr=sp.Lambda((w, theta), Pr(w, theta))))
    verdict = judge(joint, after, Relation.EQUAL, [as_lambda])
    assert verdict.status is Symbolic.UNKNOWN and "must be bound to a conditional density" in \
        str(verdict.detail)
    g = sp.Function("g", positive=True)  # any other function: the product rule is false
    forged = rewrite(schema, (), schema_binding(schema, a=x, b=z, c1=phi, Pr=g))
    assert judge(g(sp.Tuple(x, z), phi), g(z, x, phi) * g(x, phi), Relation.EQUAL,
                 [forged]).status is Symbolic.UNKNOWN


def test_an_introduced_integral_cannot_capture_a_variable_of_the_line():
    schema = AXIOMS["marginal_as_integral_given_1"]
    forged = rewrite(schema, (), schema_binding(schema, a=x, z=phi, c1=phi, Pr=Pr))
    verdict = judge(Pr(x, phi), integral(Pr(sp.Tuple(x, phi), phi), phi), Relation.EQUAL,
                    [forged])
    assert verdict.status is Symbolic.UNKNOWN and "escape" in str(verdict.detail)


# -- the numbers: one joint law behind the shapes of Pr ----------------------------------

def test_one_law_is_drawn_behind_every_shape_of_pr_and_a_single_shape_is_left_alone():
    single = [sp.log(Pr(X[1], phi)), Pr(x, phi)]
    assert one_law(single) == single
    rewritten = one_law([joint, Pr(z, x, phi) * Pr(x, phi)])
    assert not any(n.func == Pr for e in rewritten for n in sp.preorder_traversal(e))
    assert rewritten[0] == rewritten[1]  # the chain rule, in the order that needs no integral


def test_the_numbers_refuse_a_law_whose_variables_are_not_named():
    with pytest.raises(NotEvaluable, match="must be named"):
        one_law([Pr(sp.Tuple(x, z), phi), Pr(X[1], phi)])
    v = check_step(Pr(sp.Tuple(x, z), phi), Pr(X[1], phi), Relation.EQUAL, Claim.VALUES, 1, 50,
                   ("t",))
    assert v.status is Numeric.NOT_APPLICABLE and "must be named" in v.detail


def test_a_parameter_left_out_is_read_as_suppressed_by_the_numbers_but_never_proved():
    # Pr(z) beside Pr(z|phi): the numbers read the same law, the kernel proves nothing
    r = not_verified(one(Pr(z, phi), Pr(z), product_rule))
    assert r.verdict.numeric.status is Numeric.PASSED


def test_the_numbers_integrate_a_marginal_the_chosen_order_cannot_avoid():
    # Bayes: whichever order the law is drawn in, one of Pr(x|phi), Pr(z|phi) is an integral
    verified(one(Pr(z, x, phi), Pr(x, z, phi) * Pr(z, phi) / Pr(x, phi), bayes_rule,
                 instances=100))


def test_a_rule_can_only_propose_what_the_kernel_instantiates():
    schema = AXIOMS["product_rule_given_1"]
    swapped = rewrite(schema, (), schema_binding(schema, a=z, b=x, c1=phi, Pr=Pr))
    liar = Rule("liar", "", (), lambda before, target, context: [swapped])
    r = not_verified(one(joint, Pr(z, x, phi) * Pr(x, phi), liar))
    assert "its left side under the binding" in str(r.verdict.symbolic.detail)
