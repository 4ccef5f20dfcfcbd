"""The checker's messages in each language, by key: a ``derive.kernel.Message`` carries its
key and arguments, and a report fills that key's template here with the arguments (an
expression is typeset as math, a number too, a nested message translated in turn, anything
else shown as code). Nothing is parsed back out of English.

Every key of the English words (``derive.messages``) has a Korean template, with no hole the
English lacks (the tests check both). ``EN`` holds the report's English where it is more
than the message's own words: where arguments are typeset, or the words polished. A
template marks `what to type` as code.
"""

from __future__ import annotations

import re

import sympy as sp

from derive import messages  # noqa: F401  (the English words of every key)
from derive.kernel import Message
from derive.kernel.verdicts import TEXTS

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
    "cond.continuous_on": "{e}은 [{low}, {high}]에서 {variable}에 대해 연속",
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
        "`nonzero=True`(파이썬) 또는 `% derive: nonzero` {first}(문서)로 "
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
    "why.undefined": "{e}이 정의되지 않는 곳이 있음 (nan 또는 복소 무한대)",
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
    "judge.undeclared": "정의 {lhs} := {rhs}가 쓰였지만 단계 앞에서 선언되지 않음: 선언하고"
                        "(derivation.let) 인용할 것(substitute)",
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
    "guard.timeout": "기호 검사가 제한 시간 {seconds}초를 넘김 (멈춤을 막는 안전 장치로, 기계에 따라 다름)",
    "check.too_deep": "식이 너무 깊게 중첩됨",
    "check.rule_failed": "규칙 {rule} 실행 실패",
    "check.not_linked": "연결하지 않음: 표시된 식 사이의 후보 연결이 증명되지 않았으므로 단계가 아님",
    "check.not_refuted": "반박하지 않음: 이 단계는 {why}",
    # why a certificate does not apply
    "cert.circular": "{lhs} := {rhs}은(는) {name}을(를) 자기 자신으로 정의함",
    "cert.definition_lhs": "정의의 왼쪽 변 {lhs}은(는) 기호이거나, q(y)처럼 서로 다른 기호들에 "
                           "적용된 함수여야 함",
    "cert.not_optimisation": "{what}은(는) {line}이 아니라 argmin이나 argmax에 적용됨",
    "cert.other_optimisation": "{what}: {to}은(는) {variables}에 대한 같은 최적화가 아님",
    "cert.transform": "{transform}은(는) 커널이 아는 순증가 변환이 아님 ({known})",
    "cert.fold": "{lhs} := {rhs}을(를) 펼친 {fold}은(는) {line}이 아니라 {unfolded}",
    "cert.absent": "{lhs}이(가) {line}에 나타나지 않음",
    "cert.not_optimised": "앞 줄은 {old}에 대해 최적화하지 않음",
    "cert.nothing_optimised": "새 목적 함수가 {missing}에 의존하지 않아 최적화할 것이 없음",
    "cert.unknown": "{certificate}은(는) 커널이 아는 인증서가 아님",
    "cert.converse_takes": "역방향 단계에는 다시 쓰기, 대수 계산, 정의가 하나 이상 필요함",
    "cert.converse_bound": "역방향 단계는 등식만 보임: 적힌 줄에서 읽은 부등식은 앞 줄이 아니라 "
                           "적힌 줄의 부등식임",
    "cert.not_a_bound": "부등식의 관계는 <=, <, >=, > 중 하나이지 {relation}이 아님",
    "cert.variable_taken": "{taken}은(는) 이미 줄에 나옴: 모델링 치환은 새 변수에 대해 최적화함",
    "definition.normalised": "{name}은(는) 잘 정의되고 부호가 맞음; 적분이 1이라는 것은 수치 "
                             "검사에 기댐 (커널은 적분하지 않음)",
    "schema.define": "스키마 {name}: 법칙은 = 나 부등식을 말하지 :=를 말하지 않음",
    "cert.factor_sign": "부등식의 항에 곱해진 {factor}의 부호를 알 수 없음",
    "cert.order": "{head}은(는) 이 위치에서 인수의 순서를 유지하지 않음",
    "judge.binder_range": "{why}",
    "terms.look_alike": "서로 다른 두 {kind}가 {name}(으)로 똑같이 보임 ({described}): 읽는 사람이 "
                        "구별할 수 없으니, 이름마다 가정을 하나로 정해 한 번만 만드세요",
    "terms.out_of_range": "{v}은 {declared}(으)로 선언되었는데 {node}에서 {low}부터 {high}까지의 "
                          "값이 모두 그렇지는 않음: {v}를 범위가 주는 가정만으로 선언하세요",
    # why a schema is refused, or does not apply
    "schema.trust": "스키마 {name}: `trust`는 {trust}이 아니라 {known} 중 하나여야 함",
    "schema.right_only": "스키마 {name}: {missing}이(가) 오른쪽 변에만 나타남: 모든 패턴 변수는 "
                         "왼쪽 변에 있어야 함",
    "schema.axiom": "스키마 {name}: 공리는 커널의 표에만 있음: 확인을 받도록 항등식으로 등록하세요",
    "schema.not_proved": "스키마 {name}이(가) 증명되지 않음: {how}",
    "schema.not_admitted": "스키마 {name}은(는) 받아들여진 적이 없음: 커널은 자신의 공리와, 등록할 "
                           "때 확인된 항등식만 씀",
    "schema.binding": "스키마 {name}: 바인딩은 모든 패턴 변수({variables})를 주고, 그 밖의 것은 "
                      "주지 않아야 함",
    "schema.bound_distinct": "스키마 {name}: 묶인 변수 둘이 한 기호에 묶임; 줄의 묶는 변수 하나의 "
                             "이름을 바꾸세요",
    "schema.assumption": "스키마 {name}: {symbol}은 {facts}(으)로 선언되었는데, 맞춰지는 식에서 이를 "
                         "확인하는 조건이 없음: 그 가정 없이 선언하거나 조건을 적으세요",
    "schema.bound_to_symbol": "스키마 {name}: 묶인 변수는 기호에 묶여야 함",
    "schema.lambda": "스키마 {name}: {f}은(는) `Lambda`에 묶여야 함",
    "schema.value": "스키마 {name}: {variable}이(가) SymPy 식이 아닌 {value}에 묶임(sympify할 것)",
    "schema.law": "스키마 {name}: {f}은(는) {value}이 아니라 조건부 밀도(Pr 같은 법칙)에 묶여야 함",
    "schema.escape": "스키마 {name}: 이 바인딩은 묶인 변수 {escaping}을(를) 그 범위 밖으로 내보냄",
    "schema.mismatch": "스키마 {name}: 바인딩을 적용한 왼쪽 변은 {site}이 아니라 {left}",
    # why a rule does not apply
    "rule.not_optimisation": "{rule}은(는) argmin이나 argmax에 적용되며, {line}에는 적용되지 않음",
    "rule.written_not_optimisation": "{rule}: 쓰인 줄 {line}은(는) argmin이나 argmax가 아님",
    "rule.no_constant": "`drop_constant`: 없앨 덧셈 항이 없음",
    "rule.not_affine": "{f}은(는) {g}의 일차식이 아님 (둘이 {variables}에 서로 다른 함수를 통해 "
                       "의존하거나, 뒤의 것은 전혀 의존하지 않음)",
    "rule.rescale_last": "`rescale_objective`는 새 목적 함수를 쓰인 줄에서 읽음: 마지막에 쓰세요",
    "rule.objectives_equal": "`rescale_objective`: 두 목적 함수가 같아 없앨 것이 없음 (어떻게 "
                             "같은지 밝히는 규칙이 더 많은 것을 말해 줌)",
    "rule.not_multiple": "`drop_positive_factor`: {f}은(는) {g}의 상수배가 아님",
    "rule.no_factor": "`drop_positive_factor`: 없앨 인수가 없음",
    "rule.monotone_last": "`monotone_transform`에는 쓰인 줄이 필요함: 마지막에 쓰세요",
    "rule.not_monotone": "`monotone_transform`: {g}은(는) {f}의 `log`도 `exp`도 아님",
    "rule.absent": "정의 {label}의 대입: {name}이(가) {line}에 나타나지 않음",
    "rule.cite_last": "{rule}은(는) 쓰인 줄을 읽음: 마지막에 인용하세요",
    "rule.not_optimised": "{rule}: 앞 줄이 {old}에 대해 최적화해야 함",
    "rule.no_pattern_variable": "스키마 {schema}에는 패턴 변수 {names}이(가) 없음",
    "rule.refused_at": "{why}",
    "rule.nothing_to_rewrite": "이 규칙으로 다시 쓸 곳을 찾지 못함",
    "rule.delta_bounds": "델타는 실수 전체에 걸친 적분에서만 값을 골라냄: {low}부터 {high}까지는 "
                         "아님 (유한한 경계에서나 그 너머에서는 성립하지 않음: SymPy 이슈 27300)",
    "rule.bounds_last": "`change_of_variable`은 새 적분 구간을 쓰인 줄에서 읽음: 마지막에 쓰세요",
    "rule.no_linear_substitution": "`change_of_variable`: 일차 치환으로 그 구간이 쓰인 적분의 "
                                   "구간이 되는 적분이 없음",
    "rule.not_linear": "`change_variable`: {old} = {new}은(는) {variable}에 대해 일차식이 아님",
    "rule.no_integral_over": "변수 변환 {old} = {new}: {line}에 {old}에 대한 적분이 없음",
    "rule.no_parts": "`integration_by_parts`: 부분 적분하여 쓰인 줄이 되는, 적분 속의 곱이 없음",
    "rule.found_none": "{line}에서 이 규칙을 적용할 곳을 찾지 못함",
    "rule.differ_otherwise": "{rule}: {old}와(과) {new}은(는) 이 규칙이 허용하지 않는 방식으로 다름",
    "rule.sign_unshown": "{rule}: {new} - {old}의 부호를 보이지 못함",
    "rule.nothing_bounded": "{rule}: 쓰인 줄이 앞 줄과 같음",
    "rule.expectation_last": "`expectation_algebra`는 쓰인 줄과 비교함: 마지막에 쓰세요",
    "rule.no_expectation": "`expectation_algebra`: 어느 줄에도 펼칠 기댓값, 분산, 공분산이 없음",
    "rule.no_instance": "항등식 {name}: {line}에 {lhs}의 사례가 없음",
    "rule.must_come_last": "{rule}은(는) 쓰인 줄을 보고 다시 쓸 곳을 고르므로 `by=[...]`의 "
                           "마지막에 와야 함",
    "rule.proposed_nothing": "{rule}이(가) 아무것도 제안하지 않음",
    "rule.refused": "{rule}: {why}",
    "rule.none_in_written": "{rule}: 쓰인 줄에 적용할 곳이 없음",
    "rule.other_line": "{rule}: 탐색이 고른 자리는 다른 줄의 것임",
    "rule.naming_not_optimisation": "이름 붙이기 {label}은(는) argmin이나 argmax에만 적용됨",
    # why the search found no rule for a step
    "search.none_found": "라이브러리의 규칙 하나나 {depth}개 이하의 규칙 사슬로 정당화되지 않음 "
                         "(시도 {budget}번 탐색함); `% by: rule` 주석으로 규칙을 밝히거나 규칙을 "
                         "추가하세요",
    "search.stopped": "라이브러리의 규칙 하나나 {depth}개 이하의 규칙 사슬로 정당화되지 않음 "
                      "(시도 {budget}번 탐색함, 탐색이 멈춤: {why}); `% by: rule` 주석으로 규칙을 "
                      "밝히거나 규칙을 추가하세요",
    # the numeric checker
    "numeric.values_agree": "값이 일치함",
    "numeric.order_kept": "목적 함수의 순서가 유지됨",
    "numeric.order_and_values": "목적 함수의 순서가 유지되고 값이 일치함",
    "numeric.bound_holds": "부등식 {relation}이 성립함",
    "numeric.integrates_to_one": "확률 밀도: 모든 사례에서 적분값이 1",
    "numeric.sums_to_one": "확률 질량 함수: 모든 사례에서 {{support}} 위의 합이 1",
    "numeric.nascent": "{what} (근사 델타, eps = {eps} → 0)",
    "numeric.notes": "{what}; {notes}",
    "numeric.artefact": "부동소수점 오차 {count}건 버림 ({digits}자리 정밀도로 확인되지 않음)",
    "numeric.artefacts": "부동소수점 오차 {count}건 버림 ({digits}자리 정밀도로 확인되지 않음)",
    "numeric.domain": "{parts}",
    "numeric.checked_where_forced": "{where}인 곳에서 확인함 ({why}): {declare}로 선언하세요",
    "numeric.left_undefined_otherwise": "그렇지 않으면 왼쪽 변의 {node}이 실수에서 정의되지 않음",
    "numeric.right_undefined_otherwise": "그렇지 않으면 오른쪽 변의 {node}이 실수에서 정의되지 "
                                         "않음",
    "numeric.checked_where_sign": "{where}인 곳에서 확인함; {other}이면 {sides} 정의되지 않음: "
                                  "{declare}로 선언하세요",
    "numeric.checked_where_defined": "양변을 계산할 수 있는 곳에서 확인함: 뽑은 사례 {drawn}개 중 "
                                     "{undefined}개 제외",
    "numeric.both_sides": "양변이",
    "numeric.left_side": "왼쪽 변이",
    "numeric.right_side": "오른쪽 변이",
    "numeric.few_evaluated": "대부분의 사례를 계산할 수 없음: 뽑은 {drawn}개 중 {done}개만 계산됨",
    "numeric.few_evaluated_where": "대부분의 사례를 계산할 수 없음: 뽑은 {drawn}개 중 {done}개만 "
                                   "계산됨 ({domain})",
    "numeric.unconfirmed": "고정밀도로 확인되지 않은 부동소수점 불일치 {count}건",
    "numeric.not_evaluable": "수치로 계산할 수 없음: {why}",
    "numeric.sides_differ": "양변이 다름: {left} 대 {right}",
    "numeric.objectives_differ": "목적 함수의 값이 다름: F(a) = {left}, G(a) = {right}",
    "numeric.bound_fails": "부등식 {relation}이 성립하지 않음: 왼쪽 {left}, 오른쪽 {right}",
    "numeric.order_not_kept": "목적 함수의 순서가 유지되지 않음: 전에는 F(a) - F(b) = {before}, "
                              "후에는 G(a) - G(b) = {after}",
    "numeric.bound_of_optimisations": "argmin/argmax 집합 사이의 부등식은 의미가 없음: 목적 함수 "
                                      "사이의 부등식을 쓰세요",
    "numeric.definition_applied": "정의 적용: 양변은 정의에 의해 같고, 치환이 정확한지는 기호적으로 "
                                  "확인함",
    "numeric.definition_exact": "정의 적용: 정의에 의해 같고, 정확한지는 기호적으로 확인함",
    "numeric.different_variables": "양변이 서로 다른 변수에 대해 최적화함",
    "numeric.one_side_optimises": "한쪽만 argmin 또는 argmax임",
    "numeric.symbol_definition": "기호의 정의: 시험할 것이 없음",
    "numeric.no_support": "지지 집합이 선언되지 않은 확률 질량 함수: 합이 1인지 확인하려면 "
                          "mass_function('{name}', support=(0, 1))처럼 선언하세요",
    "numeric.non_density": "밀도가 아닌 것의 정의: 시험할 것이 없음",
    # how a document's step got its rule
    "document.read": "읽은 식: {expression}; {how}",
    "document.read_definition": "읽은 정의: {lhs} := {rhs}",
    "document.justified": "저자가 밝힌 근거: {given}",
    "document.nearest_unshown": "증명을 찾지 못함; 가장 가까운 {rules}은(는) 쓰인 줄에 이르지만 그 "
                                "부대 조건을 보이지 못함",
    "document.none_found": "근거가 주어지지 않았고 찾지도 못함",
    "document.found_by_search": "탐색으로 찾은 규칙: {rules} ({tried}번 시도)",
    "document.read_as_define": ":= 로 읽음 (정의나 모델링 가정을 적용)",
    "document.never_refuted": "{why}: 증명되거나 미증명일 뿐, 반박되지 않음",
    "document.candidate": "두 수식 블록 사이의 후보 연결 (왼쪽 변이 같음): 증명되면 단계이고, "
                          "아니면 연결하지 않음",
    "document.independent": "서로 독립으로 선언됨: {variables}",
    "document.defines_again": "{name}을(를) 다시 정의함 ({line}행에서처럼): 새 정의이거나 첫 정의에 "
                              "대한 주장",
    "document.rests_on_definition": "{where}의 정의에 기댐 (derive는 이 정의를 수치에 적용하지 "
                                    "않음)",
    "document.variables_each_side": "양변에 서로 없는 변수가 있음 ({left} / {right}): 본문에 "
                                    "주어진 값이나 정의에 기대며, derive는 이를 읽지 않음",
    "document.range_unwritten": "범위 없이 쓴 합을 본문이 쓰지 않은 상한 {counts}까지로 읽음: "
                                "본문이 뜻하는 범위에 기대며, derive는 이를 읽지 않음",
    "document.relates_neighbours": "{names}의 이웃한 항을 잇는 단계 ({names}[t - 1]과 "
                                   "{names}[t]처럼): 본문이 주는 점화식에 기대며, derive는 이를 "
                                   "읽지 않음",
    "document.law_in_words": "표시식에 적히지 않은 분포로 {variables}의 평균을 냄: 그 분포에 대해 "
                             "본문이 말하는 것(값과 그 확률, 평균, 독립성)에 기대며, derive는 이를 "
                             "읽지 않음",
    "document.drops_function": "함수 {names}을(를) 없앰: 본문이 {names}에 대해 말하는 내용에 "
                               "기대며, derive는 이를 읽지 않음",
    # notes of the overall verdict
    "verdict.disagree": "기호 증명과 수치 반례가 서로 어긋남: derive의 버그이니 알려 주세요",
    "verdict.rests_on_numeric": "수치 근거에 기댐: {detail}",
    "verdict.numeric_unchecked": "수치 근거로만 믿는 항등식인데, 이 단계의 수치 검사가 없음",
}

# Keys a report words as the message's own English (derive/messages.py) but with its
# arguments typeset: expressions as math, not as SymPy prints them.
_TYPESET = (
    "cond.equal", "cond.positive", "cond.real", "cond.integer", "cond.free_of", "cond.finite",
    "cond.continuous", "cond.continuous_on", "cond.density", "cond.independent", "how.density",
    "eq.objectives",
    "eq.nonzero", "eq.unshown", "eq.shapes", "judge.part", "judge.refuted",
    "judge.condition_fails", "judge.condition_unshown", "check.not_refuted",
    "numeric.bound_holds", "numeric.nascent", "numeric.notes", "numeric.artefact",
    "numeric.artefacts", "numeric.domain", "numeric.checked_where_forced",
    "numeric.left_undefined_otherwise", "numeric.right_undefined_otherwise",
    "numeric.checked_where_sign", "numeric.few_evaluated", "numeric.few_evaluated_where",
    "numeric.unconfirmed", "numeric.not_evaluable", "numeric.sides_differ",
    "numeric.objectives_differ", "numeric.bound_fails", "numeric.order_not_kept",
    "numeric.no_support", "document.read", "document.read_definition", "document.justified",
    "document.nearest_unshown", "document.found_by_search", "document.never_refuted",
    "document.independent", "document.defines_again", "document.rests_on_definition",
    "document.variables_each_side", "document.relates_neighbours", "document.drops_function",
    "document.range_unwritten",
)

# English where a report words a message otherwise than its own words; and the keys
# above, in their own words.
EN: dict[str, str] = {
    "cond.nonnegative": "{e} ≥ 0",
    "cond.nonzero": "{e} ≠ 0",
    "cond.integrable": "the integral of {e} over {variable} converges",
    "how.false": "false under the declared assumptions",
    "how.finite": "it is finite",
    "how.infinite": "it is infinite",
    "eq.different_optimisation": "{a} and {b} are not the same optimisation over the same "
                                 "variables",
    "definition.condition": "a condition of the definition is not shown: {parts}",
    "numeric.order_kept": "order of the objectives kept",
    "numeric.order_and_values": "order of the objectives kept, and values agree",
    "numeric.sums_to_one": "a mass function: sums to 1 over {{support}} on every instance",
    "numeric.checked_where_defined": "checked where both sides can be evaluated: {undefined} of "
                                     "{drawn} instances drawn were left out",
    "numeric.one_side_optimises": "one side is an argmin or argmax and the other is not",
}
EN.update({key: TEXTS[key] for key in _TYPESET})

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


# A number, or a list of them ("0.2, 0.1, 0.05"), as the checker wrote it: typeset as math.
_NUMBERS = re.compile(r"-?\d+(\.\d+)?(/\d+)?(, -?\d+(\.\d+)?(/\d+)?)*\Z")


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
    if not isinstance(value, bool) and _NUMBERS.match(str(value)):
        return [("math", str(value))]
    return [("code", str(value))]
