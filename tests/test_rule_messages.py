"""Why a rule does not apply is a message (a key and its arguments), never English written
into the code: the words are in derive/messages.py and a report translates them, with the
expressions typeset. The checker nests the kernel's reason in its own, never prints it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import sympy as sp
from helpers import one_step, theta, x, y

from derive import kernel
from derive.kernel import ArgMin, Message
from derive.messages import ENGLISH
from derive.report.language import KO, translate
from derive.report.messages import KO as KO_TEMPLATES
from derive.rules import Rule, RuleDoesNotApply, drop_constant, search

ROOT = Path(__file__).resolve().parents[1] / "derive"
# Where rules and the checker around them say why a rule does not apply.
SOURCES = [*sorted((ROOT / "rules").glob("*.py")), ROOT / "identities.py", ROOT / "checker.py"]
KEY = re.compile(r"(rule|search)\.[a-z_]*[a-z]")


def _raises(path: Path) -> list[ast.Call]:
    """Every ``RuleDoesNotApply(...)`` built in a source file."""
    return [node for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == "RuleDoesNotApply"]


def _words(node: ast.expr) -> bool:
    """Is ``node`` English made in the code: a string, an f-string, a concatenation, or a
    string formatted, joined or converted (``str(e)``, ``"...".format(...)``)?"""
    if isinstance(node, ast.IfExp):
        return _words(node.body) or _words(node.orelse)
    if isinstance(node, ast.Constant | ast.JoinedStr | ast.BinOp):
        return True
    return isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Name) and node.func.id in ("str", "repr", "format"))
        or (isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join")))


def _said(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Name) and node.func.id == "say")
        or (isinstance(node.func, ast.Attribute) and node.func.attr == "say"))


def test_no_rule_gives_its_reason_as_an_english_string():
    bare = [f"{path.relative_to(ROOT.parent)}:{call.lineno}" for path in SOURCES
            for call in _raises(path) if any(_words(a) for a in call.args) or call.keywords]
    assert not bare, ("RuleDoesNotApply given English words, which no report can translate: "
                      f"raise RuleDoesNotApply(say('rule.<key>', ...)) instead, at {bare}")
    said = [call for path in SOURCES for call in _raises(path) if any(map(_said, call.args))]
    assert len(said) >= 35  # the scan sees the raises (a renamed class would hide them all)


def test_every_key_the_rules_say_has_english_and_korean_words():
    said = {node.value for path in SOURCES for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and KEY.fullmatch(node.value)}
    assert len(said) >= 35
    assert not said - set(ENGLISH), sorted(said - set(ENGLISH))
    assert not said - set(KO_TEMPLATES), sorted(said - set(KO_TEMPLATES))


def _no_english(segments) -> bool:
    words = " ".join(str(v) for kind, v in segments if kind == "text")
    return not re.search(r"[A-Za-z]{3,}", words.replace("argmin", "").replace("argmax", ""))


def test_a_cited_rule_that_does_not_fit_says_why_in_words_a_report_translates():
    result = one_step(x + 1, x + 1, by=[drop_constant])
    detail = result.verdict.symbolic.detail
    assert result.verdict.status.value == "UNPROVEN"
    assert detail.key == "check.does_not_apply"
    (why,) = [v for k, v in detail.args if k == "why"]
    assert why == kernel.say("rule.not_optimisation", rule="drop_constant", line=x + 1)
    # the English words are those the rule wrote before it said them as data
    assert str(detail) == ("the rule does not apply: drop_constant applies to an argmin or "
                           "argmax, not to x + 1")
    segments, translated = translate(detail, KO)
    assert translated and ("expr", x + 1) in segments and ("code", "drop_constant") in segments
    assert _no_english(segments), segments


def test_the_checker_nests_the_kernels_reason_in_the_rules():
    def flip_anything(before, target, context):
        return [kernel.Flip()]  # exchanging argmax and argmin, on a line that is neither

    rule = Rule("flip_anything", "", (), flip_anything)
    result = one_step(y + 1, y + 1, by=[rule])
    (why,) = [v for k, v in result.verdict.symbolic.detail.args if k == "why"]
    assert why.key == "rule.refused" and dict(why.args)["rule"] == "flip_anything"
    kernel_said = dict(why.args)["why"]
    assert isinstance(kernel_said, Message) and kernel_said.key == "cert.not_optimisation"
    assert str(why) == ("flip_anything: exchanging argmax and argmin applies to an argmin or "
                        "argmax, not to y + 1")
    segments, translated = translate(result.verdict.symbolic.detail, KO)
    assert translated and ("expr", y + 1) in segments and _no_english(segments), segments


def test_a_reason_that_holds_expressions_typesets_them_in_korean():
    before = ArgMin(theta**2 + 1, theta)
    after = ArgMin(sp.sqrt(theta**2 + 1), theta)
    result = one_step(before, after, by=["monotone_transform"])
    (why,) = [v for k, v in result.verdict.symbolic.detail.args if k == "why"]
    assert why.key == "rule.not_monotone"
    assert str(why) == f"monotone_transform: {after.objective} is neither log nor exp of " \
                       f"{before.objective}"
    segments, _ = translate(result.verdict.symbolic.detail, KO)
    assert ("expr", after.objective) in segments and ("expr", before.objective) in segments


def test_the_search_says_what_it_searched_as_data():
    reason = search.none_found(300)
    assert str(reason) == ("no rule or chain of up to 3 rules in the library justifies it "
                           "(searched 300 attempts); name one with a `% by: rule` comment, or "
                           "add the rule")
    stopped = search.none_found(300, "symbolic check exceeded its time limit of 1 s")
    assert "(searched 300 attempts) (the search was stopped: symbolic check exceeded" in \
        str(stopped)
    result = one_step(x + 1, x + 2, by=[search.unjustified(reason)])
    assert dict(result.verdict.symbolic.detail.args)["why"] == reason
    segments, translated = translate(reason, KO)
    assert translated and ("code", "% by: rule") in segments and ("math", "300") in segments
    assert _no_english([s for s in segments if s[0] == "text"]), segments


def test_a_rule_packs_own_words_are_still_a_reason():
    assert RuleDoesNotApply("not on Tuesdays").reason == "not on Tuesdays"
    said = kernel.say("rule.proposed_nothing", rule="r")
    assert RuleDoesNotApply(said).reason is said and str(RuleDoesNotApply(said)) == \
        "r proposed nothing"
