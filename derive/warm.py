"""A warm re-check: ``derive check`` replayed from the run cache, before SymPy is imported.

A ``derive check`` run whose every verdict is VERIFIED or REFUTED stores what it printed
(with every row marked ``cached``) in ``.derive_cache/runs/``, under a key made of everything
that output depends on: the command line (its settings and paths) and the working folder,
the bytes of every file it checked, of the local modules those import (found by reading
their ``import`` statements with ``ast``, transitively, never by importing them), of every
installed rule pack (entry point group ``derive.rules``), and derive's own fingerprint (its
source files and the versions of SymPy, NumPy and Python). The same command with all of
that unchanged prints the stored output and exits with the stored status; anything else
runs in full (``derive.cli``), which checks each step or reads it from the step cache
(``derive.cache``).

What the key cannot see: a module imported by a computed name (``importlib.import_module``)
or a data file a proof reads. ``--no-cache`` checks afresh.

Entries cannot launder a verdict: each (and each step-cache entry) carries an HMAC-SHA256
under a secret of this user's, created on first use outside the project
(``$XDG_CACHE_HOME/derive/secret``, else ``~/.cache/derive/secret``, mode 0600). An entry
whose contents and digest were edited together does not verify: it is ignored, and the next
full run rewrites it. This module imports only the standard library.
"""

from __future__ import annotations

import ast
import hashlib
import hmac
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["CACHE_DIR_NAME", "PROJECT_MARKERS", "find_project_root", "main", "mac", "replay",
           "run_key", "store", "user_secret"]

CACHE_DIR_NAME = ".derive_cache"
PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "pytest.ini", "tox.ini", ".git")
RUN_FORMAT = 1  # bump when the layout of a run entry changes
TOTAL = "\x00total\x00"  # where a replayed summary says how long this run took
# Options whose run must not be replayed: they write a report, or bypass the caches.
_NOT_REPLAYED = ("--report", "--no-cache", "--clear-cache", "-h", "--help", "--progress")
_DOCUMENT_SUFFIXES = (".tex", ".md", ".markdown", ".txt")


class NoSecret(Exception):
    """The per-user secret cannot be read or created: nothing is cached or trusted."""


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that looks like a project root (has a
    pyproject.toml, setup.cfg, .git, ...); ``start`` itself if there is none."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return start


# ---------------------------------------------------------------------------------------
# The key of an entry: a MAC, under a secret the project's files cannot hold.


def _secret_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "derive" / "secret"


_secrets: dict[Path, bytes] = {}


def user_secret() -> bytes:
    """This user's secret key for cache entries, created (0600) on first use."""
    path = _secret_path()
    if path in _secrets:
        return _secrets[path]
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(handle, "w") as out:
                out.write(os.urandom(32).hex())
        if path.stat().st_mode & 0o077:
            raise NoSecret(f"{path} is readable by others; make it 0600 (chmod 600 {path})")
        secret = bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError) as e:
        raise NoSecret(f"cannot read or create the cache secret {path}: {e}") from None
    if len(secret) < 16:
        raise NoSecret(f"the cache secret {path} is too short; delete it to get a new one")
    _secrets[path] = secret
    return secret


def mac(*parts: str) -> str:
    """HMAC-SHA256 of ``parts`` under the user's secret."""
    return hmac.new(user_secret(), "\n".join(parts).encode(), hashlib.sha256).hexdigest()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------
# What a run depends on.


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


def source_fingerprint() -> str:
    """Every source file of derive (the printing of verdicts included: the stored output is
    derive's), and the versions of SymPy, NumPy and Python."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for source in sorted(package.rglob("*")):
        if source.suffix in (".py", ".lark") and "__pycache__" not in source.parts:
            digest.update(source.relative_to(package).as_posix().encode() + b"\0")
            digest.update(source.read_bytes())
    return (f"sympy {_version('sympy')}; numpy {_version('numpy')}; lark {_version('lark')}; "
            f"python {platform.python_version()}; source {digest.hexdigest()}")


def rule_packs() -> str:
    """The installed rule packs: each entry point, its distribution's version, and the
    source of the package it names (an editable install changes without a new version)."""
    from importlib.metadata import entry_points
    from importlib.util import find_spec

    parts = []
    for point in sorted(entry_points(group="derive.rules"), key=lambda p: (p.name, p.value)):
        dist = f"{point.dist.name} {point.dist.version}" if point.dist else "no distribution"
        top = point.value.split(":")[0].split(".")[0]
        try:
            spec = find_spec(top)  # a top-level name: found, never imported
        except (ImportError, ValueError):
            spec = None
        files: list[Path] = []
        if spec is not None and spec.origin and spec.origin not in ("built-in", "frozen"):
            origin = Path(spec.origin)
            files = sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" \
                else [origin]
        sources = _sha(b"".join(f.read_bytes() for f in files)) if files else "no source"
        parts.append(f"{point.name}={point.value} ({dist}) {sources}")
    return "; ".join(parts)


def _module_candidates(name: str, folders: Sequence[Path]) -> list[Path]:
    """The files importing ``name`` runs from ``folders``: the module, and the
    ``__init__.py`` of every package on its way (``a.b`` runs ``a/__init__.py`` first)."""
    parts = [p for p in name.split(".") if p]
    if not parts:
        return []
    found = []
    for folder in folders:
        for k in range(1, len(parts)):
            found.append(folder.joinpath(*parts[:k], "__init__.py"))
        relative = folder.joinpath(*parts)
        found += [relative.with_suffix(".py"), relative / "__init__.py"]
    return [c for c in found if c.is_file()]


def _imported_names(path: Path) -> set[tuple[str, int]]:
    """(module, level) of every import statement in ``path``; level > 0: relative."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (SyntaxError, ValueError, OSError):
        return set()
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update((alias.name, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            found.add((base, node.level))
            found.update((f"{base}.{alias.name}" if base else alias.name, node.level)
                         for alias in node.names)
    return found


def local_imports(path: Path, search: Sequence[Path]) -> set[Path]:
    """The local modules ``path`` imports, transitively: every ``.py`` file under the
    folders of ``search`` (and, for relative imports, the importer's package) that one of
    its import statements names. Installed packages are not local (their versions, and
    derive's own source, are in the key elsewhere)."""
    seen: set[Path] = set()
    pending = [path.resolve()]
    while pending:
        current = pending.pop()
        for name, level in _imported_names(current):
            if name.split(".")[0] == "derive" and level == 0:
                continue
            if level:
                folder = current.parent
                for _ in range(level - 1):
                    folder = folder.parent
                folders = [folder]
            else:
                folders = list(search)
            for found in _module_candidates(name, folders):
                found = found.resolve()
                if found not in seen and found != path.resolve():
                    seen.add(found)
                    pending.append(found)
    return seen


def checked_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files ``derive check PATHS`` reads, as ``derive.loader.find_proof_files`` finds
    them (a folder's ``.py`` files except ``_*.py``, ``test_*.py``, ``conftest*``); the full
    run stores an entry only when the two agree."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.py")
                                if not p.name.startswith(("_", "test_", "conftest"))
                                and "__pycache__" not in p.parts))
        elif path.is_file():
            files.append(path)
    return [f.resolve() for f in files]


def _paths_in(argv: Sequence[str]) -> list[str]:
    """The arguments that name existing files or folders (the paths to check, and any
    option value that is a path: hashing more is never wrong)."""
    return [a for a in argv[1:] if not a.startswith("-") and Path(a).exists()]


def _cache_folder(argv: Sequence[str], paths: Sequence[str]) -> Path:
    for k, a in enumerate(argv):
        if a == "--cache-dir" and k + 1 < len(argv):
            return Path(argv[k + 1])
        if a.startswith("--cache-dir="):
            return Path(a.split("=", 1)[1])
    start = Path(os.path.commonpath([Path(p).resolve() for p in paths]))
    return find_project_root(start) / CACHE_DIR_NAME


def run_key(argv: Sequence[str]) -> tuple[str, Path, list[Path]] | None:
    """The key of ``derive ARGV``'s run entry, its cache folder and the files it checks;
    None for a command that is never replayed."""
    if not argv or argv[0] != "check" or any(a.split("=")[0] in _NOT_REPLAYED for a in argv):
        return None
    paths = _paths_in(argv)
    if not paths:
        return None
    files = checked_files(paths)
    cwd = Path.cwd().resolve()
    search = [cwd, *{f.parent for f in files}, *(Path(p).resolve() for p in
                                                 os.environ.get("PYTHONPATH", "").split(
                                                     os.pathsep) if p)]
    depends: set[Path] = set(files)
    for f in files:
        if f.suffix == ".py":
            depends |= local_imports(f, search)
    parts = [f"run format {RUN_FORMAT}", f"argv {json.dumps(list(argv))}", f"cwd {cwd}",
             f"checked {json.dumps([str(f) for f in files])}", source_fingerprint(),
             f"rule packs {rule_packs()}"]
    parts += [f"{p} {_sha(p.read_bytes())}" for p in sorted(depends)]
    key = _sha("\n".join(parts).encode())
    return key, _cache_folder(argv, paths), files


def _entry_path(folder: Path, key: str) -> Path:
    return folder / "runs" / f"{key}.json"


def replay(argv: Sequence[str]) -> int | None:
    """Print the stored output of ``derive ARGV`` and return its exit status, or None if
    there is no valid entry (then the full command runs)."""
    started = time.perf_counter()
    try:
        found = run_key(argv)
        if found is None:
            return None
        key, folder, _ = found
        entry = json.loads(_entry_path(folder, key).read_text(encoding="utf-8"))
        if entry.get("format") != RUN_FORMAT or entry.get("key") != key:
            return None
        expected = mac("run", key, entry["output"], entry["summary"], str(entry["status"]))
        if not hmac.compare_digest(expected, entry.get("mac", "")):
            return None  # forged or corrupt: the full run checks, and rewrites it
        status = int(entry["status"])
    except (OSError, ValueError, KeyError, TypeError, NoSecret):
        return None
    sys.stdout.write(entry["output"])
    total = f"{time.perf_counter() - started:.2f}"
    if entry["summary"]:
        sys.stdout.write(entry["summary"].replace(TOTAL, total) + "\n")
    return status


def store(argv: Sequence[str], loaded: Iterable[Path], output: str, summary: str,
          status: int) -> bool:
    """Keep what a full run printed (``summary`` with ``TOTAL`` where the time goes), for
    ``replay``. Not kept when the files it loaded are not those ``run_key`` finds."""
    try:
        found = run_key(argv)
        if found is None:
            return False
        key, folder, files = found
        if sorted(Path(p).resolve() for p in loaded) != sorted(files):
            return False
        entry = {"format": RUN_FORMAT, "key": key, "argv": list(argv), "output": output,
                 "summary": summary, "status": status,
                 "mac": mac("run", key, output, summary, str(status))}
        path = _entry_path(folder, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not (folder / ".gitignore").exists():
            (folder / ".gitignore").write_text("# written by derive\n*\n")
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(entry, out)
        os.replace(temporary, path)
    except (OSError, NoSecret):
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """The ``derive`` command: a warm run replayed, or else the full command line."""
    argv = list(sys.argv[1:] if argv is None else argv)
    status = replay(argv)
    if status is not None:
        return status
    from derive.cli import main as full

    return full(argv)
