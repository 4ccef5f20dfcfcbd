"""Stress (``python -m pytest -m slow tests/test_numeric_stress.py``, or
``python bench/bench_numeric_stress.py`` at full size): correct mathematics is never
refuted, wrong twins always are."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import bench_numeric_stress as stress  # noqa: E402

pytestmark = pytest.mark.slow


def test_a_thousand_true_identities_with_extreme_parameters_are_never_refuted():
    outcome = stress.stress_identities(1000)
    assert outcome["refuted"] == []
    assert outcome["passed"] >= 950


def test_every_verified_step_of_the_proofs_stays_unrefuted_over_many_seeds():
    assert stress.stress_verified(seeds=200)["refuted"] == []


def test_every_wrong_twin_is_still_refuted_with_a_counterexample():
    assert stress.stress_twins()["lost"] == []
