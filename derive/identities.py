"""Identities that check themselves: an equation with pattern variables, checked before use.

An identity is written as the equation it is, ``lhs = rhs``, in ordinary SymPy with ordinary
symbols; every free symbol (and every bound index) of the left side is a pattern variable,
its undefined functions and data arrays are function variables, and its declared
assumptions are the side conditions it needs (``sigma`` positive: whatever ``sigma``
matches must be shown positive). Registering it runs two independent checks:

- symbolic: the kernel must show ``lhs - rhs`` is 0 under the assumptions;
- numeric: both sides on random instances that respect the assumptions, through
  ``derive.numeric``'s own evaluator, never through the symbolic proof.

A false identity is refused with its counterexample (``IdentityRefused``). One that SymPy
cannot prove but the numbers support is refused too, unless its author says so explicitly
with ``trust="numeric"``; every step that then uses it rests on numeric evidence, never on a
proof. An accepted identity becomes a schema the kernel admits; as a rule it proposes the
schema's instance wherever its left side matches, and the kernel checks each one.

    from derive.identities import identity
    a, b = sp.symbols("a b", positive=True)
    log_ratio = identity("log_ratio", sp.log(a / b), sp.log(a) - sp.log(b))
    derivation.eq(..., by=log_ratio)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sympy as sp

from derive import guard, kernel
from derive.expressions import as_expression
from derive.kernel import (
    Claim,
    Condition,
    DeriveError,
    Numeric,
    Relation,
    Schema,
    Status,
)
from derive.messages import rests_on
from derive.settings import DEFAULT_INSTANCES, DEFAULT_SEED

if TYPE_CHECKING:
    from derive.rules.base import Context, Rule

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
    schema: Schema | None = field(default=None, repr=False)

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
        return rests_on(self.verdict)

    def check(self, seed: int = DEFAULT_SEED,
              instances: int = DEFAULT_INSTANCES) -> kernel.Verdict:
        """Check the identity symbolically and numerically, independently; store the verdict."""
        try:
            with guard.time_limit():
                symbolic = kernel.judge(self.lhs, self.rhs, Relation.EQUAL, [kernel.Algebra()])
        except guard.CheckTimeout as e:
            symbolic = kernel.SymbolicVerdict(kernel.Symbolic.UNKNOWN,
                                              kernel.say("check.timeout", why=e.args[0]))
        from derive import numeric  # NumPy is loaded when something is checked, not before

        numeric_verdict = numeric.check_step(self.lhs, self.rhs, Relation.EQUAL, Claim.VALUES,
                                             seed, instances, ("identity", self.name))
        self.verdict = kernel.decide(symbolic, numeric_verdict)
        return self.verdict

    def ensure_accepted(self) -> Schema:
        """The identity's schema, admitted by the kernel; IdentityRefused unless its check
        lets it be used."""
        if self.schema is not None:
            return self.schema
        verdict = self.verdict or self.check()
        where = f"identity {self.name}: {self.lhs} = {self.rhs}"
        if verdict.status is Status.REFUTED:
            raise IdentityRefused(f"{where} is false: {_refutation(verdict)}", verdict)
        proved = verdict.status is Status.VERIFIED and \
            verdict.symbolic.status is kernel.Symbolic.PROVED
        if not proved:
            if self.trust != "numeric" or verdict.numeric.status is not Numeric.PASSED:
                if verdict.numeric.status is Numeric.PASSED:
                    raise IdentityRefused(
                        f"{where} is not proved ({verdict.symbolic.detail}), though "
                        f"{verdict.numeric.instances} random instances support it; if it is "
                        f"true, register it with trust=\"numeric\": every step using it will "
                        f"then say it rests on numeric evidence", verdict)
                raise IdentityRefused(
                    f"{where} is not proved ({verdict.symbolic.detail}) and has no numeric "
                    f"evidence ({verdict.numeric.detail}); declare the symbols' assumptions "
                    f"or split it", verdict)
        schema = kernel.make_schema(self.name, self.lhs, self.rhs, self.conditions,
                                    trust="symbolic" if proved else "numeric")
        try:
            self.schema = kernel.admit(schema)
        except kernel.SchemaError as e:
            raise IdentityRefused(f"{where}: {e}", verdict) from None
        return self.schema


def _refutation(verdict: kernel.Verdict) -> str:
    n = verdict.numeric
    if n.status is Numeric.COUNTEREXAMPLE and n.counterexample:
        c = n.counterexample
        values = ", ".join(f"{k} = {v}" for k, v in c.get("values", {}).items())
        return f"counterexample {c['instance']}: {values} (seed {n.seed})"
    return str(verdict.symbolic.detail)


_ASSUMPTIONS = ("positive", "nonnegative", "negative", "nonzero", "integer", "real")


def _assumption_texts(lhs: sp.Expr) -> tuple[str, ...]:
    """"a positive", "k integer": each pattern symbol's declared assumptions, in words."""
    texts = []
    for s in sorted((s for s in lhs.free_symbols if isinstance(s, sp.Symbol)), key=str):
        declared = [a for a in _ASSUMPTIONS if s.assumptions0.get(a)]
        if "positive" in declared:
            declared = [a for a in declared if a not in ("real", "nonnegative", "nonzero")]
        if "integer" in declared:
            declared = [a for a in declared if a != "real"]
        if declared:
            texts.append(f"{s} {' and '.join(declared)}")
    return tuple(texts)


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
    # Imported here: the rules package registers the library's own identities with this
    # function as it loads, so it must not load while this module does.
    from derive.rules.base import Rule, RuleDoesNotApply, register
    from derive.rules.matching import match
    from derive.rules.sites import exhaust

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
    side_conditions = _assumption_texts(lhs) + tuple(str(c.statement) for c in conditions)

    def find(node, path):
        schema = ident.ensure_accepted()
        binding = match(schema, node) if isinstance(node, sp.Expr) else None
        if binding is None:
            return None
        return kernel.rewrite(schema, path, binding)

    def propose(before, target, context: Context):
        try:
            return exhaust(before, [find], f"instance of {lhs}")
        except RuleDoesNotApply:
            raise RuleDoesNotApply(kernel.say("rule.no_instance", name=name, lhs=lhs,
                                              line=before)) from None

    rule = register(Rule(name, ident.statement, side_conditions, propose,
                         summary or f"the identity {lhs} = {rhs}", tuple(aliases),
                         self_check="checked when registered" if check else
                         "checked on first use"))
    ident.rule = rule
    _identities[name] = ident
    return rule
