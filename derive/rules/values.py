"""Rules that keep values: each proposes instances of the kernel's schemas (KL definition,
logs of products, powers and exponentials, linearity of integrals and finite sums, swapping
a finite sum and an integral, Dirac sifting) or plain algebra.
"""

from __future__ import annotations

import sympy as sp

from derive.kernel import AXIOMS, KL, Algebra, Path, say
from derive.rules.base import Context, Rule, RuleDoesNotApply, register
from derive.rules.sites import Finder, abstract, at_site, exhaust, factors, single_limit

oo = sp.oo


def _value_rule(name: str, statement: str, side_conditions, finders: list[Finder],
                what: str, summary: str = "", aliases=(), sites=()) -> Rule:
    """A rule that applies its finders everywhere they fit (on nodes of the kinds
    ``sites``, which a search looks for before trying it)."""

    def propose(before, target, context: Context):
        return exhaust(before, finders, what)

    return register(Rule(name, statement, tuple(side_conditions), propose, summary,
                         tuple(aliases), sites=tuple(sites)))


# -- KL divergence -------------------------------------------------------------------------

def _kl(node, path: Path):
    if not isinstance(node, KL):
        return None
    z = node.variable
    return at_site(AXIOMS["kl_definition"], path, z=z, q=abstract(node.q, [z]),
                   p=abstract(node.p, [z]))


kl_definition = _value_rule(
    "kl_definition",
    r"D_{KL}\bigl[q||p\bigr] = \int_{-\infty}^{\infty} q(z)\log\left[\frac{q(z)}{p(z)}\right]dz",
    ["q and p are densities of z"], [_kl], "KL divergence",
    "the definition of the Kullback-Leibler divergence", aliases=("kl", "KL definition"),
    sites=(KL,))


# -- logarithms ----------------------------------------------------------------------------

def _log_of_product(node, path: Path):
    if not (isinstance(node, sp.log) and isinstance(node.args[0], sp.Mul)):
        return None
    first, *rest = node.args[0].args
    return at_site(AXIOMS["log_of_product"], path, a=first, b=sp.Mul(*rest))


def _log_of_power(node, path: Path):
    if not (isinstance(node, sp.log) and isinstance(node.args[0], sp.Pow)):
        return None
    base, exponent = node.args[0].args
    return at_site(AXIOMS["log_of_power"], path, a=base, n=exponent)


log_of_product = _value_rule(
    "log_of_product", r"\log\bigl[a^{m} b^{n}\bigr] = m\log[a] + n\log[b]",
    ["a > 0 and b > 0", "m, n real"], [_log_of_product, _log_of_power], "log of a product",
    "log of a product, quotient or power: a sum of logs (positivity required)",
    aliases=("log_product", "log_quotient", "log of a product", "log of a quotient"),
    sites=(sp.log,))


def _log_of_exp(node, path: Path):
    if not (isinstance(node, sp.log) and isinstance(node.args[0], sp.exp)):
        return None
    return at_site(AXIOMS["log_of_exp"], path, x=node.args[0].args[0])


log_of_exp = _value_rule(
    "log_of_exp", r"\log\bigl[\exp[x]\bigr] = x", ["x real"], [_log_of_exp],
    "log of an exponential", "log and exp are inverse on the reals", aliases=("log_exp",),
    sites=(sp.log,))


def _log_of_finite_product(node, path: Path):
    if not (isinstance(node, sp.log) and single_limit(node.args[0])
            and isinstance(node.args[0], sp.Product)):
        return None
    product = node.args[0]
    index, low, high = single_limit(product)
    return at_site(AXIOMS["log_of_finite_product"], path, i=index, m=low, N=high,
                   f=abstract(product.function, [index]))


log_of_finite_product = _value_rule(
    "log_of_finite_product",
    r"\log\Bigl[\prod_{i=1}^{I} a_i\Bigr] = \sum_{i=1}^{I}\log[a_i]",
    ["every a_i > 0", "finite product"], [_log_of_finite_product], "log of a finite product",
    aliases=("log_prod", "log of a prod"), sites=(sp.Product,))


# -- integrals and sums --------------------------------------------------------------------

def _expanded(node, path: Path):
    """A product with a sum among its factors, multiplied out first (an algebraic step),
    so that linearity can split it."""
    body = node.function
    if isinstance(body, sp.Mul) and any(isinstance(f, sp.Add) for f in body.args):
        expanded = sp.expand_mul(body)
        if expanded != body:
            return Algebra(expanded, (*path, 0))
    return None


def _linearity(kind: type, split: str, multiple: str, variable: str):
    def find(node, path: Path):
        limit = single_limit(node)
        if limit is None or not isinstance(node, kind):
            return None
        index, low, high = limit
        body = node.function
        bounds = {variable: index, "lo" if kind is sp.Integral else "m": low,
                  "hi" if kind is sp.Integral else "N": high}
        if isinstance(body, sp.Add):
            first, *rest = body.args
            return at_site(AXIOMS[split], path, f=abstract(first, [index]),
                           g=abstract(sp.Add(*rest), [index]), **bounds)
        constant = [f for f in factors(body) if index not in f.free_symbols]
        if not constant or body == 1:
            return _expanded(node, path)
        rest = [f for f in factors(body) if index in f.free_symbols]
        return at_site(AXIOMS[multiple], path, k=sp.Mul(*constant),
                       f=abstract(sp.Mul(*rest), [index]), **bounds)
    return find


integral_linearity = _value_rule(
    "integral_linearity", r"\int (a\,f + b\,g)\,dz = a\int f\,dz + b\int g\,dz",
    ["a, b free of z", "each integral converges"],
    [_linearity(sp.Integral, "integral_of_sum", "integral_of_multiple", "z")], "integral",
    "linearity of the integral: split sums, pull out constants",
    aliases=("linearity", "linearity of integrals"), sites=(sp.Integral,))

sum_linearity = _value_rule(
    "sum_linearity",
    r"\sum_{i=1}^{I} (a\,x_i + b\,y_i) = a\sum_{i=1}^{I} x_i + b\sum_{i=1}^{I} y_i",
    ["a, b free of i", "finite sum"],
    [_linearity(sp.Sum, "sum_of_sum", "sum_of_multiple", "i")], "sum",
    "linearity of a finite sum: split sums, pull out constants",
    aliases=("linearity of sums",), sites=(sp.Sum,))


def _swap_sum_integral(node, path: Path):
    limit = single_limit(node)
    if limit is None or not isinstance(node, sp.Integral):
        return None
    z, low, high = limit
    sums = [f for f in factors(node.function) if isinstance(f, sp.Sum) and single_limit(f)]
    if len(sums) != 1:
        return None
    (the_sum,) = sums
    index, first, last = single_limit(the_sum)
    rest = sp.Mul(*[f for f in factors(node.function) if f is not the_sum])
    return at_site(AXIOMS["swap_sum_integral"], path, z=z, lo=low, hi=high, i=index,
                   m=first, N=last, f=abstract(the_sum.function, [index, z]),
                   h=abstract(rest, [z]))


swap_sum_integral = _value_rule(
    "swap_sum_integral",
    r"\int \Bigl(\sum_{i=1}^{I} g_i(z)\Bigr) h(z)\,dz = \sum_{i=1}^{I}\int g_i(z)\,h(z)\,dz",
    ["finite sum", "h free of i", "bounds of the sum free of z", "each integral converges"],
    [_swap_sum_integral], "integral of a finite sum",
    "a finite sum and an integral commute (h moves into the sum)",
    aliases=("swap sum and integral", "exchange sum and integral"), sites=(sp.Integral,))


def _dirac(node, path: Path):
    limit = single_limit(node)
    if limit is None or not isinstance(node, sp.Integral):
        return None
    z, low, high = limit
    body = factors(node.function)
    deltas = [k for k, f in enumerate(body) if isinstance(f, sp.DiracDelta)
              and len(f.args) == 1 and z in f.free_symbols]
    if len(deltas) != 1:
        return None
    (k,) = deltas
    argument = body[k].args[0]
    slope = sp.diff(argument, z)
    if slope.free_symbols & {z} or slope == 0:
        return None
    delta_path = (*path, 0, k) if isinstance(node.function, sp.Mul) else (*path, 0)
    if slope not in (1, -1):
        return at_site(AXIOMS["dirac_scaling"], delta_path, a=slope,
                       x=sp.expand(argument / slope))
    if (low, high) != (-oo, oo):
        raise RuleDoesNotApply(say("rule.delta_bounds", low=low, high=high))
    g = abstract(sp.Mul(*[f for j, f in enumerate(body) if j != k]), [z])
    if slope == 1:
        return at_site(AXIOMS["dirac_sifting"], path, z=z, c=sp.expand(z - argument), g=g)
    return at_site(AXIOMS["dirac_sifting_reflected"], path, z=z, c=sp.expand(argument + z),
                   g=g)


dirac_sifting = _value_rule(
    "dirac_sifting", r"\int_{-\infty}^{\infty} g(z)\,\delta[z-c]\,dz = g(c)",
    ["g continuous at c", "c free of z", "the integral runs over the whole line"],
    [_dirac], "delta integral", "the sifting property of the Dirac delta",
    aliases=("sifting", "Dirac sifting"), sites=(sp.DiracDelta,))


# -- algebra -------------------------------------------------------------------------------

def _algebra(before, target, context: Context):
    # No rewriting: the kernel's own comparison of the two lines is the whole check.
    return [Algebra()]


algebra = register(Rule(
    "algebra", r"a = b \text{ when } a - b \text{ simplifies to } 0",
    ("the difference simplifies to 0 under the declared assumptions",), _algebra,
    "SymPy's canonical form of the difference is 0 (no force=True anywhere)",
    aliases=("simplify", "arithmetic")))

__all__ = ["algebra", "dirac_sifting", "integral_linearity", "kl_definition", "log_of_exp",
           "log_of_finite_product", "log_of_product", "sum_linearity", "swap_sum_integral"]
