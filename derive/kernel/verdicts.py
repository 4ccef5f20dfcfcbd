"""Verdicts: what a step's check can conclude, how the symbolic and numeric halves combine,
the messages they carry, and the guard that keeps SymPy from hanging a check.

    VERIFIED  symbolic proved, and numeric passed or not applicable with a stated reason
    REFUTED   a counterexample, symbolic or numeric
    UNPROVEN  neither (a condition that cannot be shown, a rule that does not fit, a timeout)
"""

from __future__ import annotations

import enum
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sympy as sp

DEFAULT_SEED = 20231205
DEFAULT_INSTANCES = 1000


class DeriveError(Exception):
    """Base of every error ``derive`` raises on purpose; its message says what to do."""


class CheckTimeout(DeriveError):
    """A symbolic computation ran past its time limit, a guard against hangs that depends on
    the machine: the step is UNPROVEN (timeout). Raise the limit (``--timeout``) or split
    the step into smaller ones."""


class LookAlikeSymbols(DeriveError):
    """Two different symbols print alike (``theta`` real and ``theta`` without assumptions):
    no reader of the report could tell them apart. Build each name once, with one set of
    assumptions."""


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

    def __contains__(self, words: str) -> bool:
        return words in self.text

    def arg(self, name: str, default: object = None) -> object:
        return dict(self.args).get(name, default)


def say(key: str, text: str, **args) -> Message:
    """A Message: ``say("cond.positive", f"{e} > 0", e=e)``."""
    return Message(key, text, tuple(args.items()))


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
    """What the kernel established about the line before and the line after."""

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
    # Proved from a schema its author registered on numeric evidence alone
    # (trust="numeric"): never to be read as proved symbolically.
    RESTS_ON_NUMERIC = "proved given identities checked only numerically"
    REFUTED = "refuted"
    UNKNOWN = "unknown"


class Numeric(enum.Enum):
    PASSED = "passed"
    COUNTEREXAMPLE = "counterexample"
    NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True)
class SymbolicVerdict:
    status: Symbolic
    detail: Message | str
    conditions: tuple = ()  # ConditionResult, one per side condition the kernel decided
    seconds: float = 0.0
    claim: Claim | None = None  # what was established, when the status is PROVED
    # What the numeric checker is to compare, when it is not the step's two lines: the line
    # before with the definitions it applies unfolded, so a rewrite after them is tested.
    numeric_left: sp.Basic | None = None
    substitution: tuple = ()  # modelling substitutions (old, new) the numeric check defers
    domain: tuple = ()  # where the equality was shown to hold ("theta + theta**2 != 0")
    trace: tuple = ()  # (certificate, line it gave) for each certificate, in turn


@dataclass(frozen=True)
class NumericVerdict:
    status: Numeric
    detail: Message | str
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
            parts.append(str(self.symbolic.detail))
        if self.numeric.status is Numeric.PASSED:
            parts.append(f"checked on {self.numeric.instances} random instances")
        elif self.status is Status.VERIFIED and self.numeric.status is Numeric.NOT_APPLICABLE:
            parts.append(f"no numeric evidence ({self.numeric.detail})")
        return " and ".join(parts) or "neither a proof nor numeric evidence"


def decide(symbolic: SymbolicVerdict, numeric: NumericVerdict,
           same_claim: bool = True) -> Verdict:
    """The overall verdict. A counterexample always wins: if it contradicts a symbolic proof
    of the same claim, that is a bug in derive, and the step is REFUTED until it is
    understood. A proof with no numeric evidence is VERIFIED only with the reason stated:
    every PROVED comes from certificates the kernel checked completely."""
    notes: list[str] = []
    if numeric.status is Numeric.COUNTEREXAMPLE or symbolic.status is Symbolic.REFUTED:
        if (same_claim and numeric.status is Numeric.COUNTEREXAMPLE
                and symbolic.status is Symbolic.PROVED):
            notes.append("the symbolic proof and the numeric counterexample disagree: "
                         "this is a bug in derive; please report it")
        return Verdict(Status.REFUTED, symbolic, numeric, tuple(notes))
    numeric_ok = numeric.status is Numeric.PASSED or (
        numeric.status is Numeric.NOT_APPLICABLE and bool(str(numeric.detail).strip()))
    if symbolic.status is Symbolic.PROVED and numeric_ok:
        return Verdict(Status.VERIFIED, symbolic, numeric)
    if symbolic.status is Symbolic.RESTS_ON_NUMERIC:
        # Evidence, not proof: the step itself must pass its own numeric check too.
        if numeric.status is Numeric.PASSED:
            return Verdict(Status.VERIFIED, symbolic, numeric,
                           (f"rests on numeric evidence: {symbolic.detail}",))
        return Verdict(Status.UNPROVEN, symbolic, numeric, (
            "an identity trusted on numeric evidence, and no numeric check of this step",))
    return Verdict(Status.UNPROVEN, symbolic, numeric)


_limit_seconds: float = 30.0


def set_time_limit(seconds: float) -> None:
    """The time limit of one step's symbolic check (default 30 s): a guard against hangs."""
    global _limit_seconds
    if seconds <= 0:
        raise DeriveError(f"the time limit must be positive, not {seconds}")
    _limit_seconds = float(seconds)


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Raise CheckTimeout in the block after ``seconds``. SymPy cannot be interrupted from
    another thread, so this uses SIGALRM; off the main thread it cannot, and runs unlimited
    (the CLI and pytest run checks on the main thread)."""
    seconds = _limit_seconds if seconds is None else seconds
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def on_alarm(signum, frame):
        raise CheckTimeout(f"symbolic check exceeded its time limit of {seconds:g} s "
                           f"(a guard against hangs: this depends on the machine)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    old_remaining, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_remaining:
            signal.setitimer(signal.ITIMER_REAL, old_remaining)
