"""The words of a report, one table per language (English, Korean): headings, verdicts, rule
names and statements, and the checker's messages.

Each ``Language`` has the same keys as every other: a table that lacks a word, a rule or a
message is an error at import, so a new rule cannot ship in one language only (the tests
also check that every registered rule is in every table).

The checker's messages (side conditions, how each was shown, numeric details) are English
sentences with expressions inside. ``MESSAGES`` reads them with one pattern each; a table
gives the sentence in its language, with the captured expressions kept as they were (they
are code, not words). A message no pattern reads is shown as written, and ``translate``
says so, so the tests can hold every message of the shipped proofs to a translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["EN", "KO", "LANGUAGES", "MESSAGES", "Language", "RuleText", "Segment", "fill",
           "language", "translate"]


@dataclass(frozen=True)
class RuleText:
    """A rule in one language: its name, and its statement as LaTeX math (None: the rule's
    own statement, which is pure mathematics)."""

    name: str
    statement: str | None = None


# (key, pattern): the checker's messages, read once for every language. Order matters:
# the first pattern that matches the whole message wins.
_MESSAGE_PATTERNS = (
    # side conditions stated as facts
    ("densities", r"(.+) and (.+) are densities of (\S+)"),
    ("exponent_real", r"the exponent (.+) is real"),
    ("integral_converges", r"the integral of (.+) over (\S+) converges"),
    ("sum_finite", r"the sum over (\S+) is finite"),
    ("product_finite", r"the product over (\S+) is finite"),
    ("sum_bounds_free", r"the bounds of the sum are free of (\S+)"),
    ("delta_linear", r"the delta's argument is ±\((\S+) - c\)"),
    ("whole_line", r"the integral runs over the whole line"),
    ("continuous_at_centre", r"(.+) is continuous at the delta's centre"),
    ("replaced_by", r"every (.+) replaced by (.+)"),
    ("replaced", r"every (.+) replaced"),
    ("objective_depends", r"the objective depends on (.+)"),
    ("same_optimisation", r"same optimisation and variables"),
    ("exchanged", r"argmax and argmin exchanged"),
    ("function_of_symbols", r"(.+) is a function applied to symbols"),
    ("is_integer", r"(.+) is an integer"),
    ("is_real", r"(.+) is real"),
    # how a condition was shown, or why not
    ("by_density", r"declared with density\(\)"),
    ("by_assumptions", r"from the declared assumptions"),
    ("by_weight", r"weighted by a density or delta \(assumed: finite entropy, cross-entropy "
                  r"and moments\)"),
    ("it_holds", r"it is|it does"),
    ("declared_integer", r"declared integer"),
    ("sense_over_both", r"(argmin|argmax) over (.+) on both sides"),
    ("sense_both", r"(argmin|argmax) on both sides"),
    ("sense_becomes", r"(argmin|argmax) becomes (.+)"),
    ("difference_zero", r"the difference simplifies to 0"),
    ("difference_nonzero", r"the difference is (.+), not 0"),
    ("difference_unshown", r"the difference (.+) is not shown to be 0"),
    ("none_occurs", r"none of them occurs in it"),
    ("depends_on", r"it depends on (.+)"),
    ("upper_bound_finite", r"its upper bound is not infinite"),
    ("sum_infinite", r"the sum is infinite"),
    ("bounds_free", r"they do not contain it"),
    ("slope", r"its argument (.+) has slope (.+) in (\S+)"),
    ("assumed_continuous", r"built from densities, models, logs and arithmetic, assumed "
                           r"continuous"),
    ("occurrences", r"(\d+) occurrence\(s\) replaced"),
    ("none_left", r"none is left"),
    ("is_left", r"(.+) is left"),
    ("nothing_optimised", r"the new variables do not occur: nothing is optimised"),
    ("false_under", r"(.+) (> 0|!= 0) is false under the declared assumptions"),
    ("cannot_show", r"cannot show (.+) (> 0|!= 0): declare (.+) (positive|nonzero) where that "
                    r"is true \(for example (.+)\), or pass a hypothesis"),
    ("cannot_show_bare", r"cannot show (.+) (> 0|!= 0)"),
    ("cannot_show_integer", r"cannot show (.+) is an integer: declare it integer=True"),
    ("cannot_show_real", r"cannot show (.+) is real: declare its symbols real"),
    ("cannot_show_converges", r"cannot show the integral of (.+) converges: split it only "
                              r"where it does"),
    ("delta_on_bound", r"a delta on or beyond a finite bound does not sift \(SymPy issue "
                       r"27300\)"),
    # symbolic details
    ("well_formed", r"well formed \(a definition: an assumption, not a claim\)"),
    ("side_condition_fails", r"side condition fails: (.+)"),
    ("side_condition_unshown", r"side condition not shown: (.+)"),
    ("search_found_none", r"the rule does not apply: no rule or chain of up to (\d+) rules in "
                          r"the library justifies it \(searched (\d+) attempts\); name one "
                          r"with a `% by: rule` comment, or add the rule"),
    ("rule_does_not_apply", r"the rule does not apply: (.+)"),
    ("timeout", r"timeout: (.+)"),
    ("too_deep", r"the expression is too deeply nested"),
    ("rule_failed", r"rule (.+) failed: (.+)"),
    ("gives_not_written", r"(.+) gives (.+), not the line written \((.+)\): (.+)"),
    ("gives_differs", r"(.+) gives (.+), which differs from the line written by a nonzero "
                      r"constant: (.+)"),
    # numeric details
    ("nascent", r"(.+) \(nascent deltas, eps = (.+) -> 0\)"),
    ("order_and_values", r"order of objectives kept, and values agree"),
    ("order_kept", r"order of objectives kept"),
    ("values_agree", r"values agree"),
    ("integrates_to_one", r"a density: integrates to 1 on every instance"),
    ("sums_to_one", r"a mass function: sums to 1 over \{(.+)\} on every instance"),
    ("no_support", r"a mass function with no declared support: declare it, "
                   r"mass_function\('(.+)', support=\(0, 1\)\), to check that it sums to 1"),
    ("definition_applied", r"a definition applied: the sides are equal by definition, and "
                           r"the substitution is checked symbolically to be exact"),
    ("non_density", r"a definition of a non-density: nothing to test"),
    ("not_evaluable", r"cannot evaluate numerically: (.+)"),
    ("sides_differ", r"the two sides differ: (.+) vs (.+)"),
    ("order_not_kept", r"the order of the objectives is not kept: before, F\(a\) - F\(b\) = "
                       r"(.+); after, G\(a\) - G\(b\) = (.+)"),
    ("objectives_differ", r"the objectives differ as values: F\(a\) = (.+), G\(a\) = (.+)"),
    ("definition_applied_short", r"a definition applied: equal by definition, checked "
                                 r"symbolically to be exact"),
    ("different_variables", r"the two sides optimise over different variables"),
    ("one_side_optimises", r"one side is an argmin/argmax and the other is not"),
    ("the_objectives", r"the objectives: (.+)"),
    # how a document's step got its rule (its note)
    ("found_by_search_define", r"rule found by search: (.+) \((\d+) attempts?\); read as := "
                               r"\(a definition or modelling assumption applied\)"),
    ("found_by_search", r"rule found by search: (.+) \((\d+) attempts?\)"),
    ("justified_by_author", r"justified by the author: (.+)"),
    ("none_found", r"no justification given, none found"),
    ("nearest_unshown", r"no proof found; the nearest, (.+), reaches the line written but its "
                        r"side conditions are not shown"),
    ("declared_independent", r"declared: independent (.+)"),
    ("read_as_define", r"read as := \(a definition or modelling assumption applied\)"),
    ("candidate_link", r"a candidate link between displays \(the same left side\): a step if "
                       r"proved, otherwise not linked"),
    ("artefacts_discarded", r"(\d+) float artefacts? discarded \(not confirmed at (\d+) digits\)"),
    ("checked_where_read", r"checked where (.+) \((.+)\): declare (.+)"),
    ("checked_where_sign", r"checked where (.+); at (.+) (?:both sides are|the left side is|"
                           r"the right side is) undefined: declare (.+)"),
    ("checked_where_defined", r"checked where both sides can be evaluated: at (\d+) of (\d+) "
                              r"instances drawn (?:both sides are|the left side is|the right "
                              r"side is) undefined in the reals or beyond float range, and "
                              r"those were left out"),
    ("bound_holds", r"the bound (.+) holds"),
    ("bound_fails", r"the bound (.+) does not hold: the left side is (.+), the right side (.+)"),
    # why a document's step is proved or unproven, never refuted (derive.latex.chains)
    ("never_refuted", r"(.+): proved or unproven, never refuted"),
    ("not_linked", r"not linked: a candidate link between displays that was not proved, so "
                   r"not a step"),
    ("not_refuted_step", r"not refuted: the step (.+)"),
    ("defines_again", r"defines (.+) again \(as at line (.+)\): a new definition, or a claim "
                      r"about the first one"),
    ("rests_on_definition", r"rests on the definition of (.+), which derive does not apply to "
                            r"numbers"),
    ("variables_each_side", r"has variables on each side that the other lacks \((.+) / (.+)\): "
                            r"it rests on values or definitions given in the text, which "
                            r"derive does not read"),
    ("relates_neighbours", r"relates neighbouring terms of (.+) \(as (.+)\[t - 1\] and "
                           r"(.+)\[t\]\): it rests on the recurrence the text gives them, "
                           r"which derive does not read"),
    ("drops_function", r"drops the function (.+): it rests on what the text says (.+) is, "
                       r"which derive does not read"),
    ("with_notes", r"((?:[^;]|;(?! ))+); (.+)"),  # a message, then notes: each read in turn
)
MESSAGES: tuple[tuple[str, re.Pattern], ...] = tuple(
    (key, re.compile(pattern + r"\Z")) for key, pattern in _MESSAGE_PATTERNS)

# Captures that are themselves messages, translated in turn (the rest are code).
NESTED = {"nascent": (0,), "side_condition_unshown": (0,), "gives_not_written": (3,),
          "gives_differs": (2,), "the_objectives": (0,), "with_notes": (0, 1),
          "never_refuted": (0,), "not_refuted_step": (0,)}


@dataclass(frozen=True)
class Language:
    code: str
    words: dict[str, str]
    rules: dict[str, RuleText]
    messages: dict[str, str]
    latex_preamble: str  # what this language needs from the TeX engine and fonts
    engine: str  # latexmk's engine option


_EN_WORDS = {
    "report_title": "Checked derivations",
    "source": "Source",
    "derivation": "Derivation",
    "file": "file",
    "definitions": "Definitions and assumptions",
    "chain": "The chain",
    "evidence": "Evidence",
    "step": "Step",
    "rule": "Rule",
    "conditions": "Side conditions",
    "symbolic": "Symbolic",
    "numeric": "Numeric",
    "verdict": "Verdict",
    "note": "Note",
    "summary": "Steps: {steps} ({verified} verified, {refuted} refuted, {unproven} unproven)",
    "seed_line": "Checked by derive {version} with seed {seed}.",
    "VERIFIED": "verified",
    "REFUTED": "refuted",
    "UNPROVEN": "unproven",
    "refuted_as_expected": "refuted, as expected (a wrong twin)",
    "expected_refuted": "{status}, but expected to be refuted",
    "proved": "proved",
    "refuted": "refuted",
    "unknown": "not shown",
    "passed": "passed",
    "counterexample": "counterexample",
    "not applicable": "not applicable",
    "numeric_passed": "{instances} random instances, worst error {error}, seed {seed}",
    "numeric_counterexample": "found on a random instance (seed {seed}); shown at the "
                              "simplest instance found",
    "no_rule_found": "no rule found",
    "trivial_left_out": "{count} side condition(s) that hold trivially left out "
                        "({option} shows them)",
    "numeric_not_applicable": "not applicable",
    "no_conditions": "none",
    "definition": "definition",
    "assumption": "an assumption, not a proved equality",
    "assumed": "an assumption",
    "substitute": "apply definition {label}",
    "fold": "name by definition {label}",
    "reparametrise": "the parameters as a model's output",
    "free_of": "{expr} is free of {variables}",
    "mark_refuted": "REFUTED",
    "mark_unproven": "UNPROVEN",
    "rests_proved": "proved symbolically",
    "rests_numeric": "checked on {instances} random instances",
    "rests_neither": "neither a proof nor numeric evidence",
    "not_enough": "not enough to verify it",
    "rests_join": " and ",
    "counterexample_heading": "Counterexample to {label}",
    "instance": "Instance",
    "values": "Values",
    "replay": "Replay",
    "conclusion": "Conclusion",
    "chain_proved": "proved",
    "chain_proved_assuming": "proved (assuming {labels})",
    "chain_not_proved": "not proved: {steps}",
    "chain_failed_step": "step {label} {status}",
    "chain_unchecked": "not proved: not every step was checked",
    "untranslated": "",
}

_KO_WORDS = {
    "report_title": "검증된 유도",
    "source": "출처",
    "derivation": "유도",
    "file": "파일",
    "definitions": "정의와 가정",
    "chain": "유도 과정",
    "evidence": "검증 근거",
    "step": "단계",
    "rule": "규칙",
    "conditions": "부수 조건",
    "symbolic": "기호 검증",
    "numeric": "수치 검증",
    "verdict": "판정",
    "note": "메모",
    "summary": "{steps}단계: 검증됨 {verified}, 반박됨 {refuted}, 미증명 {unproven}",
    "seed_line": "derive {version}로 검증함. 시드 {seed}.",
    "VERIFIED": "검증됨",
    "REFUTED": "반박됨",
    "UNPROVEN": "미증명",
    "refuted_as_expected": "예상대로 반박됨 (틀린 쌍둥이)",
    "expected_refuted": "{status}, 그러나 반박될 것으로 예상됨",
    "proved": "증명됨",
    "refuted": "반박됨",
    "unknown": "보이지 못함",
    "passed": "통과",
    "counterexample": "반례",
    "not applicable": "해당 없음",
    "numeric_passed": "무작위 사례 {instances}개, 최대 오차 {error}, 시드 {seed}",
    "numeric_counterexample": "무작위 사례에서 발견함 (시드 {seed}); 찾은 가장 단순한 사례로 보임",
    "no_rule_found": "규칙을 찾지 못함",
    "trivial_left_out": "자명하게 성립하는 부수 조건 {count}개는 생략함 ({option}로 모두 보기)",
    "numeric_not_applicable": "해당 없음",
    "no_conditions": "없음",
    "definition": "정의",
    "assumption": "가정이며, 증명된 등식이 아님",
    "assumed": "가정",
    "substitute": "정의 {label} 적용",
    "fold": "정의 {label}의 이름으로",
    "reparametrise": "파라미터를 모델의 출력으로",
    "free_of": "{expr}은(는) {variables}에 의존하지 않음",
    "mark_refuted": "반박됨",
    "mark_unproven": "미증명",
    "rests_proved": "기호적으로 증명됨",
    "rests_numeric": "무작위 사례 {instances}개로 확인함",
    "rests_neither": "증명도 수치 근거도 없음",
    "not_enough": "검증하기에는 부족함",
    "rests_join": ", ",
    "counterexample_heading": "{label}의 반례",
    "instance": "사례",
    "values": "값",
    "replay": "재현",
    "conclusion": "결론",
    "chain_proved": "증명됨",
    "chain_proved_assuming": "증명됨 (가정: {labels})",
    "chain_not_proved": "증명되지 않음: {steps}",
    "chain_failed_step": "단계 {label} {status}",
    "chain_unchecked": "증명되지 않음: 검증하지 않은 단계가 있음",
    "untranslated": "(영문 그대로)",
}

_EN_RULES = {
    "algebra": RuleText("algebra"),
    "argmax_to_argmin": RuleText("argmax as argmin"),
    "dirac_sifting": RuleText("sifting by the delta"),
    "drop_constant": RuleText("drop an additive constant"),
    "drop_positive_factor": RuleText("drop a positive factor"),
    "integral_linearity": RuleText("linearity of the integral"),
    "kl_definition": RuleText("definition of the KL divergence"),
    "log_of_exp": RuleText("log of an exponential"),
    "log_of_finite_product": RuleText("log of a finite product"),
    "log_of_product": RuleText("log of a product or quotient"),
    "monotone_transform": RuleText("strictly increasing transform"),
    "sum_linearity": RuleText("linearity of the sum"),
    "swap_sum_integral": RuleText("swap a finite sum and an integral"),
    "gaussian_log_density": RuleText("log of a Gaussian density"),
    "log_softmax": RuleText("log of a softmax"),
    "log_sum_exp_shift": RuleText("shift inside log-sum-exp"),
    "bayes_rule": RuleText("Bayes' rule"),
    "cauchy_schwarz": RuleText("Cauchy-Schwarz inequality"),
    "density_integrates_to_one": RuleText("a density integrates to one"),
    "drop_independent_condition": RuleText("drop an independent condition"),
    "drop_nonnegative_term": RuleText("drop a nonnegative term"),
    "exp_bound": RuleText("exponential above its tangent"),
    "gibbs": RuleText("Gibbs' inequality"),
    "jensen": RuleText("Jensen's inequality"),
    "kl_from_integral": RuleText("KL divergence from its integral"),
    "log_bound": RuleText("log below its tangent"),
    "log_sum_exp_lower_bound": RuleText("lower bound of log-sum-exp"),
    "log_sum_exp_upper_bound": RuleText("upper bound of log-sum-exp"),
    "marginalisation": RuleText("marginalisation"),
    "max_of_exp": RuleText("max of exponentials"),
    "product_rule": RuleText("product rule of probability"),
    "sum_and_max_term": RuleText("a sum and its largest term"),
    "termwise_bound": RuleText("termwise bound"),
    "split_integral": RuleText("split an integral of a sum"),
    "change_of_variable": RuleText("linear change of variable"),
    "definite_integral": RuleText("definite integral in closed form"),
    "differentiate": RuleText("differentiation"),
    "expectation_algebra": RuleText("expectations unfolded on both sides"),
    "expectation_as_integral": RuleText("expectation as an integral"),
    "expectation_linearity": RuleText("linearity of expectation"),
    "fundamental_theorem": RuleText("fundamental theorem of calculus"),
    "independence": RuleText("expectation of independent factors"),
    "integration_by_parts": RuleText("integration by parts"),
    "normal_density": RuleText("normal density in closed form"),
    "rescale_objective": RuleText("drop constants and positive factors"),
    "sigmoid_definition": RuleText("definition of the sigmoid"),
    "softmax_shift": RuleText("shift invariance of softmax"),
    "variance_definition": RuleText("definition of the variance"),
}

_KO_RULES = {
    "algebra": RuleText("대수 계산", r"a = b \quad (a - b \text{가 } 0 \text{으로 정리됨})"),
    "argmax_to_argmin": RuleText("argmax를 argmin으로"),
    "dirac_sifting": RuleText("델타 함수의 선별 성질"),
    "drop_constant": RuleText("더해진 상수 제거"),
    "drop_positive_factor": RuleText("양의 인수 제거"),
    "integral_linearity": RuleText("적분의 선형성"),
    "kl_definition": RuleText("KL 발산의 정의"),
    "log_of_exp": RuleText("지수의 로그"),
    "log_of_finite_product": RuleText("유한 곱의 로그"),
    "log_of_product": RuleText("곱과 몫의 로그"),
    "monotone_transform": RuleText("순증가 변환"),
    "sum_linearity": RuleText("합의 선형성"),
    "swap_sum_integral": RuleText("유한 합과 적분의 순서 교환"),
    "gaussian_log_density": RuleText("가우시안 밀도의 로그"),
    "log_softmax": RuleText("소프트맥스의 로그"),
    "log_sum_exp_shift": RuleText("로그-합-지수의 평행 이동"),
    "bayes_rule": RuleText("베이즈 정리"),
    "cauchy_schwarz": RuleText("코시-슈바르츠 부등식"),
    "density_integrates_to_one": RuleText("밀도의 적분은 1"),
    "drop_independent_condition": RuleText("독립인 조건 제거"),
    "drop_nonnegative_term": RuleText("음이 아닌 항 제거"),
    "exp_bound": RuleText("지수 함수는 접선 위에 있음"),
    "gibbs": RuleText("깁스 부등식"),
    "jensen": RuleText("옌센 부등식"),
    "kl_from_integral": RuleText("적분으로부터 KL 발산"),
    "log_bound": RuleText("로그는 접선 아래에 있음"),
    "log_sum_exp_lower_bound": RuleText("로그-합-지수의 하한"),
    "log_sum_exp_upper_bound": RuleText("로그-합-지수의 상한"),
    "marginalisation": RuleText("주변화"),
    "max_of_exp": RuleText("지수 함수들의 최댓값"),
    "product_rule": RuleText("확률의 곱셈 법칙"),
    "sum_and_max_term": RuleText("합과 가장 큰 항"),
    "termwise_bound": RuleText("항별 부등식"),
    "split_integral": RuleText("합의 적분 나누기"),
    "change_of_variable": RuleText("선형 변수 변환"),
    "definite_integral": RuleText("정적분의 닫힌 꼴"),
    "differentiate": RuleText("미분"),
    "expectation_algebra": RuleText("양변의 기댓값 전개"),
    "expectation_as_integral": RuleText("적분으로 쓴 기댓값"),
    "expectation_linearity": RuleText("기댓값의 선형성"),
    "fundamental_theorem": RuleText("미적분학의 기본 정리"),
    "independence": RuleText("독립인 인수의 기댓값"),
    "integration_by_parts": RuleText("부분 적분"),
    "normal_density": RuleText("정규 밀도의 닫힌 꼴"),
    "rescale_objective": RuleText("상수와 양의 인수 제거"),
    "sigmoid_definition": RuleText("시그모이드의 정의"),
    "softmax_shift": RuleText("소프트맥스의 평행 이동 불변성"),
    "variance_definition": RuleText("분산의 정의"),
}
_EN_RULES["algebra"] = RuleText("algebra", r"a = b \quad (a - b \text{ simplifies to } 0)")

_EN_MESSAGES = {
    "densities": "{0} and {1} are densities of {2}",
    "exponent_real": "the exponent {0} is real",
    "integral_converges": "the integral of {0} over {1} converges",
    "sum_finite": "the sum over {0} is finite",
    "product_finite": "the product over {0} is finite",
    "sum_bounds_free": "the bounds of the sum are free of {0}",
    "delta_linear": "the delta's argument is ±({0} - c)",
    "whole_line": "the integral runs over the whole line",
    "continuous_at_centre": "{0} is continuous at the delta's centre",
    "replaced_by": "every {0} replaced by {1}",
    "replaced": "every {0} replaced",
    "objective_depends": "the objective depends on {0}",
    "same_optimisation": "the same optimisation over the same variables",
    "exchanged": "argmax and argmin exchanged",
    "function_of_symbols": "{0} is a function applied to symbols",
    "is_integer": "{0} is an integer",
    "is_real": "{0} is real",
    "by_density": "declared with density()",
    "by_assumptions": "from the declared assumptions",
    "by_weight": "weighted by a density or delta (assumed: finite entropy, cross-entropy "
                 "and moments)",
    "it_holds": "it does",
    "declared_integer": "declared integer",
    "sense_over_both": "{0} over {1} on both sides",
    "sense_both": "{0} on both sides",
    "sense_becomes": "{0} becomes {1}",
    "difference_zero": "the difference simplifies to 0",
    "difference_nonzero": "the difference is {0}, not 0",
    "difference_unshown": "the difference {0} is not shown to be 0",
    "none_occurs": "none of them occurs in it",
    "depends_on": "it depends on {0}",
    "upper_bound_finite": "its upper bound is not infinite",
    "sum_infinite": "the sum is infinite",
    "bounds_free": "they do not contain it",
    "slope": "its argument {0} has slope {1} in {2}",
    "assumed_continuous": "built from densities, models, logs and arithmetic, assumed "
                          "continuous",
    "occurrences": "{0} occurrence(s) replaced",
    "none_left": "none is left",
    "is_left": "{0} is left",
    "nothing_optimised": "the new variables do not occur: nothing is optimised",
    "false_under": "{0} {1} is false under the declared assumptions",
    "cannot_show": "cannot show {0} {1}: declare {2} {3} where that is true (for example "
                   "{4}), or pass a hypothesis",
    "cannot_show_bare": "cannot show {0} {1}",
    "cannot_show_integer": "cannot show {0} is an integer: declare it integer=True",
    "cannot_show_real": "cannot show {0} is real: declare its symbols real",
    "cannot_show_converges": "cannot show the integral of {0} converges",
    "delta_on_bound": "a delta on or beyond a finite bound does not sift",
    "well_formed": "well formed (a definition: an assumption, not a claim)",
    "side_condition_fails": "a side condition fails: {0}",
    "side_condition_unshown": "a side condition is not shown: {0}",
    "rule_does_not_apply": "the rule does not apply: {0}",
    "timeout": "timeout: {0}",
    "too_deep": "the expression is too deeply nested",
    "rule_failed": "rule {0} failed: {1}",
    "gives_not_written": "{0} gives {1}, not the line written ({2}): {3}",
    "gives_differs": "{0} gives {1}, which differs from the line written by a nonzero "
                     "constant: {2}",
    "nascent": "{0} (nascent deltas, eps = {1} -> 0)",
    "order_and_values": "order of the objectives kept, and values agree",
    "order_kept": "order of the objectives kept",
    "values_agree": "values agree",
    "integrates_to_one": "a density: integrates to 1 on every instance",
    "sums_to_one": "a mass function: sums to 1 over {{0}} on every instance",
    "no_support": "a mass function with no declared support: declare it, "
                  "mass_function('{0}', support=(0, 1)), to check that it sums to 1",
    "definition_applied": "a definition applied: the sides are equal by definition, and the "
                          "substitution is checked symbolically to be exact",
    "non_density": "a definition of a non-density: nothing to test",
    "not_evaluable": "cannot evaluate numerically: {0}",
    "sides_differ": "the two sides differ: {0} vs {1}",
    "order_not_kept": "the order of the objectives is not kept: before, F(a) - F(b) = {0}; "
                      "after, G(a) - G(b) = {1}",
    "objectives_differ": "the objectives differ as values: F(a) = {0}, G(a) = {1}",
    "definition_applied_short": "a definition applied: equal by definition, checked "
                                "symbolically to be exact",
    "different_variables": "the two sides optimise over different variables",
    "one_side_optimises": "one side is an argmin or argmax and the other is not",
    "the_objectives": "the objectives: {0}",
    "found_by_search_define": "rule found by search: {0} ({1} attempts); read as := (a "
                              "definition or modelling assumption applied)",
    "found_by_search": "rule found by search: {0} ({1} attempts)",
    "justified_by_author": "justified by the author: {0}",
    "none_found": "no justification given, none found",
    "nearest_unshown": "no proof found; the nearest, {0}, reaches the line written but its "
                       "side conditions are not shown",
    "declared_independent": "declared: independent {0}",
    "read_as_define": "read as := (a definition or modelling assumption applied)",
    "candidate_link": "a candidate link between displays (the same left side): a step if "
                      "proved, otherwise not linked",
    "search_found_none": "the rule does not apply: no rule or chain of up to {0} rules in the "
                         "library justifies it (searched {1} attempts); name one with a "
                         "`% by: rule` comment, or add the rule",
    "artefacts_discarded": "{0} float artefacts discarded (not confirmed at {1} digits)",
    "checked_where_read": "checked where {0} ({1}): declare {2}",
    "checked_where_sign": "checked where {0}; at {1} a side is undefined: declare {2}",
    "checked_where_defined": "checked where both sides can be evaluated: {0} of {1} "
                             "instances drawn were left out",
    "bound_holds": "the bound {0} holds",
    "bound_fails": "the bound {0} does not hold: the left side is {1}, the right side {2}",
    "with_notes": "{0}; {1}",
    "never_refuted": "{0}: proved or unproven, never refuted",
    "not_linked": "not linked: a candidate link between displays that was not proved, so not "
                  "a step",
    "not_refuted_step": "not refuted: the step {0}",
    "defines_again": "defines {0} again (as at line {1}): a new definition, or a claim about "
                     "the first one",
    "rests_on_definition": "rests on the definition of {0}, which derive does not apply to "
                           "numbers",
    "variables_each_side": "has variables on each side that the other lacks ({0} / {1}): it "
                           "rests on values or definitions given in the text, which derive "
                           "does not read",
    "relates_neighbours": "relates neighbouring terms of {0} (as {1}[t - 1] and {2}[t]): it "
                          "rests on the recurrence the text gives them, which derive does "
                          "not read",
    "drops_function": "drops the function {0}: it rests on what the text says {1} is, which "
                      "derive does not read",
}

_KO_MESSAGES = {
    "densities": "{0}와 {1}은 {2}의 확률 밀도",
    "exponent_real": "지수 {0}은 실수",
    "integral_converges": "{0}의 {1}에 대한 적분이 수렴",
    "sum_finite": "{0}에 대한 합은 유한합",
    "product_finite": "{0}에 대한 곱은 유한곱",
    "sum_bounds_free": "합의 범위는 {0}에 의존하지 않음",
    "delta_linear": "델타의 인수는 ±({0} - c) 꼴",
    "whole_line": "적분 구간은 실수 전체",
    "continuous_at_centre": "{0}은 델타의 중심에서 연속",
    "replaced_by": "모든 {0}을 {1}로 치환함",
    "replaced": "모든 {0}을 치환함",
    "objective_depends": "목적 함수는 {0}에 의존",
    "same_optimisation": "같은 변수에 대한 같은 최적화",
    "exchanged": "argmax와 argmin을 맞바꿈",
    "function_of_symbols": "{0}은 기호에 적용된 함수",
    "is_integer": "{0}은 정수",
    "is_real": "{0}은 실수",
    "by_density": "density()로 선언됨",
    "by_assumptions": "선언된 가정으로부터",
    "by_weight": "밀도나 델타가 곱해져 있음 (가정: 엔트로피, 교차 엔트로피, 모멘트가 유한)",
    "it_holds": "그러함",
    "declared_integer": "정수로 선언됨",
    "sense_over_both": "양변 모두 {1}에 대한 {0}",
    "sense_both": "양변 모두 {0}",
    "sense_becomes": "{0}이 {1}로 바뀜",
    "difference_zero": "차이가 0으로 정리됨",
    "difference_nonzero": "차이가 0이 아니라 {0}",
    "difference_unshown": "차이 {0}이 0임을 보이지 못함",
    "none_occurs": "어느 것도 나타나지 않음",
    "depends_on": "{0}에 의존함",
    "upper_bound_finite": "상한이 무한이 아님",
    "sum_infinite": "무한합임",
    "bounds_free": "포함하지 않음",
    "slope": "인수 {0}의 {2}에 대한 기울기는 {1}",
    "assumed_continuous": "밀도, 모델, 로그와 사칙연산으로 이루어져 연속으로 가정함",
    "occurrences": "{0}곳을 치환함",
    "none_left": "남은 것이 없음",
    "is_left": "{0}이 남아 있음",
    "nothing_optimised": "새 변수가 나타나지 않아 최적화할 것이 없음",
    "false_under": "선언된 가정에서 {0} {1}은 거짓",
    "cannot_show": "{0} {1}을 보일 수 없음: 참이라면 {2}을 {3}로 선언하거나 (예: {4}) 가설을 "
                   "주세요",
    "cannot_show_bare": "{0} {1}을 보일 수 없음",
    "cannot_show_integer": "{0}이 정수임을 보일 수 없음: integer=True로 선언하세요",
    "cannot_show_real": "{0}이 실수임을 보일 수 없음: 그 기호들을 실수로 선언하세요",
    "cannot_show_converges": "{0}의 적분이 수렴함을 보일 수 없음",
    "delta_on_bound": "유한한 적분 끝점 위나 밖의 델타는 선별되지 않음",
    "well_formed": "올바른 정의 (정의는 가정이며 주장이 아님)",
    "side_condition_fails": "부수 조건이 성립하지 않음: {0}",
    "side_condition_unshown": "부수 조건을 보이지 못함: {0}",
    "rule_does_not_apply": "규칙이 적용되지 않음: {0}",
    "timeout": "시간 초과: {0}",
    "too_deep": "식이 너무 깊게 중첩됨",
    "rule_failed": "규칙 {0} 실행 실패: {1}",
    "gives_not_written": "{0}을 적용하면 {1}이 되어, 적힌 줄({2})과 다름: {3}",
    "gives_differs": "{0}을 적용하면 {1}이 되어, 적힌 줄과 0이 아닌 상수만큼 다름: {2}",
    "nascent": "{0} (근사 델타, eps = {1} → 0)",
    "order_and_values": "목적 함수의 순서가 유지되고 값이 일치함",
    "order_kept": "목적 함수의 순서가 유지됨",
    "values_agree": "값이 일치함",
    "integrates_to_one": "확률 밀도: 모든 사례에서 적분값이 1",
    "sums_to_one": "확률 질량 함수: 모든 사례에서 {{0}} 위의 합이 1",
    "no_support": "지지 집합이 선언되지 않은 확률 질량 함수: 합이 1인지 확인하려면 "
                  "mass_function('{0}', support=(0, 1))처럼 선언하세요",
    "definition_applied": "정의 적용: 양변은 정의에 의해 같고, 치환이 정확한지는 기호적으로 "
                          "확인함",
    "non_density": "밀도가 아닌 것의 정의: 시험할 것이 없음",
    "not_evaluable": "수치로 계산할 수 없음: {0}",
    "sides_differ": "양변이 다름: {0} 대 {1}",
    "order_not_kept": "목적 함수의 순서가 유지되지 않음: 전에는 F(a) - F(b) = {0}, 후에는 "
                      "G(a) - G(b) = {1}",
    "objectives_differ": "목적 함수의 값이 다름: F(a) = {0}, G(a) = {1}",
    "definition_applied_short": "정의 적용: 정의에 의해 같고, 정확한지는 기호적으로 확인함",
    "different_variables": "양변이 서로 다른 변수에 대해 최적화함",
    "one_side_optimises": "한쪽만 argmin 또는 argmax임",
    "the_objectives": "목적 함수: {0}",
    "found_by_search_define": "탐색으로 찾은 규칙: {0} ({1}번 시도); := 로 읽음 (정의나 모델링 "
                              "가정을 적용)",
    "found_by_search": "탐색으로 찾은 규칙: {0} ({1}번 시도)",
    "justified_by_author": "저자가 밝힌 근거: {0}",
    "none_found": "근거가 주어지지 않았고 찾지도 못함",
    "nearest_unshown": "증명을 찾지 못함; 가장 가까운 {0}은(는) 쓰인 줄에 이르지만 그 부대 조건을 "
                       "보이지 못함",
    "declared_independent": "서로 독립으로 선언됨: {0}",
    "read_as_define": ":= 로 읽음 (정의나 모델링 가정을 적용)",
    "candidate_link": "두 수식 블록 사이의 후보 연결 (왼쪽 변이 같음): 증명되면 단계이고, 아니면 "
                      "연결하지 않음",
    "search_found_none": "규칙이 적용되지 않음: 라이브러리의 규칙을 {0}개까지 이어 보아도 이 "
                         "단계를 정당화하지 못함 ({1}번 탐색); 「% by: 규칙」 주석으로 규칙을 "
                         "밝히거나 규칙을 추가하세요",
    "artefacts_discarded": "부동소수점 오차 {0}건 버림 ({1}자리 정밀도로 확인되지 않음)",
    "checked_where_read": "{0}인 곳에서 확인함 ({1}): {2}로 선언하세요",
    "checked_where_sign": "{0}인 곳에서 확인함; {1}이면 한쪽이 정의되지 않음: {2}로 선언하세요",
    "checked_where_defined": "양변을 계산할 수 있는 곳에서 확인함: 뽑은 사례 {1}개 중 {0}개 제외",
    "bound_holds": "부등식 {0}이 성립함",
    "bound_fails": "부등식 {0}이 성립하지 않음: 왼쪽 {1}, 오른쪽 {2}",
    "with_notes": "{0}; {1}",
    "never_refuted": "{0}: 증명되거나 미증명일 뿐, 반박되지 않음",
    "not_linked": "연결하지 않음: 표시된 식 사이의 후보 연결이 증명되지 않았으므로 단계가 아님",
    "not_refuted_step": "반박하지 않음: 이 단계는 {0}",
    "defines_again": "{0}을(를) 다시 정의함 ({1}행에서처럼): 새 정의이거나 첫 정의에 대한 주장",
    "rests_on_definition": "{0}의 정의에 기댐 (derive는 이 정의를 수치에 적용하지 않음)",
    "variables_each_side": "양변에 서로 없는 변수가 있음 ({0} / {1}): 본문에 주어진 값이나 "
                           "정의에 기대며, derive는 이를 읽지 않음",
    "relates_neighbours": "{0}의 이웃한 항을 잇는 단계 ({1}[t - 1]과 {2}[t]처럼): 본문이 주는 "
                          "점화식에 기대며, derive는 이를 읽지 않음",
    "drops_function": "함수 {0}을(를) 없앰: 본문이 {1}에 대해 말하는 내용에 기대며, derive는 "
                      "이를 읽지 않음",
}

EN = Language("en", _EN_WORDS, _EN_RULES, _EN_MESSAGES,
              "\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n", "-pdf")
KO = Language("ko", _KO_WORDS, _KO_RULES, _KO_MESSAGES,
              "\\usepackage{fontspec}\n\\setmainfont{NanumMyeongjo}\n\\setsansfont{NanumGothic}\n"
              "\\setmonofont{NanumGothicCoding}\n", "-lualatex")
LANGUAGES = {lang.code: lang for lang in (EN, KO)}


def _check_tables() -> None:
    keys = {key for key, _ in MESSAGES}
    for lang in LANGUAGES.values():
        for table, reference, what in ((lang.words, EN.words, "words"),
                                       (lang.rules, EN.rules, "rules"),
                                       (lang.messages, keys, "messages")):
            missing = set(reference) - set(table)
            extra = set(table) - set(reference)
            if missing or extra:
                raise RuntimeError(f"report language {lang.code!r}: its {what} table lacks "
                                   f"{sorted(missing)} and has extra {sorted(extra)}")


_check_tables()


def language(code: str) -> Language:
    if code not in LANGUAGES:
        from derive.kernel import DeriveError

        raise DeriveError(f"no report language {code!r}; choose one of {', '.join(LANGUAGES)}")
    return LANGUAGES[code]


# ("text", words), ("code", an expression as the checker wrote it), or ("math", LaTeX math)
Segment = tuple[str, str]


def translate(message, lang: Language) -> tuple[list[Segment], bool]:
    """``message`` in ``lang`` as segments, and whether it was translated (False: shown as
    written). A ``Message`` is translated by its key; a plain string by the patterns below."""
    from derive.kernel import Message
    from derive.report.messages import segments

    if isinstance(message, Message):
        keyed = segments(message, lang.code)
        if keyed is not None:
            return keyed, True
        message = message.text
    for key, pattern in MESSAGES:
        match = pattern.match(message)
        if match is None:
            continue
        captures: list[list[Segment]] = []
        translated = True
        for k, captured in enumerate(match.groups()):
            if k in NESTED.get(key, ()):
                # A list of messages joined by "; ", each translated in turn.
                segments = []
                parts = captured.split("; ")
                whole, ok = translate(captured, lang)
                if ok:  # one message that holds "; " itself
                    parts, segments = [], whole
                for n, part in enumerate(parts):
                    translated_part, ok = translate(part, lang)
                    translated &= ok
                    # a part no pattern reads stays as the checker wrote it
                    segments += ([("text", "; ")] if n else []) + (
                        translated_part if ok else [("code", part)])
                captures.append(segments)
            else:
                captures.append([("code", captured)])
        return fill(lang.messages[key], {str(k): c for k, c in enumerate(captures)}), translated
    return [("text", message)], False


def fill(template: str, holes: dict[str, list[Segment]]) -> list[Segment]:
    """``template`` with each ``{name}`` (or ``{0}``) replaced by the segments of that hole."""
    out: list[Segment] = []
    for piece in re.split(r"(\{\w+\})", template):
        hole = re.fullmatch(r"\{(\w+)\}", piece)
        if hole and hole.group(1) in holes:
            out.extend(holes[hole.group(1)])
        elif piece:
            out.append(("text", piece))
    return out
