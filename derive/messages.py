"""The checker's messages in English, by key: the words for what the kernel, the checker,
the numeric checker and the document reader say as data (``derive.kernel.Message``: a key
and its arguments).

The kernel says which key, with which arguments; the words are here, outside it, since they
decide nothing. Importing this module gives every ``Message`` its English ``str``; the
reports' other languages (and the typeset English) are in ``derive.report.messages``.
"""

from __future__ import annotations

from derive.kernel.verdicts import TEXTS, Numeric, Status, Symbolic


def _cannot_show(claim: str, word: str) -> str:
    # Python proofs and documents declare differently: the advice names both ways
    # (`Symbol('sigma', positive=True)`; `% derive: positive sigma`)
    return (f"cannot show {claim}: declare {{symbols}} {word} where that is true (for example "
            f"Symbol('{{first}}', {word}=True) in Python, % derive: {word} {{first}} in a "
            f"document), or pass a hypothesis")


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
    "cond.continuous_on": "{e} is continuous in {variable} on [{low}, {high}]",
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
    "why.undefined": "{e} is undefined (nan or complex infinity) somewhere",
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
    "terms.look_alike": "two different {kind}s print as {name} ({described}): a reader cannot "
                        "tell them apart; build the name once, with one set of assumptions",
    "terms.out_of_range": "{v} is declared {declared}, which not every value from {low} to "
                          "{high} in {node} is: declare {v} with only what its range gives",
    "judge.no_certificate": "no certificate was proposed",
    "judge.undeclared": "the definition {lhs} := {rhs} is applied but was not declared before "
                        "the step: declare it (derivation.let) and cite it (substitute)",
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
    "cert.converse_takes": "a converse takes one or more rewrites, algebraic steps or "
                           "definitions",
    "cert.converse_bound": "a converse shows equalities only: a bound read from the line "
                           "written bounds it, not the line before",
    "cert.not_a_bound": "a bound relates by <=, <, >= or >, not {relation}",
    "cert.variable_taken": "{taken} already occurs in the line: a modelling substitution "
                           "optimises over new variables",
    "definition.normalised": "{name} is well formed and of the right sign; that it "
                             "integrates to 1 rests on the numeric check (the kernel never "
                             "integrates)",
    "schema.define": "schema {name}: a law states = or a bound, not :=",
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
    "schema.bound_distinct": "schema {name}: two of its bound variables are bound to one "
                             "symbol; rename one binder of the line apart",
    "schema.assumption": "schema {name}: {symbol} is declared {facts}, which no side condition "
                         "checks of what it matches: declare it without, or state a condition",
    "schema.bound_to_symbol": "schema {name}: a bound variable must be bound to a symbol",
    "schema.lambda": "schema {name}: {f} must be bound to a Lambda",
    "schema.value": "schema {name}: {variable} is bound to {value}, which is not a SymPy "
                    "expression (sympify it)",
    "schema.law": "schema {name}: {f} must be bound to a conditional density (a law such as "
                  "Pr), not {value}",
    "schema.escape": "schema {name}: the binding would let the bound {escaping} escape its "
                     "binder",
    "schema.mismatch": "schema {name}: its left side under the binding is {left}, not {site}",
    # why a rule does not apply (it proposes nothing the kernel could judge)
    "rule.not_optimisation": "{rule} applies to an argmin or argmax, not to {line}",
    "rule.written_not_optimisation": "{rule}: the line written, {line}, is not an argmin or "
                                     "argmax",
    "rule.no_constant": "drop_constant: there is no additive term to drop",
    "rule.not_affine": "{f} is not affine in {g} (they depend on {variables} through different "
                       "functions, or the second not at all)",
    "rule.rescale_last": "rescale_objective reads the new objective from the line written: use "
                         "it last",
    "rule.objectives_equal": "rescale_objective: the objectives are equal, nothing is dropped (a "
                             "rule that says how they are equal says more)",
    "rule.not_multiple": "drop_positive_factor: {f} is not a multiple of {g}",
    "rule.no_factor": "drop_positive_factor: there is no factor to drop",
    "rule.monotone_last": "monotone_transform needs the line written: use it last",
    "rule.not_monotone": "monotone_transform: {g} is neither log nor exp of {f}",
    "rule.absent": "substitute {label}: {name} does not occur in {line}",
    "rule.cite_last": "{rule} reads the line written: cite it last",
    "rule.not_optimised": "{rule}: the line before must optimise over {old}",
    "rule.no_pattern_variable": "schema {schema} has no pattern variable {names}",
    "rule.refused_at": "{what}: {why}",
    "rule.nothing_to_rewrite": "found no {what} to rewrite",
    "rule.delta_bounds": "a delta sifts only over the whole line, not from {low} to {high} (at "
                         "or beyond a finite bound it does not: SymPy issue 27300)",
    "rule.bounds_last": "change_of_variable reads the new bounds from the line written: use it "
                        "last",
    "rule.no_linear_substitution": "change_of_variable: no integral whose bounds a linear "
                                   "substitution takes to those of an integral written",
    "rule.not_linear": "change_variable: {old} = {new} is not linear in {variable}",
    "rule.no_integral_over": "change_variable({old} = {new}): no integral over {old} in {line}",
    "rule.no_parts": "integration_by_parts: no product in an integral whose parts give the line "
                     "written",
    "rule.found_none": "found no {what} in {line}",
    "rule.differ_otherwise": "{rule}: {old} and {new} differ otherwise",
    "rule.sign_unshown": "{rule}: the sign of {new} - {old} is not shown",
    "rule.nothing_bounded": "{rule}: the line written is the line before",
    "rule.expectation_last": "expectation_algebra compares with the line written: use it last",
    "rule.no_expectation": "expectation_algebra: neither line has an expectation, variance or "
                           "covariance to unfold",
    "rule.no_instance": "identity {name}: no instance of {lhs} in {line}",
    "rule.must_come_last": "{rule} chooses what to rewrite by the line written, so it must come "
                           "last in by=[...]",
    "rule.proposed_nothing": "{rule} proposed nothing",
    "rule.refused": "{rule}: {why}",
    "rule.none_in_written": "{rule} in the line written: there is none here",
    "rule.other_line": "{rule}: the search chose a site of another line",
    "rule.naming_not_optimisation": "name({label}) applies to an argmin or argmax",
    # why the search found no rule for a step
    "search.none_found": "no rule or chain of up to {depth} rules in the library justifies it "
                         "(searched {budget} attempts); name one with a `% by: rule` comment, "
                         "or add the rule",
    "search.stopped": "no rule or chain of up to {depth} rules in the library justifies it "
                      "(searched {budget} attempts) (the search was stopped: {why}); name one "
                      "with a `% by: rule` comment, or add the rule",
    # the checker around the kernel
    "check.does_not_apply": "the rule does not apply: {why}",
    "check.timeout": "timeout: {why}",
    "guard.timeout": "symbolic check exceeded its time limit of {seconds} s (a guard against "
                     "hangs: this depends on the machine)",
    "check.too_deep": "the expression is too deeply nested",
    "check.rule_failed": "rule {rule} failed: {error}",
    "check.not_linked": "not linked: a candidate link between displays that was not proved, so "
                        "not a step",
    "check.not_refuted": "not refuted: the step {why}",
    # the numeric checker: what a check found, or why there is none
    "numeric.values_agree": "values agree",
    "numeric.order_kept": "order of objectives kept",
    "numeric.order_and_values": "order of objectives kept, and values agree",
    "numeric.bound_holds": "the bound {relation} holds",
    "numeric.integrates_to_one": "a density: integrates to 1 on every instance",
    "numeric.sums_to_one": "a mass function: sums to 1 over {{{support}}} on every instance",
    "numeric.nascent": "{what} (nascent deltas, eps = {eps} -> 0)",
    "numeric.notes": "{what}; {notes}",
    "numeric.artefact": "{count} float artefact discarded (not confirmed at {digits} digits)",
    "numeric.artefacts": "{count} float artefacts discarded (not confirmed at {digits} digits)",
    "numeric.domain": "{parts}",
    "numeric.checked_where_forced": "checked where {where} ({why}): declare {declare}",
    "numeric.left_undefined_otherwise": "the left side's {node} is undefined in the reals "
                                        "otherwise",
    "numeric.right_undefined_otherwise": "the right side's {node} is undefined in the reals "
                                         "otherwise",
    "numeric.checked_where_sign": "checked where {where}; at {other} {sides} undefined: "
                                  "declare {declare}",
    "numeric.checked_where_defined": "checked where both sides can be evaluated: at "
                                     "{undefined} of {drawn} instances drawn {sides} undefined "
                                     "in the reals or beyond float range, and those were left "
                                     "out",
    "numeric.both_sides": "both sides are",
    "numeric.left_side": "the left side is",
    "numeric.right_side": "the right side is",
    "numeric.few_evaluated": "most instances could not be evaluated: {done} of {drawn} drawn "
                             "could be",
    "numeric.few_evaluated_where": "most instances could not be evaluated: {done} of {drawn} "
                                   "drawn could be ({domain})",
    "numeric.unconfirmed": "{count} float disagreements not confirmed in high precision",
    "numeric.not_evaluable": "cannot evaluate numerically: {why}",
    "numeric.sides_differ": "the two sides differ: {left} vs {right}",
    "numeric.objectives_differ": "the objectives differ as values: F(a) = {left}, G(a) = "
                                 "{right}",
    "numeric.bound_fails": "the bound {relation} does not hold: the left side is {left}, the "
                           "right side {right}",
    "numeric.order_not_kept": "the order of the objectives is not kept: before, F(a) - F(b) = "
                              "{before}; after, G(a) - G(b) = {after}",
    "numeric.bound_of_optimisations": "a bound between argmin/argmax sets is not meaningful: "
                                      "bound the objectives instead",
    "numeric.definition_applied": "a definition applied: the sides are equal by definition, "
                                  "and the substitution is checked symbolically to be exact",
    "numeric.definition_exact": "a definition applied: equal by definition, checked "
                                "symbolically to be exact",
    "numeric.different_variables": "the two sides optimise over different variables",
    "numeric.one_side_optimises": "one side is an argmin/argmax and the other is not",
    "numeric.symbol_definition": "a definition of a symbol: nothing to test",
    "numeric.no_support": "a mass function with no declared support: declare it, "
                          "mass_function('{name}', support=(0, 1)), to check that it sums to 1",
    "numeric.non_density": "a definition of a non-density: nothing to test",
    # how a document's step got its rule, and why it is proved or unproven, never refuted
    "document.read": "read: {expression}; {how}",
    "document.read_definition": "read: {lhs} := {rhs}",
    "document.justified": "justified by the author: {given}",
    "document.nearest_unshown": "no proof found; the nearest, {rules}, reaches the line written "
                                "but its side conditions are not shown",
    "document.none_found": "no justification given, none found",
    "document.found_by_search": "rule found by search: {rules} ({tried} attempts)",
    "document.read_as_define": "read as := (a definition or modelling assumption applied)",
    "document.never_refuted": "{why}: proved or unproven, never refuted",
    "document.candidate": "a candidate link between displays (the same left side): a step if "
                          "proved, otherwise not linked",
    "document.independent": "declared: independent {variables}",
    "document.defines_again": "defines {name} again (as at line {line}): a new definition, or a "
                              "claim about the first one",
    "document.rests_on_definition": "rests on the definition of {where}, which derive does not "
                                    "apply to numbers",
    "document.variables_each_side": "has variables on each side that the other lacks ({left} / "
                                    "{right}): it rests on values or definitions given in the "
                                    "text, which derive does not read",
    "document.range_unwritten": "runs a sum written without bounds to {counts}, which the text "
                                "never writes: it rests on the range the text means, which "
                                "derive does not read",
    "document.relates_neighbours": "relates neighbouring terms of {names} (as {names}[t - 1] and "
                                   "{names}[t]): it rests on the recurrence the text gives "
                                   "them, which derive does not read",
    "document.law_in_words": "averages {variables} under a law the display does not state: it "
                             "rests on what the text says of that law (its values and their "
                             "probabilities, its mean, an independence), which derive does not "
                             "read",
    "document.drops_function": "drops the function {names}: it rests on what the text says "
                               "{names} is, which derive does not read",
    # notes of the overall verdict
    "verdict.disagree": "the symbolic proof and the numeric counterexample disagree: this is a "
                        "bug in derive; please report it",
    "verdict.rests_on_numeric": "rests on numeric evidence: {detail}",
    "verdict.numeric_unchecked": "an identity trusted on numeric evidence, and no numeric check "
                                 "of this step",
}

TEXTS.update(ENGLISH)


def rests_on(verdict) -> str:
    """What a verdict rests on, in words (never 'pass' for UNPROVEN): a proof, where it
    holds; numeric evidence; or, for a proof with none, why there is none."""
    symbolic, numeric = verdict.symbolic, verdict.numeric
    parts = []
    if symbolic.status is Symbolic.PROVED:
        where = f" where {', '.join(symbolic.domain)}" if symbolic.domain else ""
        parts.append(f"proved symbolically{where}")
    if symbolic.status is Symbolic.RESTS_ON_NUMERIC:
        parts.append(str(symbolic.detail))
    if numeric.status is Numeric.PASSED:
        parts.append(f"checked on {numeric.instances} random instances")
    elif verdict.status is Status.VERIFIED and numeric.status is Numeric.NOT_APPLICABLE:
        parts.append(f"no numeric evidence ({numeric.detail})")
    return " and ".join(parts) or "neither a proof nor numeric evidence"
