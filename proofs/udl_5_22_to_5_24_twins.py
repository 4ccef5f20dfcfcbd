"""Wrong twin of UDL 5.22-5.24: it must be REFUTED.

- ``log_of_sum_as_sum_of_logs``: log sum_k' exp[f_k'] read as sum_k' log exp[f_k'], that is
  sum_k' f_k': the log of a sum is not the sum of the logs.
"""

import sympy as sp

from derive import Derivation, data, model_output
from derive.rules import log_of_exp

phi = sp.Symbol("phi", real=True)
kk = sp.Symbol("k'", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)
f = model_output("f")
Y, X = data("y", kind="class"), data("x")

log_of_sum_as_sum_of_logs = Derivation(
    "log_of_sum_as_sum_of_logs",
    -sp.Sum(f(Y[i], X[i], phi) - sp.log(sp.Sum(sp.exp(f(kk, X[i], phi)), (kk, 1, K))), (i, 1, I)),
    label="5.24b", title="Twin of 5.24: the log of a sum as the sum of the logs")
log_of_sum_as_sum_of_logs.eq(
    -sp.Sum(f(Y[i], X[i], phi) - sp.Sum(f(kk, X[i], phi), (kk, 1, K)), (i, 1, I)),
    by=log_of_exp, label="5.24c", expect="refuted")
