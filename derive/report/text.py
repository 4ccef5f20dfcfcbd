"""Escaping user-written text for TeX, Markdown (GitHub and Jekyll) and YAML front matter.

Titles, sources, notes, rule names and messages are written by users (or carry their
expressions' names): each is escaped where it lands, so that no text can inject TeX
(``\\input{...}``, ``\\write18``, an unbalanced brace), Markdown, HTML or Liquid.
"""

from __future__ import annotations

import json
import re

__all__ = ["escape_markdown", "escape_tex", "escape_yaml", "markdown_math", "one_line"]

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


def escape_tex(text: str) -> str:
    """``text`` as TeX that typesets exactly those characters, and does nothing else."""
    return _TEX_PATTERN.sub(lambda m: _TEX[m.group()], one_line(text))


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
