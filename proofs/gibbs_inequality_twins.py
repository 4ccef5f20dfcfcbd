"""Wrong twins of Gibbs' and Jensen's inequalities: the mistakes students make most, which
``derive`` must refute.

Each derivation takes one wrong step, marked ``expect="refuted"``: it passes only while it
is REFUTED with a counterexample.

- ``twin_jensen_turned_around``: Jensen for the concave log with <= instead of >=.
- ``twin_convex_as_concave``: Jensen for the convex exp as if it were concave.
- ``twin_weights_sum_to_two``: Jensen with weights 2 p_k, which sum to 2.
- ``twin_gibbs_turned_around``: the KL divergence at most 0.
- ``twin_log_above_tangent``: log x >= x - 1.
"""

import sympy as sp

from derive import Derivation, data
from derive.rules import gibbs, jensen, log_bound

k = sp.Symbol("k", integer=True, positive=True)
j = sp.Symbol("j", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)
a, b = data("a", positive=True), data("b", positive=True)
y = data("y", positive=True)  # positive values averaged
u = data("u")  # real values averaged
x = sp.Symbol("x", positive=True)

p_k = a[k] / sp.Sum(a[j], (j, 1, K))
q_k = b[k] / sp.Sum(b[j], (j, 1, K))


def over_outcomes(term):
    return sp.Sum(term, (k, 1, K))


twin_jensen_turned_around = Derivation(
    "twin_jensen_turned_around", sp.log(over_outcomes(p_k * y[k])),
    title="Wrong: Jensen for the log with <= instead of >=")
twin_jensen_turned_around.le(over_outcomes(p_k * sp.log(y[k])), by=jensen, label="1",
                             expect="refuted")

twin_convex_as_concave = Derivation(
    "twin_convex_as_concave", sp.exp(over_outcomes(p_k * u[k])),
    title="Wrong: Jensen for the convex exp as if it were concave")
twin_convex_as_concave.ge(over_outcomes(p_k * sp.exp(u[k])), by=jensen, label="1",
                          expect="refuted")

twin_weights_sum_to_two = Derivation(
    "twin_weights_sum_to_two", sp.log(over_outcomes(2 * p_k * y[k])),
    title="Wrong: Jensen with weights that sum to 2")
twin_weights_sum_to_two.ge(over_outcomes(2 * p_k * sp.log(y[k])), by=jensen, label="1",
                           expect="refuted")

twin_gibbs_turned_around = Derivation(
    "twin_gibbs_turned_around", over_outcomes(p_k * sp.log(p_k / q_k)),
    title="Wrong: the KL divergence is at most 0")
twin_gibbs_turned_around.le(sp.Integer(0), by=gibbs, label="1", expect="refuted")

twin_log_above_tangent = Derivation(
    "twin_log_above_tangent", sp.log(x), title="Wrong: log x >= x - 1")
twin_log_above_tangent.ge(x - 1, by=log_bound, label="1", expect="refuted")
