"""The Markdown writer: a report for a Jekyll blog (kramdown), for GitHub and for CommonMark.

Front matter (title, tags, lang), then for each derivation its chain in one
``$$\\begin{aligned}...\\end{aligned}$$`` block, each line with its rules beside it, then the
evidence: a compact table (step, verdict, rules) that fits a 700 px blog column, and under it
a list per step (rules and their statements, side conditions, symbolic and numeric results,
counterexample, replay).

The math form, chosen to survive every renderer a blog post meets: all math, inline or
displayed, is written ``$$...$$``. kramdown (Jekyll's default, with or without its GFM
parser) reads ``$$...$$`` inside a paragraph or a table cell as inline math and keeps it
verbatim; a ``$$`` block alone as display math. GFM and CommonMark renderers that know no
math read it as text, so the TeX is written with nothing Markdown acts on
(``derive.report.text.portable_math``: ``\\cr`` for ``\\\\``, ``\\thinspace`` for ``\\,``,
``\\vert`` for ``|``, subscripts that cannot open emphasis), and MathJax 3 or KaTeX finds it
intact in the HTML. Only what MathJax and KaTeX know is used: no ``\\tag`` (MathJax refuses
it inside ``aligned``), no ``\\mbox{\\bf ...}`` (the printer's ``mathjax`` target), and
``\\text{}`` holds only plain words. No code span holds a ``|``. Everything users wrote is
escaped for Markdown, HTML and Liquid.
"""

from __future__ import annotations

import re

from derive.report.content import ChainLine, Conclusion, Evidence, Report, Rich, Section
from derive.report.text import escape_markdown, escape_yaml, portable_math

__all__ = ["render_markdown"]

_MARK = {"refuted": r"\times", "unproven": "?"}
_COLOUR = {"refuted": "red", "unproven": "orange"}
_HOLDS = {True: "✓", False: "✗", None: "?"}
_STATE = {"verified": "✓", "refuted": "✗", "unproven": "?"}
# What MathJax's \text{} shows as it is: letters (any script), digits, spaces, punctuation
# that is neither TeX's nor Markdown's. Anything else in a user's rule name becomes a space.
_NOT_PLAIN = re.compile(r"[^\w\s.,;:()'+=/\[\]-]|_")


def _plain_text(text: str) -> str:
    return " ".join(_NOT_PLAIN.sub(" ", text).split())


def math(latex: str) -> str:
    return f"$${portable_math(latex)}$$"


def code(value: str) -> str:
    """A code span that shows ``value``: no backquote closes it, no pipe splits a table
    (a pipe is shown as the look-alike ∣), no Liquid tag runs."""
    value = value.replace("`", "'").replace("|", "∣")
    while "{{" in value or "{%" in value:
        value = value.replace("{{", "{\u200b{").replace("{%", "{\u200b%")
    return f"`{value}`"


def rich(segments: Rich) -> str:
    out = []
    for kind, value in segments:
        if kind == "math":
            out.append(math(value))
        elif kind == "code":
            out.append(code(value))
        else:
            out.append(escape_markdown(value))
    return "".join(out)


def _relation(line: ChainLine) -> str:
    """The relation, with a mark over it: def (an assumption), a cross (refuted), ?."""
    if line.state in _MARK:
        marked = rf"\overset{{{_MARK[line.state]}}}{{{line.relation}}}"
        return rf"\mathrel{{\color{{{_COLOUR[line.state]}}}{marked}}}"
    if line.assumed:
        return rf"\overset{{\mathrm{{def}}}}{{{line.relation}}}"
    return line.relation


def _row(line: ChainLine, words: dict, chain: bool) -> str:
    """``lhs &= rhs \\quad (5.30) && \\text{[5.30b] rules}``: the rules beside their line,
    in the row's last column."""
    relation, rhs = _relation(line), line.rhs
    hint = _plain_text(f"[{line.label}] {line.hint}")
    if line.assumed:
        hint += " " + _plain_text(f"({words['assumed']})")
    if line.state in _MARK:
        rhs = rf"{{\color{{{_COLOUR[line.state]}}}{rhs}}}"
        hint = _plain_text(words["mark_" + line.state]) + " " + hint
    tag = rf"\quad ({_plain_text(line.tag)})" if line.tag else ""
    beside = rf" &&\qquad \text{{{hint}}}" if line.hint else ""
    first, lhs = "", line.lhs
    if chain and line.lhs and not line.named:  # a row of its own, as in the LaTeX writer
        first, lhs = rf" &\mathrel{{\phantom{{=}}}} {line.lhs} \\" + "\n", ""
    return first + rf"{lhs} &{relation} {rhs}{tag}{beside}"


def _display(lines: list[ChainLine], words: dict, chain: bool) -> str:
    rows = " \\\\\n".join(_row(line, words, chain) for line in lines)
    body = "\n".join(portable_math(row) for row in
                     f"\\begin{{aligned}}\n{rows}\n\\end{{aligned}}".split("\n"))
    return f"$$\n{body}\n$$\n"


def _conclusion(conclusion: Conclusion, words: dict) -> str:
    """``**Conclusion**: $$first \\leq last$$: proved``; a chain not proved has its
    relation marked, as in the chain, and its verdict in bold."""
    line = conclusion.line
    statement = math(f"{line.lhs} {_relation(line)} {line.rhs}")
    verdict = rich(conclusion.verdict)
    if line.state != "verified":
        verdict = f"**{_STATE[line.state]} {verdict}**"
    return f"**{escape_markdown(words['conclusion'])}**: {statement}: {verdict}\n"


def _evidence_table(evidence: list[Evidence], words: dict) -> str:
    heads = [words[k] for k in ("step", "verdict", "rule")]
    lines = ["| " + " | ".join(escape_markdown(h) for h in heads) + " |",
             "|" + "---|" * len(heads)]
    for e in evidence:
        verdict = f"{_STATE[e.state]} {escape_markdown(words[e.state_word])}"
        if e.state != "verified":
            verdict = f"**{verdict}**"
        rules = ", ".join(escape_markdown(name) for name, _ in e.rules)
        lines.append(f"| {escape_markdown(e.label)} | {verdict} | {rules} |")
    return "\n".join(lines) + "\n"


def _details(e: Evidence, words: dict) -> str:
    """One step's evidence as a list: short lines that wrap in a narrow column."""
    heading = f"{_STATE[e.state]} {escape_markdown(words['step'])} {escape_markdown(e.label)}"
    out = [f"**{heading}**: {escape_markdown(e.verdict)}\n"]
    items = [f"- **{escape_markdown(words['rule'])}**: "
             + "; ".join(f"{escape_markdown(name)}: {rich(statement)}"
                         for name, statement in e.rules)]
    if e.conditions:
        items.append(f"- **{escape_markdown(words['conditions'])}**:")
        items += [f"  - {_HOLDS[c.holds]} {rich(c.statement)}: {rich(c.how)}"
                  for c in e.conditions]
    if e.left_out:
        items.append(f"- {rich(e.left_out)}")
    items.append(f"- **{escape_markdown(words['symbolic'])}**: {rich(e.symbolic)}")
    items.append(f"- **{escape_markdown(words['numeric'])}**: {rich(e.numeric)}")
    if e.note:
        items.append(f"- **{escape_markdown(words['note'])}**: {rich(e.note)}")
    ce = e.counterexample
    if ce is not None:
        items.append(f"- **{escape_markdown(words['instance'])}**: "
                     + "; ".join(f"{code(k)} = {code(v)}" for k, v in ce.instance))
        items.append(f"- **{escape_markdown(words['values'])}**: "
                     + "; ".join(f"{code(k)} = {code(v)}" for k, v in ce.values))
        items.append(f"- {rich(ce.detail)}")
    if e.replay:
        items.append(f"- **{escape_markdown(words['replay'])}**: {code(e.replay)}")
    return "".join(out) + "\n" + "\n".join(items) + "\n"


def _section(s: Section, words: dict, heading: str) -> str:
    out = [f"{heading} {escape_markdown(s.title)}\n"] if heading else []
    facts = []
    if s.source:
        facts.append(f"**{escape_markdown(words['source'])}**: {escape_markdown(s.source)}")
    facts.append(f"**{escape_markdown(words['derivation'])}**: {code(s.name)} "
                 f"({escape_markdown(words['file'])} {code(s.file)})")
    facts.append(escape_markdown(s.summary))
    out.append("  \n".join(facts) + "\n")
    sub = "#" * (len(heading) + 1) if heading else "##"
    if s.definitions:
        out.append(f"{sub} {escape_markdown(words['definitions'])}\n")
        out.append(_display(s.definitions, words, chain=False))
    if s.chain:
        out.append(f"{sub} {escape_markdown(words['chain'])}\n")
        out.append(_display(s.chain, words, chain=len(s.chain) > 1))
    if s.conclusion is not None:
        out.append(_conclusion(s.conclusion, words))
    out.append(f"{sub} {escape_markdown(words['evidence'])}\n")
    out.append(_evidence_table(s.evidence, words))
    out.extend(_details(e, words) for e in s.evidence)
    return "\n".join(out)


def render_markdown(report: Report) -> str:
    """The report as Markdown with Jekyll front matter (the title is the post's title: a
    single derivation's section needs no heading of its own)."""
    words = report.lang.words
    front = (f"---\ntitle: {escape_yaml(report.title)}\ntags: [derive, derivation]\n"
             f"lang: {report.lang.code}\n---\n")
    heading = "##" if len(report.sections) > 1 else ""
    body = "\n".join(_section(s, words, heading) for s in report.sections)
    return f"{front}\n{body}\n{escape_markdown(report.footer)}\n"
