"""Algebra that closes ordinary lines: the normal density and the logistic sigmoid in closed
form (the kernel then splits their logs where it shows the factors positive), a density's
integral over the line, and the shift invariance of softmax. The logs of Bernoulli and
categorical likelihoods are products and powers, which log_of_product splits under the
positivity the step's hypotheses give (``hypotheses=[0 < theta, theta < 1]``).
"""

from __future__ import annotations

import sympy as sp

from derive.kernel import AXIOMS, Algebra, NormalDensity, Path
from derive.kernel.objects import sig
from derive.rules.base import Context, Rule, register
from derive.rules.sites import at_site, exhaust


def _normal(node, path: Path):
    if not isinstance(node, NormalDensity):
        return None
    x, mean, variance = node.args
    return at_site(AXIOMS["normal_density_definition"], path, x=x, m=mean, v=variance)


def _sigmoid(node, path: Path):
    if not isinstance(node, sig):
        return None
    return at_site(AXIOMS["sigmoid_definition"], path, x=node.args[0])


def _rule(name, statement, side_conditions, finder, what, summary, aliases, site) -> Rule:
    def propose(before, target, context: Context):
        return exhaust(before, [finder], what)

    return register(Rule(name, statement, tuple(side_conditions), propose, summary,
                         tuple(aliases), sites=(site,)))


normal_density = _rule(
    "normal_density",
    r"\mathcal{N}(x \mid m, v) = \frac{1}{\sqrt{2\pi v}}\exp\left[-\frac{(x - m)^2}{2v}\right]",
    ["v > 0", "x and m real"], _normal, "normal density",
    "the normal density in closed form (its log then splits: -log N(t|m, s^2) = "
    "log(2 pi s^2)/2 + (t - m)^2/(2 s^2))",
    ("normal density", "gaussian density", "log of a normal density closed form"),
    NormalDensity)

sigmoid_definition = _rule(
    "sigmoid_definition", r"\mathrm{sig}[z] = \frac{1}{1 + \exp[-z]}", ["z real"], _sigmoid,
    "logistic sigmoid", "the logistic sigmoid in closed form", ("sigmoid", "logistic"), sig)

def _softmax_shift(node, path: Path):
    """exp(a + c) / sum_k exp(b_k + c), with c free of k: the same with c dropped, which
    the kernel shows by its canonical form (exp(c) cancels)."""
    if not isinstance(node, sp.Mul):
        return None
    numerators = [f for f in node.args if isinstance(f, sp.exp)]
    sums = [f.base for f in node.args if isinstance(f, sp.Pow) and f.exp == -1
            and isinstance(f.base, sp.Sum) and len(f.base.limits) == 1
            and isinstance(f.base.function, sp.exp)]
    if len(numerators) != 1 or len(sums) != 1:
        return None
    (numerator,), (total,) = numerators, sums
    index = total.limits[0][0]
    shift = sp.Add(*(t for t in sp.Add.make_args(total.function.args[0])
                     if index not in t.free_symbols))
    if shift == 0 or not set(sp.Add.make_args(shift)) <= set(sp.Add.make_args(
            numerator.args[0])):
        return None
    rest = sp.Mul(*(f for f in node.args if f is not numerator and f != 1 / total))
    unshifted = sp.Sum(sp.exp(total.function.args[0] - shift), total.limits[0])
    return Algebra(rest * sp.exp(numerator.args[0] - shift) / unshifted, path)


softmax_shift = _rule(
    "softmax_shift",
    r"\frac{\exp[z_j + c]}{\sum_k \exp[z_k + c]} = \frac{\exp[z_j]}{\sum_k \exp[z_k]}",
    ["c free of k"], _softmax_shift, "softmax",
    "softmax is unchanged when every argument is shifted by the same c",
    ("softmax shift", "shift invariance of softmax"), sp.exp)

__all__ = ["normal_density", "sigmoid_definition", "softmax_shift"]
