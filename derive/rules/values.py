"""Rules that keep values: the line after equals the line before for every admissible value.

KL definition, logs of products and exponentials, linearity of integrals and finite sums,
swapping a finite sum and an integral, Dirac sifting, and plain algebra.
"""

from __future__ import annotations

import sympy as sp

from derive.kernel import Claim, Justification, fact, free_of, positive
from derive.notation import KL, AppliedDensity
from derive.rules.base import (
    Context,
    Rule,
    RuleDoesNotApply,
    as_factors,
    as_terms,
    one_or_none,
    register,
    rewrite_everywhere,
)

oo = sp.oo


def _value_rule(name, statement, side_conditions, local, what, summary="", aliases=()):
    """A rule that rewrites every node ``local`` fits, and claims equal values."""

    def propose(before, target, context: Context) -> Justification:
        result, conditions, count = rewrite_everywhere(before, local)
        one_or_none(name, count, what)
        return Justification(name, result, Claim.VALUES, tuple(conditions),
                             f"{name}: rewrote {count} {what}{'s' if count > 1 else ''}")

    return register(Rule(name, statement, tuple(side_conditions), propose, summary,
                         tuple(aliases)))


# -- KL divergence -------------------------------------------------------------------------

def _kl(node):
    if not isinstance(node, KL):
        return None
    z = node.variable
    integrand = node.q * sp.log(node.q / node.p)
    conditions = [fact(f"{node.q} and {node.p} are densities of {z}",
                       isinstance(node.q, AppliedDensity) and isinstance(node.p, AppliedDensity),
                       "declared with density()")]
    return sp.Integral(integrand, (z, -oo, oo)), conditions


kl_definition = _value_rule(
    "kl_definition",
    r"D_{KL}\bigl[q||p\bigr] = \int_{-\infty}^{\infty} q(z)\log\left[\frac{q(z)}{p(z)}\right]dz",
    ["q and p are densities of z"],
    _kl, "KL divergence", "the definition of the Kullback-Leibler divergence",
    aliases=("kl", "KL definition"))


# -- logarithms ----------------------------------------------------------------------------

def _log_of_product(node):
    if not isinstance(node, sp.log):
        return None
    (arg,) = node.args
    factors = as_factors(arg)
    if len(factors) == 1 and not isinstance(arg, sp.Pow):
        return None
    terms, conditions = [], []
    for f in factors:
        base, exponent = f.as_base_exp()
        conditions.append(positive(base))
        if exponent != 1:
            conditions.append(fact(f"the exponent {exponent} is real", exponent.is_real,
                                   "from the declared assumptions" if exponent.is_real else
                                   f"cannot show {exponent} is real: declare its symbols real"))
        terms.append(exponent * sp.log(base))
    return sp.Add(*terms), conditions


log_of_product = _value_rule(
    "log_of_product",
    r"\log\bigl[a^{m} b^{n}\bigr] = m\log[a] + n\log[b]",
    ["a > 0 and b > 0", "m, n real"],
    _log_of_product, "log of a product",
    "log of a product, quotient or power: a sum of logs (positivity required)",
    aliases=("log_product", "log_quotient", "log of a product", "log of a quotient"))


def _log_of_exp(node):
    if not (isinstance(node, sp.log) and isinstance(node.args[0], sp.exp)):
        return None
    x = node.args[0].args[0]
    return x, [fact(f"{x} is real", x.is_real,
                    "from the declared assumptions" if x.is_real else
                    f"cannot show {x} is real: declare its symbols real")]


log_of_exp = _value_rule(
    "log_of_exp", r"\log\bigl[\exp[x]\bigr] = x", ["x real"], _log_of_exp,
    "log of an exponential", "log and exp are inverse on the reals", aliases=("log_exp",))


def _log_of_finite_product(node):
    if not (isinstance(node, sp.log) and isinstance(node.args[0], sp.Product)):
        return None
    product = node.args[0]
    (index, low, high), = product.limits
    return sp.Sum(sp.log(product.function), (index, low, high)), [
        positive(product.function),
        fact(f"the product over {index} is finite", high.is_finite is not False
             and high != oo, "its upper bound is not infinite"),
    ]


log_of_finite_product = _value_rule(
    "log_of_finite_product",
    r"\log\Bigl[\prod_{i=1}^{I} a_i\Bigr] = \sum_{i=1}^{I}\log[a_i]",
    ["every a_i > 0", "finite product"],
    _log_of_finite_product, "log of a finite product", aliases=("log_prod", "log of a prod"))


# -- integrals and sums --------------------------------------------------------------------

def _integrable(term, z) -> object:
    """The regularity assumption every step with integrals rests on, made explicit: a term
    weighted by a density or a delta in z is integrable (finite entropy, cross-entropy
    and moments). Other terms cannot be shown integrable here."""
    weights = [f for f in as_factors(term)
               if z in f.free_symbols and (isinstance(f, (AppliedDensity, sp.DiracDelta))
                                           or isinstance(f, sp.Sum) and f.function.has(sp.DiracDelta))]
    shown = bool(weights) or z not in term.free_symbols
    return fact(f"the integral of {term} over {z} converges", True if shown else None,
                "weighted by a density or delta (assumed: finite entropy, cross-entropy "
                "and moments)" if shown else
                f"cannot show the integral of {term} converges: split it only where it does")


def _integral_linearity(node):
    if not (isinstance(node, sp.Integral) and len(node.limits) == 1):
        return None
    (z, *bounds) = node.limits[0]
    integrand = sp.expand_mul(node.function) if isinstance(node.function, sp.Mul) and any(
        isinstance(f, sp.Add) for f in node.function.args) else node.function
    terms = as_terms(integrand)
    changed = len(terms) > 1
    pieces, conditions = [], []
    for term in terms:
        const = [f for f in as_factors(term) if z not in f.free_symbols]
        rest = [f for f in as_factors(term) if z in f.free_symbols]
        changed |= bool(const) and bool(rest)
        if not rest:
            changed = True
        inner = sp.Mul(*rest)
        conditions.append(_integrable(inner, z))
        pieces.append(sp.Mul(*const) * sp.Integral(inner, (z, *bounds)))
    if not changed:
        return None
    return sp.Add(*pieces), conditions


integral_linearity = _value_rule(
    "integral_linearity",
    r"\int (a\,f + b\,g)\,dz = a\int f\,dz + b\int g\,dz",
    ["a, b free of z", "each integral converges"],
    _integral_linearity, "integral", "linearity of the integral: split sums, pull out constants",
    aliases=("linearity", "linearity of integrals"))


def _sum_finite(index, high):
    return fact(f"the sum over {index} is finite", high != oo and high.is_finite is not False,
                "its upper bound is not infinite" if high != oo else "the sum is infinite")


def _sum_linearity(node):
    if not (isinstance(node, sp.Sum) and len(node.limits) == 1):
        return None
    (index, low, high) = node.limits[0]
    terms = as_terms(sp.expand_mul(node.function) if isinstance(node.function, sp.Mul)
                     else node.function)
    changed = len(terms) > 1
    pieces = []
    for term in terms:
        const = [f for f in as_factors(term) if index not in f.free_symbols]
        rest = [f for f in as_factors(term) if index in f.free_symbols]
        changed |= bool(const) and bool(rest) or not rest
        pieces.append(sp.Mul(*const) * sp.Sum(sp.Mul(*rest), (index, low, high)))
    if not changed:
        return None
    return sp.Add(*pieces), [_sum_finite(index, high)]


sum_linearity = _value_rule(
    "sum_linearity",
    r"\sum_{i=1}^{I} (a\,x_i + b\,y_i) = a\sum_{i=1}^{I} x_i + b\sum_{i=1}^{I} y_i",
    ["a, b free of i", "finite sum"],
    _sum_linearity, "sum", "linearity of a finite sum: split sums, pull out constants",
    aliases=("linearity of sums",))


def _swap_sum_integral(node):
    if not (isinstance(node, sp.Integral) and len(node.limits) == 1):
        return None
    (z, *bounds) = node.limits[0]
    factors = as_factors(node.function)
    sums = [f for f in factors if isinstance(f, sp.Sum) and len(f.limits) == 1]
    if len(sums) != 1:
        return None
    (the_sum,) = sums
    (index, low, high) = the_sum.limits[0]
    others = [f for f in factors if f is not the_sum]
    rest = sp.Mul(*others)
    conditions = [
        _sum_finite(index, high),
        free_of(rest, [index]),
        fact(f"the bounds of the sum are free of {z}",
             z not in low.free_symbols | high.free_symbols, "they do not contain it"),
        _integrable(the_sum.function * rest, z),
    ]
    return sp.Sum(sp.Integral(the_sum.function * rest, (z, *bounds)), (index, low, high)), conditions


swap_sum_integral = _value_rule(
    "swap_sum_integral",
    r"\int \Bigl(\sum_{i=1}^{I} g_i(z)\Bigr) h(z)\,dz = \sum_{i=1}^{I}\int g_i(z)\,h(z)\,dz",
    ["finite sum", "h free of i", "bounds of the sum free of z", "each integral converges"],
    _swap_sum_integral, "integral of a finite sum",
    "a finite sum and an integral commute (h moves into the sum)",
    aliases=("swap sum and integral", "exchange sum and integral"))


def _dirac_sifting(node):
    if not (isinstance(node, sp.Integral) and len(node.limits) == 1):
        return None
    (z, *bounds) = node.limits[0]
    factors = as_factors(node.function)
    deltas = [f for f in factors if isinstance(f, sp.DiracDelta)]
    if not deltas:
        return None
    if len(deltas) > 1:
        raise RuleDoesNotApply(f"dirac_sifting: {node} holds {len(deltas)} deltas; sift one")
    (delta,) = deltas
    if len(delta.args) != 1:
        raise RuleDoesNotApply(f"dirac_sifting: {delta} is a derivative of a delta")
    argument = delta.args[0]
    slope = sp.diff(argument, z)
    linear = slope in (1, -1) and sp.diff(argument, z, 2) == 0
    g = sp.Mul(*[f for f in factors if f is not delta])
    conditions = [
        fact(f"the delta's argument is ±({z} - c)", linear,
             f"its argument {argument} has slope {slope} in {z}"),
        fact("the integral runs over the whole line",
             len(bounds) == 2 and bounds[0] == -oo and bounds[1] == oo,
             "it does" if bounds == [-oo, oo] else
             "a delta on or beyond a finite bound does not sift (SymPy issue 27300)"),
        fact(f"{g} is continuous at the delta's centre",
             not g.has(sp.DiracDelta, sp.Heaviside, sp.Abs, sp.Piecewise),
             "built from densities, models, logs and arithmetic, assumed continuous"),
    ]
    if not linear:
        return node, conditions
    c = sp.expand(z - argument / slope)
    conditions.insert(1, free_of(c, [z]))
    return g.subs(z, c), conditions


dirac_sifting = _value_rule(
    "dirac_sifting",
    r"\int_{-\infty}^{\infty} g(z)\,\delta[z-c]\,dz = g(c)",
    ["g continuous at c", "c free of z", "the integral runs over the whole line"],
    _dirac_sifting, "delta integral", "the sifting property of the Dirac delta",
    aliases=("sifting", "Dirac sifting"))


# -- algebra -------------------------------------------------------------------------------

def _algebra(before, target, context: Context) -> Justification:
    # No rewriting: the kernel's own comparison of the two lines is the whole check.
    return Justification("algebra", before, Claim.VALUES, (),
                         "algebra: the difference simplifies to 0")


algebra = register(Rule(
    "algebra", r"a = b \text{ when } a - b \text{ simplifies to } 0",
    ("the difference simplifies to 0 under the declared assumptions",), _algebra,
    "SymPy's canonical form of the difference is 0 (no force=True anywhere)",
    aliases=("simplify", "arithmetic")))

__all__ = ["algebra", "dirac_sifting", "integral_linearity", "kl_definition", "log_of_exp",
           "log_of_finite_product", "log_of_product", "sum_linearity", "swap_sum_integral"]
