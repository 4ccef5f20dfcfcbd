"""The words of a report, one table per language (English, Korean): headings, verdicts, rule
names and statements; and the checker's messages in the report's language.

Each ``Language`` has the same keys as every other: a table that lacks a word or a rule is
an error at import, so a new rule cannot ship in one language only (the tests also check
that every registered rule is in every table).

The checker's messages are data (``derive.kernel.Message``: a key and its arguments), and
each language's templates for them are in ``derive.report.messages``; ``translate`` fills
the report's language's template. Nothing is parsed back out of English.
"""

from __future__ import annotations

from dataclasses import dataclass

from derive.kernel import Message
from derive.report import messages

__all__ = ["EN", "KO", "LANGUAGES", "Language", "RuleText", "Segment", "language", "translate"]


@dataclass(frozen=True)
class RuleText:
    """A rule in one language: its name, and its statement as LaTeX math (None: the rule's
    own statement, which is pure mathematics)."""

    name: str
    statement: str | None = None


@dataclass(frozen=True)
class Language:
    code: str
    words: dict[str, str]
    rules: dict[str, RuleText]
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
    "proved given identities checked only numerically": "proved, resting on numeric evidence",
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
    "proved given identities checked only numerically": "수치 근거에 기대어 증명됨",
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

EN = Language("en", _EN_WORDS, _EN_RULES,
              "\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n", "-pdf")
KO = Language("ko", _KO_WORDS, _KO_RULES,
              "\\usepackage{fontspec}\n\\setmainfont{NanumMyeongjo}\n\\setsansfont{NanumGothic}\n"
              "\\setmonofont{NanumGothicCoding}\n", "-lualatex")
LANGUAGES = {lang.code: lang for lang in (EN, KO)}


def _check_tables() -> None:
    for lang in LANGUAGES.values():
        for table, reference, what in ((lang.words, EN.words, "words"),
                                       (lang.rules, EN.rules, "rules")):
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


Segment = messages.Segment


def translate(message: Message | str, lang: Language) -> tuple[list[Segment], bool]:
    """``message`` in ``lang`` as segments, and whether it was translated: a ``Message`` by
    its key (False if ``lang`` has no template for it: shown in English, by its own words);
    a plain string (a rule's own words, a user's) is shown as written, untranslated."""
    if isinstance(message, Message):
        keyed = messages.segments(message, lang.code)
        if keyed is not None:
            return keyed, True
        message = message.text
    return [("text", message)], False
