"""Finding derivations: import proof modules from files or folders, and collect theirs.

A proof module is a Python file; every module-level ``Derivation`` in it is collected, in
the order written. Importing runs the author's code, as pytest does with test files; a
module that fails to import is a ``LoadError`` naming the file and the line.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from pathlib import Path

from derive.derivation import Derivation
from derive.kernel import DeriveError

__all__ = ["LoadError", "find_proof_files", "load_file", "load_paths"]


class LoadError(DeriveError):
    """A proof file could not be loaded: it does not exist, or importing it raised. The
    message names the file and the line; fix the file and run again."""


def find_proof_files(paths: list[str | Path]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.py")
                                if not p.name.startswith(("_", "test_", "conftest"))
                                and "__pycache__" not in p.parts))
        elif path.is_file():
            files.append(path)
        else:
            raise LoadError(f"{path}: no such file or folder")
    return files


DOCUMENT_SUFFIXES = (".tex", ".md", ".markdown", ".txt")  # .txt: read as Markdown


def is_document(path: str | Path) -> bool:
    """A LaTeX or Markdown document, read by derive.latex, rather than a Python proof."""
    return Path(path).suffix.lower() in DOCUMENT_SUFFIXES


def load_file(path: str | Path, chapter: int | None = None) -> list[Derivation]:
    """Import ``path`` as a module of its own and return its derivations; a .tex or .md
    document (or .txt, read as Markdown) is read by derive.latex instead."""
    if is_document(path):
        from derive.latex import load_document  # the LaTeX reader loads only when needed

        return load_document(path, chapter).derivations
    if chapter is not None:
        raise LoadError(f"{path}: --chapter applies to LaTeX and Markdown documents only")
    path = Path(path).resolve()
    try:
        source = path.read_bytes()
    except OSError as e:
        raise LoadError(f"{path}: cannot read the proof file ({e.strerror})") from None
    # Named by path and content: a file edited since it was imported is imported afresh.
    digest = hashlib.sha1(str(path).encode() + b"\0" + source).hexdigest()[:10]
    name = f"derive_proof_{path.stem}_{digest}"
    if name in sys.modules:
        module = sys.modules[name]
    else:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise LoadError(f"{path}: not a Python file")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except DeriveError as e:
            del sys.modules[name]
            raise LoadError(f"{path}: {e}") from None
        except Exception as e:
            del sys.modules[name]
            frames = [f for f in traceback.extract_tb(e.__traceback__)
                      if Path(f.filename).resolve() == path]
            where = f"{path}:{frames[-1].lineno}" if frames else str(path)
            raise LoadError(f"{where}: importing the proof file raised "
                            f"{type(e).__name__}: {e}") from None
    found: list[Derivation] = []
    for value in vars(module).values():
        if isinstance(value, Derivation) and all(value is not d for d in found):
            twin = next((d for d in found if d.name == value.name), None)
            if twin is not None:
                raise LoadError(f"{value.location or path}: the derivation name {value.name!r} "
                                f"is used twice in this file (also at {twin.location}); "
                                f"names identify test items, so give each its own")
            found.append(value)
    return found


def load_paths(paths: list[str | Path],
               chapter: int | None = None) -> list[tuple[Path, list[Derivation]]]:
    return [(f, load_file(f, chapter)) for f in find_proof_files(paths)]
