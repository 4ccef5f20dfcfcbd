"""Signs of expressions: positive, nonnegative, nonzero, real. SymPy's assumptions first,
then what they miss: sums, products and integrals of signed terms, expectations, deltas.
True or False only when shown; None when it cannot tell.
"""

from __future__ import annotations

import sympy as sp

from derive.kernel.objects import Expectation, sig

Expr = sp.Expr
# Functions real, and continuous, wherever their argument is real.
ELEMENTARY = (sp.exp, sp.sin, sp.cos, sp.tanh, sp.Abs, sig)


def sign(e: Expr, kind: str) -> bool | None:
    """Is ``e`` positive / nonnegative / nonzero / real? True, False or None."""
    known = getattr(e, f"is_{kind}")
    if known is not None:
        return known
    if kind == "nonzero":
        return True if sign(e, "positive") or _negative(e) else None
    if kind == "real":
        return _real(e)
    if isinstance(e, sp.Add):  # kind is positive or nonnegative from here on
        if not all(sign(t, "nonnegative") for t in e.args):
            return None
        return True if kind == "nonnegative" or any(sign(t, "positive") for t in e.args) else None
    if isinstance(e, sp.Mul):
        return True if all(sign(f, kind) for f in e.args) else None
    if isinstance(e, sp.Pow):
        if sign(e.base, "positive") and sign(e.exp, "real"):
            return True
        return True if kind == "nonnegative" and e.exp.is_even and _real(e.base) else None
    if isinstance(e, (sp.Sum, sp.Product)) and len(e.limits) == 1:
        _, low, high = e.limits[0]
        if not (low.is_finite and high.is_finite):
            return None
        if kind == "positive" and isinstance(e, sp.Sum) and not (high - low).is_nonnegative:
            return None
        return True if sign(e.function, kind) else None
    if isinstance(e, sp.Integral) and len(e.limits) == 1 and len(e.limits[0]) == 3:
        _, low, high = e.limits[0]
        ordered = (high - low).is_positive or (low == -sp.oo and high == sp.oo)
        return True if ordered and sign(e.function, kind) else None
    if isinstance(e, Expectation):
        return True if sign(e.body, kind) else None
    if isinstance(e, sp.DiracDelta) and kind == "nonnegative":
        return True if len(e.args) == 1 and _real(e.args[0]) else None  # a positive measure
    return None


def _negative(e: Expr) -> bool:
    return e.is_negative is True or sign(-e, "positive") is True


def _real(e: Expr) -> bool | None:
    if isinstance(e, sp.Number) or e.is_Atom:
        return e.is_real
    if isinstance(e, (sp.Add, sp.Mul)):
        return True if all(_real(a) for a in e.args) else None
    if isinstance(e, sp.Pow):
        if sign(e.base, "positive") and _real(e.exp):
            return True
        return True if _real(e.base) and e.exp.is_integer else None
    if isinstance(e, sp.log):
        return True if sign(e.args[0], "positive") else None
    if isinstance(e, ELEMENTARY):
        return True if _real(e.args[0]) else None
    if isinstance(e, (sp.Sum, sp.Product, sp.Integral)):
        bounds = [b for limit in e.limits for b in limit[1:]]
        return True if _real(e.function) and all(
            b.is_extended_real for b in bounds) else None
    return e.is_real

__all__ = [
    "ELEMENTARY", "sign",
]
