"""The rules of probability for one joint law written as a conditional density ``Pr``:
the product rule, Bayes' rule, marginalisation, a condition dropped where independence is
declared, a density integrating to one, the KL divergence read back from its integral, and
an integral split where the line written splits it (the ELBO's lines, as the book writes
them).

A joint density is written with a Tuple before the bar: ``Pr(Tuple(x, z), phi)`` is
Pr(x, z|phi); ``Pr(z, x, phi)`` is Pr(z|x, phi); ``Pr(z)`` has no condition. Each rule
proposes the kernel's schema at one position (the one that reaches the line written, when
it is known); the kernel checks the instance and every side condition.
"""

from __future__ import annotations

import itertools

import sympy as sp

from derive import kernel
from derive.kernel import AXIOMS, Path
from derive.kernel.objects import AppliedConditionalDensity, AppliedDensity, Independent
from derive.rules.base import Context
from derive.rules.bounds import site_rule
from derive.rules.sites import abstract, at_site, factors

oo = sp.oo
_SUFFIX = {0: "", 1: "_given_1", 2: "_given_2"}


def _law(node) -> tuple | None:
    """A conditional density with at most two conditions: (its variable, its conditions)."""
    if isinstance(node, AppliedConditionalDensity) and len(node.args) - 1 in _SUFFIX:
        return node.args[0], node.args[1:]
    return None


def _conditions(given) -> dict:
    return dict(zip(("c1", "c2"), given, strict=False))


def _joint(node) -> tuple | None:
    found = _law(node)
    if found is not None and isinstance(found[0], sp.Tuple) and len(found[0]) == 2:
        return (*found[0], found[1])
    return None


def _product(node, path: Path, context: Context, target):
    found = _joint(node)
    if found is not None:
        a, b, given = found
        for name in ("product_rule", "product_rule_other_order"):
            yield at_site(AXIOMS[name + _SUFFIX[len(given)]], path, a=a, b=b, Pr=node.func,
                          **_conditions(given))


product_rule = site_rule(
    "product_rule", r"Pr(x, z) = Pr(z|x)\,Pr(x)",
    ["one joint law Pr, with the same conditions throughout"], [_product],
    "joint density Pr(a, b|...)", "the product rule: a joint density is a conditional "
    "times a marginal (either way round)", aliases=("chain_rule_of_probability",),
    sites=(AppliedConditionalDensity,))


def _bayes(node, path: Path, context: Context, target):
    if isinstance(node, AppliedConditionalDensity) and 2 <= len(node.args) <= 4 \
            and not isinstance(node.args[0], sp.Tuple):
        a, b, *given = node.args
        yield at_site(AXIOMS["bayes_rule" + _SUFFIX[len(given)]], path, a=a, b=b,
                      Pr=node.func, **_conditions(given))


bayes_rule = site_rule(
    "bayes_rule", r"Pr(z|x) = \frac{Pr(x|z)\,Pr(z)}{Pr(x)}",
    ["one joint law Pr"], [_bayes], "conditional density Pr(a|b, ...)",
    "Bayes' rule, conditioning on the first variable after the bar",
    aliases=("Bayes", "Bayes' rule"))


def _marginalisation(node, path: Path, context: Context, target):
    """int Pr(a, z|C) dz -> Pr(a|C), and back (with the variable the line written names)."""
    if isinstance(node, sp.Integral) and len(node.limits) == 1 and \
            tuple(node.limits[0][1:]) == (-oo, oo):
        z = node.limits[0][0]
        found = _joint(node.function)
        if found is not None:
            a, b, given = found
            name = "marginalisation" if b == z else "marginalisation_first" if a == z else None
            if name is not None:
                yield at_site(AXIOMS[name + _SUFFIX[len(given)]], path, z=z,
                              a=b if a == z else a, Pr=node.function.func,
                              **_conditions(given))
    found = _law(node)
    if found is not None and target is not None:
        a, given = found
        for integral in sp.preorder_traversal(target):
            if isinstance(integral, sp.Integral) and len(integral.limits) == 1:
                inside = _joint(integral.function)
                z = integral.limits[0][0]
                if inside is not None and inside[0] == a and inside[1] == z:
                    yield at_site(AXIOMS["marginal_as_integral" + _SUFFIX[len(given)]], path,
                                  z=z, a=a, Pr=node.func, **_conditions(given))


marginalisation = site_rule(
    "marginalisation", r"Pr(x) = \int Pr(x, z)\,dz", ["one joint law Pr", "over the whole line"],
    [_marginalisation], "marginal or joint density", "marginalisation: integrating a joint "
    "density over one variable gives the marginal of the other (read either way)",
    aliases=("marginalization", "sum rule", "law of total probability"),
    sites=(AppliedConditionalDensity,))


def _independent(node, path: Path, context: Context, target):
    found = _law(node)
    if found is None:
        return
    a, given = found
    declared = [h for h in context.hypotheses if isinstance(h, Independent)]
    if len(given) == 1 and any({a, given[0]} <= h.variables for h in declared):
        yield at_site(AXIOMS[f"drop_independent_condition{_SUFFIX[1]}_1"], path, a=a,
                      Pr=node.func, **_conditions(given))


drop_independent_condition = site_rule(
    "drop_independent_condition", r"Pr(z|\phi) = Pr(z) \quad (z \perp \phi)",
    ["the independence is declared: hypotheses=[Independent(z, phi)]",
     "the only condition (given others, it would take conditional independence)"],
    [_independent],
    "condition declared independent", "a condition the variable is declared independent of "
    "is dropped (a prior free of the parameters)", sites=(AppliedConditionalDensity,))


def _normalised(node, path: Path, context: Context, target):
    if isinstance(node, sp.Integral) and len(node.limits) == 1 and \
            tuple(node.limits[0][1:]) == (-oo, oo):
        z = node.limits[0][0]
        # any integrand over the whole line: whether it is a density of z is the kernel's
        # condition to decide, not this finder's
        yield at_site(AXIOMS["density_integrates_to_one"], path, z=z,
                          p=abstract(node.function, [z]))


density_integrates_to_one = site_rule(
    "density_integrates_to_one", r"\int q(z)\,dz = 1", ["q a density of z"], [_normalised],
    "integral of a density", "a density integrates to one over its variable",
    aliases=("normalisation", "normalization", "density_normalised",
             "a density integrates to one"), sites=(sp.Integral,))


def _split(node, path: Path, context: Context, target):
    if not (isinstance(node, sp.Integral) and len(node.limits) == 1
            and len(node.limits[0]) == 3):
        return
    z, low, high = node.limits[0]
    if isinstance(node.function, sp.Add):
        terms = node.function.args
        for j, first in enumerate(terms):
            rest = sp.Add(*(t for k, t in enumerate(terms) if k != j))
            yield at_site(AXIOMS["integral_of_sum"], path, z=z, lo=low, hi=high,
                          f=abstract(first, [z]), g=abstract(rest, [z]))
    elif target is not None:
        # The line written splits this integral into integrals over the same range whose
        # integrands add up to this one (the book's log split and integral split in one
        # line): write the integrand as that sum first (the kernel checks it is), then split.
        pieces = [i.function for i in sp.preorder_traversal(target)
                  if isinstance(i, sp.Integral) and i.limits == node.limits]
        for size in range(min(len(pieces), _MOST_PIECES), 1, -1):
            for chosen in itertools.combinations(pieces, size):
                total = sp.Add(*chosen)
                with kernel.cheaply():
                    if kernel.equal_values(total, node.function)[0] is True:
                        yield kernel.Algebra(total, (*path, 0))
                        return


_MOST_PIECES = 4  # integrals of the line written an integral may be split into


split_integral = site_rule(
    "split_integral", r"\int (f + g)\,dz = \int f\,dz + \int g\,dz",
    ["each integral converges"], [_split], "integral of a sum",
    "linearity of the integral, split where the line written splits it and nowhere else",
    aliases=("integral_of_sum",), sites=(sp.Integral,))


def _kl_from_integral(node, path: Path, context: Context, target):
    if not (isinstance(node, sp.Integral) and len(node.limits) == 1
            and tuple(node.limits[0][1:]) == (-oo, oo)):
        return
    z = node.limits[0][0]
    fs = factors(node.function)
    logs = [f for f in fs if isinstance(f, sp.log)]
    densities = [f for f in fs if isinstance(f, AppliedDensity) and f.args[0] == z]
    if len(fs) != 2 or len(logs) != 1 or len(densities) != 1:
        return
    (q,), ratio = densities, logs[0].args[0]
    yield at_site(AXIOMS["kl_from_integral"], path, z=z, q=abstract(q, [z]),
                  p=abstract(q / ratio, [z]))
    yield at_site(AXIOMS["negative_kl_from_integral"], path, z=z, q=abstract(q, [z]),
                  p=abstract(q * ratio, [z]))


kl_from_integral = site_rule(
    "kl_from_integral",
    r"\int q(z)\log\left[\frac{p(z)}{q(z)}\right]dz = -D_{KL}\bigl[q||p\bigr]",
    ["q and p densities of z"], [_kl_from_integral], "integral of q log(p/q) or q log(q/p)",
    "the KL divergence read back from its integral", aliases=("fold_kl", "kl_fold"),
    sites=(sp.Integral,))


__all__ = ["bayes_rule", "density_integrates_to_one", "drop_independent_condition",
           "kl_from_integral", "marginalisation", "product_rule", "split_integral"]
