"""Rules under argmin/argmax: the objective changes, the set of optimisers does not.

Each rule only finds the certificate (the scale and offset of an affine change, the
monotone transform, the exchange of argmax and argmin); that the certificate is enough,
and under which conditions, is the kernel's.
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.kernel import Affine, Flip, Monotone, canonical, say
from derive.kernel.objects import OptimisationSet
from derive.rules.base import Context, Rule, RuleDoesNotApply, register


def _optimisation(rule: str, before, target) -> tuple[OptimisationSet, OptimisationSet | None]:
    if not isinstance(before, OptimisationSet):
        raise RuleDoesNotApply(say("rule.not_optimisation", rule=rule, line=before))
    if target is not None and not isinstance(target, OptimisationSet):
        raise RuleDoesNotApply(say("rule.written_not_optimisation", rule=rule, line=target))
    return before, target


def _terms_free_of(e: sp.Basic, variables) -> sp.Basic:
    return sp.Add(*[t for t in sp.Add.make_args(e) if not t.free_symbols & set(variables)])


def _factors_free_of(e: sp.Basic, variables) -> sp.Basic:
    return sp.Mul(*[f for f in sp.Mul.make_args(e) if not f.free_symbols & set(variables)])


def _difference(f: sp.Basic, g: sp.Basic, variables) -> sp.Basic:
    """F - G as the author would name it: the terms of F that G lacks, when that is all;
    else the expanded difference, or its canonical form if only that is free of the
    variables."""
    missing = [t for t in sp.Add.make_args(f) if t not in sp.Add.make_args(g)]
    if not [t for t in sp.Add.make_args(g) if t not in sp.Add.make_args(f)]:
        return sp.Add(*missing)
    offset = sp.expand(f - g)
    return offset if not offset.free_symbols & set(variables) else canonical(f - g)


def _drop_constant(before, target, context: Context):
    before, target = _optimisation("drop_constant", before, target)
    if target is not None:
        offset = _difference(before.objective, target.objective, before.variables)
    else:
        offset = _terms_free_of(before.objective, before.variables)
        target = before.with_objective(before.objective - offset)
    if offset == 0:
        raise RuleDoesNotApply(say("rule.no_constant"))
    return [Affine(sp.Integer(1), offset, target)]


drop_constant = register(Rule(
    "drop_constant",
    r"\mathop{\rm argmin}_{\theta}\bigl[F(\theta) + c\bigr] = "
    r"\mathop{\rm argmin}_{\theta}\bigl[F(\theta)\bigr]",
    ("c free of every optimisation variable",), _drop_constant,
    "an additive term free of the optimisation variables changes no optimiser",
    aliases=("drop additive constant", "drop_additive_constant"), needs_target=True,
    sites=(OptimisationSet,)))


def _dependent_functions(e: sp.Basic, variables) -> set:
    """The applications of unknown functions (densities, models) in ``e`` that depend on
    the variables: an objective affine in another depends on them through the same ones."""
    return {n for n in sp.preorder_traversal(e)
            if isinstance(n, AppliedUndef) and n.free_symbols & set(variables)}


@functools.lru_cache(maxsize=256)  # the rules that drop constants and factors all ask it
def scale_between(f: sp.Basic, g: sp.Basic, variables: tuple) -> sp.Basic | None:
    """The c with F = c G + d, if there is one: the ratio of the derivatives of F and G in
    an optimisation variable G depends on (free of the variables when F is affine in G).
    None when G depends on none of them."""
    if _dependent_functions(f, variables) != _dependent_functions(g, variables):
        # not affine: they depend on the variables through different functions; the plain
        # quotient lets the kernel say what the factor depends on
        return f / g if g.free_symbols & set(variables) else None
    f, g = canonical(f), canonical(g)
    for v in variables:
        dg = canonical(sp.diff(g, v))
        if dg == 0:
            continue
        ratio = sp.cancel(sp.together(canonical(sp.diff(f, v)) / dg))
        if ratio.free_symbols & set(variables):
            ratio = sp.factor_terms(ratio)
        return ratio
    return None


def affine_change(before: OptimisationSet, target: OptimisationSet) -> Affine:
    """argmin F = argmin G with F = c G + d: c and d computed, not searched (the kernel
    checks that c > 0, that both are free of the variables, and that F = c G + d)."""
    scale = scale_between(before.objective, target.objective, before.variables)
    if scale is None:
        raise RuleDoesNotApply(say("rule.not_affine", f=before.objective, g=target.objective,
                                   variables=", ".join(map(str, before.variables))))
    if scale == 1:
        offset = _difference(before.objective, target.objective, before.variables)
    else:
        offset = sp.expand(canonical(before.objective - scale * target.objective))
    return Affine(scale, offset, target)


def _rescale_objective(before, target, context: Context):
    before, target = _optimisation("rescale_objective", before, target)
    if target is None:
        raise RuleDoesNotApply(say("rule.rescale_last"))
    change = affine_change(before, target)
    if change.scale == 1 and change.offset == 0:
        raise RuleDoesNotApply(say("rule.objectives_equal"))
    return [change]


rescale_objective = register(Rule(
    "rescale_objective",
    r"\mathop{\rm argmin}_{\theta}\bigl[c\,F(\theta) + d\bigr] = "
    r"\mathop{\rm argmin}_{\theta}\bigl[F(\theta)\bigr]",
    ("c > 0", "c and d free of every optimisation variable"), _rescale_objective,
    "constants and positive factors free of the optimisation variables dropped at once "
    "(the factor is the ratio of the derivatives of the two objectives)",
    aliases=("drop constants and factors", "affine change of the objective"),
    needs_target=True, sites=(OptimisationSet,)))


def _drop_positive_factor(before, target, context: Context):
    before, target = _optimisation("drop_positive_factor", before, target)
    if target is not None:
        scale = scale_between(before.objective, target.objective, before.variables)
        if scale is None:
            raise RuleDoesNotApply(say("rule.not_multiple", f=before.objective,
                                       g=target.objective))
    else:
        scale = _factors_free_of(before.objective, before.variables)
        target = before.with_objective(before.objective / scale)
    if scale == 1:
        raise RuleDoesNotApply(say("rule.no_factor"))
    return [Affine(scale, sp.Integer(0), target)]


drop_positive_factor = register(Rule(
    "drop_positive_factor",
    r"\mathop{\rm argmin}_{\theta}\bigl[c\,F(\theta)\bigr] = "
    r"\mathop{\rm argmin}_{\theta}\bigl[F(\theta)\bigr]",
    ("c > 0", "c free of every optimisation variable"), _drop_positive_factor,
    "a positive factor free of the optimisation variables changes no optimiser",
    aliases=("drop positive factor", "drop_factor"), needs_target=True, sites=(OptimisationSet,)))


def _monotone_transform(before, target, context: Context):
    before, target = _optimisation("monotone_transform", before, target)
    if target is None:
        raise RuleDoesNotApply(say("rule.monotone_last"))
    if isinstance(target.objective, sp.log):
        return [Monotone("log", False, target)]
    if isinstance(target.objective, sp.exp):
        return [Monotone("exp", False, target)]
    if isinstance(before.objective, sp.log):
        return [Monotone("log", True, target)]  # taking a log back: F = log G
    if isinstance(before.objective, sp.exp):
        return [Monotone("exp", True, target)]
    raise RuleDoesNotApply(say("rule.not_monotone", g=target.objective, f=before.objective))


monotone_transform = register(Rule(
    "monotone_transform",
    r"\mathop{\rm argmax}_{\theta}\bigl[F(\theta)\bigr] = "
    r"\mathop{\rm argmax}_{\theta}\bigl[h(F(\theta))\bigr]",
    ("h strictly increasing on the range of F (log: F > 0; exp: F real)",),
    _monotone_transform,
    "a strictly increasing transform (log, exp) of the objective changes no optimiser",
    aliases=("strictly increasing transform", "log transform", "take the log"),
    needs_target=True, sites=(OptimisationSet,)))


def _argmax_to_argmin(before, target, context: Context):
    _optimisation("argmax_to_argmin", before, target)
    return [Flip()]


argmax_to_argmin = register(Rule(
    "argmax_to_argmin",
    r"\mathop{\rm argmax}_{\theta}\bigl[F(\theta)\bigr] = \mathop{\rm argmin}_{\theta}\bigl[-F(\theta)\bigr]",
    (), _argmax_to_argmin, "maximising F is minimising -F",
    aliases=("argmax as argmin", "negate"), sites=(OptimisationSet,)))

__all__ = ["affine_change", "argmax_to_argmin", "drop_constant", "drop_positive_factor",
           "monotone_transform", "rescale_objective", "scale_between"]
