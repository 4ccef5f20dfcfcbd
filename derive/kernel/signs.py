"""Signs of expressions: positive, nonnegative, nonzero, real. SymPy's assumptions decide;
the kernel adds only what they cannot see, the sign of an integral and of a delta: each is
replaced by a fresh symbol with the sign the kernel shows it has, and SymPy is asked again
(so a sum, product, power or log of integrals is signed by SymPy's own rules). True or False
only when shown; None when it cannot tell.
"""

from __future__ import annotations

import sympy as sp

Expr = sp.Expr
_SIGNS = ("positive", "nonnegative", "real")  # strongest first


def sign(e: Expr, kind: str) -> bool | None:
    """Is ``e`` positive / nonnegative / nonzero / real? True, False or None."""
    known = getattr(e, f"is_{kind}")
    if known is not None or not e.has(sp.Integral, sp.DiracDelta):
        return known
    return getattr(e.replace(lambda n: isinstance(n, (sp.Integral, sp.DiracDelta)), _signed),
                   f"is_{kind}")


def _signed(n: Expr) -> Expr:
    """An integral or a delta as a symbol with its strongest sign shown; else as it is."""
    for kind in _SIGNS:
        if _shown(n, kind):
            return sp.Dummy(**{kind: True})
    return n


def _shown(n: Expr, kind: str) -> bool:
    if isinstance(n, sp.DiracDelta):  # a positive measure: nonnegative, never positive
        return kind != "positive" and len(n.args) == 1 and n.args[0].is_real is True
    if len(n.limits) != 1 or len(n.limits[0]) != 3:
        return False
    _, low, high = n.limits[0]
    if kind == "real":
        return n.function.is_real is True and low.is_extended_real and high.is_extended_real
    ordered = (high - low).is_positive or (low, high) == (-sp.oo, sp.oo)
    return bool(ordered) and getattr(n.function, f"is_{kind}") is True


__all__ = ["sign"]
