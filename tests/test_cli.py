"""The derive command line, end to end: check (table, JSON, exit codes, -j, --only, cache),
explain, rules, --help/--version, and bad input as one clear line, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import PROOF_HEADER as HEADER

from derive import checker
from derive.cli import (
    EXIT_OK,
    EXIT_REFUTED,
    EXIT_UNPROVEN,
    EXIT_USAGE,
    RULE_MAKERS,
    Progress,
    main,
)
from derive.rules import registry

GOOD = HEADER + """
square = Derivation("square", (x + 1) ** 2)
square.eq(x**2 + 2*x + 1, by=algebra, label="expand")
square.eq(x*(x + 2) + 1, by=algebra, label="factor")
logs = Derivation("logs", sp.log(u * v))
logs.eq(sp.log(u) + sp.log(v), by=log_of_product, label="split")
"""

TWIN = HEADER + """
twin = Derivation("twin", (x + 1) ** 2)
twin.eq(x**2 + 1, by=algebra, label="forgot", expect="refuted")
"""

REFUTED = HEADER + """
wrong = Derivation("wrong", (x + 1) ** 2)
wrong.eq(x**2 + 2*x + 1, by=algebra, label="fine")
wrong.eq(x**2 + 1, by=algebra, label="forgot")
"""

UNPROVEN = HEADER + """
unproven = Derivation("unproven", sp.log(u * v))
unproven.eq(sp.log(u) + sp.log(v), by=drop_constant, label="wrong_rule")
"""

INSTANCES = ["--instances", "40"]


def write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder (with its own .derive_cache) as the working folder."""
    (tmp_path / "pyproject.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(*argv: str) -> int:
    return main([*argv])


def check_json_and_stderr(capsys, *argv: str) -> tuple[int, dict, str]:
    status = main(["check", *argv, "--format", "json", *INSTANCES])
    captured = capsys.readouterr()
    return status, json.loads(captured.out), captured.err


def check_json(capsys, *argv: str) -> tuple[int, dict]:
    status, document, _ = check_json_and_stderr(capsys, *argv)
    return status, document


def statuses(document: dict) -> dict[str, str]:
    return {f"{d['name']}::{s['label']}": s["status"] for d in document["derivations"]
            for s in d["steps"]}


# -- exit codes --------------------------------------------------------------------------------

def test_all_verified_is_exit_0_with_a_table(project, capsys):
    write(project, "proofs/good.py", GOOD)
    assert cli("check", "proofs", *INSTANCES) == EXIT_OK
    out = capsys.readouterr().out
    assert "proofs/good.py::square" in out
    header = next(line for line in out.splitlines() if "label" in line)
    assert header.split() == ["label", "outcome", "rule", "symbolic", "numeric", "time"]
    assert "3 steps: 3 verified, 0 refuted, 0 unproven; all as expected" in out


def test_a_refuted_step_is_exit_1_with_counterexample_and_replay(project, capsys):
    write(project, "proofs/wrong.py", REFUTED)
    assert cli("check", "proofs", *INSTANCES, "--seed", "5") == EXIT_REFUTED
    out = capsys.readouterr().out
    assert "forgot" in out and "REFUTED" in out
    assert "counterexample:" in out and "seed: 5" in out
    assert "replay: derive check proofs/wrong.py --only forgot --seed 5 --instances 40" in out
    assert "pytest proofs/wrong.py::wrong::forgot --derive-seed 5 --derive-instances 40" in out


def test_unproven_and_nothing_refuted_is_exit_3(project, capsys):
    write(project, "proofs/unproven.py", UNPROVEN)
    assert cli("check", "proofs", *INSTANCES) == EXIT_UNPROVEN
    out = capsys.readouterr().out
    assert "UNPROVEN is never a pass" in out and "does not apply" in out


def test_refuted_wins_over_unproven(project, capsys):
    write(project, "proofs/unproven.py", UNPROVEN)
    write(project, "proofs/wrong.py", REFUTED)
    assert cli("check", "proofs", *INSTANCES) == EXIT_REFUTED


def test_a_refuted_twin_is_as_expected_and_a_verified_one_is_not(project, capsys):
    write(project, "twin.py", TWIN)
    assert cli("check", "twin.py", *INSTANCES) == EXIT_OK
    assert "refuted as expected" in capsys.readouterr().out
    write(project, "not_a_twin.py", TWIN.replace("x**2 + 1, by", "x**2 + 2*x + 1, by"))
    assert cli("check", "not_a_twin.py", *INSTANCES) == EXIT_REFUTED
    assert "it is a wrong twin" in capsys.readouterr().out


def test_ignore_expectations_judges_twins_as_ordinary_steps(project, capsys):
    write(project, "twin.py", TWIN)
    assert cli("check", "twin.py", *INSTANCES, "--ignore-expectations") == EXIT_REFUTED


# -- json, --only, -j --------------------------------------------------------------------------

def test_json_has_every_step_with_its_evidence(project, capsys):
    write(project, "proofs/good.py", GOOD)
    write(project, "proofs/wrong.py", REFUTED)
    status, document = check_json(capsys, "proofs")
    assert status == document["exit_status"] == EXIT_REFUTED
    assert statuses(document) == {"square::expand": "VERIFIED", "square::factor": "VERIFIED",
                                  "logs::split": "VERIFIED", "wrong::fine": "VERIFIED",
                                  "wrong::forgot": "REFUTED"}
    forgot = document["derivations"][-1]["steps"][-1]
    assert forgot["numeric"]["counterexample"]["seed"] == checker.DEFAULT_SEED
    assert (forgot["before"], forgot["after"]) == ("x**2 + 2*x + 1", "x**2 + 1")
    split = document["derivations"][1]["steps"][0]
    assert {c["holds"] for c in split["symbolic"]["conditions"]} == {True}


def test_only_selects_by_label_or_by_derivation_and_label(project, capsys):
    write(project, "proofs/good.py", GOOD)
    _, document = check_json(capsys, "proofs", "--only", "factor")
    assert list(statuses(document)) == ["square::factor"]
    _, document = check_json(capsys, "proofs", "--only", "logs::split", "--only", "expand")
    assert list(statuses(document)) == ["square::expand", "logs::split"]
    assert cli("check", "proofs", "--only", "nothing") == EXIT_USAGE
    assert "no step labelled nothing" in capsys.readouterr().err


def test_two_processes_give_the_same_results_in_the_same_order(project, capsys):
    write(project, "proofs/good.py", GOOD)
    write(project, "proofs/wrong.py", REFUTED)
    write(project, "proofs/twin.py", TWIN)

    def without_timing(document):
        for d in document["derivations"]:
            for s in d["steps"]:
                del s["seconds"]
        return document

    _, serial = check_json(capsys, "proofs", "--no-cache", "-j", "1")
    _, parallel = check_json(capsys, "proofs", "--no-cache", "-j", "2")
    assert without_timing(parallel) == without_timing(serial)


def test_the_table_keeps_its_order_under_two_processes(project, capsys):
    write(project, "proofs/a.py", GOOD)
    write(project, "proofs/b.py", TWIN)
    cli("check", "proofs", "--no-cache", "-j", "2", *INSTANCES)
    out = capsys.readouterr().out
    assert out.index("a.py::square") < out.index("a.py::logs") < out.index("b.py::twin")


# -- the cache ---------------------------------------------------------------------------------

def cached_labels(document: dict) -> set[str]:
    return {f"{d['name']}::{label}" for d in document["derivations"]
            for label in d["from_cache"]}


def test_a_second_run_reads_the_cache(project, capsys):
    write(project, "proofs/good.py", GOOD)
    _, first = check_json(capsys, "proofs")
    _, second = check_json(capsys, "proofs")
    assert cached_labels(first) == set()
    assert cached_labels(second) == set(statuses(second))
    assert second["derivations"] == [{**d, "from_cache": [s["label"] for s in d["steps"]]}
                                     for d in first["derivations"]]
    assert (project / ".derive_cache" / "verdicts").is_dir()
    cli("check", "proofs", *INSTANCES)
    assert "3 from the cache" in capsys.readouterr().out


def test_a_changed_step_is_never_served_from_the_cache(project, capsys):
    proof = write(project, "proofs/good.py", GOOD)
    check_json(capsys, "proofs")
    proof.write_text(proof.read_text().replace("x*(x + 2) + 1", "x*(x + 2) + 2"))
    status, document = check_json(capsys, "proofs")
    assert status == EXIT_REFUTED
    assert statuses(document)["square::factor"] == "REFUTED"
    assert cached_labels(document) == {"square::expand", "logs::split"}


CUSTOM_RULE = HEADER + """
from derive.kernel import Algebra
from derive.rules import Rule


def propose(before, target, context):
    result = sp.expand(before)
    return [Algebra(result)]


expand_it = Rule("expand_it", "a = expand(a)", (), propose)
square = Derivation("square", (x + 1) ** 2)
square.eq(x**2 + 2*x + 1, by=expand_it, label="expand")
"""


def test_a_changed_rule_is_never_served_from_the_cache(project, capsys):
    proof = write(project, "proofs/custom.py", CUSTOM_RULE)
    status, document = check_json(capsys, "proofs")
    assert status == EXIT_OK
    # The rule now proposes something else; the step as written is unchanged.
    proof.write_text(proof.read_text().replace("result = sp.expand(before)",
                                               "result = sp.expand(before) + 1"))
    status, document = check_json(capsys, "proofs")
    assert cached_labels(document) == set()
    assert status != EXIT_OK


def test_a_changed_setting_is_never_served_from_the_cache(project, capsys):
    write(project, "proofs/good.py", GOOD)
    check_json(capsys, "proofs")
    assert main(["check", "proofs", "--format", "json", "--instances", "41"]) == EXIT_OK
    assert cached_labels(json.loads(capsys.readouterr().out)) == set()
    _, document = check_json(capsys, "proofs", "--seed", "3")
    assert cached_labels(document) == set()


def test_no_cache_neither_reads_nor_writes(project, capsys):
    write(project, "proofs/good.py", GOOD)
    _, document = check_json(capsys, "proofs", "--no-cache")
    assert not (project / ".derive_cache").exists()
    check_json(capsys, "proofs")
    _, document = check_json(capsys, "proofs", "--no-cache")
    assert cached_labels(document) == set()


def test_clear_cache_checks_everything_afresh(project, capsys):
    write(project, "proofs/good.py", GOOD)
    check_json(capsys, "proofs")
    _, document = check_json(capsys, "proofs", "--clear-cache")
    assert cached_labels(document) == set()
    assert cli("check", "proofs", "--no-cache", "--clear-cache") == EXIT_USAGE


def test_a_corrupt_cache_file_is_reported_ignored_and_rewritten(project, capsys):
    write(project, "proofs/good.py", GOOD)
    check_json(capsys, "proofs")
    entries = sorted((project / ".derive_cache" / "verdicts").rglob("*.json"))
    assert len(entries) == 3
    entries[0].write_text('{"format": 1, "verdict": ')
    status, document, err = check_json_and_stderr(capsys, "proofs")
    assert status == EXIT_OK and len(cached_labels(document)) == 2
    assert str(entries[0]) in err and "corrupt cache entry ignored" in err
    json.loads(entries[0].read_text())  # rewritten whole
    _, document = check_json(capsys, "proofs")
    assert len(cached_labels(document)) == 3


def test_the_cache_lives_in_the_project_root(project, capsys):
    write(project, "deep/er/proofs/good.py", GOOD)
    cli("check", "deep/er/proofs", *INSTANCES)
    assert (project / ".derive_cache").is_dir()
    assert cli("check", "deep", *INSTANCES, "--cache-dir", "elsewhere") == EXIT_OK
    assert (project / "elsewhere" / "verdicts").is_dir()


# -- bad input ---------------------------------------------------------------------------------

def assert_clear_error(capsys, status: int, *fragments: str) -> str:
    captured = capsys.readouterr()
    assert status == EXIT_USAGE
    assert "Traceback" not in captured.err + captured.out
    for fragment in fragments:
        assert fragment in captured.err
    return captured.err


def test_a_proof_module_that_raises_on_import(project, capsys):
    write(project, "proofs/broken.py", HEADER + "\n1 / 0\n")
    status = cli("check", "proofs")
    assert_clear_error(capsys, status, "broken.py:8", "ZeroDivisionError")


def test_a_derivation_with_no_steps(project, capsys):
    write(project, "proofs/empty.py", HEADER + '\nempty = Derivation("empty", x)\n')
    status = cli("check", "proofs")
    assert_clear_error(capsys, status, "empty.py:8", "has no steps", ".eq(")


def test_a_label_used_twice(project, capsys):
    write(project, "proofs/twice.py", GOOD.replace('label="factor"', 'label="expand"'))
    status = cli("check", "proofs")
    assert_clear_error(capsys, status, "twice.py:10", "'expand' is used twice")


def test_a_derivation_name_used_twice(project, capsys):
    write(project, "proofs/names.py", GOOD.replace('Derivation("logs"', 'Derivation("square"'))
    status = cli("check", "proofs")
    assert_clear_error(capsys, status, "names.py", "'square' is used twice")


def test_a_folder_without_derivations(project, capsys):
    write(project, "proofs/notes.py", "NOTHING = 1\n")
    status = cli("check", "proofs")
    assert_clear_error(capsys, status, "no derivations in proofs", "module-level Derivation")


def test_a_path_that_does_not_exist(project, capsys):
    status = cli("check", "nowhere.py")
    assert_clear_error(capsys, status, "nowhere.py: no such file or folder")


@pytest.mark.parametrize("argv", [["check"], ["check", "p.py", "-j", "0"],
                                  ["check", "p.py", "--instances", "many"],
                                  ["check", "p.py", "--timeout", "-1"], ["nonsense"]])
def test_usage_errors_are_exit_2(project, capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == EXIT_USAGE
    assert "derive: error:" in capsys.readouterr().err


def test_a_bug_in_derive_is_one_line_not_a_traceback(project, capsys, monkeypatch):
    import derive.runner

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(derive.runner, "run", explode)
    write(project, "good.py", GOOD)
    status = cli("check", "good.py")
    assert_clear_error(capsys, status, "internal error: RuntimeError: boom", "bug in derive")


def test_the_console_script_prints_no_traceback(tmp_path):
    write(tmp_path, "broken.py", "raise ValueError('nope')\n")
    script = Path(sys.executable).parent / "derive"
    # the installed script, running this checkout's derive (not another the install names)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    run = subprocess.run([str(script), "check", "broken.py"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == EXIT_USAGE
    assert "Traceback" not in run.stderr
    assert "broken.py:1: importing the proof file raised ValueError: nope" in run.stderr


# -- explain, rules, help ----------------------------------------------------------------------

def test_explain_shows_one_step_in_full(project, capsys):
    write(project, "good.py", GOOD)
    assert cli("explain", "good.py", "split", *INSTANCES) == EXIT_OK
    out = capsys.readouterr().out
    assert "step split of logs: VERIFIED" in out
    assert "written at good.py:12" in out
    assert "log_of_product: " in out and "from: log(u*v)" in out and "to:   log(u) + log(v)" in out
    assert "[shown] u > 0: from the declared assumptions" in out
    assert "passed (40 instances" in out
    assert "replay: derive check good.py --only split" in out


def test_explain_a_refuted_step_shows_the_counterexample(project, capsys):
    write(project, "wrong.py", REFUTED)
    assert cli("explain", "wrong.py", "wrong::forgot", *INSTANCES) == EXIT_REFUTED
    out = capsys.readouterr().out
    assert "counterexample:" in out and "values:" in out


def test_explain_an_unknown_or_ambiguous_label(project, capsys):
    write(project, "good.py", GOOD)
    status = cli("explain", "good.py", "nothing")
    assert_clear_error(capsys, status, "no step labelled 'nothing'", "square::expand")
    write(project, "both.py", GOOD + TWIN.replace(HEADER, "").replace("forgot", "expand"))
    status = cli("explain", "both.py", "expand")
    assert_clear_error(capsys, status, "several derivations", "DERIVATION::LABEL")


def test_rules_lists_every_rule_with_its_own_check(capsys):
    assert cli("rules") == EXIT_OK
    out = capsys.readouterr().out
    for name in registry():
        assert f"\n{name}  (" in "\n" + out
    assert out.count("own check:") == len(registry()) + len(RULE_MAKERS)  # substitute, reparametrise
    assert cli("rules", "drop_constant") == EXIT_OK
    one = capsys.readouterr().out
    assert one.startswith("drop_constant  (built in") and "side conditions:" in one


def test_rules_with_an_unknown_name(capsys):
    status = cli("rules", "drop_constnat")
    assert_clear_error(capsys, status, "no rule named 'drop_constnat'", "drop_constant")


def test_help_has_examples_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and "derive check proofs -j 2" in out
    assert "3 something unproven and nothing refuted" in out
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "--no-cache" in capsys.readouterr().out


def test_version(capsys):
    from derive import __version__

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"derive {__version__}"


def test_progress_rewrites_one_line_and_clears_it():
    import io

    stream = io.StringIO()
    progress = Progress(stream, enabled=True)
    progress.update("[1/2] d::a")
    progress.update("[2/2] d::b")
    progress.clear()
    assert stream.getvalue() == "\r\x1b[K[1/2] d::a\r\x1b[K[2/2] d::b\r\x1b[K"
    quiet = io.StringIO()
    Progress(quiet, enabled=False).update("x")
    assert quiet.getvalue() == ""


def test_progress_always_writes_to_stderr(project, capsys):
    write(project, "good.py", GOOD)
    cli("check", "good.py", "--progress", "always", *INSTANCES)
    assert "[3/3] logs::split" in capsys.readouterr().err


def test_a_notation_that_cannot_print_does_not_lose_the_report():
    import sympy as sp

    from derive.explain import latex, text

    class Unprintable(sp.Symbol):
        def _latex(self, printer):
            raise TypeError("no LaTeX for this")

    assert latex(Unprintable("w") + 1) == "(LaTeX printing failed: TypeError: no LaTeX for this)"
    assert latex(sp.Symbol("w") + 1) == "w + 1"

    class Unreadable(sp.Symbol):
        def _sympystr(self, printer):
            raise TypeError("no text for this")

    assert text(Unreadable("w")).startswith("(printing failed: TypeError: no text for this")
    assert text(sp.Symbol("w") + 1) == "w + 1"


def test_rules_runs_an_identity_check_and_reports_a_false_identity(capsys, monkeypatch):
    import sympy as sp

    import derive.identities
    import derive.rules.base

    for module, name in ((derive.rules.base, "_registry"), (derive.rules.base, "_aliases"),
                         (derive.identities, "_identities")):
        monkeypatch.setattr(module, name, dict(getattr(module, name)))
    a, b = sp.symbols("a b", positive=True)
    derive.identities.identity("test_cli_log_of_sum", sp.log(a + b), sp.log(a) + sp.log(b),
                               check=False)
    assert cli("rules", "test_cli_log_of_sum") == EXIT_REFUTED
    out = capsys.readouterr().out
    assert "own check: REFUSED: identity test_cli_log_of_sum" in out
    assert "is false" in out
    assert cli("rules", "log_softmax") == EXIT_OK
    assert "own check: passed: proved symbolically" in capsys.readouterr().out


def test_the_replay_names_the_derivation_when_another_in_the_file_shares_the_label(
        project, capsys):
    write(project, "shared.py", GOOD + REFUTED.replace(HEADER, "").replace("fine", "expand"))
    assert cli("check", "shared.py", *INSTANCES) == EXIT_REFUTED
    out = capsys.readouterr().out
    assert "replay: derive check shared.py --only forgot --seed" in out
    write(project, "shared_broken.py", GOOD + REFUTED.replace(HEADER, "").replace(
        "fine", "expand").replace('x**2 + 2*x + 1, by=algebra, label="expand")',
                                  'x**2 + 2*x + 2, by=algebra, label="expand")'))
    assert cli("check", "shared_broken.py", *INSTANCES) == EXIT_REFUTED
    out = capsys.readouterr().out
    assert "replay: derive check shared_broken.py --only wrong::expand --seed" in out
    assert "refuted by: a numeric counterexample" in out


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_checker_that_raises_makes_the_step_unproven_and_uncached(project, capsys,
                                                                     monkeypatch, jobs):
    import derive.runner

    def explode(derivation, entry, seed, instances):
        raise RuntimeError(f"numeric checker fell over on {entry.label}")

    monkeypatch.setattr(derive.runner, "check_entry", explode)  # forked workers inherit it
    write(project, "proofs/good.py", GOOD)
    status, document = check_json(capsys, "proofs", "-j", jobs)
    assert status == EXIT_UNPROVEN
    assert set(statuses(document).values()) == {"UNPROVEN"}
    detail = document["derivations"][0]["steps"][0]["symbolic"]["detail"]
    assert detail.startswith("the checker failed: RuntimeError: numeric checker fell over")
    assert not (project / ".derive_cache" / "verdicts").exists()


def test_a_cache_folder_that_is_a_file_gives_one_warning_and_a_full_check(project, capsys):
    write(project, "proofs/good.py", GOOD)
    (project / ".derive_cache").write_text("not a folder")
    status, document, err = check_json_and_stderr(capsys, "proofs")
    assert status == EXIT_OK and len(statuses(document)) == 3
    assert err.count("derive: warning:") == 1 and "cannot write the verdict cache" in err


def test_a_report_is_written_from_fresh_checks_never_from_the_cache(project, capsys):
    write(project, "proofs/good.py", GOOD)
    check_json(capsys, "proofs")  # fills the cache
    _, document = check_json(capsys, "proofs", "--report", "again.md")
    assert cached_labels(document) == set()
    assert cli("check", "proofs", "--no-cache", "--report", "fresh.md", *INSTANCES) == EXIT_OK
    assert (project / "again.md").read_text() == (project / "fresh.md").read_text()
