"""From the displays of a document to derive.Derivation objects, one per chain of equations.

What is a chain (documented in derive.latex): ``lhs = a = b = c`` with a named left side
(``\\hat\\theta``, ``L[\\phi]``) is the chain a -> b -> c; with any other left side
(``D_KL[q||p] = ...``) the chain starts at the left side. A step is a relation the author
wrote: the rows of one display, or a display that starts with its relation (``= ...``),
which continues the display before it. A link derive infers between separate displays is a
*candidate* (``Step.candidate``): a display whose named left side is the left side of the
chain just before it (the book's 5.29 -> 5.30), or one whose optimum has a new name and a
new optimisation variable when the new objective is the old one with the old variable
replaced (5.30 -> 5.31, a modelling substitution). A candidate that is proved is a step; one
that is not is "not linked", never refuted. A two-sided equation with a named left side is
a definition: ``q(y) = ...`` is offered to later steps as a substitution, and is otherwise
skipped and counted; so is a named row ``h_1 = f_1[x, phi_1]``. Inside a chain,
``f[x, phi] = phi_0 + phi_1 x`` defines f, ``L[phi] = a = b`` defines L as a, and
``argmin[F] = argmin[L[phi]]`` names F. Each is an assumption, applied with relation := and
shown so, never a proved equality. Definitions are in scope until the end of their chapter.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from derive import guard, messages  # noqa: F401  (messages: the English words of the notes)
from derive.derivation import Definition, Derivation, Location
from derive.kernel import (
    DeriveError,
    Independent,
    LookAlikeSymbols,
    Message,
    Relation,
    compose,
    refuse_look_alikes,
    say,
)
from derive.latex.document import Display, Equation
from derive.latex.reader import Chain, LatexError, resolve_kl_variable
from derive.notation import AppliedDensity, Covariance, Expectation, OptimisationSet, Variance
from derive.rules import search
from derive.rules.base import Rule, UnknownRule, lookup
from derive.rules.substitution import substitute

__all__ = ["DocumentReport", "ReadEquation", "build_derivations"]


# The relations a chain may be written with, as the reader spells them.
_RELATIONS = {"=": Relation.EQUAL, ":=": Relation.DEFINE, r"\leq": Relation.LE,
              "<": Relation.LT, r"\geq": Relation.GE, ">": Relation.GT}


def _unchecked(relations, shown: Relation = Relation.EQUAL) -> str | None:
    r"""Why a chain written with ``relations`` (after a chain that has shown ``shown``) is
    not checked, or None: a relation derive has no meaning for (``\approx``,
    ``\propto``), or bounds in opposite directions, which show nothing about the ends."""
    other = [r for r in relations if r not in _RELATIONS]
    if other:
        return (f"the relation {other[0]} (derive checks chains of =, :=, \\leq, <, \\geq "
                f"and >)")
    for r in relations:
        if (shown := compose(shown, _RELATIONS[r])) is None:
            return (f"bounds in opposite directions ({', '.join(relations)}) show nothing "
                    f"about the chain's ends: write each direction as its own chain")
    return None


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
    independent: list[tuple[str, ...]] = field(default_factory=list)  # declared, by name
    # the bounds derive gave sums written without them that the text never writes (I of
    # \sum_i x_i): a step whose sides differ in them rests on the range the text means
    unwritten_counts: set[str] = field(default_factory=set)
    # (derivation, label) -> the name the author gave the line (\hat\theta in
    # \hat\theta = argmin[...]), for reports that print the lines as written; the label of
    # the derivation's first line for a name before it
    names: dict[tuple[str, str], sp.Expr] = field(default_factory=dict)

    def summary(self) -> str:
        return (f"{self.path}: {self.displays} displays, {self.read} read, "
                f"{len(self.unread)} unread; {self.chains} chains with {self.steps} steps, "
                f"{self.definitions} definitions, {len(self.skipped)} equations skipped "
                f"(no derivation)")

    def reasons(self) -> Counter:
        """How many displays were left unread for each reason (``cases``, ``syntax``...)."""
        return Counter(e.code for e in self.unread)

    def counts(self) -> str:
        """The reach in one line: ``notes.md: 12 displays, 9 read, 3 unread (cases 2, ...)``."""
        reasons = ", ".join(f"{code} {n}" for code, n in self.reasons().most_common())
        return (f"{self.path}: {self.displays} displays, {self.read} read, "
                f"{len(self.unread)} unread" + (f" ({reasons})" if reasons else ""))

    def as_json(self) -> dict:
        """Displays found, read and unread, each unread one with where, why and a message."""
        return {"file": self.path, "displays": self.displays, "read": self.read,
                "unread": len(self.unread), "steps": self.steps, "chains": self.chains,
                "definitions": self.definitions, "skipped": len(self.skipped),
                "unread_displays": [
                    {"line": e.line, "column": e.column, "reason": e.code,
                     "message": e.detail} for e in self.unread]}


def _is_name(e: sp.Expr) -> bool:
    """A left side that names the result rather than being part of the chain."""
    if isinstance(e, (sp.Symbol, sp.Indexed)):
        return True
    if isinstance(e, sp.Pow) and isinstance(e.base, sp.Symbol) and e.exp.is_Integer:
        return True  # sigma^2 = ...: names a variance
    # A known function's left side (tanh(x) = ..., sig[z] = ...) names nothing new: the
    # display claims an identity of that function, checked as a step.
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
        self.defined_at: dict[sp.Symbol, int] = {}  # a name defined by a display: its line
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
            self.definitions, self.symbol_definitions, self.defined_at = {}, {}, {}
        sides = list(chain.sides)
        variable = _integration_variable(sides)
        sides = [resolve_kl_variable(s, variable) for s in sides]
        if chain.continues:
            self._continue_display(read, sides)
            return
        if chain.conditional or display.introduced_by == "condition":
            self.finish()
            why = (f"introduced by \"{display.introduction}\"" if not chain.conditional
                   else "written beside it")
            self.report.skipped.append(f"{self.path}:{chain.lines[0]}: holds under a condition "
                                       f"({why}): a condition, not a claim")
            return
        if not chain.relations:
            self.report.skipped.append(f"{self.path}:{chain.lines[0]}: no relation")
            return
        if (why := _unchecked(chain.relations)) is not None:
            self.finish()
            self.report.skipped.append(f"{self.path}:{chain.lines[0]}: {why}")
            return
        named = _is_name(sides[0])
        if named and chain.relations[0] not in ("=", ":="):
            named = False  # L[phi] <= ... bounds what L names; it does not define it
        if display.introduced_by == "definition" and not named:
            self.finish()
            self.report.skipped.append(f"{self.path}:{chain.lines[0]}: introduced by "
                                       f"\"{display.introduction}\": a definition, not a claim")
            return
        if named and self._continues(sides[0], sides[1]) and _unchecked(
                chain.relations, self._shown()) is None:
            if self.current is None:
                self.current = self._start(*self.pending)
                self.report.names[(self.current.name, self.current.label)] = self.current_name
                self.pending = None
            # a link derive infers (the same left side again): a candidate, never refuted
            links = [(self.current.last, sides[1], chain.lines[1], True, chain.relations[0])]
            links += [(sides[k], sides[k + 1], chain.lines[k + 1], False, chain.relations[k])
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
                if isinstance(sides[0], (sp.Symbol, sp.Indexed)) and \
                        not _is_optimum_name(sides[0]):
                    # h_1 = f_1[x, phi_1], x^*_j = g[z_j, theta]: later lines may substitute
                    self.symbol_definitions[sides[0]] = sides[1]
                    self.defined_at[_value_key(sides[0])] = chain.lines[0]
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
        links = [(sides[k], sides[k + 1], chain.lines[k + 1], False, chain.relations[k])
                 for k in range(first, len(sides) - 1)]
        self._steps(derivation, links, read)
        self.current, self.current_name = derivation, sides[0] if named else None

    def _continue_display(self, read: ReadEquation, sides: list) -> None:
        """``= ...`` (or ``&= ...``): the author continues the display before."""
        chain = read.chain
        if self.current is None and self.pending is None:
            self.report.skipped.append(f"{self.path}:{chain.lines[0]}: continues a display "
                                       f"that was not read or holds no chain")
            self.finish()
            return
        if (why := _unchecked(chain.relations, self._shown())) is not None:
            self.finish()
            self.report.skipped.append(f"{self.path}:{chain.lines[0]}: {why}")
            return
        if self.current is None:
            self.current = self._start(*self.pending)
            self.pending = None
        links = [(self.current.last, sides[0], chain.lines[0], False, chain.relations[0])]
        links += [(sides[k], sides[k + 1], chain.lines[k + 1], False, chain.relations[k + 1])
                  for k in range(len(sides) - 1)]
        self._steps(self.current, links, read)

    def _shown(self) -> Relation:
        """What the chain being built has shown so far of its ends."""
        return self.current.conclusion if self.current is not None else Relation.EQUAL

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
        for k, ((before, after, line, candidate, relation), label) in enumerate(
                zip(links, labels, strict=True)):
            while label in taken:
                label += "'"
            taken.add(label)
            self._step(derivation, before, after, line, label, read, candidate,
                       _RELATIONS[relation])
            if k == 0 and name is not None:
                self.report.names[(derivation.name, label)] = name

    def _context(self, before, after) -> Message | str:
        """Why the step's truth rests on what the text says elsewhere (a definition derive
        read but cannot apply to the numbers, values given in the prose), or "". Such a
        step is a candidate: proved, it is a step; otherwise it is not refuted."""
        if isinstance(before, AppliedUndef) and not after.has(before.func) and all(
                isinstance(a, sp.Symbol) for a in before.args):
            earlier = [d for d in self.definitions.values() if d.lhs.func == before.func]
            if earlier:
                line = earlier[-1].location.line if earlier[-1].location else "?"
                return say("document.defines_again", name=before.func.__name__, line=line)
        invented = {s for s in before.free_symbols ^ after.free_symbols
                    if isinstance(s, sp.Symbol) and s.name in self.report.unwritten_counts}
        if invented:
            return say("document.range_unwritten", counts=", ".join(sorted(map(str, invented))))
        left, right = _values(self._unfolded(before)), _values(self._unfolded(after))
        defined = sorted((left | right) & set(self.defined_at), key=str)
        if defined:
            where = ", ".join(f"{s} (line {self.defined_at[s]})" for s in defined)
            return say("document.rests_on_definition", where=where)
        if left - right and right - left:
            own = [", ".join(map(str, sorted(side, key=str))) for side in (left - right,
                                                                          right - left)]
            return say("document.variables_each_side", left=own[0], right=own[1])
        recurrences = _neighbouring_terms(before) | _neighbouring_terms(after)
        if recurrences:
            names = ", ".join(sorted(map(str, recurrences)))
            return say("document.relates_neighbours", names=names)
        dropped = _functions(before) - _functions(after) - {
            d.lhs.func for d in self.definitions.values()}
        if dropped:
            names = ", ".join(sorted(f.__name__ for f in dropped))
            return say("document.drops_function", names=names)
        random = _averaged_under_unstated_laws(before) | _averaged_under_unstated_laws(after)
        if random:
            return say("document.law_in_words", variables=", ".join(sorted(map(str, random))))
        return ""

    def _unfolded(self, e: sp.Expr) -> sp.Expr:
        """``e`` with the functions the document defined replaced by their definitions:
        f[x, phi] = phi_0 + phi_1 x links phi to phi_0 and phi_1."""
        for definition in self.definitions.values():
            try:
                function, body = definition.as_function()
                e = e.replace(lambda n, f=function: isinstance(n, AppliedUndef) and n.func == f,
                              lambda n, b=body: b(*n.args) if len(n.args) == len(b.variables)
                              else n)
            except Exception:  # noqa: BLE001  (a definition SymPy cannot apply here: keep e)
                continue
        return e

    def _step(self, derivation: Derivation, before, after, line: int, label: str,
              read: ReadEquation, candidate: bool = False,
              written: Relation = Relation.EQUAL) -> None:
        context = "" if candidate else self._context(before, after)
        location = Location(self.path, line)
        where = f"{location}: step {label}"
        given = read.equation.justifications.get(line)
        bound = written not in (Relation.EQUAL, Relation.DEFINE)
        relation = written if bound else Relation.EQUAL
        hypotheses = self._hypotheses(before, after)
        available = [d for d in self.definitions.values()]
        if given:
            rules = _named_rules(given, self.definitions, where)
            if any(r.origin == "definition" for r in rules) and not bound:
                relation = Relation.DEFINE
            notes = [say("document.justified", given=given)]
        else:
            defined = self._defined_in_chain(before, after, label, location)
            if defined is not None:
                available = [defined]
            named = self._named_in_chain(before, after, label, location)
            stopped, unshown = "", []
            try:
                with guard.time_limit():  # only a guard against SymPy hanging: budgets decide
                    found = (search.Found((named,), Relation.DEFINE, 1) if named is not None
                             else search.find_rules(before, after, available,
                                                    self.search_budget, self.symbol_definitions,
                                                    written=relation, unshown=unshown,
                                                    hypotheses=hypotheses))
            except guard.CheckTimeout as e:
                found, stopped = None, e.args[0]
            if found is None and unshown:
                # The nearest chain reaches the line written; the kernel cannot show its side
                # conditions: the step cites it, so that its verdict says what to declare.
                rules = unshown[0]
                names = ", ".join(r.name for r in rules)
                notes = [say("document.nearest_unshown", rules=names)]
            elif found is None:  # two names alike make every rule fail: that is why
                rules = (search.unjustified(_look_alike(before, after) or
                                            search.none_found(self.search_budget, stopped)),)
                notes = [say("document.none_found")]
            else:
                rules, relation = found.rules, found.relation
                names = ", ".join(r.name for r in rules)
                notes = [say("document.found_by_search", rules=names, tried=found.tried)]
                if relation is Relation.DEFINE:
                    notes.append(say("document.read_as_define"))
                self.report.searched[label] = names
        for rule in rules:
            self._let(derivation, rule, location)
        adder = {Relation.EQUAL: derivation.eq, Relation.DEFINE: derivation.define,
                 Relation.LE: derivation.le, Relation.LT: derivation.lt,
                 Relation.GE: derivation.ge, Relation.GT: derivation.gt}[relation]
        if context:
            notes.append(say("document.never_refuted", why=context))
        elif candidate:
            notes.append(say("document.candidate"))
        notes += [say("document.independent", variables=", ".join(sorted(map(str, h.variables))))
                  for h in hypotheses]
        adder(after, by=list(rules), label=label, hypotheses=hypotheses,
              note=say("document.read", expression=_as_written(after), how=tuple(notes)))
        # The step records where the document wrote it, not this line of Python.
        derivation.entries[-1] = dataclasses.replace(derivation.entries[-1], location=location,
                                                     candidate=candidate, rests_on_text=context)
        self.report.steps += 1

    def _hypotheses(self, before, after) -> tuple[Independent, ...]:
        """The declared independences among the symbols of the step (``% derive:
        independent z, phi`` names the bold z and phi too)."""
        symbols = before.atoms(sp.Symbol) | after.atoms(sp.Symbol)  # bound ones too (dz)
        found = []
        for names in self.report.independent:
            named = {s for s in symbols if isinstance(s, sp.Symbol) and (
                s.name in names or s.name.removesuffix("bold") in names)}
            if len(named) >= 2:
                found.append(Independent(*sorted(named, key=str)))
        return tuple(found)

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

    def _let(self, derivation: Derivation, rule: Rule, step: Location) -> None:
        """Declare the definitions a rule applies, once, in the derivation using it, before
        the step, where the text made them: the kernel accepts only a definition declared
        (and judged) there."""
        for definition in rule.definitions:
            if (definition.lhs, definition.rhs) in derivation.declared():
                continue
            line = self.defined_at.get(_value_key(definition.lhs))
            location = definition.location or (Location(self.path, line) if line else step)
            try:
                entry = derivation.let(definition.lhs, definition.rhs, label=definition.label,
                                       note=say("document.read_definition",
                                                lhs=_as_written(definition.lhs),
                                                rhs=_as_written(definition.rhs)))
            except DeriveError:  # defined twice, or circularly, in this derivation: the
                continue  # step applying it is then unproven, and says so
            derivation.entries[-1] = dataclasses.replace(entry, location=location)


def _averaged_under_unstated_laws(e: sp.Expr) -> set:
    """The random variables ``e`` averages under a law it does not state: a text gives that
    law in words (X takes x_i with probability p_i, mu_X is its mean, X and Y are
    independent), which derive does not read, and the numbers try every law."""
    return {v for n in sp.preorder_traversal(e)
            if isinstance(n, (Expectation, Variance, Covariance)) and not n.laws
            for v in n.variables}


def _neighbouring_terms(e: sp.Expr) -> set[sp.Symbol]:
    """The sequences (data arrays) ``e`` takes at two indices a whole number apart (alpha_t
    and alpha_{t-1}): a text that writes both has usually said how they are related."""
    indices: dict = {}
    for n in sp.preorder_traversal(e):
        if isinstance(n, sp.Indexed) and len(n.indices) == 1:
            indices.setdefault(n.base.label, set()).add(n.indices[0])
        elif isinstance(n, sp.Symbol) and (named := _SUBSCRIPTED.match(n.name)):
            # read as names (alpha_t, alpha_t-1) where the document never indexes alpha
            base, index, offset = named.groups()
            indices.setdefault(sp.Symbol(base), set()).add(
                sp.Symbol(index) + int(offset or 0))
    return {label for label, found in indices.items()
            if any((a - b).is_Integer and a != b for a in found for b in found)}


_SUBSCRIPTED = re.compile(r"^([A-Za-z]+)_([A-Za-z])([+-]\d+)?$")


def _look_alike(before, after) -> Message | None:
    """Why no rule can prove a step whose lines hold two things of one printed name (E_y of
    y[x]: the symbol y averaged, and the function y), if they do: the kernel refuses it."""
    try:
        refuse_look_alikes(before, after)
    except LookAlikeSymbols as e:
        return e.args[0]
    return None


def _value_key(e: sp.Expr) -> sp.Symbol:
    return e.base.label if isinstance(e, sp.Indexed) else e


def _values(e: sp.Expr) -> set[sp.Symbol]:
    """The free variables of ``e`` that take values (data labels for entries), not counts."""
    found = set()
    for s in e.free_symbols:
        s = _value_key(s)
        if isinstance(s, sp.Symbol) and not s.is_integer:
            found.add(s)
    return found


def _functions(e: sp.Expr) -> set:
    return {n.func for n in sp.preorder_traversal(e) if isinstance(n, AppliedUndef)}


def _as_written(e: sp.Expr) -> str:
    """The expression as read, terms in the author's order (SymPy would sort them)."""
    return sp.sstr(e, order="none")


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
