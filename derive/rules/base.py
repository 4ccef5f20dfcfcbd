"""What a rule is, the registry of rules by name, and rule packs.

A rule is a name, its statement as LaTeX, its side conditions in words, and a proposer
``propose(before, target, context) -> certificates``: where and how the line before is
rewritten (a schema's instance at a position, an affine change of an objective, ...). It is
untrusted code: the kernel interprets every certificate itself, computes every side
condition, and compares the line it reaches with the line written. ``target`` is the line
the author wrote (or None inside a chain of rules): rules that must choose (which term to
drop) read it. A rule that does not fit raises ``RuleDoesNotApply`` saying why.

Rule packs in other packages are found through the entry-point group ``derive.rules``
(``load_rule_packs``); every rule knows its origin ("built in", or its package).
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib.metadata
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import sympy as sp

from derive import messages  # noqa: F401  (the words of the kernel's messages)
from derive.kernel import Certificate, DeriveError, Message

__all__ = ["Context", "Rule", "RuleDoesNotApply", "RulePackError", "UnknownRule",
           "load_rule_packs", "lookup", "register", "registry", "resolve_rules", "rule"]

ENTRY_POINT_GROUP = "derive.rules"


class RuleDoesNotApply(DeriveError):
    """A rule was asked to justify a step it does not fit; the message says why, as data
    (``RuleDoesNotApply(say("rule.<key>", ...))``, the words in derive/messages.py) so that
    a report translates it. A rule pack may still give its own words, shown as written."""

    @property
    def reason(self) -> Message | str:
        """Why, as the rule said it: its message, or a rule pack's words."""
        if len(self.args) == 1 and isinstance(self.args[0], Message):
            return self.args[0]
        return str(self)


class UnknownRule(DeriveError):
    """A step names a rule that is not in the library. ``derive rules`` lists them."""


class RulePackError(DeriveError):
    """A rule pack (an entry point in the group ``derive.rules``) failed to load. The
    message names the pack and its package: fix or uninstall the package, or set
    DERIVE_NO_RULE_PACKS=1 to run with the built-in rules only."""


@dataclass(frozen=True)
class Context:
    """What a rule may know besides the expressions: the step's hypotheses."""

    hypotheses: tuple = ()


Propose = Callable[[sp.Basic, sp.Basic | None, Context], Sequence[Certificate]]


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
    self_check: str = ""  # how the rule itself was checked (identities: their own check)
    searched: bool = True  # tried by the search for unannotated steps
    # The search tries a bound rule only for a step written with <=, <, >= or >.
    bound: bool = False
    # Chooses among several sites by the line written when it has it, and works without it
    # too: the search tries it both as a rewrite and as the rule that closes a step.
    reads_target: bool = False
    # Every certificate the rule could propose on a line, one site or binding each (the
    # product rule either way round): the search explores each, not only the first.
    alternatives: Callable[[sp.Basic, Context], Sequence[Certificate]] | None = field(
        default=None, repr=False, compare=False)
    # The kinds of node the rule works on: a search tries it only on lines holding one
    # (empty: anywhere). A cheap structural test; it never decides whether the rule fits.
    sites: tuple[type, ...] = ()
    # The definitions (derive.derivation.Definition) its certificates apply: the kernel
    # accepts one only if it was declared before the step, so a document declares them.
    definitions: tuple = ()

    def __call__(self, before: sp.Basic, target: sp.Basic | None = None,
                 context: Context = Context()) -> tuple[Certificate, ...]:
        return tuple(self.propose(before, target, context))


_registry: dict[str, Rule] = {}
_aliases: dict[str, str] = {}
_loading_origin: str | None = None  # the package whose rule pack is being loaded
_packs_loaded = False


def register(rule: Rule) -> Rule:
    """Add ``rule`` to the library and return it (as registered: a rule registered while a
    rule pack loads is marked as coming from that pack's package)."""
    if _loading_origin is not None and rule.origin == "built in":
        rule = dataclasses.replace(rule, origin=_loading_origin)
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

    if not _packs_loaded:
        load_rule_packs()
    return dict(_registry)


def load_rule_packs(entry_points: Iterable[importlib.metadata.EntryPoint] | None = None,
                    ) -> list[Rule]:
    """Load the rule packs installed in the entry-point group ``derive.rules`` (or those
    given) and return the rules they registered. An entry point may name a module (importing
    it registers its rules), a Rule, or a callable returning rules; the rules are marked with
    the package they came from. Set DERIVE_NO_RULE_PACKS=1 to load none."""
    global _packs_loaded, _loading_origin
    if entry_points is None:
        _packs_loaded = True
        if os.environ.get("DERIVE_NO_RULE_PACKS"):
            return []
        entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    added: list[Rule] = []
    for ep in entry_points:
        package = ep.dist.name if ep.dist is not None else ep.value.split(":")[0].split(".")[0]
        origin = f"package {package}"
        before = set(_registry)
        _loading_origin = origin
        try:
            loaded = ep.load()
            extra = loaded() if callable(loaded) and not isinstance(loaded, Rule) else loaded
            if isinstance(extra, Rule):
                extra = [extra]
            for item in extra if isinstance(extra, Iterable) else ():
                if not isinstance(item, Rule):
                    raise TypeError(f"it gave {item!r}, which is not a Rule")
                if _registry.get(item.name) is not item:
                    register(item)
        except Exception as e:
            raise RulePackError(
                f"rule pack {ep.name!r} ({ep.value}) from {origin} failed to load: "
                f"{type(e).__name__}: {e}. Fix or uninstall {package}, or set "
                f"DERIVE_NO_RULE_PACKS=1 to check with the built-in rules only") from None
        finally:
            _loading_origin = None
        added.extend(_registry[name] for name in _registry if name not in before)
    return added


def rule(name: str, statement: str, side_conditions: Sequence[str] = (), summary: str = "",
         aliases: Sequence[str] = (), needs_target: bool = False,
         ) -> Callable[[Propose], Rule]:
    """Register a proposer as a rule: ``@rule("name", r"statement")`` over
    ``def propose(before, target, context) -> [certificates]``. The kernel checks what it
    proposes exactly as it checks the built-in rules: a proposer can only say where and
    how, never that a step holds."""

    def decorate(propose: Propose) -> Rule:
        return register(Rule(name, statement, tuple(side_conditions), propose,
                             summary or (propose.__doc__ or "").strip().split("\n")[0],
                             tuple(aliases), needs_target=needs_target))

    return decorate


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
