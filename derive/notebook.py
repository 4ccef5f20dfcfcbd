"""Checked derivations in Jupyter: the chain with a mark per step, and the verdicts.

    from derive.notebook import check
    check(nll)            # in a notebook cell: the chain as the book prints it, each line
                          # marked ✓ (VERIFIED), ✗ (REFUTED) or ? (UNPROVEN), then a table

``check`` returns a ``CheckedDerivations``: a list of the steps' ``StepResult`` (so it can be
used as ``derive.check``'s list is), that IPython displays through ``_repr_latex_`` (the
chain, for LaTeX front ends and nbconvert) and ``_repr_html_`` (the chain for MathJax, and a
table of the verdicts and what each rests on). The chain is the reports' (``derive.report``):
the book's notation, as the author wrote it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from derive.checker import DEFAULT_INSTANCES, DEFAULT_SEED, StepResult, check_derivation
from derive.derivation import Derivation

__all__ = ["CheckedDerivations", "check"]

_MARK = {"verified": r"\color{green}{\checkmark}", "refuted": r"\color{red}{\times}",
         "unproven": r"\color{orange}{?}"}
_HTML_MARK = {"verified": ("✓", "green"), "refuted": ("✗", "red"), "unproven": ("?", "orange")}


class CheckedDerivations(list[StepResult]):
    """The results of checking derivations, in order, and how a notebook shows them."""

    def _sections(self):
        from derive.report.content import build_report
        from derive.report.language import EN

        items, by_derivation = [], {}
        for result in self:
            by_derivation.setdefault(id(result.derivation), []).append(result)
        for results in by_derivation.values():
            derivation = results[0].derivation
            file = derivation.location.file if derivation.location else ""
            items.append((file, derivation, results))
        return build_report(items, EN, "book", "mathjax").sections

    def _chain(self, section) -> str:
        rows = []
        for line in section.definitions + section.chain:
            relation = (rf"\overset{{\mathrm{{def}}}}{{{line.relation}}}" if line.assumed
                        else line.relation)
            mark = _MARK[line.state] if line.hint else ""
            hint = "".join(c for c in f"[{line.label}] {line.hint}" if c not in "\\{}$&%#_^~")
            beside = rf" && {mark}\ \text{{{hint}}}" if line.hint else ""
            rows.append(rf"{line.lhs} &{relation} {line.rhs}{beside}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return "\n".join(f"$$\n{self._chain(s)}\n$$" for s in self._sections())

    def _repr_html_(self) -> str:
        out = []
        for section in self._sections():
            rows = "".join(
                f"<tr><td>{html.escape(e.label)}</td>"
                f"<td style='color:{_HTML_MARK[e.state][1]}'>{_HTML_MARK[e.state][0]} "
                f"{html.escape(e.verdict)}</td>"
                f"<td>{html.escape(', '.join(name for name, _ in e.rules))}</td></tr>"
                for e in section.evidence)
            out.append(f"<div class='derive'><p><b>{html.escape(section.title)}</b>: "
                       f"{html.escape(section.summary)}</p>\n"
                       f"$$\n{html.escape(self._chain(section))}\n$$\n"
                       f"<table><tr><th>step</th><th>verdict</th><th>rule</th></tr>{rows}"
                       f"</table></div>")
        return "\n".join(out)


def check(derivations: Derivation | Iterable[Derivation], seed: int = DEFAULT_SEED,
          instances: int = DEFAULT_INSTANCES) -> CheckedDerivations:
    """Check every step of one derivation (or several), to show in a notebook."""
    if isinstance(derivations, Derivation):
        derivations = [derivations]
    return CheckedDerivations(r for d in derivations
                              for r in check_derivation(d, seed, instances))
