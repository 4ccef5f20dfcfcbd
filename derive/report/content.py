"""What a report says, before it is written as LaTeX or Markdown: the chain line by line and
the evidence of each step, in one language and one notation.

Writers only lay this out. Words come from the language tables, mathematics from the
printer; what users wrote (titles, sources, notes, names) is kept as text segments, which
every writer escapes. Mathematics is LaTeX from the printer, whose names are escaped there.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp

from derive import __version__
from derive.checker import StepResult
from derive.derivation import Definition, Derivation, Step
from derive.identities import identities
from derive.kernel import ConditionResult, Numeric, Relation, Status, Symbolic
from derive.report.language import Language, Segment, translate
from derive.report.printer import parameters, to_latex

__all__ = ["ChainLine", "ConditionRow", "Counterexample", "Evidence", "Report", "Section",
           "Segment", "build_report"]

Rich = list[Segment]  # ("text", words) | ("math", LaTeX math) | ("code", as the checker wrote it)


@dataclass
class ChainLine:
    """One line of a display: ``lhs relation rhs`` (lhs empty: continues the line above)."""

    label: str
    lhs: str
    relation: str  # the relation's symbol, as LaTeX math
    assumed: bool  # a definition or modelling assumption (:=), not a claim
    rhs: str
    state: str  # "verified", "refuted", "unproven"
    hint: str  # the rule names, in words of the tables (or a user rule's own name)
    tag: str | None = None  # the book's equation number, on the last line of its block


@dataclass
class ConditionRow:
    holds: bool | None
    statement: Rich
    how: Rich


@dataclass
class Counterexample:
    instance: list[tuple[str, str]]
    values: list[tuple[str, str]]  # both sides' values (or objectives') at the instance
    detail: Rich
    replay: str


@dataclass
class Evidence:
    label: str
    state: str
    verdict: str  # in words: the outcome, with what it rests on
    rules: list[tuple[str, Rich]]  # (name, statement)
    conditions: list[ConditionRow]
    symbolic: Rich
    numeric: Rich
    note: str = ""
    counterexample: Counterexample | None = None


@dataclass
class Section:
    name: str
    title: str
    source: str
    file: str
    summary: str
    definitions: list[ChainLine] = field(default_factory=list)
    chain: list[ChainLine] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Report:
    title: str
    lang: Language
    sections: list[Section]
    footer: str


def _state(result: StepResult) -> str:
    return {Status.VERIFIED: "verified", Status.REFUTED: "refuted",
            Status.UNPROVEN: "unproven"}[result.verdict.status]


# How each relation is printed; one the report does not know is an error, never an "=".
_RELATION_SYMBOLS = {"=": "=", ":=": "=", "<=": r"\leq", ">=": r"\geq"}


def _relation_symbol(step: Step) -> str:
    symbol = _RELATION_SYMBOLS.get(step.relation.value)
    if symbol is None:
        from derive.report.pdf import ReportError

        raise ReportError(f"step {step.label}: reports do not know the relation "
                          f"{step.relation.value!r} yet; add it to _RELATION_SYMBOLS in "
                          f"derive/report/content.py")
    return symbol


def _error(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.1e}".split("e")
    return rf"{mantissa}\times 10^{{{int(exponent)}}}"


class _Builder:
    def __init__(self, derivation: Derivation, results: Sequence[StepResult], file: str,
                 lang: Language, style: str, target: str):
        self.derivation, self.results, self.file = derivation, results, file
        self.lang, self.words, self.style, self.target = lang, lang.words, style, target
        expressions: list[sp.Basic] = [derivation.first]
        for entry in derivation.entries:
            expressions += [entry.after] if isinstance(entry, Step) else [entry.lhs, entry.rhs]
        self.bold = parameters(expressions)

    def math(self, expr: sp.Basic) -> str:
        return to_latex(expr, self.style, self.target, self.bold)

    def message(self, message) -> Rich:
        segments, _ = translate(message, self.lang)
        return [("math", self.math(value)) if kind == "expr" else (kind, value)
                for kind, value in segments]

    # -- the chain ------------------------------------------------------------------------

    def section(self) -> Section:
        d, w = self.derivation, self.words
        counts = {s: sum(r.verdict.status is s for r in self.results) for s in Status}
        summary = w["summary"].format(steps=len(self.results), verified=counts[Status.VERIFIED],
                                      refuted=counts[Status.REFUTED],
                                      unproven=counts[Status.UNPROVEN])
        section = Section(d.name, d.title or d.name, d.source, self.file, summary)
        steps = [r for r in self.results if isinstance(r.entry, Step)]
        for r in self.results:
            if isinstance(r.entry, Definition):
                section.definitions.append(ChainLine(
                    r.label, self.math(r.entry.lhs), "=", True, self.math(r.entry.rhs),
                    _state(r), w["definition"], r.entry.equation))
        for k, r in enumerate(steps):
            step: Step = r.entry
            last_of_block = k + 1 == len(steps) or steps[k + 1].entry.equation != step.equation
            lhs = self.math(step.before) if k == 0 else ""
            section.chain.append(ChainLine(step.label, lhs, _relation_symbol(step),
                                           step.relation is Relation.DEFINE,
                                           self.math(step.after),
                                           _state(r), self.hint(r),
                                           step.equation if last_of_block else None))
        section.evidence = [self.evidence(r) for r in self.results]
        return section

    def rule_name(self, rule) -> str:
        if rule.name in self.lang.rules:
            return self.lang.rules[rule.name].name
        family = rule.name.split("(", 1)[0]
        if family in ("substitute", "fold"):
            return self.words[family].format(label=rule.name[len(family) + 1:-1])
        if family == "reparametrise":
            return self.words["reparametrise"]
        return rule.name

    def hint(self, r: StepResult) -> str:
        return ", ".join(self.rule_name(rule) for rule in r.entry.rules)

    # -- the evidence -----------------------------------------------------------------------

    def rules(self, r: StepResult) -> list[tuple[str, Rich]]:
        if isinstance(r.entry, Definition):
            statement = rf"{self.math(r.entry.lhs)} := {self.math(r.entry.rhs)}"
            return [(self.words["definition"], [("math", statement), ("text", ": "),
                                                ("text", self.words["assumption"])])]
        out = []
        for rule in r.entry.rules:
            out.append((self.rule_name(rule), self.rule_statement(rule, r)))
        return out

    def rule_statement(self, rule, r: StepResult) -> Rich:
        identity = identities().get(rule.name)
        if identity is not None and identity.rule is rule:
            # An identity is an equation of SymPy expressions: print it in the book's notation.
            return [("math", f"{to_latex(identity.lhs, self.style, self.target)} = "
                             f"{to_latex(identity.rhs, self.style, self.target)}")]
        known = self.lang.rules.get(rule.name)
        if known is not None and rule.origin == "built in":
            return [("math", known.statement or rule.statement)]
        family = rule.name.split("(", 1)[0]
        if family == "substitute":
            label = rule.name[len(family) + 1:-1]
            for entry in self.derivation.entries:
                if isinstance(entry, Definition) and entry.label == label:
                    return [("math", rf"{self.math(entry.lhs)} := {self.math(entry.rhs)}"),
                            ("text", ": "), ("text", self.words["assumption"])]
        if family == "reparametrise" and r.verdict.symbolic.substitution:
            pairs = [rf"{self.math(old)} := {self.math(new)}"
                     for old, new in r.verdict.symbolic.substitution]
            return [("math", ", ".join(pairs)), ("text", ": "),
                    ("text", self.words["assumption"])]
        # A rule from outside the library: its statement is user-written, shown as written.
        return [("code", rule.statement)]

    def condition(self, c: ConditionResult) -> ConditionRow:
        cond = c.condition
        if cond.kind == "positive":
            statement: Rich = [("math", rf"{self.math(cond.subject[0])} > 0")]
        elif cond.kind == "nonzero":
            statement = [("math", rf"{self.math(cond.subject[0])} \neq 0")]
        elif cond.kind == "equal":
            statement = [("math", rf"{self.math(cond.subject[0])} = {self.math(cond.subject[1])}")]
        elif cond.kind == "free_of":
            e, variables = cond.subject
            names = ", ".join(self.math(v) for v in variables)
            statement = _fill_words(self.words["free_of"], expr=("math", self.math(e)),
                                    variables=("math", names))
        else:
            statement = self.message(cond.statement)
        return ConditionRow(c.holds, statement, self.message(c.how))

    def evidence(self, r: StepResult) -> Evidence:
        v, w = r.verdict, self.words
        symbolic: Rich = [("text", w[v.symbolic.status.value])]
        if v.symbolic.status is not Symbolic.PROVED:
            symbolic += [("text", ": ")] + self.message(v.symbolic.detail)
        n = v.numeric
        numeric: Rich = [("text", w[n.status.value] + ": ")]
        if n.status is Numeric.PASSED:
            numeric += _fill_words(w["numeric_passed"], instances=("text", str(n.instances)),
                                   error=("math", _error(n.max_error)),
                                   seed=("text", str(n.seed)))
            numeric += [("text", "; ")] + self.message(n.detail)
        elif n.status is Numeric.COUNTEREXAMPLE:
            numeric += _fill_words(w["numeric_counterexample"],
                                   instances=("text", str(n.instances)),
                                   seed=("text", str(n.seed)))
            numeric += [("text", "; ")] + self.message(n.detail)
        else:
            numeric += self.message(n.detail)
        counterexample = None
        if n.counterexample:
            ce = n.counterexample
            counterexample = Counterexample(
                _pairs(ce.get("instance", {})), _pairs(ce.get("values", {})),
                self.message(str(ce.get("detail", ""))),
                f"derive check {self.file} --only {r.label} --seed {ce.get('seed', n.seed)}")
        return Evidence(r.label, _state(r), self.verdict(r), self.rules(r),
                        [self.condition(c) for c in v.symbolic.conditions], symbolic, numeric,
                        r.entry.note, counterexample)

    def verdict(self, r: StepResult) -> str:
        w, v = self.words, r.verdict
        status = w[v.status.value]
        if r.entry.expect == "refuted":
            return w["refuted_as_expected"] if r.expected else w["expected_refuted"].format(
                status=status)
        rests = []
        if v.symbolic.status is Symbolic.PROVED:
            rests.append(w["rests_proved"])
        if v.numeric.status is Numeric.PASSED:
            rests.append(w["rests_numeric"].format(instances=v.numeric.instances))
        if v.status is Status.REFUTED:
            return status
        if v.status is Status.UNPROVEN and rests:
            return f"{status}: {w['rests_join'].join(rests)}; {w['not_enough']}"
        return f"{status}: {w['rests_join'].join(rests) or w['rests_neither']}"


def _pairs(mapping: dict) -> list[tuple[str, str]]:
    return [(str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in mapping.items()]


def _fill_words(template: str, **holes: Segment) -> Rich:
    out: Rich = []
    rest = template
    while rest:
        starts = [(rest.find("{" + name + "}"), name) for name in holes
                  if "{" + name + "}" in rest]
        if not starts:
            out.append(("text", rest))
            break
        at, name = min(starts)
        if at:
            out.append(("text", rest[:at]))
        out.append(holes[name])
        rest = rest[at + len(name) + 2:]
    return out


def build_report(items: Sequence[tuple[Path | str, Derivation, Sequence[StepResult]]],
                 lang: Language, style: str = "book", target: str = "tex",
                 seed: int | None = None) -> Report:
    """The report of checked derivations: ``items`` are (file, derivation, its results)."""
    sections = [_Builder(d, results, str(path), lang, style, target).section()
                for path, d, results in items]
    titles = [d.title or d.name for _, d, _ in items]
    title = titles[0] if len(titles) == 1 else lang.words["report_title"]
    numerics = [r.verdict.numeric for _, _, rs in items for r in rs]
    seed = seed if seed is not None else next((n.seed for n in numerics if n.seed is not None),
                                              None)
    footer = lang.words["seed_line"].format(version=__version__, seed=seed)
    return Report(title, lang, sections, footer)
