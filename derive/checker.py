"""Checking a derivation: each step's rules propose, the kernel judges, the numbers testify.

This is the orchestration around the kernel: it runs the rules of a step in sequence (a
step may cite several, as a textbook line does), under the time limit, catches what a rule
raises so that no traceback reaches the user, and asks the numeric checker for its evidence.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import sympy as sp

from derive import kernel
from derive.derivation import Definition, Derivation, Entry, Step
from derive.kernel import (
    DEFAULT_INSTANCES,
    DEFAULT_SEED,
    CheckTimeout,
    Claim,
    Justification,
    Numeric,
    NumericVerdict,
    Status,
    Symbolic,
    SymbolicVerdict,
    Verdict,
    fact,
    positive,
)
from derive.rules.base import Context, RuleDoesNotApply


@dataclass(frozen=True)
class StepResult:
    derivation: Derivation
    entry: Entry
    verdict: Verdict
    justification: Justification | None
    seconds: float

    @property
    def label(self) -> str:
        return self.entry.label

    @property
    def expected(self) -> bool:
        """Did the step come out as its author expects? A wrong twin (expect="refuted")
        passes only while it is REFUTED; UNPROVEN is never a pass."""
        want = Status.REFUTED if self.entry.expect == "refuted" else Status.VERIFIED
        return self.verdict.status is want or self.not_linked

    @property
    def not_linked(self) -> bool:
        """A link a reader inferred between displays (``Step.candidate``) that was not
        proved: no step at all, never a failure and never REFUTED."""
        return getattr(self.entry, "candidate", False) and self.verdict.status is not Status.VERIFIED

    @property
    def outcome(self) -> str:
        """The status as shown: a twin that is refuted reads "refuted as expected"."""
        status = self.verdict.status.value
        if self.not_linked:
            return "not linked"
        if self.entry.expect == "refuted":
            return "refuted as expected" if self.expected else f"{status} (expected REFUTED)"
        return status



def _combine(parts: list[Justification], final: sp.Expr) -> Justification:
    claims = {p.claim for p in parts}
    if Claim.DEFINITION in claims:
        claim = Claim.DEFINITION
    elif Claim.MINIMISERS in claims:
        claim = Claim.MINIMISERS
    else:
        claim = Claim.VALUES
    conditions = tuple(c for p in parts for c in p.conditions)
    substitution = tuple(s for p in parts for s in p.substitution)
    premises = tuple(dict.fromkeys(n for p in parts for n in p.numeric_premises))
    return Justification(", ".join(p.rule for p in parts), final, claim, conditions,
                         "; ".join(p.detail for p in parts if p.detail), substitution,
                         premises)


def propose(step: Step) -> Justification:
    """Run the step's rules in sequence; the last one sees the line written."""
    context = Context(step.hypotheses)
    current, parts = step.before, []
    for k, rule in enumerate(step.rules):
        target = step.after if k == len(step.rules) - 1 else None
        if rule.needs_target and target is None:
            raise RuleDoesNotApply(f"{rule.name} chooses what to rewrite by the line written, "
                                   f"so it must come last in by=[...]")
        part = rule(current, target, context)
        parts.append(part)
        current = part.result
    return _combine(parts, current)


def _symbolic_step(step: Step) -> tuple[SymbolicVerdict, Justification | None]:
    start = time.perf_counter()
    justification = None
    try:
        with kernel.time_limit():
            justification = propose(step)
            verdict = kernel.judge_symbolic(justification, step.after, "", step.hypotheses,
                                            step.relation)
    except RuleDoesNotApply as e:
        verdict = SymbolicVerdict(Symbolic.UNKNOWN, f"the rule does not apply: {e}")
    except CheckTimeout as e:
        verdict = SymbolicVerdict(Symbolic.UNKNOWN, f"timeout: {e}")
    except RecursionError:
        verdict = SymbolicVerdict(Symbolic.UNKNOWN, "the expression is too deeply nested")
    except Exception as e:  # a bug in a rule must not crash the run, nor pass
        verdict = SymbolicVerdict(Symbolic.UNKNOWN,
                                  f"rule {step.rule_names} failed: {type(e).__name__}: {e}")
    return _timed(verdict, start), justification


def _timed(v: SymbolicVerdict, start: float) -> SymbolicVerdict:
    return SymbolicVerdict(v.status, v.detail, v.conditions, time.perf_counter() - start)


def _definition_symbolic(d: Definition) -> SymbolicVerdict:
    """A definition is well formed: its left side is a function of symbols, and every sum
    bound in it is a positive integer (I data points), every divisor positive."""
    start = time.perf_counter()
    conditions = [fact(f"{d.lhs} is a function applied to symbols", True, "it is")]
    for node in sp.preorder_traversal(d.rhs):
        if isinstance(node, (sp.Sum, sp.Product)):
            for _, _low, high in node.limits:
                conditions.append(fact(f"{high} is an integer", high.is_integer,
                                       "declared integer" if high.is_integer else
                                       f"cannot show {high} is an integer: declare it integer=True"))
                conditions.append(positive(high))
        if isinstance(node, sp.Pow) and node.exp.is_negative:
            conditions.append(positive(node.base))
    with kernel.time_limit():
        results = tuple(kernel.check_condition(c, d.hypotheses) for c in conditions)
    failed = [r for r in results if r.holds is not True]
    if failed:
        return SymbolicVerdict(Symbolic.UNKNOWN, "; ".join(
            f"{r.condition.statement}: {r.how}" for r in failed), results,
            time.perf_counter() - start)
    return SymbolicVerdict(Symbolic.PROVED, "well formed (a definition: an assumption, "
                           "not a claim)", results, time.perf_counter() - start)


def _definition_numeric(d: Definition, seed: int, instances: int,
                        names: tuple[str, ...]) -> NumericVerdict:
    """A definition of a density must integrate to 1, one of a mass function sum to 1 over
    its declared support; other definitions have no numeric content."""
    from derive import numeric
    from derive.notation import AppliedDensity, AppliedMassFunction

    function, body = d.as_function()
    if issubclass(function, AppliedDensity):
        return numeric.check_density(function, body, seed, instances, names)
    if issubclass(function, AppliedMassFunction):
        if not function.derive_support:
            return NumericVerdict(Numeric.NOT_APPLICABLE, f"a mass function with no declared "
                                  f"support: declare it, mass_function('{function.__name__}', "
                                  f"support=(0, 1)), to check that it sums to 1", seed=seed)
        return numeric.check_mass_function(body, function.derive_support, seed, instances,
                                           names, d.hypotheses)
    return NumericVerdict(Numeric.NOT_APPLICABLE,
                          "a definition of a non-density: nothing to test", seed=seed)


def check_entry(derivation: Derivation, entry: Entry, seed: int = DEFAULT_SEED,
                instances: int = DEFAULT_INSTANCES) -> StepResult:
    from derive import numeric  # NumPy is loaded when a step is checked: a warm run never is
    start = time.perf_counter()
    names = (derivation.name, entry.label)
    if isinstance(entry, Definition):
        symbolic = _definition_symbolic(entry)
        numeric_verdict = _definition_numeric(entry, seed, instances, names)
        justification = None
    else:
        symbolic, justification = _symbolic_step(entry)
        numeric_verdict = numeric.check_step(entry.before, entry.after, entry.relation,
                                             justification, seed, instances, names,
                                             entry.hypotheses)
    verdict = kernel.decide(symbolic, numeric_verdict,
                            same_claim=not isinstance(entry, Definition))
    if getattr(entry, "rests_on_text", "") and verdict.status is Status.REFUTED:
        verdict = Verdict(Status.UNPROVEN, verdict.symbolic, verdict.numeric,
                          (*verdict.notes, f"not refuted: the step {entry.rests_on_text}"))
    if getattr(entry, "candidate", False) and verdict.status is not Status.VERIFIED:
        verdict = Verdict(Status.UNPROVEN, verdict.symbolic, verdict.numeric,
                          (*verdict.notes, "not linked: a candidate link between displays "
                           "that was not proved, so not a step"))
    return StepResult(derivation, entry, verdict, justification, time.perf_counter() - start)


def check_derivation(derivation: Derivation, seed: int = DEFAULT_SEED,
                     instances: int = DEFAULT_INSTANCES,
                     only: Iterable[str] | None = None) -> list[StepResult]:
    """Check every step (or those labelled in ``only``) of a derivation, in order."""
    if not derivation.entries:
        raise kernel.DeriveError(f"{derivation.location}: derivation {derivation.name} has no "
                                 f"steps; add one with .eq(..., by=...)")
    wanted = set(only) if only is not None else None
    return [check_entry(derivation, e, seed, instances) for e in derivation.entries
            if wanted is None or e.label in wanted]


def check(derivations: Iterable[Derivation], seed: int = DEFAULT_SEED,
          instances: int = DEFAULT_INSTANCES) -> list[StepResult]:
    return [r for d in derivations for r in check_derivation(d, seed, instances)]
