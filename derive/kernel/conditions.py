"""Side conditions: the kinds the kernel decides, three-valued, each with how it was shown or
what to declare. A condition that cannot be shown is never read as holding.

Kinds: equal, positive, nonnegative, nonzero, real, integer, free_of, finite,
continuous (in a variable, by a whitelist of heads), integrable (against a density, a delta,
or over a bounded interval), density (of a variable), independent (declared).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import sympy as sp

from derive.kernel.equality import differentiable, equal_values
from derive.kernel.objects import AppliedDensity, AppliedModel, Independent, NormalDensity, sig
from derive.kernel.signs import sign
from derive.kernel.verdicts import DeriveError, Message, Relation, say

Expr = sp.Expr
# Functions continuous everywhere, and those continuous wherever their argument is real
# (tanh and the sigmoid have poles off the real line, atan branch points).
ENTIRE = (sp.exp, sp.sin, sp.cos, sp.erf, sp.Abs)
REAL_ANALYTIC = (sp.tanh, sp.atan, sig)


@dataclass(frozen=True)
class Condition:
    """A side condition of ``kind`` about the expressions in ``subject``."""

    kind: str
    subject: tuple
    statement: Message


@dataclass(frozen=True)
class ConditionResult:
    condition: Condition
    holds: bool | None  # True shown, False refuted, None cannot tell
    how: Message


# kind: the names of its subject (its statement, in words, is the message "cond.<kind>")
_SUBJECTS = {"equal": "a b", "positive": "e", "nonnegative": "e", "nonzero": "e", "real": "e",
             "integer": "e", "free_of": "e variables", "finite": "e", "continuous": "e variable",
             "continuous_on": "e variable low high",
             "integrable": "e variable low high", "density": "e variable", "independent": "a b"}


def condition(kind: str, *subject) -> Condition:
    """A condition of ``kind`` (a key of the table above) about ``subject``."""
    subject = tuple(tuple(sorted(set(s), key=str)) if isinstance(s, (tuple, list, set)) else
                    sp.sympify(s, strict=True) for s in subject)
    args = {n: ", ".join(map(str, s)) if isinstance(s, tuple) else s
            for n, s in zip(_SUBJECTS[kind].split(), subject, strict=True)}
    return Condition(kind, subject, say(f"cond.{kind}", **args))


equal, positive, nonnegative, nonzero = map(partial(partial, condition), (
    "equal", "positive", "nonnegative", "nonzero"))
real, integer, free_of, finite = map(partial(partial, condition), (
    "real", "integer", "free_of", "finite"))
continuous, continuous_on, integrable, density, independent = map(partial(partial, condition), (
    "continuous", "continuous_on", "integrable", "density", "independent"))


def related(left, right, relation: Relation) -> Condition:
    """``left relation right``: equal, or a bound shown by the sign of the difference
    (nonnegative, or positive if strict)."""
    if relation is Relation.EQUAL:
        return equal(left, right)
    difference = right - left if relation in (Relation.LE, Relation.LT) else left - right
    return (positive if relation in (Relation.LT, Relation.GT) else nonnegative)(difference)


# ---------------------------------------------------------------------------------------
# Continuity and integrability: whitelists, never blacklists.

def is_continuous(e: Expr, z: sp.Symbol, low: Expr = -sp.oo, high: Expr = sp.oo
                  ) -> tuple[bool | None, Message | None]:
    """Is ``e`` continuous in ``z`` on [low, high] (either way round; the whole line by
    default) for every value of everything else? True when built from heads known to be
    continuous where their arguments are; None otherwise, naming why."""
    return _continuous(e, z, _within(z, low, high))


def _within(z: sp.Symbol, low: Expr, high: Expr) -> dict:
    """z over [low, high] as far as signs can tell: low + w (or high - w) with w >= 0."""
    start, end = (low, high) if sign(high - low, "nonnegative") else (
        (high, low) if sign(low - high, "nonnegative") else (-sp.oo, sp.oo))
    w = sp.Dummy(z.name, nonnegative=True)
    return {z: start + w} if start.is_finite else {z: end - w} if end.is_finite else {}


def _continuous(e: Expr, z: sp.Symbol, within: dict) -> tuple[bool | None, Message | None]:
    def positive(x):
        return sign(x.xreplace(within), "positive")

    if e.has(sp.nan, sp.zoo):
        return None, say("why.undefined", e=e)
    if z not in e.free_symbols or isinstance(e, sp.Symbol):
        return True, None
    if isinstance(e, (sp.Add, sp.Mul)) or isinstance(e, ENTIRE) or (
            isinstance(e, REAL_ANALYTIC) and sign(e.args[0], "real")):
        return _all_continuous(e.args, z, within)
    if isinstance(e, sp.Pow):
        if z in e.exp.free_symbols:
            if positive(e.base):
                return _all_continuous(e.args, z, within)
            return None, say("why.power_base", e=e.base)
        if (e.exp.is_integer and e.exp.is_nonnegative) or positive(e.base):
            return _all_continuous((e.base,), z, within)
        return None, say("why.pole", e=e, base=e.base)
    if isinstance(e, sp.log):
        if positive(e.args[0]):
            return _all_continuous(e.args, z, within)
        return None, say("why.log_argument", e=e.args[0])
    if isinstance(e, (AppliedDensity, AppliedModel)):
        return _all_continuous(e.args, z, within)
    if isinstance(e, NormalDensity) and sign(e.args[2], "positive"):
        return _all_continuous(e.args, z, within)
    if isinstance(e, sp.Derivative) and differentiable(e):
        # Continuous where its value is, and only where the function differentiated is too:
        # SymPy's value may have simplified away the points where that one is undefined or
        # jumps (d/dx atan(tan x) is 1, and atan(tan x) jumps at pi/2). Where that function
        # is continuous, its derivative's value simplified (n y**n / y to n y**(n - 1))
        # differs from it only at isolated points, where it has no jump.
        taken = e.doit(deep=False)
        if not taken.has(sp.Derivative):
            function = _continuous(e.expr, z, within)
            if not function[0]:
                return function
            value = _continuous(taken, z, within)
            return value if value[0] else _continuous(sp.simplify(taken, doit=False), z, within)
    return None, say("why.head", head=type(e).__name__)


def _all_continuous(args, z, within: dict) -> tuple[bool | None, Message | None]:
    for a in args:
        ok, why = _continuous(a, z, within)
        if not ok:
            return None, why
    return True, None


def _weight_in(e: Expr, z: sp.Symbol) -> bool:
    """A density or delta of ``z`` among the factors of ``e``: it makes ``e`` integrable under
    the regularity assumption every step with integrals rests on."""
    return any(_weight_of(f, z) for f in sp.Mul.make_args(e))


def _weight_of(f: Expr, z: sp.Symbol) -> bool:
    """Is ``f`` a density of ``z`` or a joint density of ``z`` and others (its integral over
    z a marginal), not one conditioned on z (p(y|z) weighs nothing in z), a delta in ``z``,
    or a sum of such deltas?"""
    if isinstance(f, (AppliedDensity, NormalDensity)):
        variables = f.args[0]
        if any(z in a.free_symbols for a in f.args[1:]):  # p(z|z) is no density of z
            return False
        return variables == z or isinstance(variables, sp.Tuple) and z in variables
    if isinstance(f, sp.DiracDelta):
        return z in f.args[0].free_symbols
    if isinstance(f, sp.Sum):
        return any(_weight_of(g, z) for g in sp.Mul.make_args(f.function))
    return False


# ---------------------------------------------------------------------------------------
# Deciding.


def _unshown(c: Condition) -> Message:
    """What to declare so that ``c`` (positive, nonzero, ...) can be shown."""
    symbols = sorted(str(s) for s in c.subject[0].free_symbols)
    if not symbols:
        return say("how.cannot_show", statement=c.statement)
    return say(f"how.unshown_{c.kind}", e=c.subject[0], symbols=", ".join(symbols),
               first=symbols[0])


def _ask(proposition, hypotheses: Sequence) -> bool | None:
    facts = [h for h in hypotheses if isinstance(h, sp.logic.boolalg.Boolean)]
    if not facts:
        return None
    try:
        return sp.ask(proposition, sp.And(*facts))
    except (TypeError, ValueError, NotImplementedError):
        return None


_PREDICATES = {"positive": sp.Q.positive, "nonnegative": sp.Q.nonnegative,
               "nonzero": sp.Q.nonzero, "real": sp.Q.real, "integer": sp.Q.integer}


def check(c: Condition, hypotheses: Sequence = ()) -> ConditionResult:
    """Decide one side condition: True, False or None (cannot tell), with how."""
    def result(holds, key, **args):
        return ConditionResult(c, holds, say(key, **args))

    s = c.subject
    if c.kind == "equal":
        holds, how = equal_values(*s)
        return ConditionResult(c, holds, how)
    if c.kind in _PREDICATES:
        (e,) = s
        holds = e.is_integer if c.kind == "integer" else sign(e, c.kind)
        if holds is None and c.kind in ("positive", "nonnegative") and e.is_polynomial():
            holds = sign(sp.factor(e), c.kind)  # (a - b)**2 is seen nonnegative factored
        if holds is None:
            holds = _ask(_PREDICATES[c.kind](e), hypotheses)
        if holds is None and c.kind == "nonnegative" and _ask(sp.Q.positive(e), hypotheses):
            holds = True  # SymPy's ask sees a power of a positive base positive, not >= 0
        if holds is None:
            return ConditionResult(c, None, _unshown(c))
        return result(holds, "how.assumptions" if holds else "how.false", statement=c.statement)
    if c.kind == "free_of":
        e, variables = s
        hit = sorted(set(variables) & e.free_symbols, key=str)
        if not hit:
            return result(True, "how.free_of")
        return result(False, "how.depends_on", variables=", ".join(map(str, hit)))
    if c.kind == "finite":
        (e,) = s
        if e.is_finite and not e.has(sp.AccumBounds):  # an interval of values is no value
            return result(True, "how.finite", e=e)
        if e.is_finite is False or e.has(sp.oo, -sp.oo, sp.zoo):
            return result(False, "how.infinite", e=e)
        return result(None, "how.unshown_finite", e=e)
    if c.kind in ("continuous", "continuous_on"):
        holds, why = is_continuous(*s)
        return result(True, "how.continuous") if holds else result(None, "how.not_continuous",
                                                                   why=why)
    if c.kind == "integrable":
        e, z, low, high = s
        if _weight_in(e, z) or (z not in e.free_symbols and low.is_finite and high.is_finite):
            return result(True, "how.integrable")
        if low.is_finite and high.is_finite and is_continuous(e, z, low, high)[0]:
            return result(True, "how.integrable_bounded")
        return result(None, "how.unshown_integrable", e=e)
    if c.kind == "density":
        e, z = s
        others = set().union(*(a.free_symbols for a in e.args[1:]))  # conditions, parameters
        if isinstance(e, AppliedDensity) and e.args[0] == z and z not in others:
            return result(True, "how.density", variable=z)
        if (isinstance(e, NormalDensity) and e.args[0] == z and z not in others
                and sign(e.args[2], "positive")):
            return result(True, "how.normal")
        return result(None, "how.not_density", e=e, variable=z)
    if c.kind == "independent":
        a, b = s
        if a != b and any(isinstance(h, Independent) and {a, b} <= h.variables
                          for h in hypotheses):
            return result(True, "how.independent")
        return result(None, "how.not_independent", a=a, b=b)
    raise DeriveError(f"unknown side-condition kind {c.kind!r}")


__all__ = [
    "Condition", "ConditionResult", "check", "continuous", "continuous_on", "density", "equal", "finite",
    "free_of", "independent", "integer", "integrable", "nonnegative", "nonzero", "positive",
    "real", "related",
]
