"""Expressions as users hand them to derive: SymPy objects, never strings (a string is
refused, never parsed or evaluated, so no text runs as code)."""

from __future__ import annotations

import sympy as sp

from derive.kernel import DeriveError


def as_expression(value, where: str, error: type[DeriveError] = DeriveError) -> sp.Expr:
    """``value`` as a SymPy expression; a string is refused, never parsed or evaluated."""
    if isinstance(value, str):
        raise error(f"{where}: got the string {value!r}; write the expression with "
                    f"SymPy objects (strings are never evaluated)")
    try:
        return sp.sympify(value, strict=True)
    except (sp.SympifyError, TypeError) as e:
        raise error(f"{where}: {value!r} is not an expression ({e})") from None
