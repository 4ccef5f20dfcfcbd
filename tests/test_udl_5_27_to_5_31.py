"""UDL 5.27-5.31 end to end: every step VERIFIED, every wrong twin REFUTED, through the API
and through `derive check` as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from derive import Numeric, Status, Symbolic, check_derivation
from derive.loader import load_file

ROOT = Path(__file__).resolve().parents[1]
PROOF = ROOT / "proofs" / "udl_5_27_to_5_31.py"
TWINS = ROOT / "proofs" / "udl_5_27_to_5_31_twins.py"


def derive_cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "derive.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def proof_results():
    return {d.name: check_derivation(d) for d in load_file(PROOF)}


def test_the_chain_has_every_line_of_the_book(proof_results):
    labels = [r.label for r in proof_results["kl_to_nll"]]
    assert labels == ["5.28", "5.29a", "5.29b", "5.30a", "5.30b", "5.30c", "5.31"]
    assert [r.label for r in proof_results["kl_as_cross_entropy"]] == ["5.27"]


def test_every_step_is_verified_on_proof_and_at_least_1000_instances(proof_results):
    for results in proof_results.values():
        for r in results:
            v = r.verdict
            assert v.status is Status.VERIFIED, (r.label, v.symbolic.detail, v.numeric.detail)
            # a density's definition: well formed by proof, its integral 1 by the numbers
            density_definition = r.entry.relation.value == ":=" and v.numeric.status is Numeric.PASSED
            assert v.symbolic.status is Symbolic.PROVED or (
                density_definition and v.symbolic.status is Symbolic.RESTS_ON_NUMERIC)
            if v.numeric.status is Numeric.PASSED:
                assert v.numeric.instances >= 1000
            else:  # only the substitution of a definition has no numeric content
                assert r.label == "5.30a" and "definition" in v.numeric.detail


def test_the_sifting_step_is_checked_with_nascent_deltas_and_values(proof_results):
    (sifting,) = [r for r in proof_results["kl_to_nll"] if r.label == "5.30b"]
    assert "nascent deltas" in sifting.verdict.numeric.detail
    assert "values agree" in sifting.verdict.numeric.detail


TWIN_NAMES = ["twin_sifting_to_sample_mean", "twin_sifting_to_first_point", "twin_factor_I",
              "twin_drop_theta_dependent", "twin_drop_negative_factor", "twin_kl_sign",
              "twin_empirical_not_normalised"]


@pytest.mark.parametrize("name", TWIN_NAMES)
def test_every_wrong_twin_is_refuted_with_a_counterexample(name):
    (twin,) = [d for d in load_file(TWINS) if d.name == name]
    (result,) = check_derivation(twin)
    assert result.verdict.status is Status.REFUTED
    counterexample = result.verdict.numeric.counterexample
    assert counterexample["seed"] is not None and counterexample["instance"]
    assert result.expected and result.outcome == "refuted as expected"


def test_a_twin_that_stops_being_refuted_fails():
    (twin,) = [d for d in load_file(PROOF) if d.name == "kl_as_cross_entropy"]
    step = twin.entries[0]
    from dataclasses import replace

    from derive.checker import check_entry

    as_twin = replace(step, expect="refuted")
    result = check_entry(twin, as_twin)
    assert result.verdict.status is Status.VERIFIED and not result.expected


def test_derive_check_proofs_exits_0_and_prints_every_step():
    run = derive_cli("check", "proofs")
    assert run.returncode == 0, run.stdout + run.stderr
    for label in ["5.27", "5.28", "5.29a", "5.29b", "5.30a", "5.30b", "5.30c", "5.31"]:
        assert f"  {label} " in run.stdout
    assert "refuted as expected" in run.stdout
    assert "0 unproven" in run.stdout


def test_derive_check_on_a_wrong_twin_as_a_user_exits_1_with_its_counterexample():
    run = derive_cli("check", TWINS, "--ignore-expectations")
    assert run.returncode == 1
    assert run.stdout.count("counterexample:") == len(TWIN_NAMES)
    assert "replay: derive check" in run.stdout


def test_replaying_a_counterexample_with_its_seed_reproduces_it():
    # --no-cache: both runs check afresh, so the second cannot just read the first's verdict
    args = ("check", TWINS, "--only", "5.30c", "--seed", "11", "--format", "json", "--no-cache")

    def steps_without_timing():
        doc = json.loads(derive_cli(*args).stdout)
        return [{k: v for k, v in s.items() if k != "seconds"}
                for d in doc["derivations"] for s in d["steps"]]

    first, second = steps_without_timing(), steps_without_timing()
    assert first == second
    (step,) = first
    assert step["numeric"]["seed"] == 11 and step["numeric"]["counterexample"]


def test_json_output_has_the_documented_fields():
    run = derive_cli("check", PROOF, "--format", "json", "--instances", "1000")
    doc = json.loads(run.stdout)
    step = doc["derivations"][1]["steps"][0]
    for key in ("label", "rule", "relation", "status", "symbolic", "numeric", "seconds"):
        assert key in step
    for key in ("status", "instances", "max_error", "seed", "counterexample"):
        assert key in step["numeric"]
    assert doc["exit_status"] == 0
