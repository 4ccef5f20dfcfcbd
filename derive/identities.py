"""Identities that check themselves: an equation with pattern variables, checked before use.

An identity is written as the equation it is, ``lhs = rhs``, in ordinary SymPy with ordinary
symbols; every free symbol (and every bound index) of the left side is a pattern variable,
and its declared assumptions are the side conditions it needs (``sigma`` positive: whatever
``sigma`` matches must be shown positive). Registering it runs two independent checks:

- symbolic: the kernel (``judge_symbolic``) must show ``lhs - rhs`` is 0 under the
  assumptions, and every extra side condition holds;
- numeric: both sides on random instances that respect the assumptions (positive symbols
  positive, integer bounds random integers, indexed symbols random arrays), through
  ``derive.numeric``'s own evaluator, never through the symbolic proof.

A false identity is refused with its counterexample (``IdentityRefused``). One that SymPy
cannot prove but the numbers support is refused too, unless its author says so explicitly
with ``trust="numeric"``; every step that then uses it carries the identity's name as a
numeric premise, so the kernel reports it as resting on numeric evidence, never as proved.

Applied as a rule, an identity rewrites every instance of its left side (SymPy ``Wild``
matching) into its right side, with the side conditions instantiated as kernel conditions.

    from derive.identities import identity
    a, b = sp.symbols("a b", positive=True)
    log_ratio = identity("log_ratio", sp.log(a / b), sp.log(a) - sp.log(b))
    derivation.eq(..., by=log_ratio)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sympy as sp

from derive import kernel
from derive.kernel import (
    Claim,
    Condition,
    DeriveError,
    Justification,
    Numeric,
    Relation,
    Status,
    as_expression,
    fact,
    free_of,
    positive,
)
from derive.rules.base import Context, Rule, RuleDoesNotApply, register, rewrite_everywhere

__all__ = ["Identity", "IdentityError", "IdentityRefused", "identity", "identities"]

TRUST = ("symbolic", "numeric")


class IdentityError(DeriveError):
    """An identity is malformed (its sides have different free symbols, an unknown trust
    level, ...). The message names the identity and says what to change."""


class IdentityRefused(DeriveError):
    """An identity failed its own check: a counterexample (shown, with its seed), or no
    proof and ``trust="numeric"`` not given. Fix the identity, or, if it is true but SymPy
    cannot prove it, register it with ``trust="numeric"`` to rest it on numeric evidence."""

    def __init__(self, message: str, verdict: kernel.Verdict | None = None):
        super().__init__(message)
        self.verdict = verdict


@dataclass
class Identity:
    """``lhs = rhs`` with pattern variables; ``rule`` applies it, ``verdict`` is its check."""

    name: str
    lhs: sp.Expr
    rhs: sp.Expr
    conditions: tuple[Condition, ...] = ()
    trust: str = "symbolic"
    summary: str = ""
    verdict: kernel.Verdict | None = None
    rule: Rule | None = field(default=None, repr=False)

    @property
    def statement(self) -> str:
        return f"{sp.latex(self.lhs)} = {sp.latex(self.rhs)}"

    @property
    def evidence(self) -> str:
        """How the identity was checked, in words."""
        if self.verdict is None:
            return "not checked yet"
        if self.trust == "numeric" and self.verdict.symbolic.status is not kernel.Symbolic.PROVED:
            n = self.verdict.numeric
            return (f"numeric evidence only ({n.instances} random instances, seed {n.seed}): "
                    f"not proved symbolically; trusted on its author's word (trust='numeric')")
        return self.verdict.rests_on

    def check(self, seed: int = kernel.DEFAULT_SEED,
              instances: int = kernel.DEFAULT_INSTANCES) -> kernel.Verdict:
        """Check the identity symbolically and numerically, independently; store the verdict."""
        justification = Justification(self.name, self.lhs, Claim.VALUES, self.conditions,
                                      f"identity {self.name}")
        try:
            with kernel.time_limit():
                symbolic = kernel.judge_symbolic(justification, self.rhs, "")
        except kernel.CheckTimeout as e:
            symbolic = kernel.SymbolicVerdict(kernel.Symbolic.UNKNOWN, f"timeout: {e}")
        from derive import numeric  # NumPy is loaded when something is checked, not before

        numeric_verdict = numeric.check_step(self.lhs, self.rhs, Relation.EQUAL, None, seed,
                                             instances, ("identity", self.name))
        self.verdict = kernel.decide(symbolic, numeric_verdict)
        return self.verdict

    def ensure_accepted(self) -> None:
        """Raise IdentityRefused unless the identity's check lets it be used."""
        verdict = self.verdict or self.check()
        if verdict.status is Status.VERIFIED:
            return
        where = f"identity {self.name}: {self.lhs} = {self.rhs}"
        if verdict.status is Status.REFUTED:
            raise IdentityRefused(f"{where} is false: {_refutation(verdict)}", verdict)
        if self.trust == "numeric" and verdict.numeric.status is Numeric.PASSED \
                and verdict.symbolic.status is not kernel.Symbolic.REFUTED:
            return
        if verdict.numeric.status is Numeric.PASSED:
            raise IdentityRefused(
                f"{where} is not proved ({verdict.symbolic.detail}), though "
                f"{verdict.numeric.instances} random instances support it; if it is true, "
                f"register it with trust=\"numeric\": every step using it will then say it "
                f"rests on numeric evidence", verdict)
        raise IdentityRefused(
            f"{where} is not proved ({verdict.symbolic.detail}) and has no numeric evidence "
            f"({verdict.numeric.detail}); declare the symbols' assumptions or split it", verdict)


def _refutation(verdict: kernel.Verdict) -> str:
    n = verdict.numeric
    if n.status is Numeric.COUNTEREXAMPLE and n.counterexample:
        c = n.counterexample
        values = ", ".join(f"{k} = {v}" for k, v in c.get("values", {}).items())
        return f"counterexample {c['instance']}: {values} (seed {n.seed})"
    return verdict.symbolic.detail


_identities: dict[str, Identity] = {}


def identities() -> dict[str, Identity]:
    """Every identity registered so far, by name."""
    return dict(_identities)


def identity(name: str, lhs: sp.Expr, rhs: sp.Expr, conditions: Sequence[Condition] = (),
             trust: str = "symbolic", summary: str = "", aliases: Sequence[str] = (),
             check: bool = True) -> Rule:
    """Register ``lhs = rhs`` as a rule, after checking it (``check=False`` defers the check
    to the rule's first use; the library's own identities do that to keep imports fast).

    ``conditions`` are extra side conditions over the pattern variables (``free_of(c, [k])``,
    ``nonzero(b)``); the assumptions of the symbols are side conditions already.
    ``trust="numeric"`` admits an identity SymPy cannot prove but numbers support."""
    if trust not in TRUST:
        raise IdentityError(f"identity {name}: trust must be one of {TRUST}, not {trust!r}")
    lhs = as_expression(lhs, f"identity {name}: the left side", IdentityError)
    rhs = as_expression(rhs, f"identity {name}: the right side", IdentityError)
    only_left = lhs.free_symbols - rhs.free_symbols
    only_right = rhs.free_symbols - lhs.free_symbols
    if only_left or only_right:
        parts = [f"{', '.join(sorted(map(str, s)))} only on the {side} side"
                 for s, side in ((only_left, "left"), (only_right, "right")) if s]
        raise IdentityError(
            f"identity {name}: its sides have different free symbols ({'; '.join(parts)}); "
            f"an identity rewrites the left side into the right, so every symbol must occur on "
            f"both (make a symbol on one side only a bound variable, or add it to the other)")
    ident = Identity(name, lhs, rhs, tuple(conditions), trust, summary)
    if check:
        ident.ensure_accepted()
    pattern = _Pattern.of(ident)
    side_conditions = tuple(_assumption_text(s) for s in pattern.variables
                            if _assumption_text(s)) + tuple(c.statement for c in conditions)

    def propose(before, target, context: Context) -> Justification:
        ident.ensure_accepted()
        result, conds, count = rewrite_everywhere(before, pattern.rewrite)
        if count == 0:
            raise RuleDoesNotApply(f"identity {name}: no instance of {lhs} in {before}")
        premises = (name,) if ident.verdict.symbolic.status is not kernel.Symbolic.PROVED else ()
        return Justification(name, result, Claim.VALUES, tuple(conds),
                             f"identity {name}: rewrote {count} instance(s) of {lhs}",
                             numeric_premises=premises)

    rule = register(Rule(name, ident.statement, side_conditions, propose,
                         summary or f"the identity {lhs} = {rhs}", tuple(aliases),
                         self_check="checked when registered" if check else
                         "checked on first use"))
    ident.rule = rule
    _identities[name] = ident
    return rule


_ASSUMPTIONS = ("positive", "nonnegative", "negative", "integer", "real")


def _assumption_text(s: sp.Basic) -> str:
    declared = [a for a in _ASSUMPTIONS if s.assumptions0.get(a)]
    if "positive" in declared:
        declared = [a for a in declared if a not in ("real", "nonnegative")]
    return f"{s} {' and '.join(declared)}" if declared else ""


def _bound_variables(e: sp.Basic) -> set[sp.Symbol]:
    bound: set[sp.Symbol] = set()
    for node in sp.preorder_traversal(e):
        if isinstance(node, (sp.Sum, sp.Product, sp.Integral)):
            bound.update(lim[0] for lim in node.limits)
    return bound


@dataclass(frozen=True)
class _Pattern:
    """The left side with every pattern variable a Wild, and how to instantiate the right.

    An indexed pattern variable ``z[k]`` is a Wild per occurrence (``z[k]`` and ``z[j]``
    each match any expression); a match is kept only if all of them are the same function
    of their index, since the identity was checked for one array ``z``."""

    lhs: sp.Expr
    rhs: sp.Expr
    wilds: dict  # pattern variable (Symbol or Indexed) -> Wild
    variables: tuple[sp.Symbol, ...]  # the scalar pattern variables, bound ones included
    bound: frozenset  # bound pattern variables (sum and integral indices)
    identity_name: str
    conditions: tuple[Condition, ...]

    @classmethod
    def of(cls, ident: Identity) -> _Pattern:
        bound = _bound_variables(ident.lhs)
        indexed = sorted({n for n in sp.preorder_traversal(ident.lhs) if isinstance(n, sp.Indexed)},
                         key=str)
        labels = {n.base.label for n in indexed} | {n.base for n in indexed}
        scalars = sorted((s for s in ident.lhs.free_symbols | bound
                          if isinstance(s, sp.Symbol) and s not in labels), key=str)
        wilds: dict = {}
        for s in scalars:
            props = [lambda e: isinstance(e, sp.Symbol)] if s in bound else []
            wilds[s] = sp.Wild(f"w_{s}", properties=props)
        for n in indexed:
            wilds[n] = sp.Wild(f"w_{str(n).replace('[', '_').replace(']', '')}")
        return cls(ident.lhs.xreplace(wilds), ident.rhs, wilds, tuple(scalars), frozenset(bound),
                   ident.name, ident.conditions)

    def rewrite(self, node: sp.Basic):
        if not isinstance(node, sp.Expr) or isinstance(node, (sp.Symbol, sp.Indexed)):
            return None
        match = node.match(self.lhs)
        if not match:
            return None
        binding = {v: match[w] for v, w in self.wilds.items() if w in match}
        if not self._same_arrays(binding) or set(binding) != set(self.wilds):
            return None
        rhs_only = _bound_variables(self.rhs) - set(self.bound)
        if rhs_only and any(b.has(*rhs_only) for b in binding.values()):
            return None  # a matched expression would be captured by the right side's sum
        result = self.rhs.xreplace(binding)
        if result == node:
            return None
        return result, self._conditions(binding)

    def _same_arrays(self, binding: dict) -> bool:
        """Every occurrence of an indexed pattern variable must be one function of its index.
        The form of an occurrence whose index was matched (a sum's index) fixes the function;
        an occurrence whose index occurs nowhere else (z[j]) is matched against that form,
        which also tells what j is. Fills in such indices in ``binding``; False if none fits."""
        by_base: dict = {}
        for v in self.wilds:
            if isinstance(v, sp.Indexed):
                by_base.setdefault(v.base, []).append(v)
        probe = sp.Wild("probe")
        for occurrences in by_base.values():
            known = [v for v in occurrences if v.indices[0] in binding]
            forms = {binding[v].xreplace({binding[v.indices[0]]: probe}) for v in known}
            if len(forms) > 1:
                return False
            unknown = [v for v in occurrences if v not in known]
            if not forms:
                if len({binding[v] for v in unknown}) > 1 or len(set(unknown)) > 1:
                    return False
                continue
            (form,) = forms
            for v in unknown:
                index = v.indices[0]
                found = binding[v].match(form) if form != probe else {probe: None}
                if not found or probe not in found or found[probe] is None:
                    return False
                if index in binding and binding[index] != found[probe]:
                    return False
                binding[index] = found[probe]
        return True

    def _conditions(self, binding: dict) -> list[Condition]:
        bound_matches = [binding[b] for b in self.bound]
        conditions: list[Condition] = []
        for v, b in binding.items():
            if isinstance(v, sp.Indexed):
                own = [binding[i] for i in v.indices if i in binding]
                others = [m for m in bound_matches if m not in own]
                if others:
                    conditions.append(free_of(b, others))
                if v.base.label.is_real or v.is_real:
                    conditions.append(_real(b))
                continue
            if v in self.bound:
                continue
            if bound_matches:
                conditions.append(free_of(b, bound_matches))
            if v.is_positive:
                conditions.append(positive(b))
            elif v.is_real:
                conditions.append(_real(b))
            if v.is_integer:
                conditions.append(fact(f"{b} is an integer", b.is_integer,
                                       "from the declared assumptions" if b.is_integer else
                                       f"cannot show {b} is an integer: declare it integer=True"))
        conditions.extend(_instantiate(c, binding) for c in self.conditions)
        return conditions


def _real(e: sp.Expr) -> Condition:
    return fact(f"{e} is real", e.is_real,
                "from the declared assumptions" if e.is_real else
                f"cannot show {e} is real: declare its symbols real")


def _instantiate(c: Condition, binding: dict) -> Condition:
    """An identity's own side condition, with the pattern variables replaced by what they
    matched."""
    def sub(e):
        if isinstance(e, tuple):
            return tuple(sub(x) for x in e)
        return e.xreplace(binding) if isinstance(e, sp.Basic) else e

    if c.kind == "positive":
        return positive(sub(c.subject[0]))
    if c.kind == "nonzero":
        return kernel.nonzero(sub(c.subject[0]))
    if c.kind == "equal":
        return kernel.equal(*sub(c.subject))
    if c.kind == "free_of":
        e, variables = c.subject
        return free_of(sub(e), sub(variables))
    return c
