"""Notations d2l and UDL write alike and mean differently, read as the notation means or
refused: Euler's derivative ``D f(x)``, ``D_x f`` (or D times f); the brackets after a
derivative fraction (the point it is taken at, or a factor); ``\\mathrm{min}(a, b)`` (the
minimum, never a function named min); scripts that are abbreviations (``y^{(FM)}``)."""

import pytest
import sympy as sp

from derive import Status
from derive.checker import check_derivation
from derive.latex import LatexError, Symbols, load_document, read_document, tex
from derive.notation import SampleIndexed

x, y, a, b, theta = (sp.Symbol(n, real=True) for n in ("x", "y", "a", "b", "theta"))
f, F, u = sp.Function("f", real=True), sp.Function("F", real=True), sp.Function("u", real=True)


@pytest.fixture(autouse=True)
def fresh_sympy_cache():
    yield
    sp.core.cache.clear_cache()


def document(tmp_path, *lines: str):
    path = tmp_path / "notes.md"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return load_document(path, search_budget=100)


def verdicts(tmp_path, *lines: str) -> dict:
    return {r.entry.location.line: r.verdict.status
            for d in document(tmp_path, *lines).derivations
            for r in check_derivation(d, instances=200) if hasattr(r.entry, "candidate")}


# -- Euler's D ---------------------------------------------------------------------------

@pytest.mark.parametrize("latex", [r"D f(x)", r"Df(x)", r"D_x f(x)"])
def test_euler_d_before_a_function_is_its_derivative(latex):
    assert tex(latex) == sp.Derivative(f(x), x)


def test_euler_d_of_a_bare_function_takes_the_subscript_variable(tmp_path):
    # d2l's list of notations: df/dx = D_xf (x is a variable of the document)
    path = tmp_path / "notes.md"
    path.write_text("$$\\frac{df}{dx} = D_xf$$\n\n$$x = 1$$\n", encoding="utf-8")
    report, reads = read_document(path)
    assert report.read == 2 and reads[0].chain.sides == (sp.Derivative(f(x), x),) * 2


def test_euler_d_at_a_point_is_the_derivative_there():
    t = sp.Symbol("_t", real=True)
    assert tex(r"D f(x + 1)") == sp.Subs(sp.Derivative(f(t), t), t, x + 1)


@pytest.mark.parametrize("latex, code", [
    (r"D f", "derivative"),  # with respect to what?
    (r"D f(x, y)", "derivative"),  # with respect to which argument?
    (r"D_i f", "derivative"),  # i is only an index here: D_i or D_{x_i}?
])
def test_euler_d_that_does_not_say_with_respect_to_what_is_refused(latex, code):
    with pytest.raises(LatexError) as info:
        tex(latex)
    assert info.value.code == code and "D" in info.value.detail


def test_euler_d_where_the_document_uses_d_as_a_value_is_refused(tmp_path):
    # UDL's D is a dimension: D f(x) could be D times f(x)
    found = document(tmp_path, r"$$D = 3$$", r"$$g(x) = D f(x)$$")
    (error,) = found.report.unread
    assert error.code == "ambiguous-operator" and r"D \cdot f" in error.detail


def test_d_before_a_value_stays_a_product():
    D, h = sp.Symbol("D", real=True), sp.Symbol("h", integer=True, positive=True)
    assert tex(r"D x") == sp.Mul(D, x, evaluate=False)
    assert tex(r"D \cdot f(x)") == D * f(x)  # a product written with \cdot is a product
    assert isinstance(tex(r"D_h \sigma"), sp.Mul)  # UDL's D_h sigma^2: a count times sigma
    assert not tex(r"D_h \sigma").has(sp.Derivative) and h in tex(r"D_h \sigma").free_symbols


def test_euler_d_steps_are_checked_as_derivatives(tmp_path):
    found = verdicts(tmp_path, r"$$\frac{d}{dx} f(x) = D f(x) = D_x f(x)$$",
                     r"$$\frac{d}{dx} f(x) = D f(x) + 1$$")  # the wrong twin
    assert found[1] is Status.VERIFIED and found[3] is not Status.VERIFIED


# -- the brackets after a derivative fraction ----------------------------------------------

def test_a_derivative_fraction_before_the_variable_applied_is_taken_there():
    # d2l's chain rule: dF/du (u(x)) is F' at u = u(x), not dF/du times u(x)
    S = Symbols(function="F u")
    assert S.tex(r"\frac{dF}{du}(u(x))") == sp.Subs(
        sp.Derivative(F(sp.Symbol("u", real=True)), sp.Symbol("u", real=True)),
        sp.Symbol("u", real=True), u(x))


def test_the_chain_rule_of_d2l_reads_as_the_chain_rule_and_its_twin_does_not():
    # (the rule library has no chain rule yet: the step is UNPROVEN there, never REFUTED)
    S = Symbols(function="F u")
    left = S.tex(r"\frac{d}{dx}F(u(x))")
    right = S.tex(r"\frac{dF}{du}(u(x))\cdot \frac{du}{dx}")
    twin = S.tex(r"\frac{dF}{du}(x)\cdot \frac{du}{dx}")  # F' at x: not the chain rule
    assert sp.simplify(left.doit() - right.doit()) == 0
    assert sp.simplify(left.doit() - twin.doit()) != 0


def test_brackets_of_derivatives_after_a_derivative_fraction_are_a_factor():
    # UDL's backpropagation: dh/df (df/dh dl/df) is a product (the chain rule written out)
    e = tex(r"\frac{\partial h}{\partial f}\left(\frac{\partial f}{\partial h} g\right)")
    assert isinstance(e, sp.Mul) and not e.has(sp.Subs)
    assert sum(isinstance(factor, sp.Derivative) for factor in e.args) == 2


def test_brackets_the_notation_does_not_settle_are_refused():
    # Taylor's f'(x_0)(x - x_0): after df/dx, is (x - x_0) the point or a factor?
    with pytest.raises(LatexError) as info:
        tex(r"\frac{df}{dx}(x - x_0)")
    assert info.value.code == "ambiguous-application" and r"\cdot" in info.value.detail
    x0 = sp.Symbol("x_0", real=True)
    assert tex(r"\frac{df}{dx}(x_0)") == sp.Subs(sp.Derivative(f(x), x), x, x0)
    assert tex(r"\frac{df}{dx}(x_0) \cdot (x - x_0)").has(sp.Subs)


# -- min and max ---------------------------------------------------------------------------

@pytest.mark.parametrize("latex, kind", [
    (r"\mathrm{min}(1, \theta)", sp.Min), (r"\operatorname{max}(a, b)", sp.Max),
    (r"\max(a, b)", sp.Max), (r"\text{min}(a, b)", sp.Min),
])
def test_min_and_max_written_as_words_are_the_minimum_and_maximum(latex, kind):
    e = tex(latex)
    assert isinstance(e, kind) and e.func.__name__ in ("Min", "Max")


@pytest.mark.parametrize("latex, code", [
    (r"\mathrm{max}_x f(x)", "optimum-value"), (r"\mathrm{min}(x)", "optimum-value"),
    (r"\mathrm{max}(\mathbf{a}, b)", "linear-algebra"), (r"\max(\mathbf{a}, \mathbf{b})",
                                                        "linear-algebra"),
])
def test_min_and_max_without_a_list_of_numbers_are_refused(latex, code):
    with pytest.raises(LatexError) as info:
        tex(latex)
    assert info.value.code == code


def test_min_is_checked_as_the_minimum(tmp_path):
    found = verdicts(tmp_path, r"$$\mathrm{min}(a, b) = \min(b, a)$$",
                     r"$$\mathrm{min}(a, b) = \max(a, b)$$")  # the wrong twin
    assert found[1] is Status.VERIFIED and found[3] is Status.REFUTED


# -- scripts that are abbreviations ----------------------------------------------------------

def test_capital_letters_in_a_script_are_a_label_not_indices():
    # d2l's DeepFM: y^{(FM)} and y^{(DNN)} are the outputs of two components
    assert tex(r"\hat{y}^{(FM)}") == sp.Symbol("yhat^(FM)", real=True)
    assert tex(r"y_{DNN}") == sp.Symbol("y_DNN", real=True)
    assert not tex(r"\hat{y}^{(FM)} + \hat{y}^{(DNN)}").has(SampleIndexed)
    i, j = (sp.Symbol(n, integer=True, positive=True) for n in "ij")
    assert tex(r"x^{(ij)}").args[1:] == (i, j) and tex(r"x_{ij}").indices == (i, j)


# -- a summed index inside a subscript read as a name ----------------------------------------

def test_a_subscript_holding_a_summed_index_is_never_a_name(tmp_path):
    # UDL's G_t = sum_k gamma^k r_{t+k+1}, with t a value of the document: the name
    # r_{t+k+1} would be one number for every k
    found = document(tmp_path, r"$$t = 2$$", r"$$G_t = \sum_{k=0}^{\infty}\gamma^{k}r_{t+k+1}$$")
    (error,) = found.report.unread
    assert error.code == "subscript" and "k, summed here" in error.detail
    # the same subscript outside the sum is a name, and with t an index an entry
    assert document(tmp_path, r"$$t = 2$$", r"$$G = r_{t+1}$$").report.unread == []
    i = sp.Symbol("i", integer=True, positive=True)
    assert tex(r"\sum_{i=1}^{n} b_{ik}").function.indices[0] == i
