"""Sums over a finite set as texts write them (``\\sum_{i \\in \\mathcal{V}}``,
``\\frac{1}{|\\mathcal{B}|}\\sum_{i \\in \\mathcal{B}_t}``) read exactly: a sum over the
elements V_1..V_|V| of the set in some enumeration, nothing known of the elements (a subset
is never 1..|V|); ``|\\mathcal{B}|`` its number of elements. Wrong twins are never VERIFIED."""

import pytest
import sympy as sp
from helpers import document_verdicts

from derive import Status
from derive.latex import LatexError, tex
from derive.notation import SetElement


@pytest.fixture(autouse=True)
def fresh_sympy_cache():
    yield
    sp.core.cache.clear_cache()


def test_a_sum_over_a_set_runs_over_its_elements():
    e = tex(r"\sum_{i \in \mathcal{V}} x_i")
    (index, low, high), = e.limits
    assert low == 1 and high.name == "N_Vcal" and high.is_integer and high.is_positive
    (entry,) = e.function.indices
    assert entry == SetElement(sp.Symbol("Vcal"), index)
    assert sp.latex(e) == r"\sum_{i=1}^{N_{\mathcal{V}}} {x}_{{\mathcal{V}}_{i}}"


def test_the_size_of_a_set_is_the_bound_of_a_sum_over_it():
    e = tex(r"\frac{1}{|\mathcal{B}|} \sum_{i \in \mathcal{B}} x_i")
    sums = list(e.atoms(sp.Sum))
    assert sums[0].limits[0][2] in e.free_symbols and sums[0].limits[0][2].name == "N_Bcal"
    # a subscripted set is another set: d2l writes |B| beside a sum over B_t
    f = tex(r"\frac{1}{|\mathcal{B}|} \sum_{i \in \mathcal{B}_t} x_i")
    assert {s.name for s in f.free_symbols} >= {"N_Bcal", "Bcal_t"}


def test_a_primed_index_and_a_variable_over_a_set():
    e = tex(r"\sum_{s' \in \mathcal{S}} P(s' \mid s)")
    assert e.function.args[0] == SetElement(sp.Symbol("Scal"), e.limits[0][0])


@pytest.mark.parametrize("latex", [
    r"\sum_{(u, i) \in \mathcal{K}} x_i", r"\sum_{\mathbf{x} \in \mathcal{B}} \mathbf{x}",
    r"\sum_{x \in \mathbb{R}} x", r"\sum_{i \in \mathcal{V}}^{n} x_i",
    r"\sum_{j \in I \backslash S_u} x_j", r"\sum_{k \in \textrm{workers}} g_k",
])
def test_other_sets_and_conditions_under_a_sum_are_refused(latex):
    with pytest.raises(LatexError) as info:
        tex(latex)
    assert info.value.code == "sum"


def test_wrong_set_sums_are_never_verified_and_true_ones_are(tmp_path):
    found = document_verdicts(
        tmp_path,
        r"$$a = \sum_{i \in \mathcal{B}} x_i = \sum_{i=1}^{|\mathcal{B}|} x_i$$",
        r"$$b = \sum_{i \in \mathcal{A}} x_i = \sum_{i \in \mathcal{B}} x_i$$",
        r"$$c = \sum_{i \in \mathcal{V}} x_i^2 = \left(\sum_{i \in \mathcal{V}} x_i\right)^2$$",
        r"$$d = \sum_{i \in \mathcal{B}} 1 = |\mathcal{V}|$$",
        r"$$g = \sum_{i \in \mathcal{V}} (x_i + y_i) = \sum_{i \in \mathcal{V}} x_i + "
        r"\sum_{j \in \mathcal{V}} y_j$$",
        r"$$h = \frac{1}{|\mathcal{B}|}\sum_{i \in \mathcal{B}} 1 = 1$$")
    assert [found[line] is Status.VERIFIED for line in (1, 3, 5, 7)] == [False] * 4
    assert found[9] is Status.VERIFIED and found[11] is Status.VERIFIED


@pytest.mark.parametrize("latex", [r"f^{(n)}(x)", r"\sum_{i=1}^{n} l^{(i)}(\mathbf{w}, b)"])
def test_a_function_with_a_superscript_index_is_refused_never_read_without_it(latex):
    """d2l writes f^{(n)}(x) for a derivative and l^{(i)}(w, b) for the i-th example's loss;
    both were read as the bare function, the superscript lost."""
    with pytest.raises(LatexError) as info:
        tex(latex)
    assert info.value.code == "ambiguous-superscript"
