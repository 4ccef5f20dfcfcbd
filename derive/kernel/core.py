"""The trusted core: it turns a rule's proposal and the numeric evidence into a verdict.

Everything outside this module proposes; this module decides. A rule proposes a
``Justification``: the expression it rewrote the line before into, the claim it makes about
the two (equal values, the same minimisers, a definition applied) and the side conditions
that claim rests on. The kernel checks every side condition three-valuedly, checks that the
rule's result is the line the author wrote, and combines that with the numeric evidence:

    VERIFIED  symbolic proved, and numeric passed or not applicable with a stated reason
    REFUTED   a counterexample, symbolic or numeric
    UNPROVEN  neither (a condition that cannot be shown, a rule that does not apply, a timeout)

The lemmas about argmin that the rules lean on (an additive constant or a positive factor
free of the optimisation variables changes no minimiser; a strictly increasing transform
neither; argmax F = argmin -F) are stated here, once, as the conditions they need.

This module imports SymPy and the notation it reasons about, and nothing else of ``derive``.
"""

from __future__ import annotations

import enum
import signal
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import sympy as sp

from derive.kernel.objects import ArgMax, ArgMin, OptimisationSet

Expr = sp.Expr


class DeriveError(Exception):
    """Base of every error ``derive`` raises on purpose; its message says what to do."""


class CheckTimeout(DeriveError):
    """A symbolic computation ran past its time limit. The step is UNPROVEN (timeout):
    raise the limit (``--timeout``) or split the step into smaller ones."""


def as_expression(value, where: str, error: type[DeriveError] = DeriveError) -> sp.Expr:
    """``value`` as a SymPy expression; a string is refused, never parsed or evaluated."""
    if isinstance(value, str):
        raise error(f"{where}: got the string {value!r}; write the expression with "
                    f"SymPy objects (strings are never evaluated)")
    try:
        return sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError) as e:
        raise error(f"{where}: {value!r} is not an expression ({e})") from None


@dataclass(frozen=True)
class Message:
    """Words for a person: a stable ``key`` naming what is said, its arguments (expressions
    or numbers) and the English ``text``. Reports translate by key, one table per language;
    nothing parses the English."""

    key: str
    text: str
    args: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        return self.text

    def arg(self, name: str, default: object = None) -> object:
        return dict(self.args).get(name, default)


class Relation(enum.Enum):
    """How a line relates to the one before it."""

    EQUAL = "="  # equal values; between argmin/argmax: the same set of optimisers
    DEFINE = ":="  # a definition or modelling substitution, applied exactly; an assumption
    # Bounds: the line before is at most (LE), below (LT), at least (GE), above (GT) the
    # line after, for every admissible value of every symbol.
    LE = "<="
    LT = "<"
    GE = ">="
    GT = ">"


class Claim(enum.Enum):
    """What a justification claims about the line before and the line after."""

    VALUES = "equal values"  # same value for every admissible value of every symbol
    MINIMISERS = "same minimisers"  # argmin/argmax sets equal; the objectives may differ
    DEFINITION = "definition applied"  # the line after is the line before with a definition
    BOUND = "bound"  # the step's relation (<=, <, >=, >) holds between the two lines


class Status(enum.Enum):
    VERIFIED = "VERIFIED"
    REFUTED = "REFUTED"
    UNPROVEN = "UNPROVEN"


class Symbolic(enum.Enum):
    PROVED = "proved"
    # Proved from an identity its author registered on numeric evidence alone
    # (trust="numeric"): never to be read as proved symbolically.
    RESTS_ON_NUMERIC = "proved given identities checked only numerically"
    REFUTED = "refuted"
    UNKNOWN = "unknown"


class Numeric(enum.Enum):
    PASSED = "passed"
    COUNTEREXAMPLE = "counterexample"
    NOT_APPLICABLE = "not applicable"


# ---------------------------------------------------------------------------------------
# Side conditions: three-valued, each with how it was shown or what to declare.


@dataclass(frozen=True)
class Condition:
    """A side condition. ``kind`` is one of: equal, positive, nonzero, free_of, fact."""

    kind: str
    subject: tuple  # the expressions it is about
    statement: str  # human-readable, e.g. "1/I > 0"
    established: bool | None = None  # only for kind == "fact": decided by the proposer
    reason: str = ""  # only for kind == "fact": why it holds or fails


@dataclass(frozen=True)
class ConditionResult:
    condition: Condition
    holds: bool | None  # True shown, False refuted, None cannot tell
    how: str  # how it was shown, why it fails, or what to declare


def equal(a: Expr, b: Expr) -> Condition:
    a, b = sp.sympify(a, strict=True), sp.sympify(b, strict=True)
    return Condition("equal", (a, b), f"{a} = {b}")


def positive(e: Expr) -> Condition:
    return Condition("positive", (sp.sympify(e, strict=True),), f"{e} > 0")


def nonzero(e: Expr) -> Condition:
    return Condition("nonzero", (sp.sympify(e, strict=True),), f"{e} != 0")


def free_of(e: Expr, variables: Iterable[sp.Symbol]) -> Condition:
    variables = tuple(sorted(set(variables), key=str))
    names = ", ".join(map(str, variables))
    return Condition("free_of", (sp.sympify(e, strict=True), variables), f"{e} is free of {names}")


def fact(statement: str, established: bool | None, reason: str) -> Condition:
    """A structural fact a rule established by looking at the expression (a delta's
    argument is linear in the variable, a sum's bounds are finite)."""
    return Condition("fact", (), statement, established, reason)


def _advice_for(e: Expr, prop: str) -> str:
    symbols = sorted(str(s) for s in e.free_symbols)
    if not symbols:
        return f"cannot show {e} {prop}"
    word = "positive" if prop == "> 0" else "nonzero"
    example = f"Symbol('{symbols[0]}', {word}=True)"
    return (f"cannot show {e} {prop}: declare {', '.join(symbols)} {word} where that is "
            f"true (for example {example}), or pass a hypothesis")


def _ask(proposition, hypotheses: Sequence) -> bool | None:
    if not hypotheses:
        return None
    return sp.ask(proposition, sp.And(*hypotheses))


def check_condition(c: Condition, hypotheses: Sequence = ()) -> ConditionResult:
    """Decide one side condition: True, False or None (cannot tell), with how."""
    if c.kind == "fact":
        return ConditionResult(c, c.established, c.reason)
    if c.kind == "equal":
        holds, how = expressions_equal(*c.subject)
        return ConditionResult(c, holds, how)
    if c.kind in ("positive", "nonzero"):
        (e,) = c.subject
        fact_value = e.is_positive if c.kind == "positive" else e.is_nonzero
        if fact_value is None:
            fact_value = _positive_sum_or_product(e)
        if fact_value is None:
            prop = sp.Q.positive(e) if c.kind == "positive" else sp.Q.nonzero(e)
            fact_value = _ask(prop, hypotheses)
        word = "> 0" if c.kind == "positive" else "!= 0"
        if fact_value is True:
            return ConditionResult(c, True, "from the declared assumptions")
        if fact_value is False:
            return ConditionResult(c, False, f"{e} {word} is false under the declared assumptions")
        return ConditionResult(c, None, _advice_for(e, word))
    if c.kind == "free_of":
        e, variables = c.subject
        hit = depends_on(e, variables)
        if not hit:
            return ConditionResult(c, True, "none of them occurs in it")
        return ConditionResult(c, False, f"it depends on {', '.join(map(str, sorted(hit, key=str)))}")
    raise DeriveError(f"unknown side-condition kind {c.kind!r}")


def _positive_sum_or_product(e: Expr) -> bool | None:
    """A finite sum or product of positive terms over a range with at least one term is
    positive (SymPy does not say so of a Sum). True or None, never False."""
    if not isinstance(e, (sp.Sum, sp.Product)) or len(e.limits) != 1:
        return None
    _, low, high = e.limits[0]
    nonempty = (high - low).is_nonnegative
    if e.function.is_positive and nonempty and high.is_finite and low.is_finite:
        return True
    return None


def depends_on(e: Expr, variables: Iterable[sp.Symbol]) -> set[sp.Symbol]:
    """The variables that ``e`` depends on: free occurrences, also through applied
    functions (``Pr(y|theta)`` depends on theta); bound ones (an integral's) do not count."""
    return set(variables) & e.free_symbols


# ---------------------------------------------------------------------------------------
# Canonical forms, under a time limit.

_limit_seconds: float = 30.0

# The defaults of the numeric evidence, one place for every caller (checker, identities).
DEFAULT_SEED = 20231205
DEFAULT_INSTANCES = 1000


def set_time_limit(seconds: float) -> None:
    """The time limit of one step's symbolic check (default 30 s)."""
    global _limit_seconds
    if seconds <= 0:
        raise DeriveError(f"the time limit must be positive, not {seconds}")
    _limit_seconds = float(seconds)


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise CheckTimeout in the block after ``seconds``. SymPy cannot be interrupted from
    another thread, so this uses SIGALRM; off the main thread it cannot, and says so by
    running unlimited (the CLI and pytest run checks on the main thread)."""
    seconds = _limit_seconds if seconds is None else seconds
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum, frame):
        raise CheckTimeout(f"symbolic check exceeded its time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    old_remaining, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_remaining:
            signal.setitimer(signal.ITIMER_REAL, old_remaining)


def canonical(e: Expr) -> Expr:
    """A cheap canonical form: SymPy's automatic one, expanded (no ``force``: logs are only
    split where the assumptions allow it), with every finite sum split into a sum per term
    and the factors free of its index pulled out, so that equal sums written differently
    cancel (linearity holds for every finite sum; infinite ones are left alone)."""
    e = sp.expand(e)
    if not e.has(sp.Sum):
        return e
    return sp.expand(e.replace(lambda n: isinstance(n, sp.Sum), _split_finite_sum))


def _split_finite_sum(s: sp.Sum) -> Expr:
    if len(s.limits) != 1 or s.limits[0][2].is_finite is not True \
            or s.limits[0][1].is_finite is not True:
        return s
    index = s.limits[0][0]
    pieces = []
    for term in sp.Add.make_args(sp.expand(s.function)):
        free, bound = term.as_independent(index, as_Add=False)
        pieces.append(free * sp.Sum(bound, s.limits[0]))
    return sp.Add(*pieces)


def expressions_equal(a: Expr, b: Expr) -> tuple[bool | None, str]:
    """Are ``a`` and ``b`` equal? Between argmin/argmax sets: the same optimisation over the
    same variables of objectives equal as values (enough, not necessary: so never False)."""
    if isinstance(a, OptimisationSet) or isinstance(b, OptimisationSet):
        if type(a) is not type(b) or set(a.variables) != set(b.variables):
            return None, f"{a} and {b} are not the same kind of optimisation over the same variables"
        holds, how = expressions_equal(a.objective, b.objective)
        return (True, how) if holds else (None, f"the objectives: {how}")
    verdict = difference_is_zero(a - b)
    if verdict is True:
        return True, "the difference simplifies to 0"
    if verdict is False:
        return False, f"the difference is {canonical(a - b)}, not 0"
    return None, f"the difference {canonical(a - b)} is not shown to be 0"


def difference_is_zero(d: Expr) -> bool | None:
    """True if ``d`` is 0 for every admissible value, False if it is a nonzero constant,
    None if neither could be shown. Cheapest first: most steps close on the first test."""
    d = sp.sympify(d, strict=True)
    if d == 0:
        return True
    e = canonical(d)
    if e == 0:
        return True
    if e.is_number:
        return bool(e.is_zero) if e.is_zero is not None else None
    s = sp.simplify(e)
    if s == 0:
        return True
    if s.is_number and s.is_zero is False:
        return False
    return None


# ---------------------------------------------------------------------------------------
# What a rule proposes, and the argmin lemmas the kernel owns.


@dataclass(frozen=True)
class Justification:
    """A rule's proposal: ``result`` is what it rewrote the line before into."""

    rule: str
    result: Expr
    claim: Claim
    conditions: tuple[Condition, ...] = ()
    detail: str = ""  # what was rewritten, in words
    substitution: tuple[tuple[Expr, Expr], ...] = ()  # for modelling substitutions
    # Identities used that rest on numeric evidence only (registered with trust="numeric"):
    # a step that uses one is at best RESTS_ON_NUMERIC, never PROVED.
    numeric_premises: tuple[str, ...] = ()


def same_minimisers_affine(before: OptimisationSet, after: OptimisationSet,
                           scale: Expr, offset: Expr) -> tuple[Condition, ...]:
    """argmin_v F = argmin_v G when F = scale*G + offset with scale > 0 and scale, offset
    free of v (likewise argmax)."""
    v = before.variables
    return (
        fact("same optimisation and variables", type(before) is type(after)
             and set(before.variables) == set(after.variables),
             f"{before.sense} over {', '.join(map(str, v))} on both sides"),
        equal(before.objective, scale * after.objective + offset),
        positive(scale),
        free_of(scale, v),
        free_of(offset, v),
    )


STRICTLY_INCREASING = {
    # name: (h, condition on the argument that makes h strictly increasing there)
    "log": (sp.log, positive),
    "exp": (sp.exp, None),
}


def same_minimisers_monotone(before: OptimisationSet, after: OptimisationSet,
                             transform: str) -> tuple[Condition, ...]:
    """argmin_v F = argmin_v h(F) for h strictly increasing on the range of F."""
    if transform not in STRICTLY_INCREASING:
        raise DeriveError(f"{transform!r} is not a known strictly increasing transform; "
                          f"known: {', '.join(STRICTLY_INCREASING)}")
    h, domain = STRICTLY_INCREASING[transform]
    conditions = [
        fact("same optimisation and variables", type(before) is type(after)
             and set(before.variables) == set(after.variables), f"{before.sense} on both sides"),
        equal(after.objective, h(before.objective)),
    ]
    if domain is not None:
        conditions.append(domain(before.objective))
    return tuple(conditions)


def argmax_as_argmin(before: OptimisationSet, after: OptimisationSet) -> tuple[Condition, ...]:
    """argmax_v F = argmin_v (-F), and argmin_v F = argmax_v (-F)."""
    flipped = {ArgMax: ArgMin, ArgMin: ArgMax}.get(type(before))
    return (
        fact("argmax and argmin exchanged", flipped is type(after)
             and set(before.variables) == set(after.variables),
             f"{before.sense} becomes {after.sense if isinstance(after, OptimisationSet) else after}"),
        equal(after.objective, -before.objective),
    )


# ---------------------------------------------------------------------------------------
# Verdicts.


@dataclass(frozen=True)
class SymbolicVerdict:
    status: Symbolic
    detail: str
    conditions: tuple[ConditionResult, ...] = ()
    seconds: float = 0.0


@dataclass(frozen=True)
class NumericVerdict:
    status: Numeric
    detail: str
    instances: int = 0
    max_error: float | None = None
    seed: int | None = None
    counterexample: dict | None = None
    seconds: float = 0.0
    # Float disagreements that high-precision re-evaluation at the same instance did not
    # confirm: discarded, never evidence either way.
    discarded: int = 0
    # Where the step was checked, when instances outside its domain were left out
    # ("checked where sigma > 0; at sigma < 0 the left side is undefined: declare ...").
    domain: str = ""


@dataclass(frozen=True)
class Verdict:
    status: Status
    symbolic: SymbolicVerdict
    numeric: NumericVerdict
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def rests_on(self) -> str:
        """What the verdict rests on, in words (never 'pass' for UNPROVEN)."""
        parts = []
        if self.symbolic.status is Symbolic.PROVED:
            parts.append("proved symbolically")
        if self.symbolic.status is Symbolic.RESTS_ON_NUMERIC:
            parts.append(self.symbolic.detail)
        if self.numeric.status is Numeric.PASSED:
            parts.append(f"checked on {self.numeric.instances} random instances")
        return " and ".join(parts) or "neither a proof nor numeric evidence"


def judge_symbolic(justification: Justification | None, after: Expr, why_none: str,
                   hypotheses: Sequence = (), relation: Relation = Relation.EQUAL
                   ) -> SymbolicVerdict:
    """Check a rule's proposal: every side condition, and that its result is ``after``.
    A definition or modelling substitution is an assumption, so it may only be written as
    ``:=``: written as ``=`` it would read as a proved equality."""
    if justification is None:
        return SymbolicVerdict(Symbolic.UNKNOWN, why_none)
    if justification.claim is Claim.DEFINITION and relation is not Relation.DEFINE:
        return SymbolicVerdict(
            Symbolic.UNKNOWN, f"{justification.rule} applies a definition or modelling "
            f"assumption, which is not a proved equality: write the step with .define(...) "
            f"(relation :=)")
    results = tuple(check_condition(c, hypotheses) for c in justification.conditions)
    matches = check_condition(equal(justification.result, after), hypotheses)
    failed = [r for r in results if r.holds is False]
    unshown = [r for r in results if r.holds is None]
    problems = []
    if failed:
        problems.append("side condition fails: " + "; ".join(
            f"{r.condition.statement}: {r.how}" for r in failed))
    if unshown:
        problems.append("side condition not shown: " + "; ".join(r.how for r in unshown))
    if matches.holds is False:
        # The rule's result equals the line before; it differs from the line written by a
        # nonzero constant, so the two lines differ: a symbolic counterexample.
        problems.insert(0, f"{justification.rule} gives {justification.result}, which "
                        f"differs from the line written by a nonzero constant: {matches.how}")
        return SymbolicVerdict(Symbolic.REFUTED if not failed and not unshown
                               else Symbolic.UNKNOWN, "; ".join(problems), results)
    if matches.holds is None:
        problems.append(f"{justification.rule} gives {justification.result}, not the line "
                        f"written ({after}): {matches.how}")
    if problems:
        return SymbolicVerdict(Symbolic.UNKNOWN, "; ".join(problems), results)
    if justification.numeric_premises:
        return SymbolicVerdict(
            Symbolic.RESTS_ON_NUMERIC,
            f"derived symbolically from {', '.join(justification.numeric_premises)}, which "
            f"rest(s) on numeric evidence only (registered with trust=\"numeric\"): not proved",
            results)
    return SymbolicVerdict(Symbolic.PROVED, justification.detail or justification.rule, results)


def decide(symbolic: SymbolicVerdict, numeric: NumericVerdict,
           same_claim: bool = True) -> Verdict:
    """The overall verdict. A counterexample always wins: if it contradicts a symbolic proof
    of the same claim, that is a bug in a rule or in the numeric checker, and the step is
    REFUTED until it is understood. (For a definition the two check different things: the
    symbolic side that it is well formed, the numeric side that it defines a density.)"""
    notes: list[str] = []
    if numeric.status is Numeric.COUNTEREXAMPLE or symbolic.status is Symbolic.REFUTED:
        if (same_claim and numeric.status is Numeric.COUNTEREXAMPLE
                and symbolic.status is Symbolic.PROVED):
            notes.append("the symbolic proof and the numeric counterexample disagree: "
                         "this is a bug in derive; please report it")
        return Verdict(Status.REFUTED, symbolic, numeric, tuple(notes))
    numeric_ok = numeric.status is Numeric.PASSED or (
        numeric.status is Numeric.NOT_APPLICABLE and bool(numeric.detail.strip()))
    if symbolic.status is Symbolic.PROVED and numeric_ok:
        return Verdict(Status.VERIFIED, symbolic, numeric)
    if symbolic.status is Symbolic.RESTS_ON_NUMERIC:
        # Evidence, not proof: the step itself must pass its own numeric check too; a
        # numeric check that does not apply leaves it with no evidence of its own.
        if numeric.status is Numeric.PASSED:
            return Verdict(Status.VERIFIED, symbolic, numeric, (
                "rests on numeric evidence: " + symbolic.detail,))
        return Verdict(Status.UNPROVEN, symbolic, numeric, (
            "an identity trusted on numeric evidence, and no numeric check of this step",))
    return Verdict(Status.UNPROVEN, symbolic, numeric)
