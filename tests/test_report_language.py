"""The language tables: every rule and every message of the shipped proofs in every language."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_report_fixtures import ROOT, wrong_items

from derive.checker import check_derivation
from derive.kernel import Symbolic
from derive.loader import load_paths
from derive.report import render
from derive.report.language import EN, KO, LANGUAGES, MESSAGES, translate
from derive.report.text import escape_markdown
from derive.rules import registry


@pytest.fixture(scope="module")
def results():
    """Every step of every proof under proofs/ (twins too), and the wrong steps of the tests."""
    shipped = [r for _, ds in load_paths([ROOT / "proofs"]) for d in ds
               for r in check_derivation(d, instances=200)]
    return shipped + [r for _, _, rs in wrong_items() for r in rs]


def _library_rules() -> set[str]:
    """The rules the library itself registers: asked of a fresh interpreter, since proof
    files imported by other tests register identities of their own."""
    done = subprocess.run([sys.executable, "-c", "from derive.rules import registry; "
                           "print('\\n'.join(registry()))"], capture_output=True, text=True,
                          check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize("lang", LANGUAGES.values(), ids=lambda lang: lang.code)
def test_every_library_rule_has_a_name_in_every_language(lang):
    missing = _library_rules() - set(lang.rules)
    assert not missing, (f"rules {sorted(missing)} have no entry in the {lang.code} table of "
                         f"derive/report/language.py: add one to every language")


def test_statements_with_words_are_given_in_each_language():
    # A statement with \text{...} has words in it: each language must give its own.
    for name, rule in registry().items():
        if rule.origin == "built in" and "\\text" in rule.statement:
            assert KO.rules[name].statement and EN.rules[name].statement, name
            assert re.search("[가-힣]", KO.rules[name].statement), name


def test_korean_rule_names_are_korean():
    for name, text in KO.rules.items():
        assert re.search("[가-힣]", text.name), f"{name}: {text.name}"


def _messages(results):
    for r in results:
        v = r.verdict
        for c in v.symbolic.conditions:
            if c.condition.kind == "fact":
                yield c.condition.statement
            yield c.how
        if v.symbolic.status is not Symbolic.PROVED:  # a proof's detail is not shown
            yield v.symbolic.detail
        yield v.numeric.detail
        if v.numeric.counterexample:
            yield v.numeric.counterexample["detail"]


def test_every_message_of_the_shipped_proofs_and_twins_is_translated(results):
    untranslated = {m for m in _messages(results) if not translate(m, KO)[1]}
    assert not untranslated, f"no pattern in MESSAGES reads: {sorted(untranslated)}"


def test_translation_keeps_expressions_as_code_and_words_in_korean():
    segments, ok = translate("the integral of q(z)*log(q(z)) over z converges", KO)
    assert ok and ("code", "q(z)*log(q(z))") in segments and ("code", "z") in segments
    assert all(re.search("[가-힣]", v) for k, v in segments if k == "text" and v.strip())


def test_an_unknown_message_is_shown_as_written_and_said_so():
    assert translate("a message no pattern reads", KO) == ([("text", "a message no pattern "
                                                              "reads")], False)


def test_messages_patterns_read_whole_messages():
    assert all(p.pattern.endswith(r"\Z") for _, p in MESSAGES)


def test_korean_report_has_no_english_words_outside_user_text_and_math(results):
    items = [(path, d, check_derivation(d, instances=200))
             for path, ds in load_paths([ROOT / "proofs"]) for d in ds]
    md = render(items, "md", "ko")
    user = ({d.title for _, d, _ in items} | {d.source for _, d, _ in items}
            | {e.note for _, d, _ in items for e in d.entries})
    text = md
    for u in user:
        text = text.replace(escape_markdown(u), "")
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)  # display math
    text = re.sub(r"\$[^$]*\$", "", text)  # inline math
    text = re.sub(r"`[^`]*`", "", text)  # code: expressions and file names
    text = re.sub(r"^(title|tags|lang):.*$", "", text, flags=re.M)
    words = set(re.findall(r"[A-Za-z]{3,}", text)) - {"derive", "density", "eps", "argmin", "argmax"}
    assert not words, f"English words left in the Korean report: {sorted(words)}"


def _seed_post():
    for shared in (ROOT / ".." / "shared", Path("/work/shared")):
        post = shared / "seed" / "000_86771fc8b7dc4c48.txt"
        if post.is_file():
            return post
    return None


def test_the_seed_posts_korean_report_keeps_every_word_korean(tmp_path):
    """The Korean blogger's own post, reported in Korean: derive's words (headings,
    verdicts, rule names, side conditions, how each rule was found) are all Korean; what
    is left in Latin letters is mathematics, code (rule names as `derive rules` lists
    them, file names) or the author's own text."""
    post = _seed_post()
    if post is None:
        pytest.skip("the seed post is not in ../shared/seed")
    copy = tmp_path / "post.md"
    copy.write_text(post.read_text(encoding="utf-8"), encoding="utf-8")
    items = [(path, d, check_derivation(d, instances=100)) for path, ds in load_paths([copy])
             for d in ds]
    md = render(items, "md", "ko")
    text = re.sub(r"\$\$.*?\$\$", "", md, flags=re.S)
    text = re.sub(r"`[^`]*`", "", text)
    text = re.sub(r"^(title|tags|lang):.*$", "", text, flags=re.M)
    for _, d, _ in items:
        text = text.replace(escape_markdown(d.title), "").replace(escape_markdown(d.source), "")
    words = set(re.findall(r"[A-Za-z]{3,}", text)) - {"derive", "density", "eps", "argmin",
                                                       "argmax"}
    assert not words, f"English words left in the Korean report: {sorted(words)}"
    assert "탐색으로 찾은 규칙" in md and "검증 근거" in md
