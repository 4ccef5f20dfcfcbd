"""User-written text cannot inject TeX, Markdown, HTML or Liquid into a report."""

import re

import pytest
import sympy as sp
from test_report_fixtures import tex_tools

from derive import Derivation, density
from derive.checker import check_derivation
from derive.kernel import Algebra
from derive.report import render, write_report
from derive.report.text import escape_markdown, escape_tex, escape_yaml
from derive.rules import Rule

HOSTILE = [
    r"\input{/etc/passwd}",
    r"\immediate\write18{touch /tmp/derive-pwned}",
    r"unbalanced { brace",
    r"closing } brace \end{document}",
    r"$x$ & # % ^ _ ~ \\ \newline",
    "{% include evil.html %} {{ site.secret }} <script>alert(1)</script>",
    "*emph* _under_ [link](http://x) `code` | pipe ![img](y)",
    "^^5cinput{x} \x0c form feed \x00 nul",
]


def _hostile_derivation(text: str) -> Derivation:
    x = sp.Symbol(r"x\input{a}", real=True)
    g = density(r"g}\write18{b}")

    def propose(before, target, context):
        return [Algebra(target)]

    rule = Rule(text, text, (text,), propose, summary=text, origin="user",
                needs_target=True)
    d = Derivation("hostile", g(x) * 2, title=text, source=text)
    d.eq(2 * g(x), by=rule, label="h1", note=text)
    return d


def _unescaped_braces(tex: str) -> int:
    """The brace balance of TeX source, not counting escaped braces \\{ and \\}."""
    depth = 0
    for m in re.finditer(r"\\.|[{}]", tex, re.S):
        if m.group() == "{":
            depth += 1
        elif m.group() == "}":
            depth -= 1
    return depth


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_tex_leaves_no_command_and_balanced_braces(text):
    out = escape_tex(text)
    assert not re.search(r"\\(input|write|immediate|end|newline|include)", out)
    assert _unescaped_braces(out) == 0
    assert not re.search(r"(?<!\\)[$&#%^_~]", out.replace(r"\textasciicircum{}", "")
                         .replace(r"\textasciitilde{}", ""))
    assert "\x00" not in out and "\x0c" not in out


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_markdown_and_yaml(text):
    out = escape_markdown(text)
    assert "<script" not in out and "{%" not in out and "{{" not in out
    assert not re.search(r"(?<!\\)[`*_\[\]|$]", out)
    yaml = escape_yaml(text)
    assert yaml.startswith('"') and yaml.endswith('"') and "{" not in yaml and "\n" not in yaml


@pytest.fixture(scope="module")
def hostile_items():
    return [("proofs/hostile.py", d, check_derivation(d, instances=20))
            for d in (_hostile_derivation(t) for t in HOSTILE)]


def test_tex_report_of_hostile_text_injects_nothing(hostile_items):
    tex = render(hostile_items, "tex")
    body = tex.split(r"\begin{document}")[1]
    assert not re.search(r"\\(input|write18|immediate|include)\b", body)
    assert body.count(r"\end{document}") == 1
    assert _unescaped_braces(tex) == 0
    assert r"\textbackslash{}input\{/etc/passwd\}" in body  # shown, as text


def test_markdown_report_of_hostile_text_injects_nothing(hostile_items):
    md = render(hostile_items, "md")
    front, body = md.split("---\n")[1], md.split("---\n", 2)[2]
    assert front.count("\n") == 3  # title, tags, lang: nothing broke out of the title
    outside_code = re.sub(r"`[^`]*`", "", md)  # Markdown shows code spans as they are
    assert "<script" not in outside_code
    assert "{%" not in md and "{{" not in md
    assert "$x$" not in re.sub(r"`[^`]*`", "", body)
    assert r"\textbackslash" not in md  # MathJax would not know it: names are plain there


@tex_tools("latexmk", "pdflatex")
def test_hostile_report_compiles_without_running_anything(hostile_items, tmp_path):
    out = tmp_path / "hostile.pdf"
    write_report(hostile_items, out)
    assert out.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "derive-pwned").exists()
