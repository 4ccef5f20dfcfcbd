"""Shared by the report tests: the 5.27-5.31 proof checked once, a derivation with a
refuted and an unproven step, and the TeX tools a test may need."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import sympy as sp

from derive import KL, ArgMin, Derivation, density
from derive.checker import check_derivation
from derive.loader import load_file
from derive.rules import drop_positive_factor, integral_linearity, kl_definition, log_of_product

ROOT = Path(__file__).resolve().parent.parent
PROOF = ROOT / "proofs" / "udl_5_27_to_5_31.py"
PROOF_SHOWN = "proofs/udl_5_27_to_5_31.py"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
# The book's LaTeX, never copied into the repository: beside the checkout, or in /work/shared.
REFERENCE = next((shared / "reference" / "UDL_Equations.tex"
                  for shared in (ROOT.parent / "shared", Path("/work/shared"))
                  if (shared / "reference" / "UDL_Equations.tex").exists()),
                 ROOT.parent / "shared" / "reference" / "UDL_Equations.tex")
UPDATE = os.environ.get("DERIVE_UPDATE_SNAPSHOTS") == "1"


def udl_items():
    return [(PROOF_SHOWN, d, check_derivation(d)) for d in load_file(PROOF)]


def wrong_items():
    """A wrong twin of 5.27 (the signs swapped: REFUTED, as expected) and a right step
    justified by the wrong rule (dropping a constant as if it were a factor: UNPROVEN)."""
    z, theta = sp.Symbol("z", real=True), sp.Symbol("theta", real=True)
    a = sp.Symbol("a", real=True)
    q, p = density("q"), density("p")
    wrong = Derivation("wrong_sign", KL(q(z), p(z), z), title="The signs swapped",
                       source="a wrong twin of UDL 5.27")
    wrong.eq(sp.Integral(q(z) * sp.log(p(z)), (z, -sp.oo, sp.oo))
             - sp.Integral(q(z) * sp.log(q(z)), (z, -sp.oo, sp.oo)),
             by=[kl_definition, log_of_product, integral_linearity], label="w1",
             expect="refuted")
    unknown = Derivation("wrong_rule", ArgMin((theta - 1) ** 2 + a, theta),
                         title="The right step by the wrong rule")
    unknown.eq(ArgMin((theta - 1) ** 2, theta), by=drop_positive_factor, label="u1")
    return [("tests/twins.py", d, check_derivation(d, instances=200)) for d in (wrong, unknown)]


def check_snapshot(name: str, text: str) -> None:
    """Compare ``text`` with tests/snapshots/NAME; DERIVE_UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path} did not exist and is now written: review it, commit it, and "
                        f"run again")
        return
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (f"the report differs from {path}; if the change is intended, "
                              f"run DERIVE_UPDATE_SNAPSHOTS=1 python -m pytest tests/"
                              f"test_report_snapshots.py and review the diff")


def tex_tools(*programs: str):
    missing = [p for p in programs if shutil.which(p) is None]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}: install the "
                              f"Debian packages texlive-latex-base texlive-latex-recommended "
                              f"latexmk poppler-utils texlive-luatex fonts-nanum")
