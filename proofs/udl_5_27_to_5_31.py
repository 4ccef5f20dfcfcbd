"""Minimising negative log-likelihood minimises the KL divergence to the data.

Source: Simon J. D. Prince, *Understanding Deep Learning* (MIT Press, 2023), section 5.7,
equations 5.27-5.31, and the blog post this project grew from, which retells them.

Main statements
- ``kl_as_cross_entropy`` (5.27): D_KL[q||p] = int q log q dz - int q log p dz.
- ``kl_to_nll`` (5.28-5.31): the parameters that minimise the KL divergence between the
  empirical distribution of the data and the model are those that minimise the negative
  log-likelihood, and with a model f[x_i, phi] of the parameters, the familiar loss.

Implementation details
Every line of the book's 5.29 and 5.30 is a line here (5.29a, 5.29b, 5.30a-c). The first
line, argmin of the KL divergence, is the book's sentence before 5.29 written as an equation.
Wrong twins live in ``udl_5_27_to_5_31_twins.py``: each must be REFUTED.
"""

import sympy as sp

from derive import KL, ArgMin, Delta, Derivation, data, density, model
from derive.rules import (
    dirac_sifting,
    drop_constant,
    drop_positive_factor,
    integral_linearity,
    kl_definition,
    log_of_product,
    reparametrise,
    substitute,
    swap_sum_integral,
)

# Symbols, with the assumptions the steps rest on.
z, y = sp.symbols("z y", real=True)
theta, phi = sp.symbols("theta phi", real=True)
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)  # the number of data points
q, p = density("q"), density("p")
Pr = density("Pr", conditional=True)
f = model("f")
Y, X = data("y"), data("x")

oo = sp.oo


def integral(integrand, variable):
    return sp.Integral(integrand, (variable, -oo, oo))


# 5.27: the KL divergence is the cross-entropy minus the entropy of q.
kl_as_cross_entropy = Derivation(
    "kl_as_cross_entropy", KL(q(z), p(z), z),
    title="KL divergence as negative entropy plus cross-entropy",
    source="Prince, Understanding Deep Learning, eq. 5.27")
kl_as_cross_entropy.eq(
    integral(q(z) * sp.log(q(z)), z) - integral(q(z) * sp.log(p(z)), z),
    by=[kl_definition, log_of_product, integral_linearity], label="5.27")


# 5.28-5.31: from the KL divergence to the negative log-likelihood.
kl_to_nll = Derivation(
    "kl_to_nll", ArgMin(KL(q(y), Pr(y, theta), y), theta),
    title="Minimising KL divergence to the data is minimising negative log-likelihood",
    source="Prince, Understanding Deep Learning, eqs. 5.28-5.31")

empirical = kl_to_nll.let(
    q(y), sp.Sum(Delta(y - Y[i]), (i, 1, I)) / I, label="5.28",
    note="the empirical distribution: a delta at each of the I data points")

(kl_to_nll
 .eq(ArgMin(integral(q(y) * sp.log(q(y)), y) - integral(q(y) * sp.log(Pr(y, theta)), y), theta),
     by=[kl_definition, log_of_product, integral_linearity], label="5.29a")
 .eq(ArgMin(-integral(q(y) * sp.log(Pr(y, theta)), y), theta),
     by=drop_constant, label="5.29b")
 .define(ArgMin(-integral((sp.Sum(Delta(y - Y[i]), (i, 1, I)) / I) * sp.log(Pr(y, theta)), y),
                theta),
         by=substitute(empirical), label="5.30a")
 .eq(ArgMin(-sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I)) / I, theta),
     by=[integral_linearity, swap_sum_integral, dirac_sifting], label="5.30b")
 .eq(ArgMin(-sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I)), theta),
     by=drop_positive_factor, label="5.30c")
 .define(ArgMin(-sp.Sum(sp.log(Pr(Y[i], f(X[i], phi))), (i, 1, I)), phi),
         by=reparametrise(theta, f(X[i], phi), [phi]), label="5.31"))
