"""The Markdown writer: a report for a Jekyll blog and for GitHub, which both render ``$$``.

Front matter (title, tags, lang), then for each derivation its chain in one
``$$\\begin{aligned}...\\end{aligned}$$`` block, each line with its rules in ``\\text{}`` under it
and the book's equation number, and the evidence as a Markdown table. Only what MathJax
and GitHub know is used: no ``\\tag`` (MathJax refuses it inside ``aligned``), no
``\\mbox{\\bf ...}`` (the printer's ``mathjax`` target), and ``\\text{}`` holds only plain
words. Everything users wrote is escaped for Markdown, HTML and Liquid.
"""

from __future__ import annotations

import re

from derive.report.content import ChainLine, Evidence, Report, Rich, Section
from derive.report.text import escape_markdown, escape_yaml, markdown_math

__all__ = ["render_markdown"]

_MARK = {"refuted": r"\times", "unproven": "?"}
_COLOUR = {"refuted": "red", "unproven": "orange"}
_HOLDS = {True: "✓", False: "✗", None: "?"}
_STATE = {"verified": "✓", "refuted": "✗", "unproven": "?"}
# What MathJax's \text{} shows as it is: letters (any script), digits, spaces, punctuation
# that is not TeX's. Anything else in a user's rule name becomes a space.
_NOT_PLAIN = re.compile(r"[^\w\s.,;:()'+=/\[\]-]")


def _plain_text(text: str) -> str:
    return " ".join(_NOT_PLAIN.sub(" ", text).split())


def _code(value: str, in_table: bool) -> str:
    value = value.replace("`", "'")
    while "{{" in value or "{%" in value:
        value = value.replace("{{", "{\u200b{").replace("{%", "{\u200b%")
    if in_table:
        value = value.replace("|", r"\|")
    return f"`{value}`"


def rich(segments: Rich, in_table: bool = False) -> str:
    out = []
    for kind, value in segments:
        if kind == "math":
            math = markdown_math(value)
            out.append("$" + (math.replace("|", r"\|") if in_table else math) + "$")
        elif kind == "code":
            out.append(_code(value, in_table))
        else:
            out.append(escape_markdown(value))
    return "".join(out)


def _row(line: ChainLine, words: dict, chain: bool) -> str:
    relation = rf"\overset{{\mathrm{{def}}}}{{{line.relation}}}" if line.assumed else line.relation
    rhs = line.rhs
    hint = _plain_text(f"[{line.label}] {line.hint}")
    if line.assumed:
        hint += " " + _plain_text(f"({words['assumed']})")
    if line.state in _MARK:
        colour = _COLOUR[line.state]
        marked = rf"\overset{{{_MARK[line.state]}}}{{{line.relation}}}"
        relation = rf"\mathrel{{\color{{{colour}}}{marked}}}"
        rhs = rf"{{\color{{{colour}}}{rhs}}}"
        hint = _plain_text(words["mark_" + line.state]) + " " + hint
    tag = rf"\quad ({_plain_text(line.tag)})" if line.tag else ""
    first, lhs = "", line.lhs
    if chain and line.lhs:  # a row of its own, as in the LaTeX writer
        first, lhs = rf" &\mathrel{{\phantom{{=}}}} {line.lhs} \\" + "\n", ""
    return markdown_math(first + rf"{lhs} &{relation} {rhs}{tag} \\" + "\n"
                         rf" &\qquad \text{{{hint}}}")


def _display(lines: list[ChainLine], words: dict, chain: bool) -> str:
    rows = " \\\\\n".join(_row(line, words, chain) for line in lines)
    return f"$$\n\\begin{{aligned}}\n{rows}\n\\end{{aligned}}\n$$\n"


def _evidence_table(evidence: list[Evidence], words: dict) -> str:
    heads = [words[k] for k in ("step", "verdict", "rule", "conditions", "symbolic", "numeric")]
    lines = ["| " + " | ".join(escape_markdown(h) for h in heads) + " |",
             "|" + "---|" * len(heads)]
    for e in evidence:
        rules = "<br>".join(f"{escape_markdown(name)}: {rich(statement, True)}"
                            for name, statement in e.rules)
        conditions = "<br>".join(
            f"{_HOLDS[c.holds]} {rich(c.statement, True)}: {rich(c.how, True)}"
            for c in e.conditions) or escape_markdown(words["no_conditions"])
        verdict = f"{_STATE[e.state]} {escape_markdown(e.verdict)}"
        if e.state != "verified":
            verdict = f"**{verdict}**"
        cells = [escape_markdown(e.label), verdict, rules, conditions,
                 rich(e.symbolic, True), rich(e.numeric, True)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _counterexample(e: Evidence, words: dict) -> str:
    ce = e.counterexample
    heading = escape_markdown(words["counterexample_heading"].format(label=e.label))
    items = [f"- {escape_markdown(words['instance'])}: "
             + "; ".join(f"{_code(k, False)} = {_code(v, False)}" for k, v in ce.instance),
             f"- {escape_markdown(words['values'])}: "
             + "; ".join(f"{_code(k, False)} = {_code(v, False)}" for k, v in ce.values),
             f"- {rich(ce.detail)}",
             f"- {escape_markdown(words['replay'])}: {_code(ce.replay, False)}"]
    return f"#### ✗ {heading}\n\n" + "\n".join(items) + "\n"


def _section(s: Section, words: dict) -> str:
    out = [f"## {escape_markdown(s.title)}\n"]
    facts = []
    if s.source:
        facts.append(f"**{escape_markdown(words['source'])}**: {escape_markdown(s.source)}")
    facts.append(f"**{escape_markdown(words['derivation'])}**: {_code(s.name, False)} "
                 f"({escape_markdown(words['file'])} {_code(s.file, False)})")
    facts.append(escape_markdown(s.summary))
    out.append("  \n".join(facts) + "\n")
    if s.definitions:
        out.append(f"### {escape_markdown(words['definitions'])}\n")
        out.append(_display(s.definitions, words, chain=False))
    if s.chain:
        out.append(f"### {escape_markdown(words['chain'])}\n")
        out.append(_display(s.chain, words, chain=len(s.chain) > 1))
    out.append(f"### {escape_markdown(words['evidence'])}\n")
    out.append(_evidence_table(s.evidence, words))
    out.extend(_counterexample(e, words) for e in s.evidence if e.counterexample)
    notes = [e for e in s.evidence if e.note]
    if notes:
        out.append("\n".join(f"- **{escape_markdown(e.label)}** "
                             f"({escape_markdown(words['note'])}): {escape_markdown(e.note)}"
                             for e in notes) + "\n")
    return "\n".join(out)


def render_markdown(report: Report) -> str:
    """The report as Markdown with Jekyll front matter."""
    words = report.lang.words
    front = (f"---\ntitle: {escape_yaml(report.title)}\ntags: [derive, derivation]\n"
             f"lang: {report.lang.code}\n---\n")
    body = "\n".join(_section(s, words) for s in report.sections)
    return f"{front}\n{body}\n{escape_markdown(report.footer)}\n"
