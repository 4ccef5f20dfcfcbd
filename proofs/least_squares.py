"""Least squares for a line through the origin: the Gaussian negative log-likelihood is the
sum of squares, its derivative set to zero gives the estimate, and the second derivative
shows it is a minimum.

Source: the textbook derivation of linear regression by maximum likelihood, as in Prince,
*Understanding Deep Learning* (MIT Press, 2023), sections 2.2 and 5.3 (a model t = w x plus
Gaussian noise of variance sigma^2).

Main statements
- ``gaussian_nll_is_least_squares``: argmin_w -sum_n log N(t_n | w x_n, sigma^2) =
  argmin_w sum_n (t_n - w x_n)^2, in one line: the constant and the factor 1/(2 sigma^2)
  dropped at once (the kernel checks the affine change the rule computes).
- ``least_squares_gradient``: d/dw sum_n (t_n - w x_n)^2 = -2 sum_n x_n (t_n - w x_n)
  = 2 w sum_n x_n^2 - 2 sum_n x_n t_n.
- ``least_squares_stationary_point``: at w = sum_n x_n t_n / sum_n x_n^2 that derivative
  is 0.
- ``least_squares_curvature``: the second derivative is 2 sum_n x_n^2, positive.

Implementation details
The Gaussian is written out (not as ``NormalDensity``) so that the numbers can evaluate it.
Wrong twins live in ``least_squares_twins.py``: each must be REFUTED.
"""

import sympy as sp

from derive import ArgMin, Derivation, data
from derive.rules import algebra, differentiate, rescale_objective, sum_linearity

w = sp.Symbol("w", real=True)
sigma = sp.Symbol("sigma", positive=True)
n = sp.Symbol("n", integer=True, positive=True)
N = sp.Symbol("N", integer=True, positive=True)
t, x = data("t"), data("x")


def over_n(e):
    return sp.Sum(e, (n, 1, N))


squares = over_n((t[n] - w * x[n]) ** 2)
gaussian = sp.exp(-(t[n] - w * x[n]) ** 2 / (2 * sigma ** 2)) / sp.sqrt(2 * sp.pi * sigma ** 2)

gaussian_nll_is_least_squares = Derivation(
    "gaussian_nll_is_least_squares", ArgMin(-over_n(sp.log(gaussian)), w),
    title="The Gaussian negative log-likelihood is least squares",
    source="the model t = w x of UDL section 2.2, fitted as in UDL eqs. 5.9-5.11")
gaussian_nll_is_least_squares.eq(ArgMin(squares, w), by=rescale_objective, label="1",
                                 note="drops N log sqrt(2 pi sigma^2) and the factor "
                                      "1/(2 sigma^2) at once")

least_squares_gradient = Derivation(
    "least_squares_gradient", sp.Derivative(squares, w),
    title="The derivative of the sum of squares", source="least squares, by hand")
(least_squares_gradient
 .eq(-2 * over_n(x[n] * (t[n] - w * x[n])), by=differentiate, label="1")
 .eq(2 * w * over_n(x[n] ** 2) - 2 * over_n(x[n] * t[n]), by=sum_linearity, label="2"))

w_hat = over_n(x[n] * t[n]) / over_n(x[n] ** 2)
least_squares_stationary_point = Derivation(
    "least_squares_stationary_point", 2 * w_hat * over_n(x[n] ** 2) - 2 * over_n(x[n] * t[n]),
    title="The derivative vanishes at w = sum x t / sum x^2",
    source="least squares, by hand")
least_squares_stationary_point.eq(sp.Integer(0), by=algebra, label="1")

least_squares_curvature = Derivation(
    "least_squares_curvature", sp.Derivative(squares, (w, 2)),
    title="The second derivative is positive: a minimum", source="least squares, by hand")
least_squares_curvature.eq(2 * over_n(x[n] ** 2), by=differentiate, label="1")
