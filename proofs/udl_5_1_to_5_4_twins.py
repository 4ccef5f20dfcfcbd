"""Wrong twins of UDL 5.1-5.4: each step is a plausible mistake and must be REFUTED.

- ``decreasing_transform``: "taking the negative log keeps the maximiser" (it reverses the
  order: the maximiser of the likelihood is the minimiser of -log).
- ``log_dropped``: "the log of a product is the sum of its factors" (not of their logs).
- ``sign_forgotten``: argmax F read as argmin F: the minus sign is forgotten.
"""

import sympy as sp

from derive import ArgMax, ArgMin, Derivation, data, density, model
from derive.rules import argmax_to_argmin, log_of_finite_product, monotone_transform

phi = sp.Symbol("phi", real=True)
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)
Pr = density("Pr", conditional=True)
f = model("f")
Y, X = data("y"), data("x")

likelihood = sp.Product(Pr(Y[i], f(X[i], phi)), (i, 1, I))
log_likelihood = sp.Sum(sp.log(Pr(Y[i], f(X[i], phi))), (i, 1, I))

decreasing_transform = Derivation("decreasing_transform", ArgMax(likelihood, phi),
                                  title="Twin of 5.3: a decreasing transform under argmax")
decreasing_transform.eq(ArgMax(-sp.log(likelihood), phi), by=monotone_transform,
                        label="5.3a", expect="refuted")

log_dropped = Derivation("log_dropped", ArgMax(sp.log(likelihood), phi),
                         title="Twin of 5.3: the log of a product as the sum of its factors")
log_dropped.eq(ArgMax(sp.Sum(Pr(Y[i], f(X[i], phi)), (i, 1, I)), phi),
               by=log_of_finite_product, label="5.3b", expect="refuted")

sign_forgotten = Derivation("sign_forgotten", ArgMax(log_likelihood, phi),
                            title="Twin of 5.4: argmax F as argmin F")
sign_forgotten.eq(ArgMin(log_likelihood, phi), by=argmax_to_argmin, label="5.4",
                  expect="refuted")
