"""Side conditions: the kinds the kernel decides, three-valued, each with how it was shown or
what to declare. A condition that cannot be shown is never read as holding.

Kinds: equal, positive, nonnegative, nonzero, real, integer, free_of, finite,
continuous (in a variable, by a whitelist of heads), integrable (against a density, a delta,
or over a bounded interval), density (of a variable), independent (declared).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sympy as sp

from derive.kernel.equality import differentiable, equal_values
from derive.kernel.objects import AppliedDensity, AppliedModel, Independent, NormalDensity, sig
from derive.kernel.signs import sign
from derive.kernel.verdicts import DeriveError, Message, say

Expr = sp.Expr


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


_STATEMENTS = {  # kind: (names of its subject, its statement in words)
    "equal": ("a b", "{a} = {b}"),
    "positive": ("e", "{e} > 0"),
    "nonnegative": ("e", "{e} >= 0"),
    "nonzero": ("e", "{e} != 0"),
    "real": ("e", "{e} is real"),
    "integer": ("e", "{e} is an integer"),
    "free_of": ("e variables", "{e} is free of {variables}"),
    "finite": ("e", "{e} is finite"),
    "continuous": ("e variable", "{e} is continuous in {variable}"),
    "integrable": ("e variable low high",
                   "the integral of {e} over {variable} from {low} to {high} converges"),
    "density": ("e variable", "{e} is a density of {variable}"),
    "independent": ("a b", "{a} and {b} are independent"),
}


def condition(kind: str, *subject) -> Condition:
    """A condition of ``kind`` (a key of the table above) about ``subject``."""
    names, text = _STATEMENTS[kind]
    subject = tuple(tuple(sorted(set(s), key=str)) if isinstance(s, (tuple, list, set)) else
                    sp.sympify(s, strict=True) for s in subject)
    args = {n: ", ".join(map(str, s)) if isinstance(s, tuple) else s
            for n, s in zip(names.split(), subject, strict=True)}
    return Condition(kind, subject, say(f"cond.{kind}", text.format(**args), **args))


def equal(a, b) -> Condition:
    return condition("equal", a, b)


def positive(e) -> Condition:
    return condition("positive", e)


def nonnegative(e) -> Condition:
    return condition("nonnegative", e)


def nonzero(e) -> Condition:
    return condition("nonzero", e)


def real(e) -> Condition:
    return condition("real", e)


def integer(e) -> Condition:
    return condition("integer", e)


def free_of(e, variables: Iterable[sp.Symbol]) -> Condition:
    return condition("free_of", e, tuple(variables))


def finite(e) -> Condition:
    return condition("finite", e)


def continuous(e, variable: sp.Symbol) -> Condition:
    return condition("continuous", e, variable)


def integrable(e, variable: sp.Symbol, low, high) -> Condition:
    return condition("integrable", e, variable, low, high)


def density(e, variable: sp.Symbol) -> Condition:
    return condition("density", e, variable)


def independent(a, b) -> Condition:
    return condition("independent", a, b)


# ---------------------------------------------------------------------------------------
# Continuity and integrability: whitelists, never blacklists.

_CONTINUOUS_HEADS = (sp.exp, sp.sin, sp.cos, sp.tanh, sp.Abs, sig)


def is_continuous(e: Expr, z: sp.Symbol) -> tuple[bool | None, str]:
    """Is ``e`` continuous in ``z`` for every value of everything else? True when built from
    heads known to be continuous where their arguments are; None otherwise, naming why."""
    if z not in e.free_symbols or isinstance(e, (sp.Symbol, sp.Indexed)):
        return True, ""
    if isinstance(e, (sp.Add, sp.Mul)) or isinstance(e, _CONTINUOUS_HEADS):
        return _all_continuous(e.args, z)
    if isinstance(e, sp.Pow):
        if z in e.exp.free_symbols:
            ok = sign(e.base, "positive")
            return (_all_continuous(e.args, z) if ok else
                    (None, f"{e.base} is not shown positive in a power with a variable exponent"))
        if (e.exp.is_integer and e.exp.is_nonnegative) or sign(e.base, "positive"):
            return _all_continuous((e.base,), z)
        return None, f"{e} is undefined where {e.base} is 0"
    if isinstance(e, sp.log):
        if sign(e.args[0], "positive"):
            return _all_continuous(e.args, z)
        return None, f"{e.args[0]} is not shown positive inside a log"
    if isinstance(e, (AppliedDensity, AppliedModel)):
        return _all_continuous(e.args, z)
    if isinstance(e, NormalDensity) and sign(e.args[2], "positive"):
        return _all_continuous(e.args, z)
    if isinstance(e, sp.Derivative) and differentiable(e):
        taken = e.doit(deep=False)  # a derivative is continuous where its value is
        if not taken.has(sp.Derivative):
            return is_continuous(taken, z)
    head = type(e).__name__
    return None, f"{head} is not among the functions known to be continuous"


def _all_continuous(args, z) -> tuple[bool | None, str]:
    for a in args:
        ok, why = is_continuous(a, z)
        if not ok:
            return None, why
    return True, ""


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
        return variables == z or isinstance(variables, sp.Tuple) and z in variables
    if isinstance(f, sp.DiracDelta):
        return z in f.args[0].free_symbols
    if isinstance(f, sp.Sum):
        return any(_weight_of(g, z) for g in sp.Mul.make_args(f.function))
    return False


# ---------------------------------------------------------------------------------------
# Deciding.


def _advice(e: Expr, word: str) -> str:
    symbols = sorted(str(s) for s in e.free_symbols)
    claim = _STATEMENTS[word][1].format(e=e)
    if not symbols:
        return f"cannot show {claim}"
    return (f"cannot show {claim}: declare {', '.join(symbols)} {word} "
            f"where that is true (for example Symbol('{symbols[0]}', {word}=True)), or pass "
            f"a hypothesis")


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
    def result(holds, key, text, **args):
        return ConditionResult(c, holds, say(key, text, **args))

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
        if holds is True:
            return result(True, "how.assumptions", "from the declared assumptions")
        if holds is False:
            return result(False, "how.false", f"{c.statement} "
                          f"is false under the declared assumptions", e=e)
        return result(None, f"how.unshown_{c.kind}", _advice(e, c.kind), e=e)
    if c.kind == "free_of":
        e, variables = s
        hit = sorted(set(variables) & e.free_symbols, key=str)
        if not hit:
            return result(True, "how.free_of", "none of them occurs in it")
        names = ", ".join(map(str, hit))
        return result(False, "how.depends_on", f"it depends on {names}", variables=names)
    if c.kind == "finite":
        (e,) = s
        if e.is_finite:
            return result(True, "how.finite", f"{e} is finite", e=e)
        if e.is_finite is False or e.has(sp.oo, -sp.oo, sp.zoo):
            return result(False, "how.infinite", f"{e} is infinite", e=e)
        return result(None, "how.unshown_finite", f"cannot show {e} is finite: declare it "
                      f"an integer or a real symbol", e=e)
    if c.kind == "continuous":
        e, z = s
        holds, why = is_continuous(e, z)
        if holds:
            return result(True, "how.continuous", "built from functions continuous where "
                          "their arguments are (densities and models assumed continuous)")
        return result(None, "how.not_continuous", f"cannot show it continuous: {why}", why=why)
    if c.kind == "integrable":
        e, z, low, high = s
        if _weight_in(e, z) or (z not in e.free_symbols and low.is_finite and high.is_finite):
            return result(True, "how.integrable", "weighted by a density or delta (assumed: "
                          "finite entropy, cross-entropy and moments)")
        if low.is_finite and high.is_finite and is_continuous(e, z)[0]:
            return result(True, "how.integrable_bounded", "continuous on a bounded interval")
        return result(None, "how.unshown_integrable", f"cannot show the integral of {e} "
                      f"converges: split it only where it does", e=e)
    if c.kind == "density":
        e, z = s
        if isinstance(e, AppliedDensity) and e.args[0] == z:
            return result(True, "how.density", f"declared a density of {z}", variable=z)
        if isinstance(e, NormalDensity) and e.args[0] == z and sign(e.args[2], "positive"):
            return result(True, "how.normal", "a normal density with a positive variance")
        return result(None, "how.not_density", f"cannot show {e} is a density of {z}: "
                      f"declare it with density()", e=e, variable=z)
    if c.kind == "independent":
        a, b = s
        if any(isinstance(h, Independent) and {a, b} <= h.variables for h in hypotheses):
            return result(True, "how.independent", "declared independent")
        return result(None, "how.not_independent", f"{a} and {b} are not declared "
                      f"independent: declare it where it is true", a=a, b=b)
    raise DeriveError(f"unknown side-condition kind {c.kind!r}")

__all__ = [
    "Condition", "ConditionResult", "check", "continuous", "density", "equal", "finite",
    "free_of", "independent", "integer", "integrable", "nonnegative", "nonzero", "positive",
    "real",
]
