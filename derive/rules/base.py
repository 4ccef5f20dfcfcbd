"""What a rule is, the registry of rules by name, and the traversal rules are built from.

A rule is a name, its statement as LaTeX, its side conditions in words, and a function
``propose(before, target, context) -> Justification | None``. ``target`` is the line the
author wrote (or None inside a chain of rules): rules that must choose (which term to drop)
read it; the kernel then checks their choice. ``None`` means "does not apply", and the rule
says why through ``RuleDoesNotApply``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import sympy as sp

from derive.kernel import Condition, DeriveError, Justification

__all__ = ["Context", "Rule", "RuleDoesNotApply", "UnknownRule", "register", "registry",
           "resolve_rules", "rewrite_everywhere"]


class RuleDoesNotApply(DeriveError):
    """A rule was asked to justify a step it does not fit; the message says why."""


class UnknownRule(DeriveError):
    """A step names a rule that is not in the library. ``derive rules`` lists them."""


@dataclass(frozen=True)
class Context:
    """What a rule may know besides the expressions: the step's hypotheses."""

    hypotheses: tuple = ()


Propose = Callable[[sp.Expr, sp.Expr | None, Context], Justification]


@dataclass(frozen=True)
class Rule:
    name: str
    statement: str  # LaTeX of the identity or law
    side_conditions: tuple[str, ...]
    propose: Propose = field(repr=False, compare=False)
    summary: str = ""
    aliases: tuple[str, ...] = ()
    version: int = 1
    origin: str = "built in"
    needs_target: bool = False  # chooses what to rewrite by looking at the line written

    def __call__(self, before: sp.Expr, target: sp.Expr | None = None,
                 context: Context = Context()) -> Justification:
        return self.propose(before, target, context)


_registry: dict[str, Rule] = {}
_aliases: dict[str, str] = {}


def register(rule: Rule) -> Rule:
    for name in (rule.name, *rule.aliases):
        owner = _registry.get(name) or _registry.get(_aliases.get(name, ""))
        if owner is not None and owner is not rule and owner.name != rule.name:
            raise DeriveError(f"rule name {name!r} of {rule.origin} is already taken by "
                              f"{owner.name} ({owner.origin})")
    _registry[rule.name] = rule
    for alias in rule.aliases:
        _aliases[alias] = rule.name
    return rule


def registry() -> dict[str, Rule]:
    from derive import rules  # noqa: F401  (importing the package registers the built-ins)

    return dict(_registry)


def lookup(name: str) -> Rule:
    rules = registry()
    name_key = _aliases.get(name, name)
    if name_key in rules:
        return rules[name_key]
    close = difflib.get_close_matches(name, [*rules, *_aliases], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UnknownRule(f"no rule named {name!r}{hint} (`derive rules` lists them)")


def resolve_rules(by, where: str) -> tuple[Rule, ...]:
    items = [by] if isinstance(by, (str, Rule)) or not isinstance(by, Sequence) else list(by)
    rules = []
    for item in items:
        if isinstance(item, Rule):
            rules.append(item)
        elif isinstance(item, str):
            try:
                rules.append(lookup(item))
            except UnknownRule as e:
                raise UnknownRule(f"{where}: {e}") from None
        else:
            raise DeriveError(f"{where}: by= takes rules or rule names, not {item!r}")
    return tuple(rules)


# ---------------------------------------------------------------------------------------
# Traversal: rewrite every node a local rewrite fits, bottom-up, collecting conditions.

LocalRewrite = Callable[[sp.Basic], tuple[sp.Basic, Iterable[Condition]] | None]


def rewrite_everywhere(expr: sp.Basic, local: LocalRewrite) -> tuple[sp.Basic, list[Condition], int]:
    """Apply ``local`` to every node, children first; returns (result, conditions, count)."""
    conditions: list[Condition] = []
    count = 0

    def visit(node: sp.Basic) -> sp.Basic:
        nonlocal count
        if node.args and not isinstance(node, (sp.Symbol, sp.Indexed)):
            new_args = tuple(visit(a) for a in node.args)
            if new_args != node.args:
                node = node.func(*new_args)
        outcome = local(node)
        if outcome is None:
            return node
        count += 1
        new, conds = outcome
        conditions.extend(conds)
        return new

    return visit(expr), conditions, count


def require(condition: bool, why: str) -> None:
    if not condition:
        raise RuleDoesNotApply(why)


def as_factors(e: sp.Expr) -> list[sp.Expr]:
    return list(e.args) if isinstance(e, sp.Mul) else [e]


def as_terms(e: sp.Expr) -> list[sp.Expr]:
    return list(e.args) if isinstance(e, sp.Add) else [e]


def one_or_none(rule_name: str, count: int, what: str) -> None:
    if count == 0:
        raise RuleDoesNotApply(f"{rule_name}: found no {what} to rewrite")


def names(items: Sequence) -> str:
    return ", ".join(map(str, items))
