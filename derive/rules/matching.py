"""A matcher that proposes a binding of a schema's pattern variables for an expression.

Untrusted: the kernel instantiates the schema under the binding and accepts it only if the
instance is the expression. So this may be incomplete (it gives up on large sums and
products whose terms could pair up in too many ways) but it can never make a step pass.

Scalar pattern variables match any expression; bound ones the variable of the matching
binder; a function variable applied to bound variables matches the expression abstracted
over them (``g(z)`` against ``log Pr(y|theta)`` under ``\\int dy`` gives ``g = t -> log
Pr(t|theta)``); once bound, later applications must agree with it.
"""

from __future__ import annotations

import itertools

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.kernel import Schema, alpha_equal, instantiate
from derive.kernel.terms import bound_variables
from derive.rules.sites import abstract

MAX_ORDERINGS = 720  # pairings tried for the terms of one sum or product


def match(schema: Schema, expr: sp.Basic) -> dict | None:
    """A binding under which the schema's left side is ``expr``, or None."""
    scalars, bound, functions = set(schema.scalars), set(schema.bound), set(schema.functions)
    found = _match(schema.lhs, expr, {}, scalars, bound, functions)
    if found is None or set(found) != set(schema.variables):
        return None
    return found


def _match(pattern, expr, binding, scalars, bound, functions):
    if pattern in scalars:
        if pattern in binding:
            return binding if alpha_equal(binding[pattern], expr) else None
        return {**binding, pattern: expr}
    if pattern in bound:
        return binding if binding.get(pattern) == expr else None
    if isinstance(pattern, AppliedUndef) and pattern.func in functions:
        return _match_function(pattern, expr, binding, scalars, bound, functions)
    if not pattern.args:
        return binding if pattern == expr else None
    if type(pattern) is not type(expr):
        return None
    if bound_variables(pattern):
        return _match_binder(pattern, expr, binding, scalars, bound, functions)
    if isinstance(pattern, (sp.Add, sp.Mul)):
        return _match_commutative(pattern, expr, binding, scalars, bound, functions)
    if len(pattern.args) != len(expr.args):
        return None
    return _match_all(list(zip(pattern.args, expr.args, strict=True)), binding, scalars,
                      bound, functions)


def _match_all(pairs, binding, scalars, bound, functions):
    # Function applications whose arguments are not yet known come last.
    pairs = sorted(pairs, key=lambda pe: _deferred(pe[0], functions))
    for p, e in pairs:
        binding = _match(p, e, binding, scalars, bound, functions)
        if binding is None:
            return None
    return binding


def _deferred(pattern, functions) -> bool:
    return any(isinstance(n, AppliedUndef) and n.func in functions
               for n in sp.preorder_traversal(pattern))


def _match_function(pattern, expr, binding, scalars, bound, functions):
    f = pattern.func
    if f in binding:
        unfolded = instantiate(binding[f].expr, dict(zip(binding[f].variables, pattern.args,
                                                         strict=True)))
        return _match(unfolded, expr, binding, scalars, bound, functions)
    if not all(a in bound and a in binding for a in pattern.args):
        return None
    return {**binding, f: abstract(expr, [binding[a] for a in pattern.args])}


def _match_binder(pattern, expr, binding, scalars, bound, functions):
    if len(pattern.args) != len(expr.args):
        return None
    mine, theirs = bound_variables(pattern), bound_variables(expr)
    if len(mine) != len(theirs) or not all(isinstance(v, sp.Symbol) for v in theirs):
        return None
    for p, e in zip(mine, theirs, strict=True):
        if p not in bound or binding.get(p, e) != e:
            return None
        binding = {**binding, p: e}
    return _match_all(list(zip(pattern.args, expr.args, strict=True)), binding, scalars,
                      bound, functions)


def _match_commutative(pattern, expr, binding, scalars, bound, functions):
    """Terms of a sum (factors of a product) paired in some order; a pattern with fewer
    terms lets its last absorbing term (a variable or a function application) take the
    rest."""
    ps, es = list(pattern.args), list(expr.args)
    if len(ps) == len(es):
        for k, order in enumerate(itertools.permutations(es)):
            if k >= MAX_ORDERINGS:
                return None
            found = _match_all(list(zip(ps, order, strict=True)), binding, scalars, bound,
                               functions)
            if found is not None:
                return found
    absorbing = [p for p in ps if p in scalars or (isinstance(p, AppliedUndef)
                                                   and p.func in functions)]
    if not absorbing or len(ps) > len(es):
        return None
    rest_pattern = absorbing[-1]
    fixed = [p for p in ps if p is not rest_pattern]
    for k, chosen in enumerate(itertools.permutations(range(len(es)), len(fixed))):
        if k >= MAX_ORDERINGS:
            return None
        rest = pattern.func(*[e for j, e in enumerate(es) if j not in chosen])
        pairs = [*zip(fixed, (es[j] for j in chosen), strict=True), (rest_pattern, rest)]
        found = _match_all(pairs, binding, scalars, bound, functions)
        if found is not None:
            return found
    return None
