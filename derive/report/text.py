"""Escaping user-written text for TeX, Markdown (GitHub and Jekyll) and YAML front matter.

Titles, sources, notes, rule names and messages are written by users (or carry their
expressions' names): each is escaped where it lands, so that no text can inject TeX
(``\\input{...}``, ``\\write18``, an unbalanced brace), Markdown, HTML or Liquid.
"""

from __future__ import annotations

import json
import re

__all__ = ["escape_markdown", "escape_tex", "escape_yaml", "markdown_math", "one_line",
           "portable_math"]

_TEX = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
    # Symbols of the checker's messages that pdfLaTeX's text fonts lack.
    "→": r"\ensuremath{\to}", "±": r"\ensuremath{\pm}", "×": r"\ensuremath{\times}",
    "∞": r"\ensuremath{\infty}", "≠": r"\ensuremath{\neq}", "≤": r"\ensuremath{\leq}",
    "≥": r"\ensuremath{\geq}", "✓": r"\ensuremath{\checkmark}", "✗": r"\ensuremath{\times}",
}
_TEX_PATTERN = re.compile("[" + re.escape("".join(_TEX)) + "]")
# Control characters (TeX's ^^ notation, form feeds) have no business in a report.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def one_line(text: str) -> str:
    """``text`` on one line (every run of white space one space), without control
    characters."""
    return re.sub(r"\s+", " ", _CONTROL.sub("", str(text)))


def escape_tex(text: str, code: bool = False) -> str:
    """``text`` as TeX that typesets exactly those characters, and does nothing else. Two
    hyphens stay two (T1 fonts set ``--`` as an en-dash: ``--only`` copied from a PDF would
    not run). ``code``: for typewriter type, where ``'`` must stay a straight quote too (a
    shell command's quoting)."""
    escaped = re.sub(r"-(?=-)", "-{}", _TEX_PATTERN.sub(lambda m: _TEX[m.group()],
                                                         one_line(text)))
    return escaped.replace("'", r"\textquotesingle{}") if code else escaped


# Backslash-escaped: what starts emphasis, code, links, tables, headings, strike-through and
# math. Round brackets need nothing once square ones are escaped (no link can form).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|$~])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LIQUID = {"{": "&#123;", "}": "&#125;"}


def escape_markdown(text: str) -> str:
    """``text`` as Markdown (GFM and kramdown) that shows those characters: Markdown's
    specials and ``$`` (math) backslash-escaped, HTML and Liquid's braces as entities."""
    text = "".join(_HTML.get(c, c) for c in one_line(text))
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return "".join(_LIQUID.get(c, c) for c in text)


def escape_yaml(text: str) -> str:
    """``text`` as a YAML double-quoted scalar (JSON strings are valid YAML), with Liquid's
    braces as escapes so Jekyll does not evaluate them either."""
    return json.dumps(one_line(text), ensure_ascii=False).replace("{", "\\x7B").replace(
        "}", "\\x7D")


def markdown_math(latex: str) -> str:
    """LaTeX math made safe inside a Jekyll page: Liquid reads ``{{`` and ``{%`` even in
    math, so they are spaced apart (the same to TeX)."""
    while "{{" in latex or "{%" in latex:
        latex = latex.replace("{{", "{ {").replace("{%", "{ %")
    return latex


# Math in a report's Markdown is written between $$ and $$: kramdown (Jekyll) keeps what is
# inside verbatim, but GFM and CommonMark renderers without math support (and GitHub's
# table parser) read it as Markdown. So the TeX is written with nothing Markdown acts on:
# no backslash before punctuation (CommonMark drops it: \, becomes ","), no | (a table
# cell ends there, in kramdown too), no * or ~, no < or > (HTML), and no _ that could open
# emphasis (one after a letter or digit never can). Each replacement means the same to
# MathJax 3, KaTeX and LaTeX.
_PUNCTUATION_COMMANDS = {
    "\\\\": r"\cr ", r"\,": r"\thinspace ", r"\:": r"\medspace ", r"\>": r"\medspace ",
    r"\;": r"\thickspace ", r"\!": r"\negthinspace ", r"\{": r"\lbrace ",
    r"\}": r"\rbrace ", r"\|": r"\Vert ", "|": r"\vert ", "*": r"\ast ", "~": r"\ ",
    "<": r"\lt ", ">": r"\gt ",
}
_PUNCTUATION = re.compile(r"\\[\\,:>;!{}|]|(?<!\\operatorname)\*|[|~<>]")
_ARGUMENT_OF = re.compile(r"\\(mathbf|mathrm|mathit|boldsymbol|mathsf|mathcal)"
                          r"\{(\\[A-Za-z]+|[A-Za-z0-9])\}$")


def _group_start(latex: str, close: int) -> int:
    """The index of the ``{`` that the ``}`` at ``close`` closes (-1 if none)."""
    depth = 0
    for k in range(close, -1, -1):
        if latex[k] == "}" and (k == 0 or latex[k - 1] != "\\"):
            depth += 1
        elif latex[k] == "{" and (k == 0 or latex[k - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return k
    return -1


def _inert_subscripts(latex: str) -> str:
    r"""Every ``_`` after a letter or a digit, where CommonMark can never read it as
    emphasis: ``\mathop{..}_`` takes ``\limits``, ``\mathbf{x}_`` becomes ``\mathbf x_``,
    and anything else gets an empty kern to attach to."""
    out = latex
    k = 0
    while True:
        k = out.find("_", k)
        if k < 0:
            return out
        before = out[k - 1] if k else " "
        if before.isalnum() and before.isascii():
            k += 1
            continue
        if before == "}":
            start = _group_start(out, k - 1)
            head = out[:start]
            if head.endswith(r"\mathop") or head.endswith(r"\operatorname*"):
                out = out[:k] + r"\limits" + out[k:]
                continue
            argument = _ARGUMENT_OF.search(out[:k])
            if argument is not None:
                plain = f"\\{argument.group(1)} {argument.group(2)}"
                out = out[:argument.start()] + plain + out[k:]
                k = argument.start() + len(plain)
                continue
        out = out[:k] + r"\kern0mu" + out[k:]


def portable_math(latex: str) -> str:
    """LaTeX math that kramdown, GFM and CommonMark all leave intact between ``$$`` and
    ``$$`` (see above), and that Liquid leaves alone."""
    latex = _PUNCTUATION.sub(lambda m: _PUNCTUATION_COMMANDS[m.group()], one_line(latex))
    # a command written before a letter must stay a command: \lt x, never \ltx
    return markdown_math(_inert_subscripts(re.sub(r"  +", " ", latex)))
