"""Where the shared reference and corpora are (never copied into the repository): beside
the repository (``../shared``) or at ``/work/shared``; tests that read them skip without."""

from __future__ import annotations

from pathlib import Path

import pytest

_CANDIDATES = (Path(__file__).resolve().parents[1] / ".." / "shared", Path("/work/shared"))
SHARED = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])
BOOK = SHARED / "reference" / "UDL_Equations.tex"
SEED = SHARED / "seed" / "000_86771fc8b7dc4c48.txt"
D2L = SHARED / "corpus" / "d2l"

needs_book = pytest.mark.skipif(not BOOK.exists(), reason="../shared/reference is absent")
needs_seed = pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is absent")
needs_d2l = pytest.mark.skipif(not D2L.is_dir(), reason="../shared/corpus/d2l is absent")
