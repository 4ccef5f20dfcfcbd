"""Wrong twins of the least-squares derivation (``least_squares.py``): each must be REFUTED.

- ``gradient_off_by_two``: the derivative's terms collected with a factor 4 instead of 2.
- ``factor_depending_on_w_dropped``: argmin_w sum (t_n - w x_n)^2 (1 + w^2) read as
  argmin_w sum (t_n - w x_n)^2: the factor 1 + w^2 depends on w, and moves the minimiser.
- ``stationary_point_without_the_square``: w = sum x t / sum x does not make the derivative
  vanish.
"""

import sympy as sp

from derive import ArgMin, Derivation, data
from derive.rules import algebra, rescale_objective, sum_linearity

w = sp.Symbol("w", real=True)
n = sp.Symbol("n", integer=True, positive=True)
N = sp.Symbol("N", integer=True, positive=True)
t, x = data("t"), data("x")


def over_n(e):
    return sp.Sum(e, (n, 1, N))


gradient_off_by_two = Derivation(
    "gradient_off_by_two", -2 * over_n(x[n] * (t[n] - w * x[n])), label="1",
    title="Twin: the derivative's terms collected with a factor 4")
gradient_off_by_two.eq(4 * w * over_n(x[n] ** 2) - 4 * over_n(x[n] * t[n]), by=sum_linearity,
                       label="2", expect="refuted")

factor_depending_on_w_dropped = Derivation(
    "factor_depending_on_w_dropped", ArgMin(over_n((t[n] - w * x[n]) ** 2) * (1 + w ** 2), w),
    title="Twin: a factor that depends on w dropped from the objective")
factor_depending_on_w_dropped.eq(ArgMin(over_n((t[n] - w * x[n]) ** 2), w),
                                 by=rescale_objective, label="1", expect="refuted")

stationary_point_without_the_square = Derivation(
    "stationary_point_without_the_square",
    2 * over_n(x[n] * t[n]) / over_n(x[n]) * over_n(x[n] ** 2) - 2 * over_n(x[n] * t[n]),
    title="Twin: w = sum x t / sum x as the stationary point")
stationary_point_without_the_square.eq(sp.Integer(0), by=algebra, label="1",
                                       expect="refuted")
