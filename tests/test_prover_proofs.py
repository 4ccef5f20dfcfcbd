"""The proofs that use the calculus, expectation and argmin rules: every line VERIFIED (with
numeric evidence where the numbers can evaluate it, and the reason where they cannot),
every wrong twin REFUTED."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive import Numeric, Status, Symbolic, check_derivation
from derive.loader import load_file
from derive.messages import rests_on

ROOT = Path(__file__).resolve().parents[1]
CHAINS = {
    "least_squares.py": {"gaussian_nll_is_least_squares": ["1"],
                         "least_squares_gradient": ["1", "2"],
                         "least_squares_stationary_point": ["1"],
                         "least_squares_curvature": ["1"]},
    "variance_identity.py": {"variance_identity": ["1", "2", "3", "4"],
                             "variance_of_independent_sum": ["1"],
                             "variance_of_a_sum": ["1"],
                             "mean_of_a_linear_model": ["1"]},
    "change_of_variable.py": {"exponential_by_substitution": ["1", "2"],
                              "gaussian_standardised": ["1", "2"],
                              "power_rule_integral": ["1"],
                              "integral_by_parts": ["1", "2"],
                              "derivative_of_an_integral": ["1"]},
}
TWINS = {
    "least_squares_twins.py": ["gradient_off_by_two", "factor_depending_on_w_dropped",
                               "stationary_point_without_the_square"],
    "variance_identity_twins.py": ["shift_changes_the_variance",
                                   "constant_dropped_from_the_mean"],
    "change_of_variable_twins.py": ["substitution_without_the_jacobian", "bounds_swapped",
                                    "parts_with_the_wrong_sign"],
}


def _results(file: str) -> dict:
    return {d.name: check_derivation(d, instances=300) for d in load_file(ROOT / "proofs" / file)}


@pytest.mark.parametrize("file", sorted(CHAINS))
def test_every_line_is_verified(file):
    results = _results(file)
    assert {name: [r.label for r in rs] for name, rs in results.items()} == CHAINS[file]
    for rs in results.values():
        for r in rs:
            v = r.verdict
            assert v.status is Status.VERIFIED, (r.label, v.symbolic.detail, v.numeric.detail)
            assert v.symbolic.status is Symbolic.PROVED
            if v.numeric.status is Numeric.NOT_APPLICABLE:
                # only what the numbers cannot evaluate yet: derivatives and expectations
                assert "Derivative" in v.numeric.detail or "Variance" in v.numeric.detail \
                    or "Expectation" in v.numeric.detail, (r.label, v.numeric.detail)
                assert rests_on(v).startswith("proved symbolically and no numeric evidence")


@pytest.mark.parametrize("file", sorted(TWINS))
def test_every_wrong_twin_is_refuted(file):
    results = _results(file)
    assert sorted(results) == sorted(TWINS[file])
    for rs in results.values():
        (r,) = rs
        assert r.entry.expect == "refuted"
        assert r.verdict.status is Status.REFUTED, (r.label, r.verdict.symbolic.detail)
