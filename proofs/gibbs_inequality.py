"""Gibbs' inequality: the KL divergence between two discrete distributions is nonnegative.

Source: the textbook proof by Jensen's inequality (for example Cover and Thomas, *Elements
of Information Theory*, theorem 2.6.3); UDL (Prince) uses it for the ELBO in chapter 17.

Main statements
- ``gibbs_by_jensen``: sum_k p_k log(p_k/q_k) >= 0 for distributions p, q on 1..K with
  positive probabilities, by Jensen's inequality for the concave log with the weights p_k.
- ``gibbs_by_log_bound``: the same, by log x <= x - 1 under the sum (each term bounded, the
  weights p_k positive).
- ``kl_of_densities_nonnegative``: D_KL[q||p] >= 0 for densities, as the named inequality.

Implementation details
The distributions are written p_k = a_k / sum_j a_j and q_k = b_k / sum_j b_j for positive
data a, b: they sum to one by algebra (the kernel shows it, Jensen needs it), and every random
instance is a pair of distributions (the numbers check the bound on them). Wrong twins live
in ``gibbs_inequality_twins.py``: each must be REFUTED.
"""

import sympy as sp

from derive import KL, Derivation, data, density
from derive.rules import algebra, gibbs, jensen, log_bound

k = sp.Symbol("k", integer=True, positive=True)
j = sp.Symbol("j", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)  # the number of outcomes
a, b = data("a", positive=True), data("b", positive=True)
z = sp.Symbol("z", real=True)
q, p = density("q"), density("p")

p_k = a[k] / sp.Sum(a[j], (j, 1, K))
q_k = b[k] / sp.Sum(b[j], (j, 1, K))


def over_outcomes(term):
    return sp.Sum(term, (k, 1, K))


gibbs_by_jensen = Derivation(
    "gibbs_by_jensen", over_outcomes(p_k * sp.log(p_k / q_k)),
    title="Gibbs' inequality for discrete distributions, by Jensen's inequality",
    source="Cover and Thomas, Elements of Information Theory, theorem 2.6.3")
(gibbs_by_jensen
 .eq(-over_outcomes(p_k * sp.log(q_k / p_k)), by=algebra, label="1",
     note="log(p/q) = -log(q/p), all positive")
 .ge(-sp.log(over_outcomes(sp.Mul(p_k, q_k / p_k, evaluate=False))), by=jensen, label="2",
     note="Jensen for the concave log with weights p_k, nonnegative and summing to 1; the "
          "factor -1 turns the bound around")
 .eq(-sp.log(over_outcomes(q_k)), by=algebra, label="3")
 .eq(sp.Integer(0), by=algebra, label="4", note="q sums to 1"))

gibbs_by_log_bound = Derivation(
    "gibbs_by_log_bound", over_outcomes(p_k * sp.log(q_k / p_k)),
    title="Gibbs' inequality by log x <= x - 1",
    source="Cover and Thomas, Elements of Information Theory, section 2.6")
(gibbs_by_log_bound
 .le(over_outcomes(p_k * (q_k / p_k - 1)), by=log_bound, label="1",
     note="log(q_k/p_k) <= q_k/p_k - 1 for each k, under the positive weight p_k")
 .eq(over_outcomes(q_k) - over_outcomes(p_k), by=algebra, label="2")
 .eq(sp.Integer(0), by=algebra, label="3", note="p and q each sum to 1"))

kl_of_densities_nonnegative = Derivation(
    "kl_of_densities_nonnegative", KL(q(z), p(z), z),
    title="The KL divergence between densities is nonnegative")
kl_of_densities_nonnegative.ge(sp.Integer(0), by=gibbs, label="1")
