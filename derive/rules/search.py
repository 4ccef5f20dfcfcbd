"""Finding the rule, or short chain of rules, that justifies a step nobody annotated.

The search proposes; the kernel judges. A chain is accepted only when the kernel proves the
step with it, and ``derive check`` judges it again afterwards, so the search can miss a
justification but never invent one.

Its budget counts attempts (each chain judged, each rewrite explored), never seconds, so a
document gets the same verdicts on a loaded laptop and on an idle server. Cheap attempts
come first, and expensive ones only where they can help:

- a rule is tried only on lines holding the kind of node it works on (``Rule.sites``);
- a chain is handed to the kernel only once the line it reaches equals the line written by
  the canonical form alone (no ``simplify``, no integration): most chains fail that test,
  and it costs a fraction of a judgement;
- a definition is substituted only where its name occurs, and fewer times in the line
  written (otherwise it cannot close the step); in both lines, and rewrites of the line
  written read back (``backwards``), only after every forward chain;
- a full ``simplify`` comes last, after no rewrite or one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derive import guard, kernel
from derive.derivation import Definition
from derive.identities import identities
from derive.kernel import Claim, Converse, Define, Message, Relation, Symbolic, say
from derive.kernel.objects import OptimisationSet
from derive.rules import registry
from derive.rules.base import Context, Rule, RuleDoesNotApply
from derive.rules.optimisation import affine_change
from derive.rules.substitution import reparametrise, substitute

__all__ = ["Found", "MAX_DEPTH", "SEARCH_BUDGET", "backwards", "find_rules", "name_objective",
           "none_found", "reparametrisation", "substitute_symbols", "unjustified"]

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


_BOUNDS = (Relation.LE, Relation.LT, Relation.GE, Relation.GT)


def _relation(claim: Claim, written: Relation) -> Relation:
    # A substitution is an assumption: the step is recorded as := (shown so), never as a
    # proved equality, whatever sign the document printed. A bound stays the bound written.
    if written in _BOUNDS:
        return written
    return Relation.DEFINE if claim is Claim.DEFINITION else Relation.EQUAL


def _apply(line: sp.Basic, after: sp.Basic, rules: Sequence[Rule], hypotheses: tuple = ()):
    """The certificates ``rules`` propose in turn from ``line`` (as ``derive check`` runs
    them: the last one sees the line written) and the line they reach."""
    context, certificates = Context(hypotheses), []
    for k, rule in enumerate(rules):
        last = k == len(rules) - 1
        proposed = rule(line, after if last else None, context)
        if not proposed:
            raise RuleDoesNotApply(say("rule.proposed_nothing", rule=rule.name))
        for certificate in proposed:
            line = kernel.advance(line, certificate, after)
        certificates.extend(proposed)
    return certificates, line


def _equal_at_a_glance(a: sp.Basic, b: sp.Basic) -> bool:
    """Equal by the kernel's canonical form alone (no simplify): never wrong, often short."""
    with kernel.cheaply():
        return kernel.equal_values(a, b)[0] is True


def _plausible(certificates: Sequence, line: sp.Basic, after: sp.Basic) -> bool:
    """Could the kernel accept these certificates? The cheap part of its judgement: the
    line reached equals the line written at a glance, and an affine change of an objective
    keeps its scale and offset free of the variables. (The kernel judges it all afresh.)"""
    for c in certificates:
        if isinstance(c, kernel.Affine) and isinstance(after, OptimisationSet) and (
                (c.scale.free_symbols | c.offset.free_symbols) & set(after.variables)):
            return False
    return _equal_at_a_glance(line, after)


def _proved(before, after, certificates: Sequence, line: sp.Basic, thorough: bool,
            written: Relation = Relation.EQUAL, unshown: list | None = None,
            hypotheses: tuple = (), definitions: tuple = ()) -> Claim | None:
    """The claim the kernel proves the step with from ``certificates`` (which lead to
    ``line``), else None. A step written with a bound is judged with that bound only.
    Certificates that reach the line written but whose side conditions the kernel cannot
    show are appended to ``unshown``, with the kernel's judgement."""
    if not thorough and not _plausible(certificates, line, after):
        return None  # the kernel could not close it either: spare it the judgement
    relations = (written,) if written in _BOUNDS else (Relation.EQUAL, Relation.DEFINE)
    try:
        for relation in relations:
            if thorough:
                verdict = kernel.judge(before, after, relation, certificates, hypotheses,
                                       definitions)
            else:
                with kernel.cheaply():
                    verdict = kernel.judge(before, after, relation, certificates, hypotheses,
                                           definitions)
            if verdict.status is Symbolic.PROVED:
                return verdict.claim
            if unshown is not None and _only_conditions_unshown(verdict):
                unshown.append(verdict)
            if verdict.claim is not Claim.DEFINITION:
                return None
    except guard.CheckTimeout:
        raise
    except Exception:  # noqa: BLE001
        # SymPy's simplify can raise (StopIteration, ...): that is no proof, and only a
        # proof is accepted
        return None
    return None


def _only_conditions_unshown(verdict) -> bool:
    """The certificates reach the line written; only side conditions are not shown."""
    return verdict.detail.key == "judge.condition_unshown" and all(
        r.holds is True for r in verdict.conditions if r.condition.kind == "equal")


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


def _unfolding(definitions: dict[sp.Symbol, sp.Basic], line: sp.Basic) -> list[Define]:
    """Definitions that replace every defined symbol in ``line``, repeatedly (h_2 is
    written with h_1)."""
    certificates = []
    for _ in range(len(definitions) + 1):
        present = [s for s in definitions if s in line.free_symbols]
        if not present:
            break
        for symbol in present:
            certificate = Define(symbol, definitions[symbol], str(symbol))
            certificates.append(certificate)
            line = kernel.advance(line, certificate)
    return certificates


def substitute_symbols(definitions: dict[sp.Symbol, sp.Basic], before: sp.Basic,
                       after: sp.Basic | None = None) -> Rule | None:
    """Replace the symbols a document defined (``h_1 = f_1[x, phi_1]``, ``\\bar x =
    \\frac1N\\sum_n x_n``) by their definitions: in the line before, and, given the line
    written, in it too (read back from it), so the two meet in between. An assumption,
    shown as :=."""
    definitions = dict(definitions)  # as they stand now: later displays may redefine them
    lines = [before] if after is None else [before, after]
    used = {s: v for s, v in definitions.items() if any(s in e.free_symbols for e in lines)}
    if not used:
        return None
    applied, mentioned = set(), set(used)
    while mentioned:  # h_2 written with h_1: unfolding h_2 applies h_1 too
        s = mentioned.pop()
        if s in definitions and s not in applied:
            applied.add(s)
            mentioned |= definitions[s].free_symbols
    names = ", ".join(f"{s} := {v}" for s, v in used.items())

    def propose_definitions(expr, target, context: Context):
        forward = _unfolding(definitions, expr)
        if after is None:
            return forward
        line = expr
        for certificate in forward:
            line = kernel.advance(line, certificate)
        backward = _unfolding(definitions, target)
        written = target
        for certificate in backward:
            written = kernel.advance(written, certificate)
        algebra = [] if line == written else [kernel.Algebra(written)]
        return [*forward, *algebra, *([Converse(tuple(backward))] if backward else [])]

    both = "" if after is None else " in both lines"
    return Rule(f"substitute({names}){both}", names, ("every occurrence replaced",),
                propose_definitions, "substitute the symbols the document defined",
                origin="symbol definition", needs_target=after is not None,
                definitions=tuple(Definition(str(s), s, definitions[s])
                                  for s in sorted(applied, key=str)))


def _count(definition: Definition, e: sp.Basic) -> int:
    """How often the defined name occurs in ``e``."""
    name = definition.lhs.func if isinstance(definition.lhs, AppliedUndef) else definition.lhs
    return sum(1 for n in sp.preorder_traversal(e)
               if n == name or getattr(n, "func", None) == name)


def _occurs(definition: Definition, e: sp.Basic) -> bool:
    return _count(definition, e) > 0


def _helps(definition: Definition, before: sp.Basic, after: sp.Basic) -> bool:
    """Substituting a definition in the line before can close the step only if its name
    occurs there and fewer times in the line written (it was unfolded)."""
    return _count(definition, before) > _count(definition, after)


def backwards(rule: Rule) -> Rule:
    """``rule`` applied to the line written, read back to the line before (an integral or a
    variance written on the right evaluated there): equalities read from their other end."""
    def propose(before, target, context: Context):
        if target is None:
            raise RuleDoesNotApply(say("rule.none_in_written", rule=rule.name))
        return [Converse(tuple(rule(target, None, context)))]

    return Rule(f"{rule.name} (in the line written)", rule.statement, rule.side_conditions,
                propose, f"{rule.summary}, in the line written", origin=rule.origin,
                needs_target=True, sites=rule.sites, definitions=rule.definitions)


def _sites(rule: Rule) -> tuple[type, ...]:
    """The kinds of node a rule works on: its own, or an identity's left side's head."""
    if rule.sites:
        return rule.sites
    ident = identities().get(rule.name)
    if ident is not None and ident.rule is rule and ident.lhs.args:
        return (ident.lhs.func,)
    return ()


def _holds_site(rule: Rule, *lines: sp.Basic) -> bool:
    """Does any of the lines hold a node the rule works on? (A rule with no sites may work
    anywhere.)"""
    sites = _sites(rule)
    if not sites:
        return True
    return any(isinstance(n, sites) for e in lines for n in sp.preorder_traversal(e))


def find_rules(before: sp.Basic, after: sp.Basic, definitions: Sequence[Definition],
               budget: int = SEARCH_BUDGET,
               symbol_definitions: dict[sp.Symbol, sp.Basic] | None = None,
               written: Relation = Relation.EQUAL,
               unshown: list[tuple[Rule, ...]] | None = None,
               hypotheses: tuple = ()) -> Found | None:
    """The first rule or chain of rules the kernel accepts, within ``budget`` attempts:
    definitions and modelling substitutions first, then single rules, then chains of up to
    MAX_DEPTH rewrites closed by equality at a glance or by a rule that reads the line
    written, then a rewrite of the line written read back, and last a full simplify. A
    step ``written`` with a bound (<=, <, >=, >) is judged with it, and the bound rules
    (Jensen, the tangent bounds, termwise bounds...) are tried as well. Chains that reach
    the line written but whose side conditions the kernel cannot show are appended to
    ``unshown`` (the first is the nearest to a proof: it can say what to declare).
    ``hypotheses`` are the step's (declared independence): rules and the kernel see them."""
    spent = _Budget(budget)
    symbols = symbol_definitions or {}
    # what the reader will declare before the step, if a chain applies it
    declared = (*((d.lhs, d.rhs) for d in definitions), *symbols.items())

    def attempt(rules: Sequence[Rule], start=(before, (), ()), thorough: bool = False
                ) -> Found | None:
        """Judge ``rules`` after the chain that led to ``start`` = (line, rules, its
        certificates)."""
        if not spent.spend():
            return None
        line, done, certificates = start
        try:
            more, line = _apply(line, after, rules, hypotheses)
        except guard.CheckTimeout:
            raise
        except Exception:  # noqa: BLE001  (does not apply, or cannot handle it)
            return None
        refused: list = []
        claim = _proved(before, after, [*certificates, *more], line, thorough, written,
                        refused, hypotheses, declared)
        if refused and unshown is not None and not done and len(rules) == 1 and not any(
                isinstance(c, Converse) for c in more):
            # one rule, read forwards, that reaches the line written: the nearest to a
            # proof, whose unshown condition says what to declare (a chain that rewrites
            # both lines to one thing under conditions it cannot show says nothing)
            unshown.append(tuple(rules))
        return None if claim is None else Found((*done, *rules), _relation(claim, written),
                                                spent.tried)

    algebra = registry()["algebra"]  # rewrites nothing: the kernel compares the two lines
    if before == after and (found := attempt([algebra])):
        return found  # the same line written twice
    for definition in definitions:
        if _helps(definition, before, after) and (found := attempt([substitute(definition)])):
            return found
    rule = reparametrisation(before, after)
    if rule is not None and (found := attempt([rule])):
        return found
    for rule in (substitute_symbols(symbols, before), substitute_symbols(symbols, before, after)):
        if rule is None:
            continue
        for chain in ([rule], [rule, algebra]) if not rule.needs_target else ([rule],):
            if (found := attempt(chain)):
                return found
    library = sorted((r for r in registry().values()
                      if r.searched and (written in _BOUNDS or not r.bound)),
                     key=lambda r: r.name)
    rewrites = [r for r in library if not r.needs_target and r is not algebra]
    # rules that read the line written; the three that drop constants and factors from an
    # objective share one computation, so only the one that names what it drops is tried
    finals = [r for r in library if (r.needs_target or r.reads_target)
              and r.name not in _AFFINE]
    frontier = [(before, (), ())]  # (line, rules, their certificates)
    seen = {before}
    near_start = []
    for depth in range(MAX_DEPTH + 1):
        if depth == 2 and _equal_at_a_glance(before, after) and (found := attempt([algebra])):
            return found  # one named rule says more than algebra; two or more say less
        next_frontier = []
        for node in frontier:
            current, rules, _ = node
            # equal at a glance: the rules so far close it (with none, a named rule says
            # more than algebra, which comes last)
            if rules and _equal_at_a_glance(current, after):
                if spent.spend() and (claim := _proved(before, after, node[2], current, False,
                                                       written, None, hypotheses, declared)):
                    return Found(rules, _relation(claim, written), spent.tried)
            affine = _affine_rule(current, after)
            if affine is not None and (found := attempt([affine], node)):
                return found
            for final in finals:
                if _holds_site(final, current, after) and (found := attempt([final], node)):
                    return found
            if depth <= 1:
                near_start.append(node)
            if depth == MAX_DEPTH:
                continue
            for rewrite in rewrites:
                if not _holds_site(rewrite, current):
                    continue
                if not spent.spend():
                    return None
                for k, (used, certificates, reached) in enumerate(
                        _rewritten(current, rewrite, hypotheses)):
                    if k and not spent.spend():  # each further alternative is an attempt
                        return None
                    if reached not in seen:
                        seen.add(reached)
                        next_frontier.append((reached, (*rules, used),
                                              (*node[2], *certificates)))
        frontier = next_frontier
    # Where reading forwards found nothing: a function the document defines, in both lines,
    # unfolded in both; then rewrites of the line written, read back to a line near the
    # start (an integral written on the right evaluated there).
    in_both = [substitute(d) for d in definitions if _occurs(d, before) and _occurs(d, after)]
    for unfold in in_both:
        if (found := attempt([unfold, backwards(unfold)])):
            return found
    written = [backwards(r) for r in rewrites if r.sites and _holds_site(r, after)]
    for node in near_start:
        for final in written:
            if (found := attempt([final], node)):
                return found
    # Last, a full simplify: after unfolding a definition in both lines, or on the two lines
    # as written (algebra): costly, and says the least. (After one rewrite it closed no step
    # of either corpus, 0 of 96 tried, at a full simplify each: it is not tried.)
    for unfold in in_both:
        if (found := attempt([unfold, backwards(unfold)], thorough=True)):
            return found
    return attempt([algebra], thorough=True)


_AFFINE = ("drop_constant", "drop_positive_factor", "rescale_objective")


def _affine_rule(line: sp.Basic, after: sp.Basic) -> Rule | None:
    """For argmin F = argmin G: the rule that names the affine change F = c G + d, computed
    once: dropping a constant (c = 1), a factor (d = 0), or both; None if there is none."""
    if not (isinstance(line, OptimisationSet) and isinstance(after, OptimisationSet)
            and type(line) is type(after) and set(line.variables) == set(after.variables)):
        return None
    try:
        change = affine_change(line, after)
    except Exception:  # noqa: BLE001  (not affine, or SymPy could not tell)
        # neither depends on the variables: every point optimises both
        free = not (line.objective.free_symbols | after.objective.free_symbols) & set(
            line.variables)
        return registry()["drop_constant"] if free else None
    if change.scale == 1 and change.offset == 0:
        return None
    name = ("drop_constant" if change.scale == 1 else
            "drop_positive_factor" if change.offset == 0 else "rescale_objective")
    return registry()[name]


_MOST_ALTERNATIVES = 4  # sites or bindings of one rule explored from one line


def _pinned(rule: Rule, line: sp.Basic, certificate) -> Rule:
    """``rule`` proposing ``certificate`` on ``line`` (an alternative the search chose), so
    that ``derive check`` replays the chain the search found; elsewhere it does not apply."""
    def propose(before, target, context: Context):
        if before != line:
            raise RuleDoesNotApply(say("rule.other_line", rule=rule.name))
        return [certificate]

    return dataclasses.replace(rule, propose=propose)


def _rewritten(line: sp.Basic, rule: Rule, hypotheses: tuple = ()) -> list[tuple]:
    """(the rule as used, the certificates it proposes on ``line``, the line they lead to):
    what ``rule`` proposes, or each of its first alternatives (a site or binding each, the
    rule pinned to it after the first); [] if none."""
    try:
        if rule.alternatives is None:
            return [(rule, *_apply(line, None, [rule], hypotheses))]
        out = []
        for k, c in enumerate(rule.alternatives(line, Context(hypotheses))[:_MOST_ALTERNATIVES]):
            out.append((rule if k == 0 else _pinned(rule, line, c), (c,), kernel.advance(line, c)))
        return out
    except guard.CheckTimeout:
        raise
    except Exception:  # noqa: BLE001  (does not apply, or cannot handle it)
        return []


def name_objective(definition: Definition) -> Rule:
    """The objective above is given a name: ``argmin_phi[F] = argmin_phi[L[phi]]`` with
    L[phi] := F. A definition (an assumption, :=), folded back by the kernel."""
    name, body = definition.lhs, definition.rhs

    def propose_naming(before, target, context: Context):
        if not isinstance(before, OptimisationSet):
            raise RuleDoesNotApply(say("rule.naming_not_optimisation", label=definition.label))
        return [Define(name, body, definition.label, fold=before.with_objective(name))]

    return Rule(f"name({definition.label})", f"{sp.latex(name)} := {sp.latex(body)}",
                ("the objective is exactly the named expression",), propose_naming,
                "give the objective a name", origin="naming", definitions=(definition,))


def none_found(budget: int, stopped: Message | str = "") -> Message:
    """Why a step the search found nothing for is unproven: what was searched (and, if the
    guard against hangs stopped it, why), and what to do."""
    if stopped:
        return say("search.stopped", depth=MAX_DEPTH, budget=budget, why=stopped)
    return say("search.none_found", depth=MAX_DEPTH, budget=budget)


def unjustified(reason: Message | str) -> Rule:
    """A stand-in rule for a step with no justification (``reason``, as ``none_found``
    words it): it never applies, so the step is UNPROVEN (or REFUTED by the numbers), and
    says what was searched."""
    def propose_nothing(before, target, context: Context):
        raise RuleDoesNotApply(reason)

    return Rule("no rule found", "", (), propose_nothing,
                "no rule or chain of rules in the library justifies this step",
                origin="search")
