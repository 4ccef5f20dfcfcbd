"""Least squares is maximum likelihood under a normal distribution with fixed variance.

Source: Simon J. D. Prince, *Understanding Deep Learning* (MIT Press, 2023), section 5.3,
equations 5.7-5.11.

Main statement
- ``gaussian_nll_to_least_squares``: with Pr(y|f[x, phi], sigma^2) a normal density whose
  mean is the model's output and whose variance does not depend on phi, minimising the
  negative log-likelihood is minimising the sum of squared residuals.

Implementation details
5.7 is the normal density, declared as a definition (it is checked to be a density: it
integrates to 1 for random mean and scale). 5.9 substitutes it (a definition applied, shown
as such). 5.10 is three lines: the log of a product and of an exponential; dropping the term
log[1/sqrt(2 pi sigma^2)], free of phi; dropping the positive factor 1/(2 sigma^2) once the
two minus signs cancel. Its last line is the least-squares loss, 5.11.
Wrong twins live in ``udl_5_9_to_5_11_twins.py``: each must be REFUTED.
"""

import sympy as sp

from derive import ArgMin, Derivation, data, density, model
from derive.rules import drop_constant, drop_positive_factor, log_of_product, substitute, sum_linearity

phi = sp.Symbol("phi", real=True)
y, mu = sp.symbols("y mu", real=True)
sigma = sp.Symbol("sigma", positive=True)  # the standard deviation: sigma^2 is the variance
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)
Pr = density("Pr", conditional=True)
f = model("f")
Y, X = data("y"), data("x")

residual = (Y[i] - f(X[i], phi)) ** 2

gaussian_nll_to_least_squares = Derivation(
    "gaussian_nll_to_least_squares",
    ArgMin(-sp.Sum(sp.log(Pr(Y[i], f(X[i], phi), sigma)), (i, 1, I)), phi),
    title="Least squares is the negative log-likelihood of a normal model",
    source="Prince, Understanding Deep Learning, eqs. 5.7-5.11")

normal = gaussian_nll_to_least_squares.let(
    Pr(y, mu, sigma), sp.exp(-(y - mu) ** 2 / (2 * sigma ** 2)) / sp.sqrt(2 * sp.pi * sigma ** 2),
    label="5.7", note="the univariate normal density with mean mu and variance sigma^2")

(gaussian_nll_to_least_squares
 .define(ArgMin(-sp.Sum(sp.log(sp.exp(-residual / (2 * sigma ** 2))
                              / sp.sqrt(2 * sp.pi * sigma ** 2)), (i, 1, I)), phi),
         by=substitute(normal), label="5.9")
 .eq(ArgMin(-sp.Sum(sp.log(1 / sp.sqrt(2 * sp.pi * sigma ** 2)) - residual / (2 * sigma ** 2),
                    (i, 1, I)), phi),
     by=log_of_product, label="5.10a", note="log of a product and of an exponential")
 .eq(ArgMin(-sp.Sum(-residual / (2 * sigma ** 2), (i, 1, I)), phi),
     by=[sum_linearity, drop_constant], label="5.10b",
     note="log[1/sqrt(2 pi sigma^2)] does not depend on phi")
 .eq(ArgMin(sp.Sum(residual, (i, 1, I)), phi), by=drop_positive_factor, label="5.10c",
     note="the signs cancel, and 1/(2 sigma^2) > 0 does not depend on phi: 5.11"))
