"""Wrong twins of the integrals in ``change_of_variable.py``: each must be REFUTED.

- ``substitution_without_the_jacobian``: int_0^1 e^{2x} dx = int_0^2 e^u du (du = 2 dx
  forgotten).
- ``bounds_swapped``: int_1^0 x dx evaluated as 1/2 (an oriented integral changes sign with
  its bounds).
- ``parts_with_the_wrong_sign``: int_0^1 x e^x dx = e + int_0^1 e^x dx.
"""

import sympy as sp

from derive import Derivation
from derive.rules import change_of_variable, definite_integral, integration_by_parts

x, u = sp.symbols("x u", real=True)

substitution_without_the_jacobian = Derivation(
    "substitution_without_the_jacobian", sp.Integral(sp.exp(2 * x), (x, 0, 1)),
    title="Twin: u = 2x without du = 2 dx")
substitution_without_the_jacobian.eq(sp.Integral(sp.exp(u), (u, 0, 2)), by=change_of_variable,
                                     label="1", expect="refuted")

bounds_swapped = Derivation(
    "bounds_swapped", sp.Integral(x, (x, 1, 0)), title="Twin: an integral with its bounds swapped")
bounds_swapped.eq(sp.Rational(1, 2), by=definite_integral, label="1", expect="refuted")

parts_with_the_wrong_sign = Derivation(
    "parts_with_the_wrong_sign", sp.Integral(x * sp.exp(x), (x, 0, 1)),
    title="Twin: integration by parts with the wrong sign")
parts_with_the_wrong_sign.eq(sp.E + sp.Integral(sp.exp(x), (x, 0, 1)), by=integration_by_parts,
                             label="1", expect="refuted")
