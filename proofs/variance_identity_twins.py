"""Wrong twins of the expectation identities (``variance_identity.py``): each must be
REFUTED, by the kernel and by a numeric counterexample that prints its random law.
(Var[X + Y] = Var[X] + Var[Y] without a declared independence is refuted by the numbers
alone: tests/test_numeric_expectations.py shows it.)

- ``shift_changes_the_variance``: Var[X + 1] = Var[X] + 1: a shift does not change the
  variance.
- ``constant_dropped_from_the_mean``: E[2X + 3] = 2 E[X] + 2.
"""

import sympy as sp

from derive import Derivation, Expectation, Variance
from derive.rules import expectation_algebra, expectation_linearity

X = sp.Symbol("X", real=True)

shift_changes_the_variance = Derivation(
    "shift_changes_the_variance", Variance(X + 1, [X]),
    title="Twin: a shift changes the variance")
shift_changes_the_variance.eq(Variance(X, [X]) + 1, by=expectation_algebra, label="1",
                              expect="refuted")

constant_dropped_from_the_mean = Derivation(
    "constant_dropped_from_the_mean", Expectation(2 * X + 3, [X]),
    title="Twin: the constant of a linear function of X miscounted")
constant_dropped_from_the_mean.eq(2 * Expectation(X, [X]) + 2, by=expectation_linearity,
                                  label="1", expect="refuted")
