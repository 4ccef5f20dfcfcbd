"""What a report says, before it is written as LaTeX or Markdown: the chain line by line and
the evidence of each step, in one language and one notation.

Writers only lay this out. Words come from the language tables, mathematics from the
printer; what users wrote (titles, sources, notes, names) is kept as text segments, which
every writer escapes. Mathematics is LaTeX from the printer, whose names are escaped there.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp

from derive import __version__
from derive.checker import DEFAULT_INSTANCES, StepResult
from derive.derivation import Definition, Derivation, Step
from derive.explain import replay_commands
from derive.identities import identities
from derive.kernel import ConditionResult, Message, Numeric, Relation, Reparametrise, Status, Symbolic
from derive.loader import is_document
from derive.report.documents import document_title, named_sides
from derive.report.language import Language, Segment, translate
from derive.report.printer import parameters, to_latex

__all__ = ["ChainLine", "Conclusion", "ConditionRow", "Counterexample", "Evidence", "Options", "Report",
           "Section", "Segment", "build_report"]

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
    named: bool = False  # lhs is the author's name for the result (\hat\theta =), not a line


@dataclass
class Conclusion:
    """What the chain shows of its first line and its last (``line``: its relation the
    chain's, its state "verified" only when the chain is proved), and its verdict in words."""

    line: ChainLine
    verdict: Rich


@dataclass
class ConditionRow:
    holds: bool | None
    statement: Rich
    how: Rich
    trivial: bool = False  # holds whatever the step: a number is positive, 0 is free of θ


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
    conditions: list[ConditionRow]  # those shown: trivial ones only with verbose evidence
    symbolic: Rich
    numeric: Rich
    note: Rich = field(default_factory=list)  # the author's note, or how a rule was found
    counterexample: Counterexample | None = None
    state_word: str = "VERIFIED"  # the key of the status's word in the tables
    left_out: Rich = field(default_factory=list)  # says how many trivial ones are left out
    replay: str = ""  # the command that checks this step again, alone (when it is not fine)


@dataclass
class Section:
    name: str
    title: str
    source: str
    file: str
    summary: str
    definitions: list[ChainLine] = field(default_factory=list)
    chain: list[ChainLine] = field(default_factory=list)
    conclusion: Conclusion | None = None
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
# (A bare < or > is safe in Markdown too: the writer spells it \lt, \gt there.)
_RELATION_SYMBOLS = {"=": "=", ":=": "=", "<=": r"\leq", ">=": r"\geq", "<": "<", ">": ">"}


def _relation_symbol(relation: Relation, where: str) -> str:
    symbol = _RELATION_SYMBOLS.get(relation.value)
    if symbol is None:
        from derive.report.pdf import ReportError

        raise ReportError(f"{where}: reports do not know the relation {relation.value!r} "
                          f"yet; add it to _RELATION_SYMBOLS in derive/report/content.py")
    return symbol


def _error(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.1e}".split("e")
    return rf"{mantissa}\times 10^{{{int(exponent)}}}"


@dataclass(frozen=True)
class Options:
    """How a report is written: its title (None: from the derivation or the document),
    whether side conditions that hold trivially are shown, and the settings it was checked
    with (for the replay commands)."""

    title: str | None = None
    verbose_evidence: bool = False
    instances: int = DEFAULT_INSTANCES


class _Builder:
    def __init__(self, derivation: Derivation, results: Sequence[StepResult], file: str,
                 lang: Language, style: str, target: str, options: Options,
                 neighbours: Sequence[Derivation]):
        self.derivation, self.results, self.file = derivation, results, file
        self.lang, self.words, self.style, self.target = lang, lang.words, style, target
        self.options, self.neighbours = options, neighbours
        expressions: list[sp.Basic] = [derivation.first]
        for entry in derivation.entries:
            expressions += [entry.after] if isinstance(entry, Step) else [entry.lhs, entry.rhs]
        self.bold = parameters(expressions)

    def math(self, expr: sp.Basic) -> str:
        return to_latex(expr, self.style, self.target, self.bold)

    def message(self, message: Message | str) -> Rich:
        """A message of the checker in the report's language, by its key
        (``derive.report.messages``), its expressions typeset in the report's notation; a
        plain string (a rule's own words) as written."""
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
        names = named_sides(self.derivation)
        previous_name = names.get(self.derivation.label)
        for k, r in enumerate(steps):
            step: Step = r.entry
            last_of_block = k + 1 == len(steps) or steps[k + 1].entry.equation != step.equation
            lhs = self.math(step.before) if k == 0 else ""
            name = names.get(step.label)
            tag = step.equation if last_of_block and not _LINE_LABEL.match(step.equation) \
                else None
            line = ChainLine(step.label, lhs, _relation_symbol(step.relation,
                                                               f"step {step.label}"),
                             step.relation is Relation.DEFINE, self.math(step.after),
                             _state(r), self.hint(r), tag)
            if k == 0 and previous_name is not None:
                # \hat\theta = argmin[...] as the author wrote it: the name, then the lines
                section.chain.append(ChainLine(self.derivation.label, self.math(previous_name),
                                               "=", False, lhs, "verified", "", None, True))
                line.lhs = ""
            if name is not None and k > 0 and name != previous_name:
                line.lhs, line.named = self.math(name), True  # a new name: \hat\phi = ...
            previous_name = name if name is not None else previous_name
            section.chain.append(line)
        section.conclusion = self.conclusion()
        section.evidence = [self.evidence(r) for r in self.results]
        return section

    def conclusion(self) -> Conclusion | None:
        """The chain's first line, related to its last as the chain shows, and the chain's
        verdict as ``derive check`` gives it (``chain_verdict``: never decided here)."""
        from derive.cli import chain_verdict

        d, w = self.derivation, self.words
        verdict = chain_verdict(d, self.results)
        if verdict is None:
            return None
        symbol = _relation_symbol(verdict.relation, f"the conclusion of {d.name}")
        if verdict.proved:
            state = "verified"
            words: Rich = [("text", w["chain_proved"])]
            if verdict.assumed:
                words = _fill_words(w["chain_proved_assuming"],
                                    labels=("text", ", ".join(verdict.assumed)))
        else:
            refuted = any(status is Status.REFUTED for _, status in verdict.failed)
            state = "refuted" if refuted else "unproven"
            failed = ", ".join(w["chain_failed_step"].format(label=label, status=w[status.value])
                               for label, status in verdict.failed)
            words = [("text", w["chain_unchecked"] if verdict.unchecked
                      else w["chain_not_proved"].format(steps=failed))]
        line = ChainLine("", self.math(d.first), symbol, False, self.math(d.last), state, "")
        return Conclusion(line, words)

    def rule_name(self, rule) -> str:
        if rule.name in self.lang.rules:
            return self.lang.rules[rule.name].name
        if rule.origin == "search":  # a document's step no rule was found for
            return self.words["no_rule_found"]
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
        if family in ("substitute", "fold"):
            # the definition applied (fold: read backwards, naming its body), wherever in
            # the file it was declared
            label = rule.name[len(family) + 1:-1]
            for d in (self.derivation, *self.neighbours):
                for entry in d.entries:
                    if isinstance(entry, Definition) and entry.label == label:
                        lhs, rhs = self.math(entry.lhs), self.math(entry.rhs)
                        statement = rf"{lhs} := {rhs}" if family == "substitute" \
                            else rf"{rhs} =: {lhs}"
                        return [("math", statement), ("text", ": "),
                                ("text", self.words["assumption"])]
        reparametrised = [c for c, _ in r.verdict.symbolic.trace if isinstance(c, Reparametrise)]
        if family == "reparametrise" and reparametrised:
            pairs = [rf"{self.math(c.old)} := {self.math(c.new)}" for c in reparametrised]
            return [("math", ", ".join(pairs)), ("text", ": "),
                    ("text", self.words["assumption"])]
        # A rule from outside the library: its statement is user-written, shown as written.
        return [("code", rule.statement)]

    def condition(self, c: ConditionResult) -> ConditionRow:
        row = self._condition(c)
        row.trivial = c.holds is True and _trivially_true(c)
        return row

    def _condition(self, c: ConditionResult) -> ConditionRow:
        cond = c.condition
        if cond.kind in _SIGNS:
            statement: Rich = [("math", rf"{self.math(cond.subject[0])} {_SIGNS[cond.kind]}")]
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
            numeric += _fill_words(w["numeric_counterexample"], seed=("text", str(n.seed)))
            numeric += [("text", "; ")] + self.message(n.detail)
        else:
            numeric += self.message(n.detail)
        seed = (n.counterexample or {}).get("seed", n.seed)
        replay = replay_commands(self.file, self.derivation, r.entry, seed,
                                 self.options.instances, self.neighbours)[0]
        counterexample = None
        if n.counterexample:
            ce = n.counterexample
            counterexample = Counterexample(
                _pairs(ce.get("instance", {})), _pairs(ce.get("values", {})),
                self.message(ce.get("detail", "")), replay)
        rows = [self.condition(c) for c in v.symbolic.conditions]
        shown = [row for row in rows if self.options.verbose_evidence or not row.trivial]
        fine = r.expected and v.status is Status.VERIFIED
        return Evidence(r.label, _state(r), self.verdict(r), self.rules(r), shown, symbolic,
                        numeric, self.note(r.entry.note), counterexample, v.status.value,
                        self.left_out(len(rows) - len(shown)), "" if fine else replay)

    def note(self, note: Message | str) -> Rich:
        """The step's note: derive's own (how a document's rule was found) in the report's
        language, an author's as written. Of a document's note only how the rule was found
        is kept: what was read is in the chain, typeset."""
        if not isinstance(note, Message):
            return [("text", note.strip())] if note.strip() else []
        if note.key in _READ_NOTES:
            how = dict(note.args).get("how", ())
            parts = how if isinstance(how, tuple) else (how,)
        else:
            parts = (note,)
        out: Rich = []
        for n, part in enumerate(parts):
            out += ([("text", "; ")] if n else []) + translate(part, self.lang)[0]
        # rule names as code; counts and line numbers are words here, not mathematics
        return [("math", self.math(v)) if k == "expr" else ("text", v) if k == "math"
                else (k, v) for k, v in out]

    def left_out(self, count: int) -> Rich:
        if not count:
            return []
        return _fill_words(self.words["trivial_left_out"], count=("text", str(count)),
                           option=("code", "--verbose-evidence"))

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


# A document's notes that begin with what was read ("read: <the expression>; <how its rule
# was found>", "read: <a definition>"): the report shows the reading typeset in the chain.
_READ_NOTES = ("document.read", "document.read_definition")


# derive's own labels for a document's unnumbered displays (L48: the display on line 48)
# name steps in the evidence, but are no equation numbers of the author's.
_LINE_LABEL = re.compile(r"L\d+'*\Z")


def _plain_number(e: object) -> bool:
    """A number written out (1, -1, 1/2, sqrt(2)/2, pi): not a definite integral or sum,
    which has no free symbols either but is what a condition is about (∫ q log q dy is
    free of θ is the point of dropping it)."""
    return (isinstance(e, sp.Basic) and e.is_number is True
            and not e.has(sp.Integral, sp.Sum, sp.Product, sp.Derivative, sp.Limit)
            and not any(isinstance(f, sp.core.function.AppliedUndef)
                        for f in sp.preorder_traversal(e)))


# The side conditions about the sign or kind of one expression, as math.
_SIGNS = {"positive": "> 0", "nonnegative": r"\geq 0", "nonzero": r"\neq 0"}


def _trivially_true(c: ConditionResult) -> bool:
    """A side condition that holds whatever the step says: about numbers only (1 > 0, the
    exponent -1 is real), 0 free of θ, an expression equal to itself."""
    cond = c.condition
    if cond.kind in ("positive", "nonnegative", "nonzero", "real", "integer", "finite",
                     "free_of"):
        return bool(cond.subject) and _plain_number(cond.subject[0])
    if cond.kind == "equal":
        return len(cond.subject) == 2 and cond.subject[0] == cond.subject[1]
    statement = cond.statement
    if isinstance(statement, Message):
        values = [value for _, value in statement.args]
        return bool(values) and all(isinstance(v, (int, float)) or _plain_number(v)
                                    for v in values)
    return False


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
                 seed: int | None = None, options: Options | None = None) -> Report:
    """The report of checked derivations: ``items`` are (file, derivation, its results)."""
    options = options or Options()
    in_file: dict[str, list[Derivation]] = {}
    for path, d, _ in items:
        in_file.setdefault(str(path), []).append(d)
    sections = [_Builder(d, results, str(path), lang, style, target, options,
                         in_file[str(path)]).section()
                for path, d, results in items]
    title = options.title or _title(items, lang)
    numerics = [r.verdict.numeric for _, _, rs in items for r in rs]
    seed = seed if seed is not None else next((n.seed for n in numerics if n.seed is not None),
                                              None)
    footer = lang.words["seed_line"].format(version=__version__, seed=seed)
    return Report(title, lang, sections, footer)


def _title(items: Sequence[tuple[Path | str, Derivation, Sequence[StepResult]]],
           lang: Language) -> str:
    """The title of the derivation, of the document (its front matter's title, or its
    first heading) when everything comes from one document, else a generic one."""
    files = {str(path) for path, _, _ in items}
    if len(files) == 1:
        (file,) = files
        if is_document(file):
            found = document_title(Path(file))
            if found:
                return found
    titles = [d.title or d.name for _, d, _ in items]
    return titles[0] if len(titles) == 1 else lang.words["report_title"]
