"""Equations of Python proofs written as LaTeX: ``Symbols(...).tex(r"...")`` gives the
expression a step needs; derivation.py still refuses plain strings."""

import pytest
import sympy as sp

from derive import Derivation, DeriveError, Status
from derive.checker import check_derivation
from derive.latex import Symbols, tex
from derive.rules import dirac_sifting, drop_positive_factor, integral_linearity, swap_sum_integral


@pytest.fixture(autouse=True)
def fresh_sympy_cache():
    """SymPy caches applied functions by name: keep this file's models to itself."""
    yield
    sp.core.cache.clear_cache()


S = Symbols(positive="sigma")
SIFT = r"\mathop{\rm argmin}_{\theta}\left[-\int_{-\infty}^{\infty}\left(\frac{1}{I}" \
       r"\sum_{i=1}^{I}\delta[y-y_{i}]\right)\log\bigl[Pr(y|\theta)\bigr]dy\right]"
NLL_MEAN = r"\mathop{\rm argmin}_{\theta}\left[-\frac{1}{I}\sum_{i=1}^{I}" \
           r"\log\bigl[Pr(y_i|\theta)\bigr]\right]"
NLL = r"\mathop{\rm argmin}_{\theta}\left[-\sum_{i=1}^{I}\log\bigl[Pr(y_i|\theta)\bigr]\right]"


def test_a_proof_written_in_latex_verifies():
    d = Derivation("sifting_in_latex", S.tex(SIFT))
    d.eq(S.tex(NLL_MEAN), by=[integral_linearity, swap_sum_integral, dirac_sifting],
         label="5.30b")
    d.eq(S.tex(NLL), by=drop_positive_factor, label="5.30c")
    assert [r.verdict.status for r in check_derivation(d, instances=200)] == [
        Status.VERIFIED, Status.VERIFIED]


def test_its_wrong_twin_is_refuted():
    d = Derivation("sign_lost_in_latex", S.tex(NLL_MEAN))
    d.eq(S.tex(NLL.replace(r"\left[-\sum", r"\left[\sum")), by=drop_positive_factor,
         label="5.30c", expect="refuted")
    (r,) = check_derivation(d, instances=200)
    assert r.verdict.status is Status.REFUTED


def test_plain_strings_are_still_refused():
    d = Derivation("strings", tex("a + b"))
    with pytest.raises(DeriveError, match="never evaluated"):
        d.eq("a + b", by="algebra")


def test_the_same_name_is_the_same_symbol_across_strings():
    assert S.tex(r"\sum_{i=1}^{I} y_i").limits == S.tex(r"\sum_{i=1}^{I} x_i").limits
    assert S.tex(r"\sigma") == sp.Symbol("sigma", positive=True, real=True)
