"""The cache cannot launder a verdict, and a warm re-check is replayed, never stale: entries
carry a keyed MAC under a per-user secret kept outside the project; a whole run's output is
replayed only while every file it read, every local module those import, the rule packs,
derive and the settings are unchanged."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from derive import warm
from derive.cache import VerdictCache
from derive.checker import check_entry
from derive.kernel import Status

ROOT = Path(__file__).resolve().parents[1]
PROOF = """\
import sympy as sp
from derive import Derivation
from derive.rules import algebra
from blogmath.shapes import SHIFT

x = sp.Symbol("x", real=True)
d = Derivation("square", (x + SHIFT) ** 2)
d.eq(x**2 + 2*SHIFT*x + 1, by=algebra, label="expand")
"""


@pytest.fixture
def secret_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setattr(warm, "_secrets", {})
    return home


def run(args, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "derive", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def project(tmp_path) -> Path:
    folder = tmp_path / "blog"
    (folder / "proofs").mkdir(parents=True)
    (folder / "blogmath").mkdir()
    (folder / "pyproject.toml").write_text("[project]\nname = 'blog'\n")
    (folder / "blogmath" / "__init__.py").write_text("")
    (folder / "blogmath" / "shapes.py").write_text("from blogmath.numbers import ONE\nSHIFT = ONE\n")
    (folder / "blogmath" / "numbers.py").write_text("ONE = 1\n")
    (folder / "proofs" / "square.py").write_text(PROOF)
    return folder


def test_the_secret_lives_outside_the_project_readable_only_by_its_user(secret_home):
    key = warm.user_secret()
    path = secret_home / "derive" / "secret"
    assert len(key) == 32 and path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert warm.mac("a", "b") != hashlib.sha256(b"a\nb").hexdigest()


def test_an_entry_forged_without_the_secret_is_rejected_and_rewritten(tmp_path, secret_home):
    """Issue 8's laundering: a REFUTED step's status, evidence and digest edited together
    (the digest recomputed as an unkeyed SHA-256 would be) so that the kernel, deciding
    from the stored evidence, reaches VERIFIED. The MAC does not verify: rejected."""
    import sympy as sp

    from derive import Derivation
    from derive.cache import encode_verdict
    from derive.rules import algebra

    x = sp.Symbol("x", real=True)
    wrong = Derivation("w", (x + 1) ** 2)
    wrong.eq(x**2 + 1, by=algebra, label="s")
    right = Derivation("r", (x + 1) ** 2)
    right.eq(x**2 + 2 * x + 1, by=algebra, label="s")
    refuted = check_entry(wrong, wrong.entries[0], 1, 50)
    verified = check_entry(right, right.entries[0], 1, 50)
    assert refuted.verdict.status is Status.REFUTED
    cache = VerdictCache(tmp_path / "cache")
    k = "cd" + "0" * 62
    assert cache.put(k, refuted.verdict, refuted.seconds)
    path = tmp_path / "cache" / "verdicts" / "cd" / f"{k}.json"
    entry = json.loads(path.read_text())
    entry["verdict"] = encode_verdict(verified.verdict)  # status and evidence, together
    text = json.dumps([entry["verdict"], entry["seconds"]], sort_keys=True)
    entry["digest"] = hashlib.sha256(f"{k}\n{text}".encode()).hexdigest()
    path.write_text(json.dumps(entry))
    # the kernel's own symbolic verdict of the right step, which the forged evidence fits
    assert cache.get(k, verified.verdict.symbolic) is None
    assert "digest does not match" in cache.warnings[0]
    assert cache.put(k, refuted.verdict, refuted.seconds)
    assert cache.get(k, refuted.verdict.symbolic)[0].status is Status.REFUTED


def test_the_cache_folder_is_never_committed(project, secret_home):
    run(["check", "proofs"], project, secret_home)
    assert (project / ".derive_cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_warm_run_is_replayed_and_says_so(project, secret_home):
    cold = run(["check", "proofs"], project, secret_home)
    assert cold.returncode == 0, cold.stdout + cold.stderr
    assert len(list((project / ".derive_cache" / "runs").glob("*.json"))) == 1
    hot = run(["check", "proofs"], project, secret_home)
    assert hot.returncode == 0
    assert hot.stdout.splitlines()[:-1] == [
        line.replace(line.split()[-1], "cached") if line.startswith("  expand") else line
        for line in cold.stdout.splitlines()[:-1]]
    assert "every verdict from the cache" in hot.stdout.splitlines()[-1]
    # other settings are another run
    seeded = run(["check", "proofs", "--seed", "3"], project, secret_home)
    assert "every verdict from the cache" not in seeded.stdout


@pytest.mark.parametrize("edit", [
    ("proofs/square.py", PROOF.replace("+ 1, by=algebra", "+ 2, by=algebra")),
    ("blogmath/shapes.py", "from blogmath.numbers import ONE\nSHIFT = ONE + 1\n"),
    ("blogmath/numbers.py", "ONE = 2\n"),  # imported by the module the proof imports
], ids=["proof", "helper", "helper-of-helper"])
def test_a_changed_file_or_helper_module_is_never_served_stale(project, secret_home, edit):
    assert run(["check", "proofs"], project, secret_home).returncode == 0
    name, text = edit
    (project / name).write_text(text)
    after = run(["check", "proofs"], project, secret_home)
    assert after.returncode == 1, after.stdout  # the step is wrong now, and says so
    assert "every verdict from the cache" not in after.stdout


def test_a_forged_run_entry_is_not_replayed(project, secret_home):
    run(["check", "proofs"], project, secret_home)
    (path,) = (project / ".derive_cache" / "runs").glob("*.json")
    entry = json.loads(path.read_text())
    entry["output"] = entry["output"].replace("VERIFIED", "VERIFIED (forged)")
    entry["mac"] = hashlib.sha256(entry["output"].encode()).hexdigest()
    path.write_text(json.dumps(entry))
    again = run(["check", "proofs"], project, secret_home)
    assert "forged" not in again.stdout and again.returncode == 0


def test_local_imports_are_read_not_imported(project):
    found = warm.local_imports(project / "proofs" / "square.py", [project])
    assert found == {(project / "blogmath" / "shapes.py").resolve(),
                     (project / "blogmath" / "__init__.py").resolve(),
                     (project / "blogmath" / "numbers.py").resolve()}
    assert "blogmath" not in sys.modules


def test_the_warm_path_imports_only_the_standard_library():
    tree = ast.parse((ROOT / "derive" / "warm.py").read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    assert imported - {"derive"} <= set(sys.stdlib_module_names)
    # its one import of derive is the full command line, after a miss
    assert [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
            and n.module and n.module.startswith("derive")] == ["derive.cli"]


def test_a_warm_run_imports_no_sympy(project, secret_home):
    probe = "import sys, derive; print('sympy' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    eager = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                           text=True).stdout.strip()
    if eager == "True":
        pytest.skip("derive/__init__.py still imports SymPy eagerly (issue 8 makes it lazy)")
    run(["check", "proofs"], project, secret_home)
    script = textwrap.dedent("""
        import sys
        from derive.warm import replay
        status = replay(["check", "proofs"])
        print(status, "sympy" in sys.modules)
        """)
    done = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True,
                          text=True, env={**env, "XDG_CACHE_HOME": str(secret_home)})
    assert done.stdout.splitlines()[-1] == "0 False"
