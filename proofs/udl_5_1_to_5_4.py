"""Maximum likelihood is minimum negative log-likelihood.

Source: Simon J. D. Prince, *Understanding Deep Learning* (MIT Press, 2023), section 5.1,
equations 5.1, 5.3 and 5.4.

Main statement
- ``max_likelihood_to_nll``: the parameters that maximise the likelihood of the data, a
  product of I densities, are those that maximise the log-likelihood, a sum of logs, and so
  those that minimise the negative log-likelihood.

Implementation details
The first line is the last line of 5.1: its earlier lines are notation (Pr(y_i|x_i) is the
density of y_i with parameters theta_i = f[x_i, phi]). 5.3 takes the log, a strictly
increasing transform, then the log of a finite product; 5.4 turns the argmax into an argmin.
Wrong twins live in ``udl_5_1_to_5_4_twins.py``: each must be REFUTED.
"""

import sympy as sp

from derive import ArgMax, ArgMin, Derivation, data, density, model
from derive.rules import argmax_to_argmin, log_of_finite_product, monotone_transform

phi = sp.Symbol("phi", real=True)
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)  # the number of data points
Pr = density("Pr", conditional=True)
f = model("f")
Y, X = data("y"), data("x")

likelihood = sp.Product(Pr(Y[i], f(X[i], phi)), (i, 1, I))
log_likelihood = sp.Sum(sp.log(Pr(Y[i], f(X[i], phi))), (i, 1, I))

max_likelihood_to_nll = Derivation(
    "max_likelihood_to_nll", ArgMax(likelihood, phi), label="5.1",
    title="Maximum likelihood is minimum negative log-likelihood",
    source="Prince, Understanding Deep Learning, eqs. 5.1, 5.3, 5.4")

(max_likelihood_to_nll
 .eq(ArgMax(sp.log(likelihood), phi), by=monotone_transform, label="5.3a",
     note="the log is strictly increasing, and the likelihood is positive")
 .eq(ArgMax(log_likelihood, phi), by=log_of_finite_product, label="5.3b")
 .eq(ArgMin(-log_likelihood, phi), by=argmax_to_argmin, label="5.4"))
