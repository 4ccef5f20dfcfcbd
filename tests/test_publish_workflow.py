"""Where reports and checks are used: replay commands that run as printed (from a PDF, a
Markdown report and the terminal), GitHub Actions annotations, the pre-commit hook, and the
report options (--title, --verbose-evidence)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# Three derivations that share the label "s": a wrong twin, a wrong step, a right one.
SHARED = """\
import sympy as sp
from derive import Derivation
from derive.rules import algebra

x = sp.Symbol("x", real=True)
twin = Derivation("twin", (x + 1) ** 2)
twin.eq(x**2 + 1, by=algebra, label="s", expect="refuted")
wrong = Derivation("wrong", (x - 1) ** 2)
wrong.eq(x**2 + 1, by=algebra, label="s")
fine = Derivation("fine", (x + 1) ** 2)
fine.eq(x**2 + 2*x + 1, by=algebra, label="s")
alone = Derivation("alone", (x + 2) ** 2)
alone.eq(x**2 + 4, by=algebra, label="t", expect="refuted")
"""

# A post with one step that is right and one that is not (an unproven step: no rule of the
# library justifies it), and a Markdown file with no math at all.
POST = """\
---
title: 'A post: logs'
---

# Logs of products

<!-- derive: positive u, v -->

$$
\\log(u v) = \\log(u) + \\log(v)
$$

$$
(u + 1)^2 = u^2 + 1
$$
"""


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """A command as a user types it, run from ``cwd`` with this checkout's derive: the
    ``derive`` and ``pytest`` at its start become ``python -m ...``."""
    program = {"derive": [sys.executable, "-m", "derive"],
               "pytest": [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(program[command[0]] + command[1:], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def _replays(text: str) -> list[str]:
    """Every ``derive check ...`` and ``pytest ...`` replay command in ``text``, with line
    breaks inside one (a PDF's table wraps them) joined."""
    flat = re.sub(r"\s+", " ", text)
    found = re.findall(r"derive check \S+ --only \S+ --seed \d+(?: --instances \d+)?", flat)
    found += re.findall(r"pytest \S+::\S+ --derive-seed \d+(?: --derive-instances \d+)?", flat)
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "twins.py").write_text(SHARED)
    (tmp_path / "post.md").write_text(POST, encoding="utf-8")
    (tmp_path / "README.md").write_text("# Notes\n\nNo mathematics here.\n")
    return tmp_path


def _one_of_each_kind(commands: list[str]) -> list[str]:
    """A command of each kind printed: by tool, file, and whether it names the derivation
    (every command of a kind is built by the same code; running each costs a process)."""
    kinds: dict[tuple, str] = {}
    for command in commands:
        words = command.split()
        target = words[2] if words[0] == "derive" else words[1].split("::")[0]
        named = "::" in (words[4] if words[0] == "derive" else "")
        kinds.setdefault((words[0], target, named), command)
    return list(kinds.values())


def _assert_replays_run(commands: list[str], cwd: Path) -> None:
    assert commands
    for command in _one_of_each_kind(commands):
        done = run(shlex.split(command), cwd)
        # 0: as expected (a twin refuted), 1: refuted, 3: unproven; never 2 (usage) or
        # pytest's 4/5 (usage, nothing collected)
        assert done.returncode in (0, 1, 3), f"{command}\n{done.stdout[-1500:]}{done.stderr}"
        if command.startswith("pytest"):
            assert re.search(r"\b1 (passed|failed|xfailed)\b", done.stdout), done.stdout
        else:
            label = command.split("--only ")[1].split()[0].split("::")[-1]
            assert re.search(r"^1 steps: .*", done.stdout, re.M) and label in done.stdout


def test_replays_in_the_terminal_run_as_printed(project):
    done = run(["derive", "check", "twins.py", "post.md", "--ignore-expectations",
                "--instances", "100", "--no-cache"], project)
    commands = _replays(done.stdout)
    # a label derivations share is named with its derivation; one used once is not
    assert "derive check twins.py --only wrong::s --seed 20231205 --instances 100" in commands
    assert "derive check twins.py --only t --seed 20231205 --instances 100" in commands
    assert any(c.startswith("pytest post.md::") for c in commands)
    _assert_replays_run(commands, project)


def test_replays_in_a_markdown_report_run_as_printed(project):
    run(["derive", "report", "twins.py", "post.md", "-o", "report.md", "--instances", "100"],
        project)
    markdown = (project / "report.md").read_text(encoding="utf-8")
    commands = re.findall(r"`(derive check [^`]+)`", markdown)
    assert "derive check twins.py --only twin::s --seed 20231205 --instances 100" in commands
    assert any(c.startswith("derive check post.md ") for c in commands)
    _assert_replays_run(commands, project)


def test_replays_in_a_pdf_report_run_as_printed(project):
    if shutil.which("pdftotext") is None or shutil.which("latexmk") is None:
        pytest.skip("needs latexmk and pdftotext (Debian: texlive-latex-base "
                    "texlive-latex-recommended latexmk poppler-utils)")
    done = run(["derive", "report", "twins.py", "-o", "report.pdf", "--instances", "100"],
               project)
    assert (project / "report.pdf").exists(), done.stderr
    text = subprocess.run(["pdftotext", "-layout", "report.pdf", "-"], cwd=project,
                          capture_output=True, text=True, check=True).stdout
    assert "–" not in text and "—only" not in text  # no en-dash, no em-dash for --
    commands = _replays(text)
    assert "derive check twins.py --only wrong::s --seed 20231205 --instances 100" in commands
    _assert_replays_run(commands, project)


def test_github_annotations_for_steps_not_as_expected(project):
    done = run(["derive", "check", "twins.py", "post.md", "--format", "github",
                "--instances", "100", "--no-cache"], project)
    assert done.returncode == 1  # the post's second step and wrong::s are refuted
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 2
    assert annotations[0].startswith("::error file=twins.py,line=9,title=derive%3A "
                                     "wrong%3A%3As REFUTED::")
    assert "replay: derive check twins.py --only wrong::s --seed" in annotations[0]
    post = annotations[1]
    assert post.startswith("::error file=post.md,line=14,title=derive%3A post_L13%3A%3AL13 "
                           "REFUTED::step L13 of post_L13: REFUTED (expected VERIFIED)%0A")
    assert "%0Areplay: derive check post.md --only L13 --seed 20231205" in post
    with_twins = run(["derive", "check", "twins.py", "--format", "github",
                      "--ignore-expectations", "--instances", "100"], project)
    lines = [line for line in with_twins.stdout.splitlines() if line.startswith("::error ")]
    assert len(lines) == 3 and all(re.match(r"::error file=twins\.py,line=\d+,", x)
                                   for x in lines)


def test_the_pre_commit_hook_checks_the_changed_documents(project):
    """The hook's entry, run as pre-commit runs it: on the changed files its pattern takes."""
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "derive-check" and hook["language"] == "python"
    changed = ["post.md", "README.md", "twins.py", "notes.tex"]  # twins.py is not taken
    (project / "notes.tex").write_text(textwrap.dedent("""\
        \\begin{equation}
        \\log(a b) = \\log(a) + \\log(b) % by: log_of_product
        \\end{equation}
        % derive: positive a, b
        """))
    taken = [f for f in changed if re.search(hook["files"], f)]
    assert taken == ["post.md", "README.md", "notes.tex"]
    entry = shlex.split(hook["entry"]) + hook.get("args", [])
    failing = run(entry + taken, project)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "L13" in failing.stdout
    (project / "post.md").write_text(POST.split("$$\n(u + 1)")[0], encoding="utf-8")
    passing = run(entry + taken, project)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    # a commit that touches only prose passes too
    assert run(entry + ["README.md"], project).returncode == 0


def test_title_option_and_the_documents_own_title(project):
    run(["derive", "report", "post.md", "-o", "a.md", "--instances", "50"], project)
    assert 'title: "A post: logs"' in (project / "a.md").read_text(encoding="utf-8")
    run(["derive", "report", "post.md", "-o", "b.md", "--instances", "50", "--title",
         "Mine"], project)
    assert 'title: "Mine"' in (project / "b.md").read_text(encoding="utf-8")


def test_trivial_side_conditions_only_with_verbose_evidence(project):
    shutil.copy(ROOT / "proofs" / "udl_5_27_to_5_31.py", project / "udl.py")
    run(["derive", "report", "udl.py", "-o", "short.md", "--instances", "50"], project)
    run(["derive", "report", "udl.py", "-o", "long.md", "--instances", "50",
         "--verbose-evidence"], project)
    short = (project / "short.md").read_text(encoding="utf-8")
    long = (project / "long.md").read_text(encoding="utf-8")
    for trivial in ("$$1$$ is free of", "$$-1$$ is real", r"$$1 \gt 0$$"):
        assert trivial not in short and trivial in long
    assert "that hold trivially left out" in short and "trivially left out" not in long
    # what is not trivial stays: a constant that is dropped is free of theta
    assert r"$$\frac{1}{I} \gt 0$$" in short
    assert (r"$$\int_{-\infty}^{\infty} q(y) \log\bigl[q(y)\bigr] dy$$ is free of "
            r"$$\boldsymbol\theta$$") in short


@pytest.mark.slow
def test_pre_commit_itself_runs_the_hook(project, tmp_path):
    """pre-commit try-repo: installs this checkout in a virtualenv of its own, as a blog's
    repository would, and runs the hook on the files given (slow: it installs SymPy)."""
    if shutil.which("pre-commit") is None or shutil.which("git") is None:
        pytest.skip("pre-commit or git is not installed (Debian: pre-commit git)")
    if subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True,
                      text=True).stdout.strip():
        pytest.skip("try-repo installs the last commit: commit first")
    git = ["git", "-c", "user.email=derive@example.org", "-c", "user.name=derive"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "post.md", "README.md"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "a post"], cwd=project, check=True)
    done = subprocess.run(["pre-commit", "try-repo", str(ROOT), "derive-check", "--files",
                           "post.md", "README.md"], cwd=project, capture_output=True,
                          text=True, timeout=1200,
                          env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pc")})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "derive check" in done.stdout and "Failed" in done.stdout
    assert "step L13 of post_L13: REFUTED" in done.stdout
