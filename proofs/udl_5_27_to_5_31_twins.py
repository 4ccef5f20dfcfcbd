"""Wrong twins of UDL 5.27-5.31: plausible mistakes that ``derive`` must refute.

Each derivation here starts from a correct line of ``udl_5_27_to_5_31.py`` and takes one
wrong step, marked ``expect="refuted"``: it passes only while it is REFUTED with a
counterexample, like a strict xfail. A twin that stops being refuted is a failure.

- ``twin_sifting_to_sample_mean``: the deltas of the empirical distribution "sift" to one
  delta at the sample mean. Right argmin for a fixed-variance Gaussian; wrong values always,
  and the wrong argmin with a learned variance.
- ``twin_sifting_to_first_point``: sifting to y_1 instead of y_i.
- ``twin_factor_I``: a factor I instead of 1/I after sifting.
- ``twin_drop_theta_dependent``: dropping the cross-entropy, which depends on theta, as if
  it were the constant.
- ``twin_drop_negative_factor``: dropping -1/I, a negative factor, under argmin.
- ``twin_kl_sign``: a sign error in 5.27.
- ``twin_empirical_not_normalised``: the empirical distribution with I in place of 1/I is
  no density.
"""

import sympy as sp

from derive import KL, ArgMin, Delta, Derivation, data, density
from derive.rules import (
    dirac_sifting,
    drop_constant,
    drop_positive_factor,
    integral_linearity,
    kl_definition,
    log_of_product,
    swap_sum_integral,
)

z, y = sp.symbols("z y", real=True)
theta = sp.Symbol("theta", real=True)
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)
q, p = density("q"), density("p")
Pr = density("Pr", conditional=True)
Y = data("y")
oo = sp.oo


def integral(integrand, variable):
    return sp.Integral(integrand, (variable, -oo, oo))


def sum_over_data(term):
    return sp.Sum(term, (i, 1, I))


empirical = sum_over_data(Delta(y - Y[i])) / I
cross_entropy_of_data = ArgMin(-integral(empirical * sp.log(Pr(y, theta)), y), theta)
sifting = [integral_linearity, swap_sum_integral, dirac_sifting]

twin_sifting_to_sample_mean = Derivation(
    "twin_sifting_to_sample_mean", cross_entropy_of_data,
    title="Wrong: the deltas sift to one delta at the sample mean")
twin_sifting_to_sample_mean.eq(
    ArgMin(-sp.log(Pr(sum_over_data(Y[i]) / I, theta)), theta),
    by=sifting, label="5.30b", expect="refuted")

twin_sifting_to_first_point = Derivation(
    "twin_sifting_to_first_point", cross_entropy_of_data,
    title="Wrong: sifting to the first data point")
twin_sifting_to_first_point.eq(
    ArgMin(-sum_over_data(sp.log(Pr(Y[1], theta))) / I, theta),
    by=sifting, label="5.30b", expect="refuted")

twin_factor_I = Derivation(
    "twin_factor_I", cross_entropy_of_data, title="Wrong: a factor I instead of 1/I")
twin_factor_I.eq(
    ArgMin(-I * sum_over_data(sp.log(Pr(Y[i], theta))), theta),
    by=sifting, label="5.30b", expect="refuted")

twin_drop_theta_dependent = Derivation(
    "twin_drop_theta_dependent",
    ArgMin(integral(q(y) * sp.log(q(y)), y) - integral(q(y) * sp.log(Pr(y, theta)), y), theta),
    title="Wrong: dropping the cross-entropy, which depends on theta")
twin_drop_theta_dependent.eq(
    ArgMin(integral(q(y) * sp.log(q(y)), y), theta),
    by=drop_constant, label="5.29b", expect="refuted")

twin_drop_negative_factor = Derivation(
    "twin_drop_negative_factor",
    ArgMin(-sum_over_data(sp.log(Pr(Y[i], theta))) / I, theta),
    title="Wrong: dropping the negative factor -1/I under argmin")
twin_drop_negative_factor.eq(
    ArgMin(sum_over_data(sp.log(Pr(Y[i], theta))), theta),
    by=drop_positive_factor, label="5.30c", expect="refuted")

twin_kl_sign = Derivation(
    "twin_kl_sign", KL(q(z), p(z), z), title="Wrong: a sign error in 5.27")
twin_kl_sign.eq(
    integral(q(z) * sp.log(q(z)), z) + integral(q(z) * sp.log(p(z)), z),
    by=[kl_definition, log_of_product, integral_linearity], label="5.27", expect="refuted")

twin_empirical_not_normalised = Derivation(
    "twin_empirical_not_normalised", cross_entropy_of_data,
    title="Wrong: an empirical distribution with I in place of 1/I")
twin_empirical_not_normalised.let(q(y), I * sum_over_data(Delta(y - Y[i])), label="5.28",
                                  expect="refuted")
