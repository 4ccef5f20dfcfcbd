"""Snapshots of the 5.27-5.31 report: a change to the output is seen and approved in review.

Update them with DERIVE_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_report_snapshots.py,
then read the diff of tests/snapshots/ before committing it.
"""

import pytest
from test_report_fixtures import check_snapshot, udl_items, wrong_items

from derive.report import render


@pytest.fixture(scope="module")
def udl():
    return udl_items()


@pytest.mark.parametrize("fmt", ["tex", "md"])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_udl_report_snapshot(udl, fmt, lang):
    check_snapshot(f"udl_5_27_to_5_31.{lang}.{fmt}", render(udl, fmt, lang))


def test_udl_plain_style_snapshot(udl):
    check_snapshot("udl_5_27_to_5_31.plain.tex", render(udl, "tex", "en", "plain"))


def test_wrong_steps_snapshot():
    check_snapshot("wrong_steps.en.md", render(wrong_items(), "md", "en"))


def test_tags_on_the_last_line_of_each_book_equation(udl):
    tex = render(udl, "tex")
    assert [t for t in ("5.27", "5.28", "5.29", "5.30", "5.31")
            if tex.count(f"~({t})}}") == 1] == ["5.27", "5.28", "5.29", "5.30", "5.31"]
    chain = tex.split(r"\subsection*{The chain}")[2].split(r"\end{align}")[0]
    rows = [row for row in chain.split("\n") if row.startswith(" &") and r"\phantom" not in row]
    # 5.29a, 5.30a, 5.30b carry no number: the book numbers the block on its last line.
    assert [r"~(" in row for row in rows] == [False, True, False, False, True, True]
    # each line's rules sit beside it, in its own tag: never a row of their own
    assert all(r"\tag*{\hint{[" in row for row in rows)


def test_definitions_and_assumptions_are_not_shown_as_proved_equalities(udl):
    tex = render(udl, "tex")
    assert tex.count(r"\overset{\mathrm{def}}{=}") == 3  # 5.28, 5.30a, 5.31
    assert "apply definition 5.28 (an assumption)" in tex
    assert "the parameters as a model's output (an assumption)" in tex


def test_refuted_and_unproven_steps_stand_out():
    tex = render(wrong_items(), "tex")
    assert r"\mathrel{\color{refuted}\overset{\times}{=}}" in tex
    assert r"\mathrel{\color{unproven}\overset{?}{=}}" in tex
    assert r"\textcolor{refuted}{\textbf{REFUTED}}" in tex
    assert r"\textbf{Instance}" in tex and r"-{}-only w1 -{}-seed" in tex
    md = render(wrong_items(), "md")
    assert "**✗ Step w1**: refuted" in md and "- **Replay**: `derive check " in md
    assert "**? Step u1**: unproven: checked on 200 random instances; not enough to verify it" in md
    assert "verified" not in md.split("| u1 |")[1].split("\n")[0]


def test_a_relation_the_report_does_not_know_is_an_error_not_an_equals(udl, monkeypatch):
    from derive.report import ReportError, content

    monkeypatch.setattr(content, "_RELATION_SYMBOLS", {":=": "="})
    with pytest.raises(ReportError, match="do not know the relation '='"):
        render(udl, "tex")
