"""Checking a derivation: each step's rules propose certificates, the kernel judges, the
numbers testify.

This is the orchestration around the kernel, and decides nothing: it runs the rules of a
step in sequence (a step may cite several, as a textbook line does), under the time limit,
catches what a rule raises so that no traceback reaches the user, hands the certificates to
the kernel, and asks the numeric checker to test what the kernel established.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from dataclasses import dataclass

import sympy as sp

from derive import guard, kernel, messages  # noqa: F401  (messages: the words of the verdicts)
from derive.derivation import Definition, Derivation, Entry, Step
from derive.guard import CheckTimeout
from derive.kernel import (
    Affine,
    Certificate,
    Claim,
    Converse,
    Define,
    Flip,
    Monotone,
    Numeric,
    NumericVerdict,
    Relation,
    Reparametrise,
    Status,
    SymbolicVerdict,
    Verdict,
    alpha_equal,
)
from derive.kernel.objects import OptimisationSet
from derive.rules.base import Context, RuleDoesNotApply
from derive.settings import DEFAULT_INSTANCES, DEFAULT_SEED


@dataclass(frozen=True)
class StepResult:
    derivation: Derivation
    entry: Entry
    verdict: Verdict
    proposals: tuple  # (rule name, its certificates), in turn
    seconds: float

    @property
    def certificates(self) -> tuple[Certificate, ...]:
        return tuple(c for _, cs in self.proposals for c in cs)


    @property
    def label(self) -> str:
        return self.entry.label

    @property
    def rests_on(self) -> str:
        """What the verdict rests on, in words: a proof, numeric evidence, or neither."""
        return messages.rests_on(self.verdict)

    @property
    def expected(self) -> bool:
        """Did the step come out as its author expects? A wrong twin (expect="refuted")
        passes only while it is REFUTED; UNPROVEN is never a pass."""
        want = Status.REFUTED if self.entry.expect == "refuted" else Status.VERIFIED
        return self.verdict.status is want or self.not_linked

    @property
    def not_linked(self) -> bool:
        """A link a reader inferred between displays (``Step.candidate``) that was not
        proved: no step at all, never a failure (the kernel never refutes it)."""
        return getattr(self.entry, "candidate", False) and \
            self.verdict.status is not Status.VERIFIED

    @property
    def outcome(self) -> str:
        """The status as shown: a twin that is refuted reads "refuted as expected"."""
        status = self.verdict.status.value
        if self.not_linked:
            return "not linked"
        if self.entry.expect == "refuted":
            return "refuted as expected" if self.expected else f"{status} (expected REFUTED)"
        return status



def propose(step: Step) -> tuple[tuple[str, tuple[Certificate, ...]], ...]:
    """Run the step's rules in sequence, each on the line the previous one's certificates
    lead to; the last one sees the line written. Returns each rule's certificates."""
    context = Context(step.hypotheses)
    current, proposals = step.before, []
    for k, rule in enumerate(step.rules):
        last = k == len(step.rules) - 1
        if rule.needs_target and not last:
            raise RuleDoesNotApply(kernel.say("rule.must_come_last", rule=rule.name))
        certificates = rule(current, step.after if last else None, context)
        if not certificates:
            raise RuleDoesNotApply(kernel.say("rule.proposed_nothing", rule=rule.name))
        for certificate in certificates:
            try:
                current = kernel.advance(current, certificate, step.after)
            except (kernel.CertificateError, kernel.SchemaError) as e:
                raise RuleDoesNotApply(kernel.say("rule.refused", rule=rule.name,
                                                  why=e.args[0])) from None
        proposals.append((rule.name, certificates))
    return tuple(proposals)


def _why_stopped(entry: Entry, e: Exception) -> SymbolicVerdict:
    """Why a step's check stopped before the kernel judged it, in words: UNPROVEN whatever
    the reason (this only words it; the verdict is the kernel's ``unknown``)."""
    if isinstance(e, RuleDoesNotApply):
        return kernel.unknown("check.does_not_apply", why=e.reason)
    if isinstance(e, CheckTimeout):
        return kernel.unknown("check.timeout", why=e.args[0])
    if isinstance(e, RecursionError):
        return kernel.unknown("check.too_deep")
    return kernel.unknown("check.rule_failed", rule=getattr(entry, "rule_names", ""),
                          error=f"{type(e).__name__}: {e}")


def _definition_numeric(d: Definition, seed: int, instances: int,
                        names: tuple[str, ...]) -> NumericVerdict:
    """A definition of a density must integrate to 1, one of a mass function sum to 1 over
    its declared support; other definitions have no numeric content."""
    from derive import numeric
    from derive.notation import AppliedDensity, AppliedMassFunction

    if isinstance(d.lhs, sp.Symbol):
        return NumericVerdict(Numeric.NOT_APPLICABLE, kernel.say("numeric.symbol_definition"),
                              seed=seed)
    function, body = d.as_function()
    if issubclass(function, AppliedDensity):
        return numeric.check_density(function, body, seed, instances, names)
    if issubclass(function, AppliedMassFunction):
        if not function.derive_support:
            return NumericVerdict(Numeric.NOT_APPLICABLE, kernel.say(
                "numeric.no_support", name=function.__name__), seed=seed)
        return numeric.check_mass_function(body, function.derive_support, seed, instances,
                                           names, d.hypotheses)
    return NumericVerdict(Numeric.NOT_APPLICABLE, kernel.say("numeric.non_density"), seed=seed)


def _numeric_step(step: Step, symbolic: SymbolicVerdict, seed: int, instances: int,
                  names: tuple[str, ...]) -> NumericVerdict:
    """The numbers test what the kernel established (its claim), whatever relation the step
    is written with; with no proof, what the relation says."""
    from derive import numeric  # NumPy is loaded when a step is checked: a warm run never is

    claim, before = symbolic.claim, step.before
    unfolded, substitution, optimisers_only = numeric_plan(symbolic.trace, step.after)
    if claim is Claim.DEFINITION and (unfolded is not None or substitution):
        # what the certificates the numbers test (those after the definition unfolded, with
        # the substitutions deferred) claim: the same optimisers if one of them moves the
        # objective, else equal values
        before = before if unfolded is None else unfolded
        claim = (Claim.MINIMISERS if optimisers_only and isinstance(before, OptimisationSet)
                 else Claim.VALUES)
    relation = step.relation
    if relation is Relation.DEFINE and claim is not Claim.DEFINITION and claim is not None:
        relation = Relation.EQUAL
    return numeric.check_step(before, step.after, relation, claim, seed, instances, names,
                              step.hypotheses, substitution=substitution)


# the certificates the kernel claims the same optimisers for: they change the objective
_OPTIMISERS_ONLY = (Affine, Monotone, Flip)


def numeric_plan(trace: tuple, after: sp.Basic) -> tuple[sp.Basic | None, tuple, bool]:
    """What the numbers are to compare, read from the certificates the kernel applied: the
    line before with the definitions it applies unfolded (so a rewrite after them is tested;
    None when nothing follows them); the modelling substitutions (old, new) both lines
    get (a symbol defined, xbar := sum x_n / N, too), written out in one another so that
    applying them at once applies them all; and whether a certificate after the last
    definition keeps only the optimisers (then the objectives' order is compared, not
    their values)."""
    unfolded, substitution = None, {}
    moved_at = [k for k, (c, _) in enumerate(trace) if isinstance(c, _OPTIMISERS_ONLY)]
    since = 0  # where the certificates the numbers test begin
    for k, (certificate, line) in enumerate(trace):
        if isinstance(certificate, Define):
            unfolded, since = line, k + 1
        if isinstance(certificate, Reparametrise):
            substitution[certificate.old] = certificate.new
        for used in certificate.certificates if isinstance(certificate, Converse) else (
                certificate,):
            if isinstance(used, Define) and isinstance(used.lhs, sp.Symbol):
                substitution[used.lhs] = used.rhs
    for _ in range(len(substitution)):
        substitution = {old: new.xreplace(substitution) for old, new in substitution.items()}
    if unfolded is not None and alpha_equal(unfolded, after):
        unfolded, since = None, 0  # nothing follows the definitions: the whole line is tested
    return unfolded, tuple(substitution.items()), any(k >= since for k in moved_at)


def check_symbolic(entry: Entry) -> tuple[SymbolicVerdict, tuple]:
    """The kernel's verdict on one step (or definition), and the certificates each rule
    proposed. Cheap next to the numbers: the verdict cache recomputes it on every hit, so
    a cached verdict is never more than the stored numeric evidence. A rule that does not
    apply, a timeout or a bug in a rule leaves the step unproven, never passed."""
    start, proposals = time.perf_counter(), ()
    try:
        with guard.time_limit():
            if isinstance(entry, Definition):
                verdict = kernel.judge_definition(entry.lhs, entry.rhs, entry.hypotheses)
            else:
                proposals = propose(entry)
                verdict = kernel.judge(entry.before, entry.after, entry.relation,
                                       [c for _, cs in proposals for c in cs], entry.hypotheses,
                                       entry.definitions)
    except Exception as e:
        verdict = _why_stopped(entry, e)
    return dataclasses.replace(verdict, seconds=time.perf_counter() - start), proposals


def check_numeric(derivation: Derivation, entry: Entry, symbolic: SymbolicVerdict,
                  seed: int = DEFAULT_SEED, instances: int = DEFAULT_INSTANCES) -> NumericVerdict:
    """The numeric evidence on one step (or definition), testing what the kernel claimed."""
    names = (derivation.name, entry.label)
    if isinstance(entry, Definition):
        return _definition_numeric(entry, seed, instances, names)
    return _numeric_step(entry, symbolic, seed, instances, names)


def unrefutable(entry: Entry) -> kernel.Message | str:
    """Why a step cannot be refuted, if it cannot: a link derive inferred between displays
    (a candidate), or a step that rests on what the text says elsewhere. Such a step is
    VERIFIED only if proved, and a counterexample leaves it UNPROVEN, never REFUTED (so
    this can only weaken a verdict)."""
    if getattr(entry, "candidate", False):
        return kernel.say("check.not_linked")
    if getattr(entry, "rests_on_text", ""):
        return kernel.say("check.not_refuted", why=entry.rests_on_text)
    return ""


def result_of(derivation: Derivation, entry: Entry, symbolic: SymbolicVerdict,
              proposals: tuple, numeric: NumericVerdict, seconds: float) -> StepResult:
    """The kernel's verdict on the two halves."""
    verdict = kernel.decide(symbolic, numeric, same_claim=not isinstance(entry, Definition),
                            unrefutable=unrefutable(entry))
    return StepResult(derivation, entry, verdict, proposals, seconds)


def check_entry(derivation: Derivation, entry: Entry, seed: int = DEFAULT_SEED,
                instances: int = DEFAULT_INSTANCES) -> StepResult:
    start = time.perf_counter()
    symbolic, proposals = check_symbolic(entry)
    numeric = check_numeric(derivation, entry, symbolic, seed, instances)
    return result_of(derivation, entry, symbolic, proposals, numeric,
                     time.perf_counter() - start)


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
