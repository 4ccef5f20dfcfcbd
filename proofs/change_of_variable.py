"""Integrals by a change of variable, by parts, and by the fundamental theorem.

Source: the integral calculus of Zhang, Lipton, Li and Smola, *Dive into Deep Learning*,
appendix 22.5 (the fundamental theorem, changes of variables), and the normalising constant
of the normal density (Prince, *Understanding Deep Learning*, section 5.3).

Main statements
- ``exponential_by_substitution``: int_0^1 e^{2x} dx = int_0^2 e^u / 2 du = (e^2 - 1)/2,
  with u = 2x.
- ``gaussian_standardised``: int exp(-(x - mu)^2 / (2 sigma^2)) dx
  = int sigma exp(-z^2/2) dz = sigma sqrt(2 pi), with x = sigma z + mu over the whole line.
- ``power_rule_integral``: int_0^x n y^{n-1} dy = x^n, by the fundamental theorem.
- ``integral_by_parts``: int_0^1 x e^x dx = e - int_0^1 e^x dx = 1.
- ``derivative_of_an_integral``: d/dx int_0^x exp(-t^2) dt = exp(-x^2).

Implementation details
The kernel evaluates the elementary integrals itself (and the numbers check each by
quadrature); the substitutions are instances of its linear change of variable, whose
conditions (the slope real and nonzero) it checks. Wrong twins live in
``change_of_variable_twins.py``: each must be REFUTED.
"""

import sympy as sp

from derive import Derivation
from derive.rules import (
    algebra,
    change_of_variable,
    change_variable,
    definite_integral,
    fundamental_theorem,
    integration_by_parts,
)

x, u, z, t, y = sp.symbols("x u z t y", real=True)
mu = sp.Symbol("mu", real=True)
sigma = sp.Symbol("sigma", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
oo = sp.oo

exponential_by_substitution = Derivation(
    "exponential_by_substitution", sp.Integral(sp.exp(2 * x), (x, 0, 1)),
    title="An integral by the substitution u = 2x", source="d2l, appendix 22.5")
(exponential_by_substitution
 .eq(sp.Integral(sp.exp(u) / 2, (u, 0, 2)), by=change_of_variable, label="1")
 .eq((sp.exp(2) - 1) / 2, by=definite_integral, label="2"))

gaussian_standardised = Derivation(
    "gaussian_standardised", sp.Integral(sp.exp(-(x - mu) ** 2 / (2 * sigma ** 2)), (x, -oo, oo)),
    title="The normal density's integral, standardised", source="UDL, section 5.3")
(gaussian_standardised
 .eq(sp.Integral(sigma * sp.exp(-z ** 2 / 2), (z, -oo, oo)),
     by=[change_variable(x, sigma * z + mu, z), algebra], label="1")
 .eq(sigma * sp.sqrt(2 * sp.pi), by=definite_integral, label="2"))

power_rule_integral = Derivation(
    "power_rule_integral", sp.Integral(n * y ** (n - 1), (y, 0, x)),
    title="The power rule, integrated", source="d2l, appendix 22.5")
power_rule_integral.eq(x ** n, by=definite_integral, label="1")

integral_by_parts = Derivation(
    "integral_by_parts", sp.Integral(x * sp.exp(x), (x, 0, 1)),
    title="An integral by parts", source="calculus, by hand")
(integral_by_parts
 .eq(sp.E - sp.Integral(sp.exp(x), (x, 0, 1)), by=integration_by_parts, label="1")
 .eq(sp.Integer(1), by=definite_integral, label="2"))

derivative_of_an_integral = Derivation(
    "derivative_of_an_integral", sp.Derivative(sp.Integral(sp.exp(-t ** 2), (t, 0, x)), x),
    title="The derivative of an integral with a variable bound", source="d2l, appendix 22.5")
derivative_of_an_integral.eq(sp.exp(-x ** 2), by=fundamental_theorem, label="1")
