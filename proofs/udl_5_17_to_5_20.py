"""Binary cross-entropy is the negative log-likelihood of a Bernoulli model.

Source: Simon J. D. Prince, *Understanding Deep Learning* (MIT Press, 2023), section 5.4,
equations 5.17-5.20.

Main statement
- ``bernoulli_to_binary_cross_entropy``: with Pr(y|lambda) = (1-lambda)^(1-y) lambda^y
  (5.17) and lambda = sig[f[x, phi]] (5.18, 5.19), the negative log-likelihood of binary
  data is the binary cross-entropy (5.20).

Implementation details
The Bernoulli distribution is a probability mass function on {0, 1}, not a density on the
line, so it is declared with ``mass_function``; its definition is an assumption.
The data are binary (``data("y", kind="binary")``). SymPy cannot know that a sigmoid is below
1, so 1 - sig[f[x_i, phi]] > 0 is stated as a hypothesis of the step that needs it.
Wrong twins live in ``udl_5_17_to_5_20_twins.py``: each must be REFUTED.
"""

import sympy as sp

from derive import Derivation, data, mass_function, model, sig
from derive.rules import log_of_product, substitute

phi = sp.Symbol("phi", real=True)
y_, lam = sp.symbols("y lambda", real=True)
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)
Bern = mass_function("Pr", conditional=True, support=(0, 1))  # Pr(y|lambda) on {0, 1}
f = model("f")
Y, X = data("y", kind="binary"), data("x")

p = sig(f(X[i], phi))  # lambda_i = sig[f[x_i, phi]], 5.19

bernoulli_to_binary_cross_entropy = Derivation(
    "bernoulli_to_binary_cross_entropy", -sp.Sum(sp.log(Bern(Y[i], p)), (i, 1, I)),
    title="Binary cross-entropy is the negative log-likelihood of a Bernoulli model",
    source="Prince, Understanding Deep Learning, eqs. 5.17-5.20")

bernoulli = bernoulli_to_binary_cross_entropy.let(
    Bern(y_, lam), (1 - lam) ** (1 - y_) * lam ** y_, label="5.17",
    hypotheses=[sp.Q.positive(lam), sp.Q.positive(1 - lam)],
    note="the Bernoulli distribution: Pr(y=1|lambda) = lambda, Pr(y=0|lambda) = 1 - lambda, "
         "for 0 < lambda < 1")

(bernoulli_to_binary_cross_entropy
 .define(-sp.Sum(sp.log((1 - p) ** (1 - Y[i]) * p ** Y[i]), (i, 1, I)),
         by=substitute(bernoulli), label="5.19")
 .eq(sp.Sum(-(1 - Y[i]) * sp.log(1 - p) - Y[i] * sp.log(p), (i, 1, I)),
     by=log_of_product, label="5.20", hypotheses=[sp.Q.positive(1 - p)],
     note="0 < sig[z] < 1"))
