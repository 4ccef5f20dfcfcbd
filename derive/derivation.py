"""Derivations written calc-style: the first line once, then a step per line, each ``by`` a rule.

    d = Derivation("kl_to_nll", ArgMin(KL(q(y), Pr(y, theta), y), theta),
                   title="...", source="UDL (Prince), section 5.7")
    d.eq(ArgMin(..., theta), by=[kl_definition, log_of_product, integral_linearity],
         label="5.29a")
    d.let(q(y), Sum(Delta(y - Y[i]), (i, 1, I)) / I, label="5.28")   # a definition
    d.define(..., by=substitute(empirical), label="5.30a")           # relation :=

Each step remembers the file and line that wrote it, so that errors and test failures point
there. ``expect="refuted"`` marks a wrong twin: it passes only while it is refuted.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy as sp

from derive.expressions import as_expression
from derive.kernel import (
    CertificateError,
    DeriveError,
    Independent,
    Relation,
    compose,
    defined_function,
    unfold,
)
from derive.rules.base import Rule, resolve_rules

__all__ = ["Definition", "Derivation", "Step", "Location"]


EXPECTATIONS = ("verified", "refuted")


@dataclass(frozen=True)
class Location:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def _caller_location(depth: int = 2) -> Location:
    frame = sys._getframe(depth)
    return Location(frame.f_code.co_filename, frame.f_lineno)


@dataclass(frozen=True)
class Step:
    """One line of a chain: ``before`` (the line above) ``relation`` ``after``, by ``rules``."""

    label: str
    before: sp.Expr
    after: sp.Expr
    relation: Relation
    rules: tuple[Rule, ...]
    hypotheses: tuple = ()
    note: str = ""
    expect: str = "verified"
    location: Location | None = None
    candidate: bool = False  # a link a reader inferred (derive.latex): a step only if proved
    rests_on_text: str = ""  # what else in the text it rests on (derive.latex): never refuted
    # The definitions (lhs, rhs) declared before this step: the only ones it may apply.
    definitions: tuple = ()

    @property
    def rule_names(self) -> str:
        return ", ".join(r.name for r in self.rules)

    @property
    def equation(self) -> str:
        """The book's equation number: the label without a trailing line letter (5.30b -> 5.30)."""
        label = self.label
        return label[:-1] if len(label) > 1 and label[-1].isalpha() and label[-2].isdigit() else label


@dataclass(frozen=True)
class Definition:
    """``lhs := rhs``: a definition (5.28: the empirical distribution). Not a claim: it is
    shown as an assumption, and checked to be well formed (and, for a density, to be one)."""

    label: str
    lhs: sp.Expr
    rhs: sp.Expr
    hypotheses: tuple = ()
    note: str = ""
    expect: str = "verified"
    location: Location | None = None

    relation = Relation.DEFINE
    rule_names = "definition"

    @property
    def equation(self) -> str:
        return self.label

    def as_function(self) -> tuple[sp.core.function.UndefinedFunction, sp.Lambda]:
        """``q(y) := rhs`` as the function it defines: (q, Lambda(y, rhs))."""
        if not isinstance(self.lhs, sp.core.function.AppliedUndef) or not all(
                isinstance(a, sp.Symbol) for a in self.lhs.args):
            raise DeriveError(f"definition {self.label}: the left side {self.lhs} must be a "
                              f"function applied to symbols, like q(y)")
        return self.lhs.func, sp.Lambda(self.lhs.args, self.rhs)


Entry = Step | Definition


def _rules(by, where: str) -> tuple[Rule, ...]:
    """The rules ``by`` names (they propose; the kernel judges what they propose)."""
    if by is None or (isinstance(by, Sequence) and not isinstance(by, str) and not by):
        raise DeriveError(f"{where}: the step has no rule; say which rule justifies it "
                          f"with by=... (`derive rules` lists them)")
    return resolve_rules(by, where)


@dataclass
class Derivation:
    """A chain of equations from ``first``; build it with ``eq``, ``define`` and ``let``."""

    name: str
    first: sp.Expr
    title: str = ""
    source: str = ""
    label: str = ""  # the label of the first line, if it has one
    entries: list[Entry] = field(default_factory=list)
    location: Location | None = None

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("_", "").replace("-", "").isalnum():
            raise DeriveError(f"derivation name {self.name!r} must be a non-empty identifier "
                              f"(letters, digits, _ and -): it names test items")
        self.first = as_expression(self.first, f"derivation {self.name}, first line")
        if self.location is None:
            self.location = _caller_location(3)

    # -- building -------------------------------------------------------------------------

    @property
    def last(self) -> sp.Expr:
        for entry in reversed(self.entries):
            if isinstance(entry, Step):
                return entry.after
        return self.first

    @property
    def steps(self) -> list[Step]:
        return [e for e in self.entries if isinstance(e, Step)]

    def _add(self, entry: Entry) -> Derivation:
        self._refuse_malformed(entry)
        self.entries.append(entry)
        return self

    def _refuse_malformed(self, entry: Entry) -> None:
        """A label used twice, or an unknown expectation, is refused (labels name test items;
        the expectation says how the outcome is shown: neither changes a verdict)."""
        if any(e.label == entry.label for e in self.entries) or entry.label == self.label:
            raise DeriveError(f"{entry.location}: derivation {self.name}: the label "
                              f"{entry.label!r} is used twice; labels name test items, so "
                              f"give each line its own (5.30a, 5.30b, ...)")
        if entry.expect not in EXPECTATIONS:
            raise DeriveError(f"{entry.location}: derivation {self.name}, step {entry.label}: "
                              f"expect must be one of {EXPECTATIONS}, not {entry.expect!r}")
        if isinstance(entry, Definition):
            self._refuse_redefinition(entry)

    def _refuse_redefinition(self, entry: Definition) -> None:
        """A name defined twice, or in terms of itself through earlier definitions (f := g,
        then g := f + 1), is refused: each is well formed alone, together they prove
        anything."""
        where = f"{entry.location}: derivation {self.name}, definition {entry.label}"
        earlier = [e for e in self.entries if isinstance(e, Definition)]
        try:
            name, body = defined_function(entry.lhs, entry.rhs), entry.rhs
            for e in earlier:
                if defined_function(e.lhs, e.rhs) == name:
                    raise DeriveError(f"{where}: {name} is defined twice (also in {e.label}); "
                                      f"give the second its own name")
            for _ in earlier:  # every earlier definition unfolded, however deep
                for e in earlier:
                    body = unfold(body, e.lhs, e.rhs)[0]
        except CertificateError as e:
            raise DeriveError(f"{where}: {e.args[0]}") from None
        if body.has(name):
            raise DeriveError(f"{where}: {entry.lhs} := {entry.rhs} is circular through the "
                              f"earlier definitions: it unfolds to {body}")

    def _step(self, after, relation: Relation, by, label, hypotheses, note, expect) -> Derivation:
        location = _caller_location(3)
        label = label or f"{len(self.entries) + 1}"
        where = f"{location}: derivation {self.name}, step {label}"
        rules = _rules(by, where)
        after = as_expression(after, where)
        hypotheses = _hypotheses(hypotheses, where)
        if compose(self.conclusion, relation) is None:
            raise DeriveError(f"{where}: a chain that goes {self.conclusion.value} and then "
                              f"{relation.value} shows nothing about its ends; split it into "
                              f"two derivations")
        for definition in (d for rule in rules for d in rule.definitions):
            if (definition.lhs, definition.rhs) not in self.declared():
                try:  # shown, and judged, before the step applying it
                    self._add(definition)
                except DeriveError as e:
                    raise DeriveError(f"{where} cites the definition {definition.label}, "
                                      f"which cannot be declared here: {e}") from None
        return self._add(Step(label, self.last, after, relation, rules, hypotheses,
                              note, expect, location, definitions=self.declared()))

    def declared(self) -> tuple:
        """The definitions (lhs, rhs) declared so far: the only ones a step may apply."""
        return tuple((e.lhs, e.rhs) for e in self.entries if isinstance(e, Definition))

    def eq(self, after, by, label: str | None = None, hypotheses: Sequence = (),
           note: str = "", expect: str = "verified") -> Derivation:
        """``= after``: equal values, or between argmin/argmax, the same optimisers."""
        return self._step(after, Relation.EQUAL, by, label, hypotheses, note, expect)

    def define(self, after, by, label: str | None = None, hypotheses: Sequence = (),
               note: str = "", expect: str = "verified") -> Derivation:
        """``:= after``: a definition or modelling substitution, applied exactly."""
        return self._step(after, Relation.DEFINE, by, label, hypotheses, note, expect)

    def le(self, after, by, label: str | None = None, hypotheses: Sequence = (),
           note: str = "", expect: str = "verified") -> Derivation:
        """``<= after``: the line before is at most ``after``, for every admissible value."""
        return self._step(after, Relation.LE, by, label, hypotheses, note, expect)

    def lt(self, after, by, label: str | None = None, hypotheses: Sequence = (),
           note: str = "", expect: str = "verified") -> Derivation:
        """``< after``."""
        return self._step(after, Relation.LT, by, label, hypotheses, note, expect)

    def ge(self, after, by, label: str | None = None, hypotheses: Sequence = (),
           note: str = "", expect: str = "verified") -> Derivation:
        """``>= after``: the line before is at least ``after``."""
        return self._step(after, Relation.GE, by, label, hypotheses, note, expect)

    def gt(self, after, by, label: str | None = None, hypotheses: Sequence = (),
           note: str = "", expect: str = "verified") -> Derivation:
        """``> after``."""
        return self._step(after, Relation.GT, by, label, hypotheses, note, expect)

    @property
    def conclusion(self) -> Relation:
        """What the chain shows of its first line and its last, as Lean's ``calc``: = then
        <= gives <=, <= then < gives <; definitions (:=) are equalities here."""
        shown = Relation.EQUAL
        for step in self.steps:
            shown = compose(shown, step.relation)
        return shown

    def let(self, lhs, rhs, label: str, hypotheses: Sequence = (), note: str = "",
            expect: str = "verified") -> Definition:
        """Declare ``lhs := rhs`` (``q(y) := ...``, or a symbol ``h := ...``) and return it,
        for ``substitute``: only the steps after it may apply it."""
        location = _caller_location(2)
        where = f"{location}: derivation {self.name}, definition {label}"
        definition = Definition(label, as_expression(lhs, where), as_expression(rhs, where),
                                _hypotheses(hypotheses, where), note, expect, location)
        if not isinstance(definition.lhs, sp.Symbol):
            definition.as_function()
        self._add(definition)
        return definition


def _hypotheses(hypotheses: Sequence, where: str) -> tuple:
    """A step's hypotheses, each a proposition about its symbols (x > 0, sp.Q.positive(x)) or
    a declared independence; True (what x > 0 gives for a number x) or a string is none."""
    for h in hypotheses:
        if not isinstance(h, (sp.logic.boolalg.Boolean, Independent)) or isinstance(
                h, sp.logic.boolalg.BooleanAtom):
            raise DeriveError(f"{where}: the hypothesis {h!r} is not a proposition about the "
                              f"step's symbols: write it with SymPy symbols (x > 0, "
                              f"sp.Q.positive(x)), or Independent(X, Y)")
    return tuple(hypotheses)
