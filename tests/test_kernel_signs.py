"""The kernel's signs: SymPy's assumptions, with each integral and delta replaced by a symbol
of the sign the kernel shows it has. What SymPy cannot see is shown here, and the wrong twins
of each (an integral over reversed bounds, an infinite sum, a delta taken for positive) are
never shown."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.kernel import Expectation, check, nonnegative, nonzero, positive, real
from derive.kernel.signs import sign

x, y, a = sp.symbols("x y a", real=True)
k = sp.Symbol("k", integer=True)
N = sp.Symbol("N", integer=True, positive=True)
w = sp.IndexedBase("w", real=True)
positive_part = sp.exp(x * y)  # positive, and no closed form SymPy would evaluate to a number


def test_an_integral_of_a_positive_function_over_ordered_bounds_is_positive():
    over_the_line = sp.Integral(positive_part, (x, -sp.oo, sp.oo))
    assert sign(over_the_line, "positive") is True
    assert sign(sp.Integral(positive_part, (x, 0, 1)), "positive") is True
    assert sign(sp.log(over_the_line), "real") is True  # its log is defined
    assert sign(2 * over_the_line + y ** 2, "positive") is True  # and SymPy signs the rest


@pytest.mark.parametrize("low, high", [(1, 0), (0, a), (a, 0), (-sp.oo, a)])
def test_an_integral_over_bounds_not_shown_ordered_is_not_shown_positive(low, high):
    integral = sp.Integral(positive_part, (x, low, high))
    assert sign(integral, "positive") is None
    assert sign(integral, "nonnegative") is None
    assert sign(integral, "real") is True  # real whichever way it runs


def test_an_integral_of_a_function_of_unknown_sign_is_only_real():
    integral = sp.Integral(sp.sin(x * y), (x, 0, 1))
    assert sign(integral, "real") is True
    assert sign(integral, "positive") is None and sign(integral, "nonnegative") is None
    assert sign(sp.Integral(sp.Symbol("c") * x, (x, 0, 1)), "real") is None  # c may be complex


def test_a_delta_is_nonnegative_never_positive():
    delta = sp.DiracDelta(x - y)
    assert sign(delta, "nonnegative") is True
    assert sign(delta, "positive") is None
    assert sign(delta * positive_part, "nonnegative") is True
    assert sign(delta - positive_part, "nonnegative") is None


def test_a_finite_sum_is_signed_an_infinite_one_is_not():
    terms = sp.exp(w[k])
    assert sign(sp.Sum(terms, (k, 1, N)), "positive") is True
    assert sign(sp.Sum(terms, (k, 1, sp.oo)), "positive") is None
    assert sign(sp.Sum(terms, (k, 1, sp.oo)), "real") is None  # it may diverge
    assert sign(sp.Sum(terms, (k, N, 1)), "positive") is None  # maybe reversed: maybe empty


def test_an_expectation_has_its_body_s_sign():
    X = sp.Symbol("X", real=True)
    assert sign(Expectation(X ** 2 + 1, [X]), "positive") is True
    assert sign(Expectation(X ** 2, [X]), "nonnegative") is True
    assert sign(Expectation(X, [X]), "positive") is None


def test_the_side_conditions_read_the_same_signs():
    integral = sp.Integral(positive_part, (x, 0, 1))
    assert check(positive(integral)).holds is True
    assert check(nonzero(-integral)).holds is True
    assert check(real(sp.log(integral))).holds is True
    reversed_ = sp.Integral(positive_part, (x, 1, 0))
    assert check(positive(reversed_)).holds is None
    assert check(nonnegative(sp.DiracDelta(x) - 1)).holds is None
