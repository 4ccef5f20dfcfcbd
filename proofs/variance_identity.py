"""The variance identity, the variance of a sum, and the mean of a linear model.

Source: the textbook identities, as in Zhang, Lipton, Li and Smola, *Dive into Deep
Learning*, section 2.6 (Var[X] = E[(X - E[X])^2] = E[X^2] - E[X]^2) and 18.2 (the mean of
f(x) = w_0 + w_1 x for random weights); Prince, *Understanding Deep Learning*, appendix C.

Main statements
- ``variance_identity``: Var[X] = E[(X - E[X])^2] = E[X^2 - 2 X E[X] + E[X]^2]
  = E[X^2] - 2 E[X] E[X] + E[X]^2 = E[X^2] - E[X]^2.
- ``variance_of_independent_sum``: Var[X + Y] = Var[X] + Var[Y] for X and Y declared
  independent (the step's hypothesis ``Independent(X, Y)``; the kernel never assumes it).
- ``variance_of_a_sum``: without independence, Var[X + Y] = Var[X] + Var[Y] + 2 Cov[X, Y].
- ``mean_of_a_linear_model``: E[w_0 + w_1 x] = E[w_0] + x E[w_1] for random weights.

Implementation details
An expectation over X binds X (``Expectation(X**2, [X])`` is a number); over (X, Y) it is
under their joint law, which is unstated. Every expectation is assumed to exist. The numeric
checker evaluates them under random discrete laws (a joint one, or a product law for the step
declaring independence), so every step is checked twice. Wrong twins live in
``variance_identity_twins.py``.
"""

import sympy as sp

from derive import Covariance, Derivation, Expectation, Variance
from derive.kernel import Independent
from derive.rules import algebra, expectation_algebra, expectation_linearity, variance_definition

X, Y = sp.symbols("X Y", real=True)
w0, w1, x = sp.symbols("w_0 w_1 x", real=True)


def E(body, *variables):  # noqa: N802  (the book's name)
    return Expectation(body, variables or (X,))


variance_identity = Derivation(
    "variance_identity", Variance(X, [X]), title="The variance identity",
    source="Zhang et al., Dive into Deep Learning, section 2.6")
(variance_identity
 .eq(E((X - E(X)) ** 2), by=variance_definition, label="1")
 .eq(E(X ** 2 - 2 * X * E(X) + E(X) ** 2), by=algebra, label="2")
 .eq(E(X ** 2) - 2 * E(X) * E(X) + E(X) ** 2, by=expectation_linearity, label="3")
 .eq(E(X ** 2) - E(X) ** 2, by=algebra, label="4"))

variance_of_independent_sum = Derivation(
    "variance_of_independent_sum", Variance(X + Y, [X, Y]),
    title="The variance of a sum of independent variables",
    source="Prince, Understanding Deep Learning, appendix C")
variance_of_independent_sum.eq(Variance(X, [X]) + Variance(Y, [Y]), by=expectation_algebra,
                               label="1", hypotheses=[Independent(X, Y)])

variance_of_a_sum = Derivation(
    "variance_of_a_sum", Variance(X + Y, [X, Y]),
    title="The variance of a sum, in general",
    source="Prince, Understanding Deep Learning, appendix C")
variance_of_a_sum.eq(Variance(X, [X, Y]) + Variance(Y, [X, Y]) + 2 * Covariance((X, Y), [X, Y]),
                     by=expectation_algebra, label="1")

mean_of_a_linear_model = Derivation(
    "mean_of_a_linear_model", Expectation(w0 + w1 * x, [w0, w1]),
    title="The mean of a linear model with random weights",
    source="Zhang et al., Dive into Deep Learning, section 18.2")
mean_of_a_linear_model.eq(Expectation(w0, [w0]) + x * Expectation(w1, [w1]),
                          by=expectation_linearity, label="1")
