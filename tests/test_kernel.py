"""The kernel: three-valued side conditions, the argmin lemmas, and how verdicts combine."""

import time

import pytest
import sympy as sp
from helpers import I, c, theta

from derive import guard, kernel
from derive.guard import CheckTimeout
from derive.kernel import (
    Numeric,
    NumericVerdict,
    Status,
    Symbolic,
    SymbolicVerdict,
    check,
    decide,
    free_of,
    positive,
)
from derive.messages import rests_on
from derive.notation import ArgMax, ArgMin


def test_positive_is_three_valued_and_says_what_to_declare():
    assert check(positive(1 / I)).holds is True
    assert check(positive(-1 / I)).holds is False
    unknown = check(positive(c))
    assert unknown.holds is None
    assert "declare c positive" in unknown.how


def test_a_hypothesis_can_show_what_assumptions_cannot():
    assert check(positive(c), [sp.Q.positive(c)]).holds is True


def test_free_of_sees_through_applied_functions():
    Pr = sp.Function("Pr")
    assert check(free_of(Pr(theta), [theta])).holds is False
    assert check(free_of(sp.Integral(theta, (theta, 0, 1)), [theta])).holds is True


def test_argmin_equality_compares_objectives_and_variables():
    x = sp.Symbol("x", real=True)
    holds, _ = kernel.equal_values(ArgMin((x - theta) ** 2, theta),
                                        ArgMin(x**2 - 2 * x * theta + theta**2, theta))
    assert holds is True
    holds, _ = kernel.equal_values(ArgMin(theta**2, theta), ArgMax(theta**2, theta))
    assert holds is None  # never False: different objectives can share minimisers


def test_difference_is_zero_never_uses_force():
    a, b = sp.symbols("a b", real=True)
    # log(ab) = log a + log b is false for negative a, b: the kernel must not "prove" it.
    assert kernel.difference_is_zero(sp.log(a * b) - sp.log(a) - sp.log(b)) is not True
    pa, pb = sp.symbols("pa pb", positive=True)
    assert kernel.difference_is_zero(sp.expand_log(sp.log(pa * pb)) - sp.log(pa) - sp.log(pb))


PROVED = SymbolicVerdict(Symbolic.PROVED, "ok")
UNKNOWN = SymbolicVerdict(Symbolic.UNKNOWN, "why")
REFUTED = SymbolicVerdict(Symbolic.REFUTED, "2 != 3")
PASSED = NumericVerdict(Numeric.PASSED, "values agree", 1000, 0.0, 1)
COUNTER = NumericVerdict(Numeric.COUNTEREXAMPLE, "differ", 10, float("inf"), 1, {"x": 1})
NA = NumericVerdict(Numeric.NOT_APPLICABLE, "a definition")
NA_SILENT = NumericVerdict(Numeric.NOT_APPLICABLE, "  ")


@pytest.mark.parametrize("symbolic, numeric, status", [
    (PROVED, PASSED, Status.VERIFIED),
    (PROVED, NA, Status.VERIFIED),
    (PROVED, NA_SILENT, Status.UNPROVEN),  # not applicable needs a stated reason
    (UNKNOWN, PASSED, Status.UNPROVEN),  # numbers alone never verify
    (UNKNOWN, NA, Status.UNPROVEN),
    (UNKNOWN, COUNTER, Status.REFUTED),
    (REFUTED, PASSED, Status.REFUTED),
    (PROVED, COUNTER, Status.REFUTED),
])
def test_decide(symbolic, numeric, status):
    assert decide(symbolic, numeric).status is status


def test_a_proof_contradicted_by_numbers_is_refuted_and_reported_as_a_bug():
    verdict = decide(PROVED, COUNTER)
    assert verdict.status is Status.REFUTED
    assert "bug in derive" in verdict.notes[0]


def test_rests_on_never_claims_a_pass_for_unproven():
    assert rests_on(decide(UNKNOWN, NA)) == "neither a proof nor numeric evidence"
    assert "1000 random instances" in rests_on(decide(PROVED, PASSED))


def test_time_limit_interrupts_a_long_computation():
    start = time.perf_counter()
    with pytest.raises(CheckTimeout), guard.time_limit(0.3):
        while True:
            sp.expand((sp.Symbol("u") + 1) ** 400)
    assert time.perf_counter() - start < 10


def test_time_limit_must_be_positive():
    with pytest.raises(kernel.DeriveError):
        guard.set_time_limit(0)


def test_the_order_of_optimisation_variables_does_not_matter():
    s = sp.Symbol("s", positive=True)
    holds, _ = kernel.equal_values(ArgMin(theta**2 + s, theta, s),
                                        ArgMin(s + theta**2, s, theta))
    assert holds is True
