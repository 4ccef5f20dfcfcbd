"""One joint law behind a conditional density applied in several shapes.

``Pr(x|phi)``, ``Pr(x, z|phi)``, ``Pr(z|x, phi)`` and ``Pr(z)`` in one step are marginals and
conditionals of one law of the random variables x and z (derive.kernel.objects). Drawn as
unrelated random functions they would refute the product rule; so here the law is built from
fresh conditional densities the instances already know how to draw, one factor per random
variable in a chosen order (the chain rule):

    p(r_1, ..., r_n | P) = G_1(r_1 | P) G_2(r_2 | r_1, P) ... G_n(r_n | r_1..r_{n-1}, P)

and each application becomes the ratio of two marginals of it, p(S, T | P) / p(T | P), a
marginal being the integral of the product over the variables it lacks (none, where they
come last in the order: the order is chosen so that as few integrals as possible remain).
P are the conditions that are never a random variable (the parameters); an application that
omits one reads it as suppressed (Pr(z) beside Pr(x|z, phi) is p(z|phi)). A density used in
one shape only, and not as a joint, is left as it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import sympy as sp

from derive.kernel.objects import AppliedConditionalDensity
from derive.notation import density
from derive.numeric.concrete import NotEvaluable

MAX_VARIABLES = 3  # random variables of one law (orders tried: their permutations)


def one_law(exprs: Sequence[sp.Basic]) -> list[sp.Basic]:
    """``exprs`` with each conditional density applied in several shapes rewritten in
    terms of one random joint law."""
    exprs = list(exprs)
    for law in sorted({n.func for e in exprs for n in sp.preorder_traversal(e)
                       if isinstance(n, AppliedConditionalDensity)}, key=str):
        applications = {n for e in exprs for n in sp.preorder_traversal(e)
                        if isinstance(n, AppliedConditionalDensity) and n.func == law}
        shapes = {_shape(a) for a in applications}
        if len(shapes) < 2 and not any(joint for _, _, joint in shapes):
            continue
        rewrite = _Law(law, applications)
        exprs = [e.replace(lambda n, law=law: isinstance(n, AppliedConditionalDensity)
                           and n.func == law, rewrite.value) for e in exprs]
    return exprs


def _shape(application) -> tuple[int, int, bool]:
    first = application.args[0]
    joint = isinstance(first, sp.Tuple)
    return (len(first) if joint else 1), len(application.args) - 1, joint


def _variables(application) -> tuple:
    first = application.args[0]
    return tuple(first) if isinstance(first, sp.Tuple) else (first,)


class _Law:
    def __init__(self, law, applications):
        name = law.__name__
        random = sorted({v for a in applications for v in _variables(a)}, key=str)
        if not all(isinstance(v, sp.Symbol) for v in random):
            raise NotEvaluable(f"{name} is applied in several shapes, and some of its "
                               f"variables ({', '.join(map(str, random))}) are not symbols: "
                               f"the random variables of one law must be named")
        if len(random) > MAX_VARIABLES:
            raise NotEvaluable(f"{name}: a joint law of more than {MAX_VARIABLES} variables")
        parameters = sorted({c for a in applications for c in a.args[1:]} - set(random),
                            key=str)
        if not all(isinstance(c, sp.Symbol) for c in parameters):
            raise NotEvaluable(f"{name} is applied in several shapes, conditioned on "
                               f"{', '.join(map(str, parameters))}: the conditions of one "
                               f"law must be its random variables or parameters")
        self.parameters = tuple(parameters)
        wanted = [(frozenset(_variables(a)) | (frozenset(a.args[1:]) & set(random)),
                   frozenset(a.args[1:]) & set(random)) for a in applications]
        self.order = min(itertools.permutations(random),
                         key=lambda order: sum(not _prefix(v, order) for w in wanted for v in w))
        self.factors = []
        for j, r in enumerate(self.order):
            given = (*self.order[:j], *self.parameters)
            factor = density(f"{name}_{r}", conditional=bool(given))
            self.factors.append((r, factor, given))

    def _joint(self, renaming: dict) -> sp.Expr:
        return sp.Mul(*(factor(renaming.get(r, r), *(renaming.get(g, g) for g in given))
                        for r, factor, given in self.factors))

    def marginal(self, kept: frozenset, values: dict) -> sp.Expr:
        """p(kept | parameters) at ``values``: the joint integrated over the rest."""
        if not kept:
            return sp.Integer(1)
        if _prefix(kept, self.order):
            used = [(r, f, g) for r, f, g in self.factors if r in kept]
            return sp.Mul(*(f(values[r], *(values.get(x, x) for x in g)) for r, f, g in used))
        dummies = {r: sp.Dummy(str(r), real=True) for r in self.order if r not in kept}
        body = self._joint({**values, **dummies})
        return sp.Integral(body, *((d, -sp.oo, sp.oo) for d in dummies.values()))

    def value(self, application) -> sp.Expr:
        variables = _variables(application)
        given = [c for c in application.args[1:] if c not in self.parameters]
        values = {**dict(zip(self.order, self.order, strict=True)),
                  **{r: r for r in given}, **dict(zip(variables, variables, strict=True))}
        both = frozenset(variables) | frozenset(given)
        return self.marginal(both, values) / self.marginal(frozenset(given), values)


def _prefix(variables: frozenset, order: Sequence) -> bool:
    return set(order[:len(variables)]) == set(variables)
