"""The pytest plugin, through pytester: one item per step, node ids, failure reports that
say everything, wrong twins as strict xfails, options, bad input, pytest-xdist."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers import PROOF_HEADER as HEADER

# Imported here, so that pytester's in-process runs (which forget the modules a run imports)
# do not import SymPy and derive afresh each time.
import derive.cache
import derive.explain
import derive.latex
import derive.numeric
import derive.runner  # noqa: F401

pytest_plugins = ["pytester"]

PROOFS = Path(__file__).resolve().parent.parent / "proofs"


TOY = HEADER + """
square = Derivation("square", (x + 1) ** 2)
square.eq(x**2 + 2*x + 1, by=algebra, label="expand")
square.eq(x*(x + 2) + 1, by=algebra, label="factor")
twin = Derivation("twin", (x + 1) ** 2)
twin.eq(x**2 + 1, by=algebra, label="forgot", expect="refuted")
wrong = Derivation("wrong", (x + 1) ** 2)
wrong.eq(x**2 + 1, by=algebra, label="5.1b")
"""

# Plugins that may be installed but are no concern of these runs (hypothesis's alone takes a
# second per in-process run to import).
FAST = ["--derive-instances", "40", "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
        "-p", "no:benchmark"]


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch) -> pytest.Pytester:
    pytester.makepyprojecttoml("[tool.pytest.ini_options]\naddopts = '-ra'\n")
    # runs in subprocesses import this checkout's derive, not the one an install names
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    return pytester


def write(pytester: pytest.Pytester, name: str, source: str) -> Path:
    path = pytester.path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return path


def test_every_step_is_an_item_with_a_node_id_by_derivation_and_label(project):
    write(project, "proofs/toy.py", TOY)
    result = project.runpytest("--collect-only", "-q", *FAST)
    result.stdout.fnmatch_lines([
        "proofs/toy.py::square::expand",
        "proofs/toy.py::square::factor",
        "proofs/toy.py::twin::forgot",
        "proofs/toy.py::wrong::5.1b",
        "4 tests collected*",
    ])


def test_verified_passes_refuted_fails_a_refuted_twin_is_an_xfail(project):
    write(project, "proofs/toy.py", TOY)
    result = project.runpytest(*FAST)
    result.assert_outcomes(passed=2, xfailed=1, failed=1)
    result.stdout.fnmatch_lines(["XFAIL proofs/toy.py::twin::forgot - wrong twin, refuted as "
                                 "expected: *",
                                 "FAILED proofs/toy.py::wrong::5.1b - step 5.1b of wrong*"])


def test_a_failure_says_where_what_why_and_how_to_replay(project):
    write(project, "proofs/toy.py", TOY)
    result = project.runpytest(*FAST, "--derive-seed", "11")
    result.stdout.fnmatch_lines([
        "step 5.1b of wrong: REFUTED (expected VERIFIED)",
        "written at proofs/toy.py:14",
        "rule:     algebra",
        "before:   (x + 1)**2",
        "after:    = x**2 + 1",
        r"LaTeX:    \left(x + 1\right)^{2}",
        "          = x^{2} + 1",
        "symbolic: unknown; *the difference 2*x is not shown to be 0",
        "numeric:  counterexample; the two sides differ: *",
        "  counterexample: {\"x\": *}",
        "  values: {\"left\": *, \"right\": *}",
        "  seed: 11",
        "replay: derive check proofs/toy.py --only 5.1b --seed 11 --instances 40",
        "        pytest proofs/toy.py::wrong::5.1b --derive-seed 11 --derive-instances 40",
    ])
    assert "Traceback" not in result.stdout.str()


def test_the_failure_points_at_the_line_that_wrote_the_step(project):
    write(project, "proofs/toy.py", TOY)
    items, _ = project.inline_genitems("proofs/toy.py", *FAST)
    by_id = {item.nodeid: item for item in items}
    path, line, domain = by_id["proofs/toy.py::wrong::5.1b"].reportinfo()
    assert Path(path).name == "toy.py" and line == 13  # 0-based: the 14th line
    assert "wrong" in domain and "5.1b" in domain


def test_unproven_fails(project):
    write(project, "proofs/unproven.py", HEADER + """
unproven = Derivation("unproven", sp.log(u * v))
unproven.eq(sp.log(u) + sp.log(v), by=drop_constant, label="wrong_rule")
""")
    result = project.runpytest(*FAST)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*UNPROVEN (expected VERIFIED) (UNPROVEN is never a pass)*",
                                 "*the rule does not apply*"])


def test_a_twin_that_is_no_longer_refuted_fails(project):
    write(project, "proofs/twin.py", HEADER + """
twin = Derivation("twin", (x + 1) ** 2)
twin.eq(x**2 + 2*x + 1, by=algebra, label="not_wrong", expect="refuted")
""")
    result = project.runpytest(*FAST)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*VERIFIED, but it is a wrong twin (expect=\"refuted\")*"])


def test_tests_are_not_proofs_and_proofs_are_imported_once(project):
    write(project, "proofs/toy.py", TOY + "\nprint('IMPORTED proofs/toy.py')\n")
    write(project, "tests/test_plain.py", "def test_plain():\n    assert True\n")
    write(project, "tests/helpers.py", HEADER + "\nraise RuntimeError('not a proof')\n")
    result = project.runpytest(*FAST, "-s", "tests", "proofs/toy.py")
    result.assert_outcomes(passed=3, xfailed=1, failed=1)
    assert result.stdout.str().count("IMPORTED proofs/toy.py") == 1


def test_the_proof_folders_are_configurable(project):
    project.makepyprojecttoml("[tool.pytest.ini_options]\nderive_proof_paths = ['derivations']\n")
    write(project, "derivations/toy.py", TOY)
    write(project, "proofs/not_collected.py", "raise RuntimeError('not a proof folder')\n")
    result = project.runpytest(*FAST, "derivations", "proofs")
    result.assert_outcomes(passed=2, xfailed=1, failed=1)


def test_a_proof_module_that_raises_on_import_is_a_clear_collection_error(project):
    write(project, "proofs/broken.py", HEADER + "\n1 / 0\n")
    result = project.runpytest(*FAST)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*derive could not load this proof file:*",
                                 "*broken.py:8: importing the proof file raised "
                                 "ZeroDivisionError: division by zero*"])
    assert "Traceback" not in result.stdout.str()


@pytest.mark.parametrize("source, message", [
    (HEADER + '\nempty = Derivation("empty", x)\n', "*empty.py:8: derivation empty has no steps*"),
    (TOY.replace('label="factor"', 'label="expand"'), "*'expand' is used twice*"),
], ids=["no-steps", "label-twice"])
def test_bad_derivations_are_clear_collection_errors(project, source, message):
    write(project, "proofs/empty.py", source)
    result = project.runpytest(*FAST)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines([message])
    assert "Traceback" not in result.stdout.str()


def test_verdicts_are_cached_and_no_cache_is_honoured(project):
    write(project, "proofs/toy.py", TOY)
    project.runpytest(*FAST, "--derive-no-cache").assert_outcomes(passed=2, xfailed=1, failed=1)
    assert not (project.path / ".derive_cache").exists()
    project.runpytest(*FAST).assert_outcomes(passed=2, xfailed=1, failed=1)
    result = project.runpytest(*FAST)
    result.stdout.fnmatch_lines(["derive: 4 steps, 4 read from .derive_cache/ *"])
    entries = list((project.path / ".derive_cache" / "verdicts").rglob("*.json"))
    assert len(entries) == 4
    for entry in entries:
        entry.write_text("{ corrupt")
    result = project.runpytest(*FAST)
    result.assert_outcomes(passed=2, xfailed=1, failed=1, warnings=4)
    result.stdout.fnmatch_lines(["*corrupt cache entry ignored*"])


def test_under_xdist(project):
    write(project, "proofs/toy.py", TOY)
    result = project.runpytest_subprocess(*FAST, "-n", "2")
    result.assert_outcomes(passed=2, xfailed=1, failed=1)
    result.stdout.fnmatch_lines(["*replay: derive check proofs/toy.py --only 5.1b*"])


def test_breaking_one_step_of_a_real_proof_fails_exactly_that_item(project):
    source = (PROOFS / "udl_5_27_to_5_31.py").read_text()
    # 5.27 with the sign of the cross-entropy flipped.
    broken = source.replace("z) - integral(q(z) * sp.log(p(z)), z),",
                            "z) + integral(q(z) * sp.log(p(z)), z),")
    assert broken.count("+ integral(q(z)") == 1
    write(project, "proofs/udl.py", broken)
    result = project.runpytest(*FAST)
    result.assert_outcomes(passed=7, failed=1)
    result.stdout.fnmatch_lines([
        "step 5.27 of kl_as_cross_entropy: REFUTED (expected VERIFIED)",
        "FAILED proofs/udl.py::kl_as_cross_entropy::5.27*"])
    result.stdout.fnmatch_lines(["  counterexample: {*}", "  seed: 20231205",
                                 "replay: derive check proofs/udl.py --only 5.27 "
                                 "--seed 20231205 --instances 40"])


def test_the_replay_node_id_selects_exactly_that_step(project):
    write(project, "proofs/toy.py", TOY)
    result = project.runpytest(*FAST, "proofs/toy.py::wrong::5.1b", "--derive-seed", "11")
    result.assert_outcomes(failed=1)
    result = project.runpytest(*FAST, "proofs/toy.py::square")
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize("option", [["--derive-instances", "0"], ["--derive-timeout", "-1"]])
def test_bad_options_are_usage_errors(project, option):
    write(project, "proofs/toy.py", TOY)
    result = project.runpytest(*FAST, *option)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*must be*"])


def _plugin_options() -> list[str]:
    """Load the plugin as its entry point does; an install made before the plugin left the
    package still names ``derive.pytest_plugin`` there, so name the module itself."""
    from importlib.metadata import entry_points

    (point,) = [p for p in entry_points(group="pytest11") if p.name == "derive"] or [None]
    if point is not None and point.value == "derive_pytest_plugin":
        return []
    return ["-p", "no:derive", "-p", "derive_pytest_plugin"]


def test_a_run_without_proofs_imports_neither_derive_nor_sympy(project, monkeypatch):
    """derive installed costs a project without proofs nothing: the plugin is a top-level
    module that imports derive only when it collects a proof file."""
    write(project, "tests/test_plain.py", """
        import sys

        def test_nothing_of_derive_is_loaded():
            loaded = sorted(m for m in sys.modules if m == "sympy" or m.split(".")[0] == "derive")
            print("LOADED", loaded)
            assert loaded == []
        """)
    root = str(Path(__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", root)
    result = project.runpytest_subprocess("-s", "-p", "no:cacheprovider", *_plugin_options())
    result.assert_outcomes(passed=1)
    assert "LOADED []" in result.stdout.str()
    # the plugin was loaded all the same: its options are there
    help_text = project.runpytest_subprocess("--help", *_plugin_options()).stdout.str()
    assert "--derive-seed" in help_text


def test_a_proof_file_named_on_the_command_line_is_collected_wherever_it_is(project):
    """The replay derive prints, pytest FILE::DERIVATION::LABEL, works outside proofs/."""
    write(project, "elsewhere/toy.py", TOY)
    write(project, "elsewhere/helper.py", "VALUE = 1\n")  # imports no derive: not a proof
    result = project.runpytest(*FAST, "elsewhere/toy.py::wrong::5.1b", "elsewhere/helper.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*pytest elsewhere/toy.py::wrong::5.1b --derive-seed *"])
    # not named: not collected (a project's other modules stay pytest's)
    project.runpytest(*FAST, "elsewhere").assert_outcomes()


def test_a_document_named_on_the_command_line_is_collected(project):
    write(project, "notes/post.md", """
        # A post

        $$
        \\log(u v) = \\log(u) + \\log(v)
        $$

        <!-- derive: positive u, v -->
        """)
    result = project.runpytest(*FAST, "notes/post.md", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["notes/post.md::post_L4::L4"])
    project.runpytest(*FAST, "notes/post.md::post_L4::L4").assert_outcomes(passed=1)
