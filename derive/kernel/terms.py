"""Expressions as trees: positions, bound variables, capture-avoiding substitution, the
alpha-normal form (bound variables renamed canonically), and symbols that print alike.

A position (a ``Path``) is the sequence of argument indices from the root to a node. A
binder is a node that binds variables: sums, products, integrals and limits, argmin/argmax,
KL, expectations, and ``Lambda``. Substitution never captures: a bound variable that a
substituted value mentions is renamed apart first.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp
from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.core.function import AppliedUndef, UndefinedFunction

from derive.kernel.objects import KL, OptimisationSet, _Average
from derive.kernel.verdicts import DeriveError, LookAlikeSymbols, say

Path = tuple[int, ...]


def at(e: sp.Basic, path: Path) -> sp.Basic:
    for k in path:
        if k >= len(e.args):
            raise DeriveError(f"position {path} does not exist in {e}")
        e = e.args[k]
    return e


def replace_at(e: sp.Basic, path: Path, new: sp.Basic) -> sp.Basic:
    if not path:
        return new
    k, rest = path[0], path[1:]
    if k >= len(e.args):
        raise DeriveError(f"position {path} does not exist in {e}")
    args = list(e.args)
    args[k] = replace_at(args[k], rest, new)
    return e.func(*args)


def rebuild(node: sp.Basic, args, evaluate: bool = True) -> sp.Basic:
    """``node``'s head over ``args``; with ``evaluate=False``, SymPy's automatic
    simplification is held back where the head allows it (sums and integrals do not)."""
    if not evaluate and issubclass(node.func, (sp.Add, sp.Mul, sp.Pow, sp.Function)):
        return node.func(*args, evaluate=False)
    return node.func(*args)


def evaluated(e: sp.Basic) -> sp.Basic:
    """``e`` rebuilt with SymPy's automatic simplification (which keeps values): an
    expression written unevaluated compares with an instance built evaluated."""
    if not e.args:
        return e
    return e.func(*(evaluated(a) for a in e.args))


def bound_variables(node: sp.Basic) -> list[sp.Symbol]:
    """The variables ``node`` itself binds (not those of binders inside it)."""
    if isinstance(node, ExprWithLimits):
        return [limit[0] for limit in node.limits]
    if isinstance(node, sp.Subs):
        return list(node.variables)
    if isinstance(node, (OptimisationSet, KL, _Average)):
        return list(node.bound_symbols)
    if isinstance(node, sp.Lambda):
        return list(node.variables)
    if isinstance(node, sp.Limit):
        return [node.args[1]]
    return []


def _fresh(b: sp.Symbol) -> sp.Dummy:
    return sp.Dummy(b.name, **b.assumptions0)


def _outside(node: sp.Basic, b: sp.Symbol) -> set:
    """The free symbols of the parts of a binder outside the scope of its variable ``b``: the
    bounds of b's own limit and of the limits around it, the point a Subs or Limit is at."""
    if isinstance(node, ExprWithLimits):
        j = [limit[0] for limit in node.limits].index(b)
        parts = [*node.limits[j][1:], *node.limits[j + 1:]]
    elif isinstance(node, (sp.Subs, sp.Limit)):
        parts = [node.args[2]]
    else:
        return set()
    return set().union(*(p.free_symbols for p in parts))


def apart(node: sp.Basic) -> sp.Basic:
    """A binder whose variable also occurs free outside its scope (Integral(x, (x, 0, x)))
    with that variable renamed within its scope only; then renaming a bound variable
    throughout the node renames only what it binds."""
    for b in bound_variables(node):
        if b in _outside(node, b):
            fresh = _fresh(b)
            if isinstance(node, ExprWithLimits):
                j = [limit[0] for limit in node.limits].index(b)
                limits = [sp.Tuple(*limit).xreplace({b: fresh}) for limit in node.limits[:j]]
                node = node.func(node.function.xreplace({b: fresh}), *limits,
                                 (fresh, *node.limits[j][1:]), *node.limits[j + 1:])
            else:  # Subs(expr, variables, point), Limit(expr, z, z0, dir)
                node = node.func(node.args[0].xreplace({b: fresh}),
                                 node.args[1].xreplace({b: fresh}), *node.args[2:])
    return node


def instantiate(e: sp.Basic, values: Mapping, renames: Mapping | None = None) -> sp.Basic:
    """``e`` with every key of ``values`` replaced at once: a Symbol by an expression, an
    undefined function or an IndexedBase by a ``Lambda`` applied to its arguments (or by
    another undefined function, a law, applied to them). A bound
    variable in ``renames`` becomes the symbol given; one that shadows a key hides it; one
    that a value mentions is renamed to a fresh symbol, so nothing is captured."""
    renames = dict(renames or {})
    if e in values and isinstance(e, sp.Symbol):
        return values[e]
    if isinstance(e, AppliedUndef) and e.func in values:
        arguments = [instantiate(a, values, renames) for a in e.args]
        if isinstance(values[e.func], UndefinedFunction):  # a law: applied as it is
            return values[e.func](*arguments)
        return beta(values[e.func], arguments)
    if isinstance(e, sp.Indexed) and e.base in values:
        return beta(values[e.base], [instantiate(i, values, renames) for i in e.indices])
    if not e.args:
        return e
    bound = bound_variables(e)
    if bound:
        e = apart(e)
        bound = bound_variables(e)
        inner = {k: v for k, v in values.items() if k not in bound}
        mentioned = set().union(*(_free(v) for v in inner.values())) if inner else set()
        renaming = {}
        for b in bound:
            if b in renames:
                renaming[b] = renames.pop(b)
            elif b in mentioned:
                renaming[b] = _fresh(b)
        if renaming:
            e = e.xreplace(renaming)
        values = inner
    return e.func(*(instantiate(a, values, renames) for a in e.args))


def _free(v) -> set:
    if isinstance(v, UndefinedFunction):
        return set()
    return v.free_symbols


def beta(function, arguments: list) -> sp.Basic:
    """A ``Lambda`` applied to arguments, by capture-avoiding substitution."""
    if not isinstance(function, sp.Lambda) or len(function.variables) != len(arguments):
        raise DeriveError(f"{function} cannot be applied to {len(arguments)} argument(s)")
    return instantiate(function.expr, dict(zip(function.variables, arguments, strict=True)))


_canonical_names: dict = {}


def _canonical(depth: int, position: int, b: sp.Symbol) -> sp.Dummy:
    key = (depth, position, tuple(sorted(b.assumptions0.items())))
    if key not in _canonical_names:
        _canonical_names[key] = sp.Dummy(f"b{depth}_{position}", **b.assumptions0)
    return _canonical_names[key]


def alpha_normal(e: sp.Basic, depth: int = 0) -> sp.Basic:
    """``e`` with each bound variable renamed by the depth of its binder and its place there
    (keeping its assumptions): alpha-equivalent expressions become equal. (SymPy's own
    ``as_dummy`` gives nested binders one name, and drops assumptions.)"""
    if not e.args:
        return e
    e = apart(e)
    bound = bound_variables(e)
    if bound:
        e = e.xreplace({b: _canonical(depth, k, b) for k, b in enumerate(bound)})
        depth += 1
    args = tuple(alpha_normal(a, depth) for a in e.args)
    if args == e.args:
        return e
    if isinstance(e, sp.Function):
        # renaming changes no value: an application already evaluated is rebuilt as it is
        # (SymPy's DiracDelta(Integral(x, (x, 0, oo))) evaluates forever)
        try:
            return e.func(*args, evaluate=False)
        except TypeError:  # a function class that takes no options
            pass
    return e.func(*args)


def alpha_equal(a: sp.Basic, b: sp.Basic) -> bool:
    return a == b or alpha_normal(a) == alpha_normal(b)


def names_in(e: sp.Basic) -> dict[tuple[str, str], set]:
    """Every symbol, data label and function in ``e`` by (kind, printed name): a symbol and
    a function share a kind, so y and y(x) in one step are two things that print alike."""
    found: dict[tuple[str, str], set] = {}
    for node in sp.preorder_traversal(e):
        if isinstance(node, sp.IndexedBase):
            found.setdefault(("data", str(node.label)), set()).add(node.label)
        elif isinstance(node, sp.Symbol) and not isinstance(node, sp.Dummy):
            kind = "data" if type(node).__name__.endswith("Label") else "name"
            found.setdefault((kind, node.name), set()).add(node)
        elif isinstance(node, AppliedUndef):  # one name: y the symbol, y(x) the function
            found.setdefault(("name", node.func.__name__), set()).add(node.func)
    return found


def refuse_look_alikes(*exprs: sp.Basic) -> None:
    """Raise LookAlikeSymbols if two different symbols (or functions) print alike."""
    merged: dict[tuple[str, str], set] = {}
    for e in exprs:
        for key, objects in names_in(e).items():
            merged.setdefault(key, set()).update(objects)
    for (kind, name), objects in sorted(merged.items()):
        if len(objects) > 1:
            raise LookAlikeSymbols(say("terms.look_alike", kind=kind, name=repr(name),
                                       described="; ".join(sorted(map(_describe, objects)))))


def refuse_binders_out_of_range(*exprs: sp.Basic) -> None:
    """Raise DeriveError if a sum, product or integral runs its variable over values its
    declared assumptions exclude (an index declared positive summed from 0, even summed
    over every integer, an integer variable of integration): whatever is shown of the
    variable would not hold on every term. Each assumption must follow from the range."""
    for e in exprs:
        for node in sp.preorder_traversal(e):
            if not isinstance(node, ExprWithLimits):
                continue
            for limit in node.limits:
                if len(limit) != 3:
                    continue
                v, low, high = limit
                excluded = sorted(k for k, holds in v.assumptions0.items()
                                  if holds and not _range(node, low, high).assumptions0.get(k))
                if excluded:  # named as declared (positive), not as implied (extended_...)
                    named = [k for k in excluded if not k.startswith("extended_")] or excluded
                    raise DeriveError(say("terms.out_of_range", v=v, node=node, low=low,
                                          high=high, declared=", ".join(named)))


def _range(node: ExprWithLimits, low: sp.Basic, high: sp.Basic) -> sp.Dummy:
    """A symbol with what is known of every value the variable takes: an integer from
    low to high (from high + 1 to low - 1 when a sum runs backwards), a real between the
    bounds of an integral, either way round."""
    if isinstance(node, sp.Integral):
        least, most, facts = sp.Min(low, high), sp.Max(low, high), {"real": True}
    else:
        least, most, facts = sp.Min(low, high + 1), sp.Max(low - 1, high), {"integer": True}
    if (least - (1 if "integer" in facts else 0)).is_nonnegative:
        facts["positive"] = True
    elif least.is_nonnegative:
        facts["nonnegative"] = True
    if (most + (1 if "integer" in facts else 0)).is_nonpositive:
        facts["negative"] = True
    elif most.is_nonpositive:
        facts["nonpositive"] = True
    return sp.Dummy(**facts)


def _describe(o) -> str:
    if isinstance(o, sp.Symbol):
        facts = [k for k, v in sorted(o.assumptions0.items()) if v is True]
        return f"{type(o).__name__} with {', '.join(facts) or 'no assumptions'}"
    return f"the function {o.__name__} ({o.__mro__[1].__name__})"

__all__ = [
    "Path", "alpha_equal", "alpha_normal", "at", "beta", "bound_variables", "evaluated",
    "instantiate", "rebuild", "refuse_binders_out_of_range", "refuse_look_alikes", "replace_at",
]
