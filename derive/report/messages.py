"""The checker's messages in each language, by key: a ``derive.kernel.Message`` carries its
key and arguments, and a report fills that key's template here with the arguments (an
expression is typeset as math, a nested message translated in turn). Nothing is parsed back
out of English.

A key with no template in a language is shown in the message's own English words; the tests
check that every message the shipped proofs produce has a template in every language.
"""

from __future__ import annotations

import re

import sympy as sp

from derive import messages  # noqa: F401  (the English words of every key)
from derive.kernel import Message

# ("text", words), ("code", as the checker wrote it), ("math", LaTeX) or ("expr", a SymPy
# expression, for the report to typeset in its notation)
Segment = tuple[str, object]

KO: dict[str, str] = {
    # side conditions
    "cond.equal": "{a} = {b}",
    "cond.positive": "{e} > 0",
    "cond.nonnegative": "{e} ≥ 0",
    "cond.nonzero": "{e} ≠ 0",
    "cond.real": "{e}은 실수",
    "cond.integer": "{e}은 정수",
    "cond.free_of": "{e}은 {variables}에 의존하지 않음",
    "cond.finite": "{e}은 유한",
    "cond.continuous": "{e}은 {variable}에 대해 연속",
    "cond.integrable": "{e}의 {variable}에 대한 적분이 수렴",
    "cond.density": "{e}은 {variable}의 확률 밀도",
    "cond.independent": "{a}와 {b}는 독립",
    # how a condition was shown, or what to declare
    "how.assumptions": "선언된 가정으로부터",
    "how.false": "선언된 가정에서 거짓",
    "how.cannot_show": "{statement}임을 보일 수 없음",
    "how.unshown_positive": "{e} > 0임을 보일 수 없음: 참이라면 그 기호들을 "
        "`positive=True`(파이썬) 또는 `% derive: positive` {first}(문서)로 "
        "선언하거나 가설을 주세요",
    "how.unshown_nonnegative": "{e} ≥ 0임을 보일 수 없음: 참이라면 그 기호들을 "
        "`nonnegative=True`(파이썬) 또는 `% derive: nonnegative` {first}(문서)로 "
        "선언하거나 가설을 주세요",
    "how.unshown_nonzero": "{e} ≠ 0임을 보일 수 없음: 참이라면 그 기호들을 "
        "`nonzero=True`로 "
        "선언하거나 가설을 주세요",
    "how.unshown_real": "{e}이 실수임을 보일 수 없음: 그 기호들을 `real=True`로 선언하세요",
    "how.unshown_integer": "{e}이 정수임을 보일 수 없음: `integer=True`로 선언하세요",
    "how.free_of": "어느 것도 나타나지 않음",
    "how.depends_on": "{variables}에 의존함",
    "how.finite": "유한함",
    "how.infinite": "무한함",
    "how.unshown_finite": "{e}이 유한함을 보일 수 없음: 정수나 실수 기호로 선언하세요",
    "how.continuous": "인수에서 연속인 함수들로 이루어짐 (밀도와 모델은 연속으로 가정)",
    "how.not_continuous": "연속임을 보일 수 없음: {why}",
    "why.power_base": "지수에 변수가 있는 거듭제곱의 밑 {e}이 양수임을 보이지 못함",
    "why.pole": "{base}이 0인 곳에서 {e}이 정의되지 않음",
    "why.log_argument": "로그 안의 {e}이 양수임을 보이지 못함",
    "why.head": "{head}은 연속으로 알려진 함수가 아님",
    "how.integrable": "밀도나 델타가 곱해져 있음 (가정: 엔트로피, 교차 엔트로피, 모멘트가 유한)",
    "how.integrable_bounded": "유계 구간에서 연속",
    "how.unshown_integrable": "{e}의 적분이 수렴함을 보일 수 없음: 수렴하는 곳에서만 나누세요",
    "how.density": "{variable}의 확률 밀도로 선언됨",
    "how.normal": "분산이 양수인 정규 밀도",
    "how.not_density": "{e}이 {variable}의 확률 밀도임을 보일 수 없음: `density()`로 선언하세요",
    "how.independent": "독립으로 선언됨",
    "how.not_independent": "{a}와 {b}가 독립으로 선언되지 않음: 참이라면 선언하세요",
    # equality
    "eq.different_optimisation": "{a}와 {b}는 같은 변수에 대한 같은 최적화가 아님",
    "eq.objectives": "목적 함수: {how}",
    "eq.same": "같은 식",
    "eq.zero": "차이가 0으로 정리됨",
    "eq.nonzero": "차이가 0이 아니라 {difference}",
    "eq.unshown": "차이 {difference}이 0임을 보이지 못함",
    "eq.shapes": "{a}와 {b}는 모양이 같지 않아 비교할 수 없음",
    # the judgement of a step
    "judge.part": "{statement}: {how}",
    "judge.look_alike": "서로 다른 두 기호가 같은 이름으로 보임: 이름마다 가정을 하나로 정해 한 번만 "
                        "만드세요",
    "judge.no_certificate": "제안된 인증서가 없음",
    "judge.does_not_apply": "인증서 {which}이 적용되지 않음: {why}",
    "judge.opposite_bounds": "인증서들이 서로 반대 방향으로 부등식을 보임",
    "judge.refuted": "인증서를 따르면 {line}이 되어, 적힌 줄과 0이 아닌 상수만큼 다름: {how}",
    "judge.condition_fails": "부수 조건이 성립하지 않음: {parts}",
    "judge.condition_unshown": "부수 조건을 보이지 못함: {parts}",
    "judge.rests_on_numeric": "{names}에서 유도됨: 수치 증거로만 받아들인 항등식이므로 증명이 아님",
    "judge.proved": "커널이 인증서 {count}개를 확인함",
    "relation.define_without_definition": "정의를 적용하지 않는데 :=로 적힘: 인증서가 보이는 것은 "
                                          "{claim}이니 =로 적으세요",
    "relation.definition_in_bound": "부등식 단계에서 정의를 적용함: 정의는 따로 한 단계로 적용하세요",
    "relation.definition_as_equality": "정의나 모델 가정을 적용하는 단계는 증명된 등식이 아님: "
                                       "`.define(...)`(관계 :=)로 적으세요",
    "relation.shows_other": "인증서가 보이는 관계는 {written}이 아니라 {shown}",
    "definition.malformed": "올바르지 않은 정의",
    "definition.condition": "정의의 조건을 보이지 못함: {parts}",
    "definition.well_formed": "{name}의 올바른 정의 (정의는 가정이며 주장이 아님)",
    # the checker around the kernel
    "check.does_not_apply": "규칙이 적용되지 않음: {why}",
    "check.timeout": "시간 초과 (멈춤을 막는 안전 장치로, 기계에 따라 다름)",
    "check.too_deep": "식이 너무 깊게 중첩됨",
    "check.rule_failed": "규칙 {rule} 실행 실패",
}

# English, where a message carries expressions: they are typeset, not printed as SymPy.
EN: dict[str, str] = {
    "cond.equal": "{a} = {b}",
    "cond.positive": "{e} > 0",
    "cond.nonnegative": "{e} ≥ 0",
    "cond.nonzero": "{e} ≠ 0",
    "cond.real": "{e} is real",
    "cond.integer": "{e} is an integer",
    "cond.free_of": "{e} is free of {variables}",
    "cond.finite": "{e} is finite",
    "cond.continuous": "{e} is continuous in {variable}",
    "cond.integrable": "the integral of {e} over {variable} converges",
    "cond.density": "{e} is a density of {variable}",
    "cond.independent": "{a} and {b} are independent",
    "how.false": "false under the declared assumptions",
    "how.finite": "it is finite",
    "how.infinite": "it is infinite",
    "how.density": "declared a density of {variable}",
    "eq.different_optimisation": "{a} and {b} are not the same optimisation over the same "
                                 "variables",
    "eq.objectives": "the objectives: {how}",
    "eq.nonzero": "the difference is {difference}, not 0",
    "eq.unshown": "the difference {difference} is not shown to be 0",
    "eq.shapes": "{a} and {b} are not of one shape: they cannot be compared",
    "judge.part": "{statement}: {how}",
    "judge.refuted": "the certificates lead to {line}, which differs from the line written "
                     "by a nonzero constant: {how}",
    "judge.condition_fails": "side condition fails: {parts}",
    "judge.condition_unshown": "side condition not shown: {parts}",
    "definition.condition": "a condition of the definition is not shown: {parts}",
}

TABLES: dict[str, dict[str, str]] = {"en": EN, "ko": KO}


def segments(message: Message, lang: str) -> list[Segment] | None:
    """``message`` in ``lang`` as segments, or None if that language has no template for
    its key (English is the message's own text)."""
    template = TABLES.get(lang, {}).get(message.key)
    if template is None:
        return [("text", message.text)] if lang == "en" else None
    args = dict(message.args)
    out: list[Segment] = []
    for piece in re.split(r"(\{\w+\})", template):
        hole = re.fullmatch(r"\{(\w+)\}", piece)
        if hole is None:  # words, and `what to type` as code
            for k, part in enumerate(piece.split("`")):
                if part:
                    out.append(("code" if k % 2 else "text", part))
            continue
        out.extend(_argument(args.get(hole.group(1), ""), lang))
    return out


def _argument(value: object, lang: str) -> list[Segment]:
    if isinstance(value, Message):
        return segments(value, lang) or [("text", value.text)]
    if isinstance(value, tuple) and all(isinstance(v, Message) for v in value):
        out: list[Segment] = []
        for n, v in enumerate(value):
            out += ([("text", "; ")] if n else []) + _argument(v, lang)
        return out
    if isinstance(value, sp.Basic):
        return [("expr", value)]
    return [("code", str(value))]
