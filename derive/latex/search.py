"""Finding the rule, or short chain of rules, that justifies a step nobody annotated.

The search proposes; the kernel judges. A chain is accepted only when
``kernel.judge_symbolic`` proves it, exactly as ``derive check`` will again afterwards, so
the search can miss a justification but never invent one. It is bounded in depth (3 rules)
and in time (``SEARCH_SECONDS`` per step), and reports what it tried when it finds nothing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from derive import kernel
from derive.checker import propose
from derive.derivation import Definition, Step
from derive.kernel import Claim, Justification, Relation, Symbolic, fact
from derive.notation import OptimisationSet
from derive.rules import registry
from derive.rules.base import Context, Rule, RuleDoesNotApply
from derive.rules.substitution import reparametrise, substitute

__all__ = ["Found", "SEARCH_SECONDS", "find_rules", "name_objective", "reparametrisation",
           "unjustified"]

SEARCH_SECONDS = 10.0
MAX_DEPTH = 3
ATTEMPT_SECONDS = 3.0  # one candidate's symbolic check: a stuck simplify must not eat the budget


@dataclass(frozen=True)
class Found:
    rules: tuple[Rule, ...]
    relation: Relation
    tried: int
    seconds: float


def _proved(before: sp.Expr, after: sp.Expr, rules: Sequence[Rule], seconds: float) -> Claim | None:
    """The claim of ``rules`` if the kernel proves the step with them, else None."""
    step = Step("search", before, after, Relation.EQUAL, tuple(rules))
    try:
        with kernel.time_limit(max(seconds, 0.05)):
            justification = propose(step)
            # A substitution is an assumption: the step is recorded as := (shown so), never
            # as a proved equality, whatever sign the document printed.
            relation = (Relation.DEFINE if justification.claim is Claim.DEFINITION
                        else Relation.EQUAL)
            verdict = kernel.judge_symbolic(justification, after, "", (), relation)
    except Exception:  # noqa: BLE001
        # does not apply, timed out, or a rule or SymPy failed on it (SymPy's simplify can
        # raise StopIteration): none of these is a proof, and only a proof is accepted
        return None
    return justification.claim if verdict.status is Symbolic.PROVED else None


def _cheaply_equal(a: sp.Expr, b: sp.Expr) -> bool:
    if isinstance(a, OptimisationSet) or isinstance(b, OptimisationSet):
        return (type(a) is type(b) and a.variables == b.variables
                and _cheaply_equal(a.objective, b.objective))
    return a == b or sp.expand(a - b) == 0


def _relation(claim: Claim) -> Relation:
    return Relation.DEFINE if claim is Claim.DEFINITION else Relation.EQUAL


def reparametrisation(before: sp.Expr, after: sp.Expr) -> Rule | None:
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


def substitute_symbols(definitions: dict[sp.Symbol, sp.Expr], before: sp.Expr) -> Rule | None:
    """Replace the symbols a document defined (``h_1 = f_1[x, phi_1]``) by their definitions,
    repeatedly (h_2 is written with h_1): an assumption, shown as :=."""
    used = {s: v for s, v in definitions.items() if s in before.free_symbols}
    if not used:
        return None
    names = ", ".join(f"{s} := {v}" for s, v in used.items())

    def propose(expr, target, context: Context) -> Justification:
        result = expr
        for _ in range(len(definitions) + 1):
            replaced = result.xreplace(definitions)
            if replaced == result:
                break
            result = replaced
        left = [s for s in definitions if s in result.free_symbols]
        return Justification(
            f"substitute({names})", result, Claim.DEFINITION,
            (fact("every defined symbol replaced", not left,
                  "none is left" if not left else f"{left} are defined in terms of themselves"),),
            f"substituted the definitions {names}")

    return Rule(f"substitute({names})", names, ("every occurrence replaced",), propose,
                "substitute the symbols the document defined", origin="symbol definition")


def find_rules(before: sp.Expr, after: sp.Expr, definitions: Sequence[Definition],
               seconds: float = SEARCH_SECONDS,
               symbol_definitions: dict[sp.Symbol, sp.Expr] | None = None) -> Found | None:
    """The first rule or chain of rules (substitutions, then single rules, then chains of
    up to MAX_DEPTH rewrites closed by a rule that reads the target) the kernel accepts."""
    start = time.perf_counter()
    deadline = start + seconds
    tried = 0

    def attempt(rules: Sequence[Rule]) -> Found | None:
        nonlocal tried
        tried += 1
        claim = _proved(before, after, rules,
                        min(deadline - time.perf_counter(), ATTEMPT_SECONDS))
        if claim is None:
            return None
        return Found(tuple(rules), _relation(claim), tried, time.perf_counter() - start)

    for definition in definitions:
        function, _ = definition.as_function()
        if not before.has(function):
            continue
        try:
            rule = substitute(definition)
        except Exception:  # noqa: BLE001  (a definition SymPy cannot even print is unusable)
            continue
        if (found := attempt([rule])):
            return found
    rule = reparametrisation(before, after)
    if rule is not None and (found := attempt([rule])):
        return found
    rule = substitute_symbols(symbol_definitions or {}, before)
    if rule is not None:
        for chain in ([rule], [rule, registry()["algebra"]]):
            if (found := attempt(chain)):
                return found
    library = sorted(registry().values(), key=lambda r: r.name)
    algebra = registry()["algebra"]  # rewrites nothing: the kernel compares the two lines
    finals = [r for r in library if r.needs_target]
    rewrites = [r for r in library if not r.needs_target and r is not algebra]
    frontier: list[tuple[sp.Expr, tuple[Rule, ...]]] = [(before, ())]
    seen = {before}
    near_start: list[tuple[Rule, ...]] = []
    for depth in range(MAX_DEPTH + 1):
        next_frontier = []
        for current, rules in frontier:
            if time.perf_counter() > deadline:
                return None
            # equal at a glance: the rules so far close it; with none, only the same line
            # written twice is closed by algebra now (a named rule says more, so it goes first)
            if (rules or current == after) and _cheaply_equal(current, after):
                if (found := attempt(rules or [algebra])):
                    return found
            for final in finals:
                if time.perf_counter() > deadline:
                    return None
                if (found := attempt([*rules, final])):
                    return found
            if depth <= 1:
                near_start.append(rules)
            if depth == MAX_DEPTH:
                continue
            for rewrite in rewrites:
                try:
                    with kernel.time_limit(max(deadline - time.perf_counter(), 0.05)):
                        result = rewrite(current, None, Context()).result
                except Exception:  # noqa: BLE001  (does not apply, or cannot handle it)
                    continue
                if result not in seen:
                    seen.add(result)
                    next_frontier.append((result, (*rules, rewrite)))
        frontier = next_frontier
    # Last, a full simplify (algebra) after no rewrite or one: costly, and says the least.
    for rules in near_start:
        if time.perf_counter() > deadline:
            return None
        if (found := attempt([*rules, algebra])):
            return found
    return None


def name_objective(definition: Definition) -> Rule:
    """The objective above is given a name: ``argmin_phi[F] = argmin_phi[L[phi]]`` with
    L[phi] := F. A definition (an assumption, :=), checked to be exactly the objective."""
    name, body = definition.lhs, definition.rhs

    def propose(before, target, context: Context) -> Justification:
        if not isinstance(before, OptimisationSet):
            raise RuleDoesNotApply(f"name({definition.label}) applies to an argmin or argmax")
        exact = before.objective == body
        return Justification(
            f"name({definition.label})", before.with_objective(name), Claim.DEFINITION,
            (fact(f"the objective is {body}, which {name} names", exact,
                  "it is, exactly" if exact else f"the objective is {before.objective}"),),
            f"named the objective: {name} := {body}")

    return Rule(f"name({definition.label})", f"{sp.latex(name)} := {sp.latex(body)}",
                ("the objective is exactly the named expression",), propose,
                "give the objective a name", origin="naming")


def unjustified(reason: str) -> Rule:
    """A stand-in rule for a step with no justification: it never applies, so the step is
    UNPROVEN (or REFUTED by the numbers), and says what was searched."""
    def propose_nothing(before, target, context: Context):
        raise RuleDoesNotApply(reason)

    return Rule("no rule found", "", (), propose_nothing,
                "no rule or chain of rules in the library justifies this step",
                origin="search")
