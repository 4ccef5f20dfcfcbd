"""Where a step is defined: the signs its expressions require, read before drawing, and an
account of the instances left out after, in words a person can act on."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from derive import messages  # noqa: F401  (the English words of what it says)
from derive.kernel import Message, say


def _required_sign(arg: sp.Expr, scalars: set) -> tuple[sp.Symbol, int] | None:
    """When ``arg`` must be positive and its sign rests on one real symbol of unknown sign
    (a factor of it, to an odd power), that symbol and the sign it needs."""
    unknown, sign = None, 1
    for factor in sp.Mul.make_args(arg):
        base, power = factor.as_base_exp()
        if factor.is_positive:
            continue
        if factor.is_negative:
            sign = -sign
            continue
        if isinstance(base, sp.Symbol) and base in scalars and power.is_integer and power.is_odd:
            if unknown is not None:
                return None
            unknown = base
            continue
        return None
    return (unknown, sign) if unknown is not None else None


def read_signs(sides: dict[str, sp.Expr], scalars: set) -> dict[sp.Symbol, tuple[int, Message]]:
    """Real symbols of unknown sign that a side needs to have a sign to be defined in the
    reals (log(sig*z) with z > 0 needs sig > 0): symbol -> (sign, why). A symbol that two
    places want with opposite signs is left alone (its instances are then sorted out after)."""
    wanted: dict[sp.Symbol, tuple[int, Message]] = {}
    conflicting: set = set()
    candidates = [s for s in scalars if s.is_real and s.is_positive is None
                  and s.is_negative is None and not s.is_integer]
    if not candidates:
        return {}
    for side, expr in sides.items():
        for node in sp.preorder_traversal(expr):
            if isinstance(node, sp.log):
                arg = node.args[0]
            elif isinstance(node, sp.Pow) and node.exp.is_Rational and not node.exp.is_integer:
                arg = node.base
            else:
                continue
            found = _required_sign(arg, set(candidates))
            if found is None:
                continue
            symbol, sign = found
            why = say(_UNDEFINED_OTHERWISE[side], node=node)
            if symbol in wanted and wanted[symbol][0] != sign:
                conflicting.add(symbol)
            wanted.setdefault(symbol, (sign, why))
    return {s: v for s, v in wanted.items() if s not in conflicting}


_UNDEFINED_OTHERWISE = {"left": "numeric.left_undefined_otherwise",
                        "right": "numeric.right_undefined_otherwise"}


def _relation(sign: int) -> str:
    return "> 0" if sign > 0 else "< 0"


@dataclass
class Domain:
    """What was left out, instance by instance: counted as the check runs, told at the end."""

    forced: dict = field(default_factory=dict)  # symbol -> (sign, why), drawn with that sign
    drawn: int = 0
    undefined: int = 0  # either side not finite
    undefined_side: dict = field(default_factory=lambda: {"left": 0, "right": 0})
    # symbol -> counts of [undefined with s<0, undefined with s>0, defined s<0, defined s>0]
    by_sign: dict = field(default_factory=dict)

    def count(self, scalars: dict, left_ok: np.ndarray, right_ok: np.ndarray) -> None:
        ok = left_ok & right_ok
        self.drawn += len(ok)
        self.undefined += int(np.sum(~ok))
        self.undefined_side["left"] += int(np.sum(~left_ok))
        self.undefined_side["right"] += int(np.sum(~right_ok))
        for s, v in scalars.items():
            if s.is_integer or s.is_positive or s.is_negative or s in self.forced:
                continue
            counts = self.by_sign.setdefault(s, [0, 0, 0, 0])
            counts[0] += int(np.sum(~ok & (v < 0)))
            counts[1] += int(np.sum(~ok & (v > 0)))
            counts[2] += int(np.sum(ok & (v < 0)))
            counts[3] += int(np.sum(ok & (v > 0)))

    def sides(self) -> Message:
        left, right = self.undefined_side["left"], self.undefined_side["right"]
        if left and right:
            return say("numeric.both_sides")
        return say("numeric.left_side" if left else "numeric.right_side")

    def explained_by(self) -> tuple[sp.Symbol, int] | None:
        """A symbol whose sign alone tells the undefined instances from the others."""
        for s, (und_neg, und_pos, ok_neg, ok_pos) in sorted(self.by_sign.items(), key=lambda kv: str(kv[0])):
            if und_neg and not und_pos and ok_pos and und_neg >= 0.9 * (und_neg + ok_neg):
                return s, 1
            if und_pos and not und_neg and ok_neg and und_pos >= 0.9 * (und_pos + ok_pos):
                return s, -1
        return None

    def statement(self) -> Message | str:
        """Where the step was checked, or "" when nothing was left out."""
        parts = []
        for s, (sign, why) in sorted(self.forced.items(), key=lambda kv: str(kv[0])):
            parts.append(say("numeric.checked_where_forced", where=_where(s, sign), why=why,
                             declare=_declare(s, sign)))
        if self.undefined:
            explained = self.explained_by()
            if explained is not None:
                s, sign = explained
                parts.append(say("numeric.checked_where_sign", where=_where(s, sign),
                                 other=_where(s, -sign), sides=self.sides(),
                                 declare=_declare(s, sign)))
            else:
                parts.append(say("numeric.checked_where_defined", undefined=self.undefined,
                                 drawn=self.drawn, sides=self.sides()))
        return say("numeric.domain", parts=tuple(parts)) if parts else ""


def _where(s: sp.Symbol, sign: int) -> str:
    """``s > 0`` or ``s < 0``, as the checker writes it."""
    return f"{s} {_relation(sign)}"


def _declare(s: sp.Symbol, sign: int) -> str:
    """What to declare of ``s``: ``s positive`` or ``s negative``."""
    return f"{s} {'positive' if sign > 0 else 'negative'}"
