"""Finding the rule, or short chain of rules, that justifies a step nobody annotated.

The search proposes; the kernel judges. A chain is accepted only when the kernel proves the
step with it, and ``derive check`` judges it again afterwards, so the search can miss a
justification but never invent one.

Its budget counts attempts (each kernel judgement, each rewrite explored), never seconds,
so a document gets the same verdicts on a loaded laptop and on an idle server. Cheap
attempts come first: candidates are judged with the canonical form alone (no ``simplify``),
definitions are tried only where they can help, and a full ``simplify`` comes last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derive import guard, kernel
from derive.checker import propose
from derive.derivation import Definition, Step
from derive.kernel import Claim, Define, Relation, Symbolic
from derive.kernel.objects import OptimisationSet
from derive.rules import registry
from derive.rules.base import Context, Rule, RuleDoesNotApply
from derive.rules.substitution import reparametrise, substitute

__all__ = ["Found", "MAX_DEPTH", "SEARCH_BUDGET", "find_rules", "name_objective",
           "reparametrisation", "substitute_symbols", "unjustified"]

SEARCH_BUDGET = 300  # attempts per step: kernel judgements and rewrites explored
MAX_DEPTH = 3  # rewrites in a chain, before the rule that closes it


@dataclass(frozen=True)
class Found:
    rules: tuple[Rule, ...]
    relation: Relation
    tried: int


class _Budget:
    def __init__(self, attempts: int):
        self.left, self.tried = attempts, 0

    def spend(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        self.tried += 1
        return True


def _relation(claim: Claim) -> Relation:
    # A substitution is an assumption: the step is recorded as := (shown so), never as a
    # proved equality, whatever sign the document printed.
    return Relation.DEFINE if claim is Claim.DEFINITION else Relation.EQUAL


def _proved(before, after, rules: Sequence[Rule], thorough: bool) -> Claim | None:
    """The claim of ``rules`` if the kernel proves the step with them, else None."""
    for relation in (Relation.EQUAL, Relation.DEFINE):
        step = Step("search", before, after, relation, tuple(rules))
        try:
            certificates = [c for _, cs in propose(step) for c in cs]
            if thorough:
                verdict = kernel.judge(before, after, relation, certificates)
            else:
                with kernel.cheaply():
                    verdict = kernel.judge(before, after, relation, certificates)
        except guard.CheckTimeout:
            raise
        except Exception:  # noqa: BLE001
            # does not apply, or a rule or SymPy failed on it (SymPy's simplify can raise
            # StopIteration): none of these is a proof, and only a proof is accepted
            return None
        if verdict.status is Symbolic.PROVED:
            return verdict.claim
        if verdict.claim is not Claim.DEFINITION:
            return None
    return None


def _cheaply_equal(a: sp.Basic, b: sp.Basic) -> bool:
    if isinstance(a, OptimisationSet) or isinstance(b, OptimisationSet):
        return (type(a) is type(b) and set(a.variables) == set(b.variables)
                and _cheaply_equal(a.objective, b.objective))
    return kernel.alpha_equal(a, b) or sp.expand(a - b) == 0


def reparametrisation(before: sp.Basic, after: sp.Basic) -> Rule | None:
    """``argmin_theta F(theta)`` -> ``argmin_phi F(f[x_i, phi])``: the modelling
    substitution, found by matching the old objective against the new one."""
    if not (isinstance(before, OptimisationSet) and isinstance(after, OptimisationSet)):
        return None
    old = [v for v in before.variables if v not in after.variables]
    new = [v for v in after.variables if v not in before.variables]
    if len(old) != 1 or not new:
        return None
    wild = sp.Wild("replacement")
    pattern = before.objective.xreplace({old[0]: wild})
    try:
        match = after.objective.match(pattern)
    except (TypeError, ValueError, AttributeError):
        return None
    if not match or wild not in match or not (match[wild].free_symbols & set(new)):
        return None
    return reparametrise(old[0], match[wild], new)


def substitute_symbols(definitions: dict[sp.Symbol, sp.Basic], before: sp.Basic) -> Rule | None:
    """Replace the symbols a document defined (``h_1 = f_1[x, phi_1]``) by their definitions,
    repeatedly (h_2 is written with h_1): an assumption, shown as :=."""
    used = {s: v for s, v in definitions.items() if s in before.free_symbols}
    if not used:
        return None
    names = ", ".join(f"{s} := {v}" for s, v in used.items())

    def propose_definitions(expr, target, context: Context):
        certificates, line = [], expr
        for _ in range(len(definitions) + 1):
            present = [s for s in definitions if s in line.free_symbols]
            if not present:
                break
            for symbol in present:
                certificate = Define(symbol, definitions[symbol], str(symbol))
                certificates.append(certificate)
                line = kernel.advance(line, certificate)
        return certificates

    return Rule(f"substitute({names})", names, ("every occurrence replaced",),
                propose_definitions, "substitute the symbols the document defined",
                origin="symbol definition")


def _helps(definition: Definition, before: sp.Basic, after: sp.Basic) -> bool:
    """Substituting a definition can close the step only if its name occurs before and
    fewer times after (it was unfolded)."""
    name = definition.lhs.func if isinstance(definition.lhs, AppliedUndef) else definition.lhs
    def count(e):
        return sum(1 for n in sp.preorder_traversal(e)
                   if n == name or getattr(n, "func", None) == name)
    return count(before) > count(after)


def find_rules(before: sp.Basic, after: sp.Basic, definitions: Sequence[Definition],
               budget: int = SEARCH_BUDGET,
               symbol_definitions: dict[sp.Symbol, sp.Basic] | None = None) -> Found | None:
    """The first rule or chain of rules (substitutions, then single rules, then chains of
    up to MAX_DEPTH rewrites closed by a rule that reads the target) the kernel accepts,
    within ``budget`` attempts."""
    spent = _Budget(budget)

    def attempt(rules: Sequence[Rule], thorough: bool = False) -> Found | None:
        if not spent.spend():
            return None
        claim = _proved(before, after, rules, thorough)
        return None if claim is None else Found(tuple(rules), _relation(claim), spent.tried)

    for definition in definitions:
        if _helps(definition, before, after) and (found := attempt([substitute(definition)])):
            return found
    rule = reparametrisation(before, after)
    if rule is not None and (found := attempt([rule])):
        return found
    rule = substitute_symbols(symbol_definitions or {}, before)
    if rule is not None:
        for chain in ([rule], [rule, registry()["algebra"]]):
            if (found := attempt(chain)):
                return found
    library = sorted((r for r in registry().values() if r.searched), key=lambda r: r.name)
    algebra = registry()["algebra"]  # rewrites nothing: the kernel compares the two lines
    finals = [r for r in library if r.needs_target]
    rewrites = [r for r in library if not r.needs_target and r is not algebra]
    frontier: list[tuple[sp.Basic, tuple[Rule, ...]]] = [(before, ())]
    seen = {before}
    near_start: list[tuple[Rule, ...]] = []
    for depth in range(MAX_DEPTH + 1):
        next_frontier = []
        for current, rules in frontier:
            # equal at a glance: the rules so far close it; with none, only the same line
            # written twice is closed by algebra now (a named rule says more, so it goes first)
            if (rules or current == after) and _cheaply_equal(current, after):
                if (found := attempt(rules or [algebra])):
                    return found
            for final in finals:
                if (found := attempt([*rules, final])):
                    return found
            if depth <= 1:
                near_start.append(rules)
            if depth == MAX_DEPTH:
                continue
            for rewrite in rewrites:
                if not spent.spend():
                    return None
                result = _rewritten(current, rewrite)
                if result is not None and result not in seen:
                    seen.add(result)
                    next_frontier.append((result, (*rules, rewrite)))
        frontier = next_frontier
    # Last, a full simplify (algebra) after no rewrite or one: costly, and says the least.
    for rules in near_start:
        if (found := attempt([*rules, algebra], thorough=True)):
            return found
    return None


def _rewritten(line: sp.Basic, rule: Rule) -> sp.Basic | None:
    try:
        certificates = rule(line, None, Context())
        for certificate in certificates:
            line = kernel.advance(line, certificate)
        return line
    except guard.CheckTimeout:
        raise
    except Exception:  # noqa: BLE001  (does not apply, or cannot handle it)
        return None


def name_objective(definition: Definition) -> Rule:
    """The objective above is given a name: ``argmin_phi[F] = argmin_phi[L[phi]]`` with
    L[phi] := F. A definition (an assumption, :=), folded back by the kernel."""
    name, body = definition.lhs, definition.rhs

    def propose_naming(before, target, context: Context):
        if not isinstance(before, OptimisationSet):
            raise RuleDoesNotApply(f"name({definition.label}) applies to an argmin or argmax")
        return [Define(name, body, definition.label, fold=before.with_objective(name))]

    return Rule(f"name({definition.label})", f"{sp.latex(name)} := {sp.latex(body)}",
                ("the objective is exactly the named expression",), propose_naming,
                "give the objective a name", origin="naming")


def unjustified(reason: str) -> Rule:
    """A stand-in rule for a step with no justification: it never applies, so the step is
    UNPROVEN (or REFUTED by the numbers), and says what was searched."""
    def propose_nothing(before, target, context: Context):
        raise RuleDoesNotApply(reason)

    return Rule("no rule found", "", (), propose_nothing,
                "no rule or chain of rules in the library justifies this step",
                origin="search")
