"""Wrong twin of UDL 5.17-5.20: it must be REFUTED.

- ``exponents_swapped``: the exponents on the wrong factors, (1-y) log[sig] + y log[1-sig]:
  it rewards predicting the wrong class.
"""

import sympy as sp

from derive import Derivation, data, model, sig
from derive.rules import log_of_product

phi = sp.Symbol("phi", real=True)
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)
f = model("f")
Y, X = data("y", kind="binary"), data("x")
p = sig(f(X[i], phi))

exponents_swapped = Derivation(
    "exponents_swapped", -sp.Sum(sp.log((1 - p) ** (1 - Y[i]) * p ** Y[i]), (i, 1, I)),
    label="5.19", title="Twin of 5.20: the exponents on the wrong factors")
exponents_swapped.eq(sp.Sum(-Y[i] * sp.log(1 - p) - (1 - Y[i]) * sp.log(p), (i, 1, I)),
                     by=log_of_product, label="5.20", hypotheses=[sp.Q.positive(1 - p)],
                     expect="refuted")
