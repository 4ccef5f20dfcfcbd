"""Rules under argmin/argmax: the objective changes, the set of optimisers does not.

Each rule only finds the certificate (the dropped constant, the dropped factor, the
transform); the lemma that makes the certificate enough, and its conditions, are the
kernel's (``same_minimisers_affine``, ``same_minimisers_monotone``, ``argmax_as_argmin``).
"""

from __future__ import annotations

import sympy as sp

from derive.kernel import (
    Claim,
    Justification,
    argmax_as_argmin,
    canonical,
    same_minimisers_affine,
    same_minimisers_monotone,
)
from derive.notation import ArgMax, ArgMin, OptimisationSet
from derive.rules.base import Context, Rule, RuleDoesNotApply, as_factors, as_terms, register


def _optimisation(rule: str, before, target) -> tuple[OptimisationSet, OptimisationSet | None]:
    if not isinstance(before, OptimisationSet):
        raise RuleDoesNotApply(f"{rule} applies to an argmin or argmax, not to {before}")
    if target is not None and not isinstance(target, OptimisationSet):
        raise RuleDoesNotApply(f"{rule}: the line written, {target}, is not an argmin or argmax")
    return before, target


def _drop_constant(before, target, context: Context) -> Justification:
    before, target = _optimisation("drop_constant", before, target)
    v = set(before.variables)
    if target is not None:
        offset = canonical(before.objective - target.objective)
    else:
        offset = sp.Add(*[t for t in as_terms(before.objective) if not t.free_symbols & v])
    if offset == 0:
        raise RuleDoesNotApply("drop_constant: there is no additive term to drop")
    result = before.with_objective(before.objective - offset)
    return Justification(
        "drop_constant", result, Claim.MINIMISERS,
        same_minimisers_affine(before, result, sp.Integer(1), offset),
        f"drop_constant: dropped the additive term {offset}, free of "
        f"{', '.join(map(str, before.variables))}")


drop_constant = register(Rule(
    "drop_constant",
    r"\mathop{\rm argmin}_{\theta}\bigl[F(\theta) + c\bigr] = "
    r"\mathop{\rm argmin}_{\theta}\bigl[F(\theta)\bigr]",
    ("c free of every optimisation variable",), _drop_constant,
    "an additive term free of the optimisation variables changes no optimiser",
    aliases=("drop additive constant", "drop_additive_constant"), needs_target=True))


def _drop_positive_factor(before, target, context: Context) -> Justification:
    before, target = _optimisation("drop_positive_factor", before, target)
    v = set(before.variables)
    if target is not None:
        scale = before.objective / target.objective
        if scale.free_symbols & v:
            scale = sp.simplify(scale)
    else:
        scale = sp.Mul(*[f for f in as_factors(before.objective) if not f.free_symbols & v])
    if scale == 1:
        raise RuleDoesNotApply("drop_positive_factor: there is no factor to drop")
    result = before.with_objective(before.objective / scale)
    return Justification(
        "drop_positive_factor", result, Claim.MINIMISERS,
        same_minimisers_affine(before, result, scale, sp.Integer(0)),
        f"drop_positive_factor: dropped the factor {scale}")


drop_positive_factor = register(Rule(
    "drop_positive_factor",
    r"\mathop{\rm argmin}_{\theta}\bigl[c\,F(\theta)\bigr] = "
    r"\mathop{\rm argmin}_{\theta}\bigl[F(\theta)\bigr]",
    ("c > 0", "c free of every optimisation variable"), _drop_positive_factor,
    "a positive factor free of the optimisation variables changes no optimiser",
    aliases=("drop positive factor", "drop_factor"), needs_target=True))


def _monotone_transform(before, target, context: Context) -> Justification:
    before, target = _optimisation("monotone_transform", before, target)
    if target is None:
        raise RuleDoesNotApply("monotone_transform needs the line written: use it last")
    if isinstance(target.objective, sp.log):
        name = "log"
    elif isinstance(target.objective, sp.exp) or isinstance(before.objective, sp.log):
        name = "exp"  # exp(log F) = F: taking a log back
    else:
        raise RuleDoesNotApply(f"monotone_transform: {target.objective} is neither log nor exp "
                               f"of {before.objective}")
    return Justification(
        "monotone_transform", target, Claim.MINIMISERS,
        same_minimisers_monotone(before, target, name),
        f"monotone_transform: applied the strictly increasing {name}")


monotone_transform = register(Rule(
    "monotone_transform",
    r"\mathop{\rm argmax}_{\theta}\bigl[F(\theta)\bigr] = "
    r"\mathop{\rm argmax}_{\theta}\bigl[h(F(\theta))\bigr]",
    ("h strictly increasing on the range of F (log: F > 0; exp)",), _monotone_transform,
    "a strictly increasing transform (log, exp) of the objective changes no optimiser",
    aliases=("strictly increasing transform", "log transform", "take the log"),
    needs_target=True))


def _argmax_to_argmin(before, target, context: Context) -> Justification:
    before, target = _optimisation("argmax_to_argmin", before, target)
    flipped = ArgMin if isinstance(before, ArgMax) else ArgMax
    result = flipped(-before.objective, *before.variables)
    return Justification("argmax_to_argmin", result, Claim.MINIMISERS,
                         argmax_as_argmin(before, result),
                         f"argmax_to_argmin: {before.sense} F = {result.sense} -F")


argmax_to_argmin = register(Rule(
    "argmax_to_argmin",
    r"\mathop{\rm argmax}_{\theta}\bigl[F(\theta)\bigr] = \mathop{\rm argmin}_{\theta}\bigl[-F(\theta)\bigr]",
    (), _argmax_to_argmin, "maximising F is minimising -F",
    aliases=("argmax as argmin", "negate")))

__all__ = ["argmax_to_argmin", "drop_constant", "drop_positive_factor", "monotone_transform"]
