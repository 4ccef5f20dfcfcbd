"""The LaTeX writer: a standalone amsmath document of a report.

Each derivation: its title and source, its definitions (assumptions) in a display, then the
chain as one ``align`` display, a line per step as the book's ``eqnarray`` prints it, with
its rules beside it in small grey type as a margin note (``\tag*``, so amsmath sets it on
the line's own row when it fits and flush right just under it when it does not, never
where it could be read as the next line's), followed by the book's equation number on the
last line of its block (the book tags 5.29 once, on the second of its two lines). Then the
evidence of each step in a table. A refuted line is red with a cross over its relation, an
unproven one orange with a question mark, a definition or modelling assumption is marked
``def`` over its relation: none reads as a proved equality.

Packages: amsmath, amssymb, xcolor, colortbl, geometry, tabularx, booktabs, graphicx (all
in Debian's texlive-latex-base and texlive-latex-recommended); Korean adds fontspec under
LuaLaTeX.
"""

from __future__ import annotations

import re

from derive.report.content import ChainLine, Conclusion, Evidence, Report, Rich, Section
from derive.report.language import KO
from derive.report.text import escape_tex

__all__ = ["render_tex", "tex_engine"]

_PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[margin=2cm]{geometry}
%(language)s\usepackage{amsmath,amssymb}
\usepackage{xcolor,colortbl}
\usepackage{graphicx}
\usepackage{tabularx,booktabs}
\definecolor{refuted}{rgb}{0.78,0,0}
\definecolor{unproven}{rgb}{0.8,0.42,0}
\definecolor{hint}{gray}{0.35}
%% A formula wider than its table column is scaled down to fit, not cut off.
\newcommand{\fitmath}[1]{\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{$#1$}}
\newcommand{\hint}[1]{\parbox[t]{0.3\linewidth}{\raggedleft\footnotesize\color{hint}#1}}
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
"""

_MARK = {"refuted": r"\times", "unproven": "?"}
_HOLDS = {True: r"$\checkmark$", False: r"\textcolor{refuted}{$\times$}",
          None: r"\textcolor{unproven}{?}"}


def rich(segments: Rich) -> str:
    """Text and math segments as TeX: text escaped, code in typewriter type, escaped."""
    out = []
    for kind, value in segments:
        if kind == "math":
            out.append(f"${value}$")
        elif kind == "code":
            out.append(rf"\texttt{{{escape_tex(value, code=True)}}}")
        else:
            out.append(escape_tex(value))
    return "".join(out)


def _relation(line: ChainLine) -> str:
    """The relation, with a mark over it: def (an assumption), a cross (refuted), ?."""
    if line.state in _MARK:
        marked = rf"\overset{{{_MARK[line.state]}}}{{{line.relation}}}"
        return rf"\mathrel{{\color{{{line.state}}}{marked}}}"
    if line.assumed:
        return rf"\overset{{\mathrm{{def}}}}{{{line.relation}}}"
    return line.relation


def _row(line: ChainLine, words: dict, chain: bool) -> str:
    r"""The line as the book prints it (``lhs &= rhs``), its rules beside it and the
    equation number after them, in one ``\tag*``. In a chain of several steps the first
    expression has a row of its own (unless the author named it: ``\hat\theta = ...``), so
    that a wide one cannot push the lines after it off the page."""
    rhs = line.rhs if line.state not in _MARK else rf"{{\color{{{line.state}}}{line.rhs}}}"
    hint = escape_tex(f"[{line.label}] {line.hint}")
    if line.assumed:
        hint += escape_tex(f" ({words['assumed']})")
    if line.state in _MARK:
        mark = escape_tex(words["mark_" + line.state])
        hint = rf"\textcolor{{{line.state}}}{{\textbf{{{mark}}}}} " + hint
    number = rf"~({escape_tex(line.tag)})" if line.tag else ""
    tag = rf"\tag*{{\hint{{{hint}}}{number}}}" if line.hint else (
        rf"\tag*{{{number}}}" if number else r"\notag")
    first = ""
    lhs = line.lhs
    if chain and line.lhs and not line.named:
        first, lhs = rf" &\mathrel{{\phantom{{=}}}} {line.lhs} \notag \\" + "\n", ""
    return first + rf"{lhs} &{_relation(line)} {rhs} {tag}"


def _display(lines: list[ChainLine], words: dict, chain: bool) -> str:
    rows = " \\\\\n".join(_row(line, words, chain) for line in lines)
    return f"\\begin{{align}}\n{rows}\n\\end{{align}}\n"


def _conclusion(conclusion: Conclusion, words: dict) -> str:
    """``Conclusion: first \\leq last: proved``, the formula scaled down to the line if it
    is wider; a chain not proved has its relation marked, as in the chain, and its verdict
    in colour."""
    line = conclusion.line
    verdict = rich(conclusion.verdict)
    if line.state != "verified":
        mark = r"$\times$" if line.state == "refuted" else "?"
        verdict = rf"\textcolor{{{line.state}}}{{{mark}~{verdict}}}"
    statement = rf"\fitmath{{{line.lhs} {_relation(line)} {line.rhs}}}"
    return rf"\textbf{{{escape_tex(words['conclusion'])}}}: {statement}: {verdict}" + "\n"


def _evidence(e: Evidence, words: dict) -> str:
    colour = {"refuted": "refuted", "unproven": "unproven"}.get(e.state)
    heading = escape_tex(f"{words['step']} {e.label}: {e.verdict}")
    if colour:
        mark = r"$\times$" if e.state == "refuted" else "?"
        heading = rf"\textcolor{{{colour}}}{{{mark}~{heading}}}"
    rows = []
    for name, statement in e.rules:
        rows.append((words["rule"], rf"{escape_tex(name)}: {_fit(statement)}"))
    conditions = [rf"{_HOLDS[c.holds]}~{_fit(c.statement)} --- {rich(c.how)}"
                  for c in e.conditions]
    if e.left_out:
        conditions.append(rich(e.left_out))
    rows.append((words["conditions"], r" \newline ".join(conditions)
                 or escape_tex(words["no_conditions"])))
    rows.append((words["symbolic"], rich(e.symbolic)))
    rows.append((words["numeric"], rich(e.numeric)))
    if e.note:
        rows.append((words["note"], rich(e.note)))
    if e.counterexample:
        ce = e.counterexample
        instance = "; ".join(rf"\texttt{{{escape_tex(k)}}} = \texttt{{{escape_tex(v)}}}"
                             for k, v in ce.instance)
        values = "; ".join(rf"\texttt{{{escape_tex(k)}}} = \texttt{{{escape_tex(v)}}}"
                           for k, v in ce.values)
        rows += [(words["instance"], instance), (words["values"], values)]
    if e.replay:
        rows.append((words["replay"], rf"\texttt{{{escape_tex(e.replay, code=True)}}}"))
    body = "\n".join(rf"\textbf{{{escape_tex(k)}}} & {v} \\" for k, v in rows)
    rule_colour = rf"\arrayrulecolor{{{colour}}}" if colour else ""
    return (f"\\subsubsection*{{{heading}}}\n{{\\small{rule_colour}\n"
            f"\\begin{{tabularx}}{{\\linewidth}}{{@{{}}p{{0.17\\linewidth}}X@{{}}}}\n"
            f"\\toprule\n{body}\n\\bottomrule\n\\end{{tabularx}}}}\n")


def _fit(segments: Rich) -> str:
    """Like ``rich``, but a formula is scaled down to its column if it is wider."""
    return "".join(rf"\fitmath{{{v}}}" if k == "math" else rich([(k, v)]) for k, v in segments)


def _section(s: Section, words: dict) -> str:
    out = [f"\\section*{{{escape_tex(s.title)}}}\n"]
    facts = []
    if s.source:
        facts.append(rf"\textbf{{{escape_tex(words['source'])}}}: {escape_tex(s.source)}")
    facts.append(rf"\textbf{{{escape_tex(words['derivation'])}}}: \texttt{{{escape_tex(s.name)}}}"
                 rf" ({escape_tex(words['file'])} \texttt{{{escape_tex(s.file)}}})")
    facts.append(escape_tex(s.summary))
    out.append(" \\\\\n".join(facts) + "\n")
    if s.definitions:
        out.append(f"\\subsection*{{{escape_tex(words['definitions'])}}}\n")
        out.append(_display(s.definitions, words, chain=False))
    if s.chain:
        out.append(f"\\subsection*{{{escape_tex(words['chain'])}}}\n")
        out.append(_display(s.chain, words, chain=len(s.chain) > 1))
    if s.conclusion is not None:
        out.append(_conclusion(s.conclusion, words))
    out.append(f"\\subsection*{{{escape_tex(words['evidence'])}}}\n")
    out.extend(_evidence(e, words) for e in s.evidence)
    return "\n".join(out)


# Hangul and CJK: pdfLaTeX has no fonts for them, LuaLaTeX with a Nanum font has.
_WIDE_SCRIPT = re.compile("[\u1100-\u11ff\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_HOW = re.compile(r"% Written by derive; compile with: latexmk (-\w+) ")


def render_tex(report: Report) -> str:
    """The report as a standalone LaTeX document. Its first line says how to compile it:
    with the engine of its language, or LuaLaTeX whenever a user's text (a title, a note)
    is in Korean or another script pdfLaTeX cannot set."""
    words = report.lang.words
    heading = ""
    if len(report.sections) > 1:  # one derivation's title is its section's heading
        heading = f"\\begin{{center}}\\LARGE {escape_tex(report.title)}\\end{{center}}\n"
    body = "\n".join(_section(s, words) for s in report.sections)
    body = (f"\\begin{{document}}\n{heading}{body}\n\\vfill\n"
            f"{{\\footnotesize {escape_tex(report.footer)}}}\n\\end{{document}}\n")
    setup = KO if _WIDE_SCRIPT.search(body) else report.lang
    how = f"% Written by derive; compile with: latexmk {setup.engine} FILE.tex\n"
    return how + _PREAMBLE % {"language": setup.latex_preamble} + body


def tex_engine(tex: str) -> str:
    """latexmk's engine option for a document ``render_tex`` wrote (from its first line)."""
    match = _HOW.match(tex)
    return match.group(1) if match else "-pdf"
