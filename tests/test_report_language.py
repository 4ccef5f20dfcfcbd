"""The language tables: every rule and every message of the shipped proofs in every language."""

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from test_report_fixtures import ROOT, wrong_items

from derive.checker import check_derivation
from derive.kernel import Message, say
from derive.latex import load_document
from derive.loader import load_paths
from derive.messages import ENGLISH
from derive.report import messages as templates
from derive.report import render
from derive.report.language import EN, KO, LANGUAGES, translate
from derive.report.text import escape_markdown
from derive.rules import registry

# A document with a step of each kind the reader makes: a candidate link not proved and
# one proved, a rule found by search, a step resting on values given in the prose (never
# refuted) and a wrong one.
DOCUMENT = """The model is

$$\\hat y = c + w x$$

and later a better one,

$$\\hat y = c + w_1 x + w_2 x^2$$

$$L = \\log[a b]$$

$$L = \\log[a] + \\log[b]$$
<!-- derive: positive a, b -->

$$\\sum_{i=1}^{3} x_i p_i = (u-2)p + u(1-2p) + (u+2)p$$

$$ (s+t)^2 = s^2 + 2st + t^2 = s^2 + t^2 $$
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Every step of every proof under proofs/ (twins too), the wrong steps of the tests, and
    the steps of a small document."""
    shipped = [r for _, ds in load_paths([ROOT / "proofs"]) for d in ds
               for r in check_derivation(d, instances=200)]
    path = tmp_path_factory.mktemp("document") / "notes.md"
    path.write_text(DOCUMENT, encoding="utf-8")
    document = [r for d in load_document(path, search_budget=100).derivations
                for r in check_derivation(d, instances=200)]
    return shipped + [r for _, _, rs in wrong_items() for r in rs] + document


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
    """Every message a step's verdict or note carries, and the messages nested in them."""
    def nested(m):
        yield m
        for _, value in getattr(m, "args", ()):
            for v in value if isinstance(value, tuple) else (value,):
                if isinstance(v, Message):
                    yield from nested(v)

    for r in results:
        v = r.verdict
        said = [v.symbolic.detail, v.numeric.detail, *v.notes]
        for c in v.symbolic.conditions:
            said += [c.condition.statement, c.how]
        if v.numeric.counterexample:
            said.append(v.numeric.counterexample["detail"])
        if v.numeric.domain:
            said.append(v.numeric.domain)
        if not isinstance(r.entry.note, str):  # an author's note is the author's words
            said.append(r.entry.note)
        for m in said:
            yield from nested(m)


def test_every_message_of_the_shipped_proofs_and_twins_is_data_and_translated(results):
    said = list(_messages(results))
    words = sorted({m for m in said if not isinstance(m, Message)})
    assert not words, f"messages written as English strings, which no report can translate: {words}"
    keys = {m.key for m in said}
    assert {"numeric.values_agree", "numeric.sides_differ", "document.found_by_search",
            "document.never_refuted", "check.not_linked"} <= keys  # they reach the reports
    untranslated = sorted({m.key for m in said if not translate(m, KO)[1]})
    assert not untranslated, f"keys with no Korean template: {untranslated}"


def _holes(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_has_a_template_in_every_language_with_no_hole_the_english_lacks():
    for code, table in templates.TABLES.items():
        if code == "ko":
            missing = set(ENGLISH) - set(table)
            assert not missing, f"no Korean template in derive/report/messages.py for {sorted(missing)}"
        extra = set(table) - set(ENGLISH)
        assert not extra, f"{code} templates of keys derive/messages.py does not have: {sorted(extra)}"
        for key, template in table.items():
            holes = set(re.findall(r"\{(\w+)\}", template))
            assert holes <= _holes(ENGLISH[key]), (code, key, holes - _holes(ENGLISH[key]))


def test_a_message_is_translated_by_its_key_its_numbers_as_math_its_words_as_code():
    segments, ok = translate(say("numeric.sides_differ", left="-0.5", right="0.5"), KO)
    assert ok and segments == [("text", "양변이 다름: "), ("math", "-0.5"), ("text", " 대 "),
                               ("math", "0.5")]
    segments, ok = translate(say("numeric.not_evaluable", why="derivatives through Sum"), KO)
    assert ok and segments == [("text", "수치로 계산할 수 없음: "), ("code", "derivatives through Sum")]
    segments, _ = translate(say("numeric.nascent", what=say("numeric.values_agree"),
                                eps="0.2, 0.1"), EN)
    assert segments == [("text", "values agree"), ("text", " (nascent deltas, eps = "),
                        ("math", "0.2, 0.1"), ("text", " -> 0)")]


def test_a_message_no_table_has_and_a_plain_string_are_shown_as_written_and_said_so():
    assert translate(Message("a_key_no_table_has"), KO) == ([("text", "a_key_no_table_has")],
                                                            False)
    assert translate("a rule's own words", KO) == ([("text", "a rule's own words")], False)


def test_korean_report_has_no_english_words_outside_user_text_and_math(results):
    items = [(path, d, check_derivation(d, instances=200))
             for path, ds in load_paths([ROOT / "proofs"]) for d in ds]
    md = render(items, "md", "ko")
    user = ({d.title for _, d, _ in items} | {d.source for _, d, _ in items}
            | {e.note for _, d, _ in items for e in d.entries})
    text = md
    for u in user:
        text = text.replace(escape_markdown(u), "")
    plain = text
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)  # display math
    text = re.sub(r"\$[^$]*\$", "", text)  # inline math
    text = re.sub(r"`[^`]*`", "", text)  # code: expressions and file names
    text = re.sub(r"^(title|tags|lang):.*$", "", text, flags=re.M)
    words = set(re.findall(r"[A-Za-z]{3,}", text)) - {"derive", "density", "eps", "argmin", "argmax"}
    assert not words, f"English words left in the Korean report: {sorted(words)}"
    # nor a phrase of an English template, even between code spans
    phrases = {piece.strip() for template in ENGLISH.values()
               for piece in re.split(r"\{\w*\}", template) if len(piece.strip()) >= 12}
    left = sorted(p for p in phrases if p in plain)
    assert not left, f"English template words in the Korean report: {left}"


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
