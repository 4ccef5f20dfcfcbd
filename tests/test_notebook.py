"""A checked derivation shows itself in Jupyter: IPython's display formatter finds its LaTeX
and HTML, with the chain, a mark per step, and the verdicts."""

from __future__ import annotations

import pytest
import sympy as sp

from derive import ArgMin, Derivation
from derive.notebook import CheckedDerivations, check
from derive.rules import algebra, drop_positive_factor

IPython = pytest.importorskip("IPython", reason="IPython is not installed")
from IPython.core.formatters import DisplayFormatter  # noqa: E402

theta = sp.Symbol("theta", real=True)
k = sp.Symbol("k", positive=True)


def _derivations() -> list[Derivation]:
    fine = Derivation("fine", ArgMin(k * (theta - 1) ** 2, theta))
    fine.eq(ArgMin((theta - 1) ** 2, theta), by=drop_positive_factor, label="drop_k")
    wrong = Derivation("wrong", (theta + 1) ** 2)
    wrong.eq(theta**2 + 1, by=algebra, label="forgot")
    return [fine, wrong]


def test_the_display_formatter_finds_latex_and_html():
    shown = check(_derivations(), instances=50)
    assert isinstance(shown, CheckedDerivations) and len(shown) == 2  # a list of results
    data, _ = DisplayFormatter().format(shown)
    latex, page = data["text/latex"], data["text/html"]
    assert latex.startswith("$$\n\\begin{aligned}") and latex.count("$$") == 4
    assert r"\color{green}{\checkmark}\ \text{[drop_k]" not in latex  # no _ in \text
    assert r"\color{green}{\checkmark}\ \text{[dropk] drop a positive factor}" in latex
    assert r"\color{red}{\times}\ \text{[forgot] algebra}" in latex
    assert r"\mathop{\mathrm{argmin}}" in latex
    assert "<td style='color:red'>✗ refuted" in page
    assert "<td style='color:green'>✓ verified: proved symbolically" in page
    assert "$$" in page and "<script" not in page


def test_one_checked_derivation_displays_alone():
    (fine, _) = _derivations()
    data, _ = DisplayFormatter().format(check(fine, instances=50))
    assert data["text/latex"].count("$$") == 2 and "forgot" not in data["text/html"]
