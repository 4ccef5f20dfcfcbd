"""From the displays of a document to derive.Derivation objects, one per chain of equations.

What is a chain (documented in derive.latex): ``lhs = a = b = c`` with a named left side
(``\\hat\\theta``, ``L[\\phi]``) is the chain a -> b -> c; with any other left side
(``D_KL[q||p] = ...``) the chain starts at the left side. A display whose named left side is
the left side of the chain just before it continues that chain (the book's 5.29 -> 5.30);
one whose optimum has a new name and a new optimisation variable continues it when the new
objective is the old one with the old variable replaced (5.30 -> 5.31, a modelling
substitution). A two-sided equation with a named left side is a definition: ``q(y) = ...``
is offered to later steps as a substitution, and is otherwise skipped and counted; so is a
named row ``h_1 = f_1[x, phi_1]``. Inside a chain, ``f[x, phi] = phi_0 + phi_1 x`` defines
f, ``L[phi] = a = b`` defines L as a, and ``argmin[F] = argmin[L[phi]]`` names F. Each is an
assumption, applied with relation := and shown so, never a proved equality. Definitions are
in scope until the end of their chapter.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.derivation import Definition, Derivation, Location
from derive.kernel import DeriveError, Relation
from derive.latex.document import Display, Equation
from derive.latex.reader import Chain, LatexError, resolve_kl_variable
from derive.notation import AppliedDensity, OptimisationSet
from derive.rules import search
from derive.rules.base import Rule, UnknownRule, lookup
from derive.rules.substitution import substitute

__all__ = ["DocumentReport", "ReadEquation", "build_derivations"]


@dataclass
class ReadEquation:
    display: Display
    equation: Equation
    chain: Chain


@dataclass
class DocumentReport:
    """What was found in a document, for the summary line and the measurements."""

    path: str
    displays: int = 0
    read: int = 0
    unread: list[LatexError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why each skipped equation was skipped
    definitions: int = 0
    chains: int = 0
    steps: int = 0
    searched: dict[str, str] = field(default_factory=dict)  # step label -> rules found
    # (derivation, label) -> the name the author gave the line (\hat\theta in
    # \hat\theta = argmin[...]), for reports that print the lines as written; the label of
    # the derivation's first line for a name before it
    names: dict[tuple[str, str], sp.Expr] = field(default_factory=dict)

    def summary(self) -> str:
        return (f"{self.path}: {self.displays} displays, {self.read} read, "
                f"{len(self.unread)} unread; {self.chains} chains with {self.steps} steps, "
                f"{self.definitions} definitions, {len(self.skipped)} equations skipped "
                f"(no derivation)")


def _is_name(e: sp.Expr) -> bool:
    """A left side that names the result rather than being part of the chain."""
    if isinstance(e, (sp.Symbol, sp.Indexed)):
        return True
    if isinstance(e, sp.Pow) and isinstance(e.base, sp.Symbol) and e.exp.is_Integer:
        return True  # sigma^2 = ...: names a variance
    if isinstance(e, sp.Function) and e.args and all(isinstance(a, sp.Symbol) for a in e.args):
        return True  # sig[z] = 1/(1 + exp[-z]): a known function, stated
    return isinstance(e, AppliedUndef)


def _is_optimum_name(e: sp.Expr) -> bool:
    return isinstance(e, sp.Symbol) and e.name.endswith("hat")


def _integration_variable(exprs) -> sp.Symbol:
    found = {lim[0] for e in exprs for node in sp.preorder_traversal(e)
             if isinstance(node, sp.Integral) for lim in node.limits}
    return found.pop() if len(found) == 1 else sp.Symbol("z", real=True)


def _definition(lhs: sp.Expr, rhs: sp.Expr, label: str, location: Location) -> Definition | None:
    """``q(y) = ...`` defines q. ``Pr(y|mu,sigma^2) = ...`` defines Pr as a function of the
    variance v = sigma^2: the right side is rewritten with sigma = sqrt(v), exact because
    sigma is positive (the substitution is refused where that is not known)."""
    if not isinstance(lhs, AppliedUndef):
        return None
    arguments, body = [], rhs
    for a in lhs.args:
        if isinstance(a, sp.Symbol):
            arguments.append(a)
        elif (isinstance(a, sp.Pow) and isinstance(a.base, sp.Symbol) and a.exp.is_Integer
              and a.exp > 0 and a.base.is_positive):
            power = sp.Symbol(f"{a.base.name}{a.exp}", positive=True)
            arguments.append(power)
            body = body.subs(a.base, power ** sp.Rational(1, int(a.exp)))
        else:
            return None
    if len(set(arguments)) != len(arguments):
        return None
    definition = Definition(label, lhs.func(*arguments), body, location=location)
    try:
        definition.as_function()
    except DeriveError:
        return None
    return definition


_RULE_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bthen\b)\s*")
_FILLER = re.compile(r"^(by|using|from|via|with)\s+(the\s+)?", re.I)


def _named_rules(text: str, definitions: dict[str, Definition], where: str) -> tuple[Rule, ...]:
    """The rules an author named: ``kl_definition, log_of_product``, ``by linearity``,
    ``substitute 5.28``. A name that matches no rule is an error naming the close ones."""
    rules = []
    text = text.replace("\\_", "_")  # \text{by kl\_definition}: TeX escapes its underscores
    for part in filter(None, _RULE_SPLIT.split(text.strip().strip("()."))):
        name = _FILLER.sub("", part.strip())
        sub = re.match(r"(?:substitute|definition|def\.?)\s*\(?\s*([\w.:]+)\)?$", name, re.I)
        if sub:
            if sub.group(1) not in definitions:
                raise UnknownRule(f"{where}: no definition labelled {sub.group(1)!r} before "
                                  f"this step (known: {', '.join(definitions) or 'none'})")
            rules.append(substitute(definitions[sub.group(1)]))
            continue
        candidates = [name, name.replace(" ", "_"), name.lower(), name.lower().replace(" ", "_")]
        for candidate in candidates:
            try:
                rules.append(lookup(candidate))
                break
            except UnknownRule:
                continue
        else:
            try:
                lookup(name)
            except UnknownRule as e:
                raise UnknownRule(f"{where}: the justification {text!r}: {e}") from None
    return tuple(rules)


class _Builder:
    """Takes the equations of a document in order and grows its derivations: the chain being
    continued, the definitions in scope (this chapter's), and the report's counts."""

    def __init__(self, path: str, report: DocumentReport, search_budget: int):
        self.path, self.report = path, report
        self.search_budget = search_budget
        self.derivations: list[Derivation] = []
        self.definitions: dict[str, Definition] = {}
        self.current: Derivation | None = None
        self.current_name: sp.Expr | None = None
        self.pending: tuple | None = None  # (first expression, display, line)
        self.symbol_definitions: dict[sp.Symbol, sp.Expr] = {}
        self.chapter: int | None = None

    def _labels(self, display: Display, count: int) -> list[str]:
        if count == 1:
            return [display.label]
        return [f"{display.label}{chr(ord('a') + k)}" for k in range(count)]

    def add(self, read: ReadEquation | None) -> None:
        """Take the next equation; None is a display that could not be read: no chain
        continues across it."""
        if read is None:
            self.finish()
            return
        chain, display = read.chain, read.display
        if display.chapter != self.chapter:
            # a book's chapters reuse names (h_1, Pr(y|x)) for other things
            self.finish()
            self.chapter = display.chapter
            self.definitions, self.symbol_definitions = {}, {}
        sides = list(chain.sides)
        variable = _integration_variable(sides)
        sides = [resolve_kl_variable(s, variable) for s in sides]
        if not chain.relations:
            self.report.skipped.append(f"{self.path}:{chain.lines[0]}: no relation")
            return
        other = [r for r in chain.relations if r not in ("=", ":=")]
        if other:
            self.finish()
            self.report.skipped.append(f"{self.path}:{chain.lines[0]}: the relation {other[0]}"
                                       f" (derive checks = and := chains)")
            return
        named = _is_name(sides[0])
        if named and self._continues(sides[0], sides[1]):
            if self.current is None:
                self.current = self._start(*self.pending)
                self.report.names[(self.current.name, self.current.label)] = self.current_name
                self.pending = None
            links = [(self.current.last, sides[1], chain.lines[1])]
            links += [(sides[k], sides[k + 1], chain.lines[k + 1])
                      for k in range(1, len(sides) - 1)]
            self._steps(self.current, links, read, sides[0])
            self.current_name = sides[0]
            return
        self.finish()
        if named and len(sides) == 2:
            where = Location(self.path, chain.lines[0])
            definition = _definition(sides[0], sides[1], display.label, where)
            if definition is not None and display.label not in self.definitions:
                self.definitions[display.label] = definition
                self.report.definitions += 1
            else:
                # \hat\theta = argmin[...]: a chain if the next display continues it
                self.pending = (sides[1], display, chain.lines[1])
                self.current_name = sides[0]
                if isinstance(sides[0], sp.Symbol) and not _is_optimum_name(sides[0]):
                    # h_1 = f_1[x, phi_1]: later lines may substitute it
                    self.symbol_definitions[sides[0]] = sides[1]
            return
        first = 1 if named else 0
        if named and isinstance(sides[0], AppliedUndef) and not any(
                sides[0].func == d.lhs.func for d in self.definitions.values()):
            # L[phi] = a = b: L is defined as a; the chain derives b from a
            definition = _definition(sides[0], sides[1], display.label,
                                     Location(self.path, chain.lines[0]))
            if definition is not None and display.label not in self.definitions:
                self.definitions[display.label] = definition
                self.report.definitions += 1
        derivation = self._start(sides[first], display, chain.lines[first])
        if named:
            self.report.names[(derivation.name, derivation.label)] = sides[0]
        links = [(sides[k], sides[k + 1], chain.lines[k + 1])
                 for k in range(first, len(sides) - 1)]
        self._steps(derivation, links, read)
        self.current, self.current_name = derivation, sides[0] if named else None

    def finish(self) -> None:
        if self.pending is not None:
            line = self.pending[2]
            self.report.skipped.append(f"{self.path}:{line}: {self.current_name} = ... "
                                       f"names a result: a definition, not a derivation")
        self.pending, self.current, self.current_name = None, None, None

    def _start(self, first: sp.Expr, display: Display, line: int) -> Derivation:
        name = re.sub(r"\W", "_", f"{_stem(self.path)}_{display.label}")
        derivation = Derivation(name, first, title=f"{display.label} ({self.path})",
                                source=self.path, label=f"{display.label}:first",
                                location=Location(self.path, line))
        self.derivations.append(derivation)
        self.report.chains += 1
        return derivation

    def _continues(self, name: sp.Expr, first: sp.Expr) -> bool:
        if self.current_name is None or (self.current is None and self.pending is None):
            return False
        if name == self.current_name:
            return True
        last = self.current.last if self.current is not None else self.pending[0]
        return (_is_optimum_name(name) and _is_optimum_name(self.current_name)
                and search.reparametrisation(last, first) is not None)

    def _steps(self, derivation: Derivation, links, read: ReadEquation,
               name: sp.Expr | None = None) -> None:
        labels = self._labels(read.display, len(links))
        taken = {e.label for e in derivation.entries}
        for k, ((before, after, line), label) in enumerate(zip(links, labels, strict=True)):
            while label in taken:
                label += "'"
            taken.add(label)
            self._step(derivation, before, after, line, label, read)
            if k == 0 and name is not None:
                self.report.names[(derivation.name, label)] = name

    def _step(self, derivation: Derivation, before, after, line: int, label: str,
              read: ReadEquation) -> None:
        location = Location(self.path, line)
        where = f"{location}: step {label}"
        given = read.equation.justifications.get(line)
        relation = Relation.EQUAL
        available = [d for d in self.definitions.values()]
        if given:
            rules = _named_rules(given, self.definitions, where)
            if any(r.origin == "definition" for r in rules):
                relation = Relation.DEFINE
            note = f"justified by the author: {given}"
        else:
            defined = self._defined_in_chain(before, after, label, location)
            if defined is not None:
                available = [defined]
            named = self._named_in_chain(before, after, label, location)
            found = (search.Found((named,), Relation.DEFINE, 1) if named is not None else
                     search.find_rules(before, after, available, self.search_budget,
                                       self.symbol_definitions))
            if found is None:
                reason = (f"no rule or chain of up to {search.MAX_DEPTH} rules in the library "
                          f"justifies it (searched {self.search_budget} attempts); name one "
                          f"with a `% by: rule` comment, or add the rule")
                rules = (search.unjustified(reason),)
                note = "no justification given, none found"
            else:
                rules, relation = found.rules, found.relation
                names = ", ".join(r.name for r in rules)
                note = f"rule found by search: {names} ({found.tried} attempts)"
                if relation is Relation.DEFINE:
                    note += "; read as := (a definition or modelling assumption applied)"
                self.report.searched[label] = names
        for rule in rules:
            if rule.origin in ("definition", "naming"):
                self._let(derivation, rule)
        adder = derivation.define if relation is Relation.DEFINE else derivation.eq
        adder(after, by=list(rules), label=label, note=f"read: {after}; {note}")
        # The step records where the document wrote it, not this line of Python.
        derivation.entries[-1] = dataclasses.replace(derivation.entries[-1], location=location)
        self.report.steps += 1

    def _defined_in_chain(self, before, after, label: str, location: Location
                          ) -> Definition | None:
        """``y = f[x, phi] = phi_0 + phi_1 x``: a function applied to symbols, equated to an
        expression without it, is the function's definition (an assumption, :=)."""
        if not isinstance(before, AppliedUndef) or after.has(before.func):
            return None
        if any(before.func == d.lhs.func for d in self.definitions.values()):
            return None
        definition = _definition(before, after, f"{label}:def", location)
        if definition is not None:
            self.definitions[definition.label] = definition
            self.report.definitions += 1
        return definition

    def _named_in_chain(self, before, after, label: str, location: Location) -> Rule | None:
        """``argmin[-sum log Pr(...)] = argmin[L[phi]]``: a new function of the optimisation
        variables names the objective above it (the book's "we denote this L[phi]")."""
        if not (isinstance(before, OptimisationSet) and isinstance(after, OptimisationSet)
                and type(before) is type(after) and before.variables == after.variables):
            return None
        name = after.objective
        if not isinstance(name, AppliedUndef) or isinstance(name, AppliedDensity) \
                or before.has(name.func) \
                or any(name.func == d.lhs.func for d in self.definitions.values()):
            return None
        definition = _definition(name, before.objective, f"{label}:def", location)
        if definition is None:
            return None
        self.definitions[definition.label] = definition
        self.report.definitions += 1
        return search.name_objective(definition)

    def _let(self, derivation: Derivation, rule: Rule) -> None:
        """Show the definition a substitution applies, once, in the derivation using it."""
        label = re.sub(r"^\w+\((.*)\)$", r"\1", rule.name)
        definition = self.definitions[label]
        if any(e.label == label for e in derivation.entries):
            return
        entry = derivation.let(definition.lhs, definition.rhs, label=label,
                               note=f"read: {definition.lhs} := {definition.rhs}")
        derivation.entries[-1] = dataclasses.replace(entry, location=definition.location)


def _stem(path: str) -> str:
    return re.sub(r"\W", "_", path.rsplit("/", 1)[-1].rsplit(".", 1)[0])


def build_derivations(path: str, reads: list[ReadEquation | None], report: DocumentReport,
                      search_budget: int = search.SEARCH_BUDGET) -> list[Derivation]:
    """The derivations of a document's equations, in order (None: a display not read)."""
    builder = _Builder(path, report, search_budget)
    for read in reads:
        try:
            builder.add(read)
        except DeriveError as e:
            raise LatexError(str(e)) from None
        except RecursionError:
            report.unread.append(LatexError(
                f"{path}:{read.chain.lines[0]}: the math is nested too deeply to check: split it"))
            builder.finish()
    builder.finish()
    return [d for d in builder.derivations if d.entries]
