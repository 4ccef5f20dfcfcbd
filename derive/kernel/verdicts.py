"""Verdicts: what a step's check can conclude, how the symbolic and numeric halves combine,
and the messages they carry.

    VERIFIED  symbolic proved, and numeric passed or not applicable with a stated reason
    REFUTED   a counterexample, symbolic or numeric
    UNPROVEN  neither (a condition that cannot be shown, a rule that does not fit, a timeout)
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class DeriveError(Exception):
    """Base of every error ``derive`` raises on purpose; its message says what to do."""


class LookAlikeSymbols(DeriveError):
    """Two different symbols print alike (``theta`` real and ``theta`` without assumptions):
    no reader of the report could tell them apart. Build each name once, with one set of
    assumptions."""


# The English template of each message key ("{e} > 0"). The words are not the kernel's:
# derive/messages.py fills this table (and derive/report/messages.py has the other
# languages'); the kernel says only which key, with which arguments.
TEXTS: dict[str, str] = {}


@dataclass(frozen=True)
class Message:
    """Words for a person, as data: a stable ``key`` naming what is said and its arguments
    (expressions, numbers, messages). Each language's table gives the key's template, filled
    with the arguments; nothing parses the words back."""

    key: str
    args: tuple[tuple[str, object], ...] = ()

    def __str__(self) -> str:
        values = {k: "; ".join(map(str, v)) if isinstance(v, tuple) else v for k, v in self.args}
        return TEXTS.get(self.key, self.key).format(**values)

    text = property(__str__)

    def __contains__(self, words: str) -> bool:
        return words in str(self)


def say(key: str, **args) -> Message:
    """A Message: ``say("cond.positive", e=e)``."""
    return Message(key, tuple(args.items()))


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
    domain: tuple = ()  # where the equality was shown to hold ("theta + theta**2 != 0")
    trace: tuple = ()  # (certificate, line it gave) for each certificate the kernel applied


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
    notes: tuple[Message, ...] = field(default_factory=tuple)


def decide(symbolic: SymbolicVerdict, numeric: NumericVerdict, same_claim: bool = True,
           unrefutable: Message | str = "") -> Verdict:
    """The overall verdict. A counterexample always wins: if it contradicts a symbolic proof
    of the same claim, that is a bug in derive, and the step is REFUTED until it is
    understood. A proof with no numeric evidence is VERIFIED only with the reason stated:
    every PROVED comes from certificates the kernel checked completely. A step that is not
    one the author wrote as such (``unrefutable`` says why: a link derive only inferred) is
    VERIFIED if proved and otherwise UNPROVEN, never REFUTED."""
    notes: list[Message] = []
    if unrefutable and (numeric.status is Numeric.COUNTEREXAMPLE
                        or symbolic.status is not Symbolic.PROVED):
        return Verdict(Status.UNPROVEN, symbolic, numeric, (unrefutable,))
    if numeric.status is Numeric.COUNTEREXAMPLE or symbolic.status is Symbolic.REFUTED:
        if (same_claim and numeric.status is Numeric.COUNTEREXAMPLE
                and symbolic.status is Symbolic.PROVED):
            notes.append(say("verdict.disagree"))
        return Verdict(Status.REFUTED, symbolic, numeric, tuple(notes))
    numeric_ok = numeric.status is Numeric.PASSED or (
        numeric.status is Numeric.NOT_APPLICABLE and bool(str(numeric.detail).strip()))
    if symbolic.status is Symbolic.PROVED and numeric_ok:
        return Verdict(Status.VERIFIED, symbolic, numeric)
    if symbolic.status is Symbolic.RESTS_ON_NUMERIC:
        # Evidence, not proof: the step itself must pass its own numeric check too.
        if numeric.status is Numeric.PASSED:
            return Verdict(Status.VERIFIED, symbolic, numeric,
                           (say("verdict.rests_on_numeric", detail=symbolic.detail),))
        return Verdict(Status.UNPROVEN, symbolic, numeric, (say("verdict.numeric_unchecked"),))
    return Verdict(Status.UNPROVEN, symbolic, numeric)

__all__ = [
    "Claim", "DeriveError", "LookAlikeSymbols", "Message",
    "Numeric", "NumericVerdict", "Relation", "Status", "Symbolic", "SymbolicVerdict",
    "Verdict", "decide", "say",
]
