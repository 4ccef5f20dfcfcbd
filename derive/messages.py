"""The checker's messages in English, by key: the words for what the kernel and the checker
say as data (``derive.kernel.Message``: a key and its arguments).

The kernel says which key, with which arguments; the words are here, outside it, since they
decide nothing. Importing this module gives every ``Message`` its English ``str``; the
reports' other languages (and the typeset English) are in ``derive.report.messages``.
"""

from __future__ import annotations

from derive.kernel.verdicts import TEXTS


def _cannot_show(claim: str, word: str) -> str:
    # Python proofs and documents declare differently: the advice names both ways where a
    # document can declare it (`% derive: positive sigma`; it has no nonzero declaration)
    document = f", % derive: {word} {{first}} in a document" if word != "nonzero" else ""
    return (f"cannot show {claim}: declare {{symbols}} {word} where that is true (for example "
            f"Symbol('{{first}}', {word}=True) in Python{document}), or pass a hypothesis")


ENGLISH: dict[str, str] = {
    # side conditions
    "cond.equal": "{a} = {b}",
    "cond.positive": "{e} > 0",
    "cond.nonnegative": "{e} >= 0",
    "cond.nonzero": "{e} != 0",
    "cond.real": "{e} is real",
    "cond.integer": "{e} is an integer",
    "cond.free_of": "{e} is free of {variables}",
    "cond.finite": "{e} is finite",
    "cond.continuous": "{e} is continuous in {variable}",
    "cond.integrable": "the integral of {e} over {variable} from {low} to {high} converges",
    "cond.density": "{e} is a density of {variable}",
    "cond.independent": "{a} and {b} are independent",
    # how a condition was shown, or what to declare
    "how.assumptions": "from the declared assumptions",
    "how.false": "{statement} is false under the declared assumptions",
    "how.cannot_show": "cannot show {statement}",
    "how.unshown_positive": _cannot_show("{e} > 0", "positive"),
    "how.unshown_nonnegative": _cannot_show("{e} >= 0", "nonnegative"),
    "how.unshown_nonzero": _cannot_show("{e} != 0", "nonzero"),
    "how.unshown_real": _cannot_show("{e} is real", "real"),
    "how.unshown_integer": _cannot_show("{e} is an integer", "integer"),
    "how.free_of": "none of them occurs in it",
    "how.depends_on": "it depends on {variables}",
    "how.finite": "{e} is finite",
    "how.infinite": "{e} is infinite",
    "how.unshown_finite": "cannot show {e} is finite: declare it an integer or a real symbol",
    "how.continuous": "built from functions continuous where their arguments are (densities "
                      "and models assumed continuous)",
    "how.not_continuous": "cannot show it continuous: {why}",
    "how.integrable": "weighted by a density or delta (assumed: finite entropy, cross-entropy "
                      "and moments)",
    "how.integrable_bounded": "continuous on a bounded interval",
    "how.unshown_integrable": "cannot show the integral of {e} converges: split it only where "
                              "it does",
    "how.density": "declared a density of {variable}",
    "how.normal": "a normal density with a positive variance",
    "how.not_density": "cannot show {e} is a density of {variable}: declare it with density()",
    "how.independent": "declared independent",
    "how.not_independent": "{a} and {b} are not declared independent: declare it where it is "
                           "true",
    # why an expression is not shown continuous
    "why.power_base": "{e} is not shown positive in a power with a variable exponent",
    "why.pole": "{e} is undefined where {base} is 0",
    "why.log_argument": "{e} is not shown positive inside a log",
    "why.head": "{head} is not among the functions known to be continuous",
    # equality
    "eq.different_optimisation": "{a} and {b} are not the same kind of optimisation over the "
                                 "same variables",
    "eq.objectives": "the objectives: {how}",
    "eq.same": "the same expression",
    "eq.shapes": "{a} and {b} are not of one shape: they cannot be compared",
    "eq.zero": "the difference simplifies to 0",
    "eq.nonzero": "the difference is {difference}, not 0",
    "eq.unshown": "the difference {difference} is not shown to be 0",
    # the judgement of a step
    "judge.look_alike": "{why}",
    "judge.binder_range": "{why}",
    "judge.no_certificate": "no certificate was proposed",
    "judge.does_not_apply": "certificate {which} ({kind}) does not apply: {why}",
    "judge.opposite_bounds": "the certificates bound the line in opposite directions",
    "judge.refuted": "the certificates lead to {line}, which differs from the line written by "
                     "a nonzero constant: {how}",
    "judge.part": "{statement}: {how}",
    "judge.condition_fails": "side condition fails: {parts}",
    "judge.condition_unshown": "side condition not shown: {parts}",
    "judge.rests_on_numeric": "derived from {names}, which rest(s) on numeric evidence only "
                              "(registered with trust=\"numeric\"): not proved",
    "judge.proved": "{count} certificate(s) checked by the kernel",
    "relation.define_without_definition": "the step is written := but applies no definition: "
                                          "its certificates claim {claim}, so write it with = "
                                          "(.eq), where it is checked as such",
    "relation.definition_in_bound": "a definition is applied in a bound step: apply it in a "
                                    "step of its own",
    "relation.definition_as_equality": "the step applies a definition or modelling "
                                       "assumption, which is not a proved equality: write it "
                                       "with .define(...) (relation :=)",
    "relation.shows_other": "the certificates show {shown}, not {written}",
    "definition.malformed": "{why}",
    # why a certificate does not apply
    "cert.circular": "{lhs} := {rhs} defines {name} in terms of itself",
    "cert.definition_lhs": "the left side {lhs} of a definition must be a symbol or a function "
                           "applied to distinct symbols, like q(y)",
    "cert.not_optimisation": "{what} applies to an argmin or argmax, not to {line}",
    "cert.other_optimisation": "{what}: {to} is not the same optimisation over {variables}",
    "cert.transform": "{transform} is not a strictly increasing transform the kernel knows "
                      "({known})",
    "cert.fold": "{fold} with {lhs} := {rhs} unfolded is {unfolded}, not {line}",
    "cert.absent": "{lhs} does not occur in {line}",
    "cert.not_optimised": "the line before does not optimise over {old}",
    "cert.nothing_optimised": "the new objective does not depend on {missing}: nothing is "
                              "optimised",
    "cert.unknown": "{certificate} is not a certificate the kernel knows",
    "cert.converse_takes": "a converse takes one or more rewrites, algebraic steps, "
                           "evaluations or definitions",
    "cert.converse_bound": "a converse shows equalities only: a bound read from the line "
                           "written bounds it, not the line before",
    "cert.leibniz": "{node} differentiates an integral or an infinite sum that depends on the "
                    "variable: use the fundamental theorem of calculus, whose conditions the "
                    "kernel checks",
    "cert.not_elementary": "{node} is not an elementary integral the kernel evaluates",
    "cert.conditional": "{node} has no unconditional closed form",
    "cert.not_evaluable": "{node} is neither a derivative nor a definite integral",
    "cert.factor_sign": "the sign of {factor}, which multiplies the bounded term, is not known",
    "cert.order": "{head} does not keep the order of its argument at this position",
    "definition.condition": "{parts}",
    "definition.well_formed": "a well-formed definition of {name} (an assumption, not a claim)",
    # why a schema is refused, or does not apply
    "schema.trust": "schema {name}: trust must be one of {known}, not {trust}",
    "schema.right_only": "schema {name}: {missing} occur(s) only on the right side; every "
                         "pattern variable must be on the left",
    "schema.axiom": "schema {name}: only the kernel's own table holds axioms; register it as "
                    "an identity, to be checked",
    "schema.not_proved": "schema {name} is not proved: {how}",
    "schema.not_admitted": "schema {name} was never admitted: the kernel uses only its own "
                           "axioms and identities that were checked when registered",
    "schema.binding": "schema {name}: the binding must give every pattern variable "
                      "({variables}) and nothing else",
    "schema.bound_to_symbol": "schema {name}: a bound variable must be bound to a symbol",
    "schema.lambda": "schema {name}: {f} must be bound to a Lambda",
    "schema.law": "schema {name}: {f} must be bound to a conditional density (a law such as "
                  "Pr), not {value}",
    "schema.escape": "schema {name}: the binding would let the bound {escaping} escape its "
                     "binder",
    "schema.mismatch": "schema {name}: its left side under the binding is {left}, not {site}",
    # the checker around the kernel
    "check.does_not_apply": "the rule does not apply: {why}",
    "check.timeout": "timeout: {why}",
    "check.too_deep": "the expression is too deeply nested",
    "check.rule_failed": "rule {rule} failed: {error}",
}

TEXTS.update(ENGLISH)
