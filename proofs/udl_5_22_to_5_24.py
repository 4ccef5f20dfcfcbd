"""Multiclass cross-entropy is the negative log-likelihood of a categorical model.

Source: Simon J. D. Prince, *Understanding Deep Learning* (MIT Press, 2023), section 5.5,
equations 5.22-5.24.

Main statements
- ``softmax_to_multiclass_cross_entropy``: with Pr(y=k|x) = softmax_k[f[x, phi]] (5.22,
  5.23), the negative log-likelihood of class labels y_i is
  -sum_i (f_{y_i}[x_i, phi] - log sum_k' exp[f_k'[x_i, phi]]) (5.24).
- ``multiclass_cross_entropy_by_identity``: the same line 5.24, in one step by the library's
  identity ``log_softmax`` (which checked itself when first used).

Implementation details
The model has K outputs, f_k[x, phi] (``model_output``); the labels are classes 1..K
(``data("y", kind="class")``). softmax_k[f[x, phi]] is written softmax(k, x, phi) and
defined by 5.22 (an assumption: a definition applied, shown as such). 5.24 takes the log of
a quotient, then of an exponential (``log_of_product`` does both: exp(a) is e^a).
Wrong twins live in ``udl_5_22_to_5_24_twins.py``: each must be REFUTED.
"""

import sympy as sp

from derive import Derivation, data, model_output
from derive.rules import log_of_product, log_softmax, substitute

phi = sp.Symbol("phi", real=True)
x = sp.Symbol("x", real=True)
k = sp.Symbol("k", integer=True, positive=True)
kk = sp.Symbol("k'", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)  # the number of classes
softmax = sp.Function("softmax")
f = model_output("f")
Y, X = data("y", kind="class"), data("x")

log_sum_exp = sp.log(sp.Sum(sp.exp(f(kk, X[i], phi)), (kk, 1, K)))
nll = -sp.Sum(sp.log(softmax(Y[i], X[i], phi)), (i, 1, I))
cross_entropy = -sp.Sum(f(Y[i], X[i], phi) - log_sum_exp, (i, 1, I))

softmax_to_multiclass_cross_entropy = Derivation(
    "softmax_to_multiclass_cross_entropy", nll,
    title="Multiclass cross-entropy is the negative log-likelihood of a softmax model",
    source="Prince, Understanding Deep Learning, eqs. 5.22-5.24")

softmax_definition = softmax_to_multiclass_cross_entropy.let(
    softmax(k, x, phi), sp.exp(f(k, x, phi)) / sp.Sum(sp.exp(f(kk, x, phi)), (kk, 1, K)),
    label="5.22", note="softmax_k[f[x, phi]]: positive, and summing to 1 over k")

(softmax_to_multiclass_cross_entropy
 .define(-sp.Sum(sp.log(sp.exp(f(Y[i], X[i], phi))
                        / sp.Sum(sp.exp(f(kk, X[i], phi)), (kk, 1, K))), (i, 1, I)),
         by=substitute(softmax_definition), label="5.24a")
 .eq(cross_entropy, by=log_of_product, label="5.24b",
     note="log of a quotient, and log of an exponential"))

multiclass_cross_entropy_by_identity = Derivation(
    "multiclass_cross_entropy_by_identity",
    -sp.Sum(sp.log(sp.exp(f(Y[i], X[i], phi)) / sp.Sum(sp.exp(f(kk, X[i], phi)), (kk, 1, K))),
            (i, 1, I)), label="5.24a",
    title="5.24 by the identity log softmax_j[z] = z_j - log sum_k exp[z_k]",
    source="Prince, Understanding Deep Learning, eq. 5.24")
multiclass_cross_entropy_by_identity.eq(cross_entropy, by=log_softmax, label="5.24b")
