"""Wrong twins of UDL 5.9-5.11: each step is a plausible mistake and must be REFUTED.

- ``heteroscedastic_log_dropped`` (5.15): when the model predicts the variance too,
  sigma = f_2[x_i, phi] depends on phi, and log[1/sqrt(2 pi sigma^2)] cannot be dropped.
- ``minus_sign_cancelled``: "cancelling" only one of the two minus signs turns the
  minimisation of the squared residuals into their maximisation.
"""

import sympy as sp

from derive import ArgMin, Derivation, data, model, model_output
from derive.rules import drop_constant, drop_positive_factor, sum_linearity

phi = sp.Symbol("phi", real=True)
sigma = sp.Symbol("sigma", positive=True)
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)
f = model("f")
g = model_output("f")  # g(1, x, phi) = f_1[x, phi] the mean, g(2, x, phi) = f_2[x, phi] the scale
Y, X = data("y"), data("x")

mean, scale = g(1, X[i], phi), g(2, X[i], phi)
heteroscedastic_log_dropped = Derivation(
    "heteroscedastic_log_dropped",
    ArgMin(-sp.Sum(sp.log(1 / sp.sqrt(2 * sp.pi * scale ** 2))
                   - (Y[i] - mean) ** 2 / (2 * scale ** 2), (i, 1, I)), phi),
    label="5.15", title="Twin of 5.10: the log term dropped when sigma depends on phi")
heteroscedastic_log_dropped.eq(
    ArgMin(-sp.Sum(-(Y[i] - mean) ** 2 / (2 * scale ** 2), (i, 1, I)), phi),
    by=[sum_linearity, drop_constant], label="5.15b", expect="refuted")

residual = (Y[i] - f(X[i], phi)) ** 2
minus_sign_cancelled = Derivation(
    "minus_sign_cancelled", ArgMin(-sp.Sum(-residual / (2 * sigma ** 2), (i, 1, I)), phi),
    label="5.10b", title="Twin of 5.10: one minus sign cancelled, not both")
minus_sign_cancelled.eq(ArgMin(-sp.Sum(residual, (i, 1, I)), phi), by=drop_positive_factor,
                        label="5.10c", expect="refuted")
