"""When two expressions are equal: a canonical form of their difference is 0. Never by
evaluating integrals, sums or deltas (no ``doit``: SymPy's delta integration is inconsistent
at endpoints), and never with ``force=True`` (logs split only where assumptions allow).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sympy as sp
from sympy.functions.elementary.hyperbolic import HyperbolicFunction

from derive.kernel.objects import OptimisationSet
from derive.kernel.signs import sign
from derive.kernel.terms import alpha_normal
from derive.kernel.verdicts import Message, say

Expr = sp.Expr


def canonical(e: Expr) -> Expr:
    """A cheap canonical form: bound variables named canonically, derivatives taken, logs of
    products, powers
    and exponentials split where the kernel shows the factors positive (SymPy cannot see
    that a sum of positive terms is positive), SymPy's expansion, and every finite sum split
    into a sum per term with the factors free of its index pulled out (linearity holds for
    every finite sum; infinite ones are left alone) and sums of 1 counted."""
    e = alpha_normal(e)
    if e.has(sp.Derivative):  # differentiating is safe, unlike integrating
        e = e.replace(lambda n: isinstance(n, sp.Derivative) and differentiable(n),
                      lambda n: n.doit(deep=False))
    e = sp.expand(e)
    if e.has(sp.log):
        e = sp.expand(e.replace(lambda n: isinstance(n, sp.log), _split_log))
    if not e.has(sp.Sum):
        return e
    e = sp.expand(e.replace(lambda n: isinstance(n, sp.Sum), _split_finite_sum))
    # a sum pulled out of another keeps its inner name: named afresh, it meets its equals
    return sp.expand(alpha_normal(e))


# Heads with corners, jumps or pieces: SymPy differentiates them branch by branch, and its
# derivative has a value (sign(0) = 0, Heaviside(0) = 1/2) where there is none.
_NOT_SMOOTH = (sp.Piecewise, sp.Abs, sp.sign, sp.floor, sp.ceiling, sp.frac, sp.Max, sp.Min,
               sp.Heaviside)


def differentiable(derivative: sp.Derivative) -> bool:
    """Can the kernel take this derivative itself? Not of a head with corners or jumps
    (above), and not through an integral or an infinite sum that depends on the variable:
    SymPy differentiates those by Leibniz's rule, under the integral sign, without the
    conditions that takes (continuity, domination), so they are left to the schemas that
    state them (the fundamental theorem of calculus)."""
    variables = set(derivative.variables)
    if derivative.expr.has(*_NOT_SMOOTH):
        return False
    for n in sp.preorder_traversal(derivative.expr):
        infinite_sum = isinstance(n, sp.Sum) and not all(
            b.is_finite for limit in n.limits for b in limit[1:])
        if (isinstance(n, sp.Integral) or infinite_sum) and n.free_symbols & variables:
            return False
    return True


def _split_log(node: sp.log) -> Expr:
    (argument,) = node.args
    if isinstance(argument, sp.exp) and sign(argument.args[0], "real"):
        return argument.args[0]
    if isinstance(argument, sp.Pow) and sign(argument.base, "positive") and sign(
            argument.exp, "real"):
        return argument.exp * _split_log(sp.log(argument.base))
    if isinstance(argument, sp.Mul) and all(sign(f, "positive") for f in argument.args):
        return sp.Add(*(_split_log(sp.log(f)) for f in argument.args))
    return node


def _split_finite_sum(s: sp.Sum) -> Expr:
    if len(s.limits) != 1 or not all(b.is_finite and b.is_integer for b in s.limits[0][1:]):
        return s
    index, low, high = s.limits[0]
    pieces = []
    for term in sp.Add.make_args(sp.expand(s.function)):
        free, bound = term.as_independent(index, as_Add=False)
        count = high - low + 1
        if bound == 1 and count.is_nonnegative:
            pieces.append(free * count)  # a sum of 1 over m..N has N - m + 1 terms
        else:
            pieces.append(free * sp.Sum(bound, s.limits[0]))
    return sp.Add(*pieces)


_OPAQUE = (sp.Integral, sp.Sum, sp.Product)  # numbers SymPy cannot be trusted to sign
_cheap: ContextVar[bool] = ContextVar("cheap", default=False)


@contextmanager
def cheaply() -> Iterator[None]:
    """Within the block, equality is the canonical form alone (no ``simplify``): weaker,
    never wrong, and fast enough to try many candidates (a search does)."""
    token = _cheap.set(True)
    try:
        yield
    finally:
        _cheap.reset(token)


def difference_is_zero(d: Expr) -> bool | None:
    """True if ``d`` is 0 for every admissible value, False if it is a nonzero number, None
    if neither could be shown. Cheapest first: most steps close on the first test."""
    if d == 0:
        return True
    e = canonical(d)
    if e == 0:
        return True
    if e.is_number:  # SymPy's is_zero of an integral or sum guesses: never False for one
        return True if e.is_zero else None if e.is_zero is None or e.has(*_OPAQUE) else False
    if _cheap.get():
        return None
    s = sp.simplify(e, doit=False)
    if s == 0:
        return True
    if s.is_number and s.is_zero is False and not s.has(*_OPAQUE):
        return False
    if s.has(HyperbolicFunction):  # tanh x = (1 - e^{-2x})/(1 + e^{-2x}): in exps, exactly
        in_exps = s.replace(lambda n: isinstance(n, HyperbolicFunction),
                            lambda n: n.rewrite(sp.exp))
        if sp.simplify(in_exps, doit=False) == 0:
            return True
    return None


def _shape(e: Expr) -> tuple:
    """A matrix's shape; () for anything else (an Indexed's shape is its array's, and
    raises where its range is not declared)."""
    return e.shape if isinstance(e, sp.MatrixBase) else ()


def equal_values(a: Expr, b: Expr) -> tuple[bool | None, Message]:
    """Are ``a`` and ``b`` equal? Between argmin/argmax sets: the same optimisation over the
    same variables of objectives equal as values (enough, not necessary: so never False)."""
    if isinstance(a, OptimisationSet) or isinstance(b, OptimisationSet):
        if type(a) is not type(b) or set(a.variables) != set(b.variables):
            return None, say("eq.different_optimisation", a=a, b=b)
        holds, how = equal_values(a.objective, b.objective)
        return (True, how) if holds else (None, say("eq.objectives", how=how))
    if a == b:
        return True, say("eq.same")
    if _shape(a) != _shape(b):  # a matrix and a number, say
        return None, say("eq.shapes", a=a, b=b)
    verdict = difference_is_zero(a - b)
    if verdict is True:
        return True, say("eq.zero")
    return verdict, say("eq.nonzero" if verdict is False else "eq.unshown",
                        difference=canonical(a - b))


def denominators(e: Expr) -> set[Expr]:
    """Every expression ``e`` divides by (a power with a negative exponent, the cosine of a
    tangent or secant, the sine of a cotangent or cosecant), as written."""
    found = set()
    for n in sp.preorder_traversal(e):
        if isinstance(n, sp.Pow) and n.exp.is_negative:
            found.add(n.base)
        elif isinstance(n, (sp.tan, sp.sec, sp.cot, sp.csc)):
            found.add((sp.cos if isinstance(n, (sp.tan, sp.sec)) else sp.sin)(n.args[0]))
    return {d for d in found if not d.is_number}


def cancelled(before: Expr, after: Expr) -> list[Expr]:
    """The denominators of ``before`` that ``after`` no longer has: where they vanish, the
    line before is undefined and the line after may not be (the domain changed)."""
    kept = {alpha_normal(d) for d in denominators(after)}
    return sorted((d for d in denominators(before) if alpha_normal(d) not in kept), key=str)

__all__ = [
    "cancelled", "canonical", "cheaply", "denominators", "difference_is_zero", "differentiable",
    "equal_values",
]
