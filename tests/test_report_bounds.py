"""Reports of chains of bounds: the relation of each line (<=, <, >=, >) in every format,
style and language, and each chain's conclusion with its verdict (``chain_verdict``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sympy as sp

from derive import Derivation
from derive.checker import check_derivation
from derive.cli import chain_conclusion
from derive.report import render
from derive.report.text import portable_math
from derive.rules import exp_bound, log_bound, termwise_bound

x = sp.Symbol("x", positive=True)
u = sp.Symbol("u", real=True)


def _chains() -> list[Derivation]:
    below = Derivation("below", sp.log(x) + u**2)  # <= then <: concludes <
    below.le(x - 1 + u**2, by=log_bound, label="1").lt(x + u**2, by=termwise_bound, label="2")
    above = Derivation("above", sp.exp(u) + 1)  # >= then >: concludes >
    above.ge(u + 2, by=exp_bound, label="1").gt(u + 1, by=termwise_bound, label="2")
    refuted = Derivation("refuted", sp.log(x) + u**2)  # its step 2 is false
    refuted.le(x - 1 + u**2, by=log_bound, label="1")
    refuted.lt(x - 2 + u**2, by=termwise_bound, label="2", expect="refuted")
    unproven = Derivation("unproven", sp.log(x) + u**2)  # true, by a rule that does not fit
    unproven.le(x - 1 + u**2, by=exp_bound, label="1")
    return [below, above, refuted, unproven]


@pytest.fixture(scope="module")
def items():
    return [("tests/chains.py", d, check_derivation(d, instances=50)) for d in _chains()]


@pytest.fixture(scope="module")
def reports(items):
    return {(fmt, lang, style): render(items, fmt, lang, style)
            for fmt in ("tex", "md") for lang in ("en", "ko") for style in ("book", "plain")}


def _sections(report: str, fmt: str) -> dict[str, str]:
    """Each derivation's part of a report, by name."""
    mark = r"\texttt{" if fmt == "tex" else "`"
    parts = re.split(r"(?=^\\section\*|^## )", report, flags=re.M)
    return {name: part for part in parts for name in ("below", "above", "refuted", "unproven")
            if f"{mark}{name}{'}' if fmt == 'tex' else '`'}" in part}


def _conclusion(section: str, lang: str) -> str:
    word = {"en": "Conclusion", "ko": "결론"}[lang]
    (line,) = [line for line in section.split("\n") if line.startswith((f"**{word}**",
                                                                         rf"\textbf{{{word}}}"))]
    return line


# Each chain's relations as its lines print them, in TeX and in Markdown (where < and >
# are \lt and \gt: a bare < would open an HTML tag).
RELATIONS = {"tex": {"below": [r"&\leq", "&<"], "above": [r"&\geq", "&>"]},
             "md": {"below": [r"&\leq", r"&\lt"], "above": [r"&\geq", r"&\gt"]}}


@pytest.mark.parametrize("style", ["book", "plain"])
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("fmt", ["tex", "md"])
def test_each_line_shows_its_relation(reports, fmt, lang, style):
    sections = _sections(reports[(fmt, lang, style)], fmt)
    for name, relations in RELATIONS[fmt].items():
        rows = [row.strip() for row in sections[name].split("\n") if row.strip().startswith("&")
                and "phantom" not in row]
        assert [row.split(" ")[0] for row in rows] == relations, name
    # a refuted < is marked, never a plain claim
    refuted = sections["refuted"]
    assert ("{<}" if fmt == "tex" else r"{\lt }") in refuted
    assert re.search(r"overset\{\\times\}\{(<|\\lt )\}", refuted)


@pytest.mark.parametrize("style", ["book", "plain"])
@pytest.mark.parametrize("fmt", ["tex", "md"])
def test_the_conclusion_relates_the_first_line_to_the_last(reports, fmt, style):
    sections = _sections(reports[(fmt, "en", style)], fmt)
    less, greater = ("<", ">") if fmt == "tex" else (r"\lt", r"\gt")
    below, above = _conclusion(sections["below"], "en"), _conclusion(sections["above"], "en")
    assert f" {less} " in below and below.endswith(": proved")  # <= then < gives <
    assert r"\leq" not in below
    assert f" {greater} " in above and above.endswith(": proved")  # >= then > gives >
    assert r"\geq" not in above


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("fmt", ["tex", "md"])
def test_a_chain_with_a_refuted_or_unproven_step_is_not_proved(reports, fmt, lang):
    sections = _sections(reports[(fmt, lang, "book")], fmt)
    refuted = _conclusion(sections["refuted"], lang)
    unproven = _conclusion(sections["unproven"], lang)
    if lang == "en":
        assert "not proved: step 2 refuted" in refuted and ": proved" not in refuted
        assert "not proved: step 1 unproven" in unproven and ": proved" not in unproven
    else:
        assert "증명되지 않음: 단계 2 반박됨" in refuted and ": 증명됨" not in refuted
        assert "증명되지 않음: 단계 1 미증명" in unproven and ": 증명됨" not in unproven
    # and its relation is marked, as in the chain
    assert re.search(r"overset\{\\times\}\{(<|\\lt )\}", refuted)
    assert re.search(r"overset\{\?\}\{\\leq\}", unproven)


def test_korean_reports_say_conclusion_and_proved_in_korean(reports):
    for fmt in ("tex", "md"):
        below = _conclusion(_sections(reports[(fmt, "ko", "book")], fmt)["below"], "ko")
        assert below.endswith(": 증명됨")
        assert "Conclusion" not in reports[(fmt, "ko", "book")]


def test_the_report_states_the_verdict_derive_check_gives(items, reports):
    """The report never decides a chain's verdict itself: it is derive check's."""
    md = _sections(reports[("md", "en", "book")], "md")
    for _, d, results in items:
        proved = chain_conclusion(d, results)["proved"]
        assert _conclusion(md[d.name], "en").endswith(": proved") is proved, d.name


def test_a_chain_not_checked_in_full_is_not_proved(items):
    path, d, results = items[0]
    md = render([(path, d, results[:1])], "md")
    assert "not proved: not every step was checked" in _conclusion(md, "en")


@pytest.fixture(scope="module")
def elbo_reports():
    from derive.loader import load_file

    proof = Path(__file__).resolve().parents[1] / "proofs" / "udl_17_14_to_17_18.py"
    items = [("proofs/udl_17_14_to_17_18.py", d, check_derivation(d, instances=50))
             for d in load_file(proof)]
    return {(fmt, lang, style): render(items, fmt, lang, style)
            for fmt in ("tex", "md") for lang in ("en", "ko") for style in ("book", "plain")}


@pytest.mark.parametrize("style", ["book", "plain"])
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("fmt", ["tex", "md"])
def test_the_elbo_s_densities_print_as_the_book_writes_them(elbo_reports, fmt, lang, style):
    report = elbo_reports[(fmt, lang, style)]
    bar = "|" if style == "book" else r" \mid "
    expected = [
        rf"Pr(x,z{bar}\phi)",  # the joint, 17.14
        rf"\frac{{Pr(x,z{bar}\phi)}}{{q(z{bar}\theta)}}",  # a ratio of densities, one fraction
        rf"\bigl[q(z{bar}\theta)||Pr(z)\bigr]" if style == "book"  # the KL to the prior, 17.18
        else rf"\left(q(z{bar}\theta) \,\Vert\, Pr(z)\right)",
        r"\operatorname{ELBO}[\theta,\phi]" if style == "book"
        else r"\operatorname{ELBO}{\left(\theta, \phi\right)}"]
    if fmt == "md":  # as the Markdown writer spells TeX (no |, no \,)
        expected = [portable_math(e.replace("||", r"\Vert ")) for e in expected]
    for fragment in expected:
        assert fragment in report
    assert re.search(r"Pr\(z(\||\\vert |\\mid )\)", report) is None  # no bar before nothing
    assert r"\left( x" not in report and "Tuple" not in report
    conclusion = {"en": "Conclusion", "ko": "결론"}[lang]
    proved = {"en": "proved (assuming 17.16b)", "ko": "증명됨 (가정: 17.16b)"}[lang]
    (line,) = [row for row in report.split("\n") if conclusion in row and r"\geq" in row]
    assert line.endswith(proved)
