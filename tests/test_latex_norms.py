"""Norms as texts write them (``\\|x\\|``, ``\\|x\\|_2``, ``\\lVert x\\rVert``, ``||x||``,
``\\left\\|...\\right\\|``, ``\\|A\\|_F``) read as opaque norms, one per order written: real,
nonnegative scalars and nothing more, so no identity of norms is taken for granted. Every
reading has wrong twins that are never VERIFIED."""

import pytest
import sympy as sp
from helpers import document_verdicts

from derive import Status
from derive.latex import LatexError, tex
from derive.notation import FrobeniusNorm, Norm

x_bold = sp.Symbol("xbold", commutative=False)


@pytest.fixture(autouse=True)
def fresh_sympy_cache():
    yield
    sp.core.cache.clear_cache()


@pytest.mark.parametrize("latex, order", [
    (r"\|\mathbf{x}\|", None), (r"\lVert \mathbf{x} \rVert", None), (r"||\mathbf{x}||", None),
    (r"\Vert \mathbf{x} \Vert", None), (r"\left\| \mathbf{x} \right\|", None),
    (r"\|\mathbf{x}\|_2", 2), (r"\|\mathbf{x}\|_{1}", 1), (r"\|\mathbf{x}\|_\infty", sp.oo),
    (r"\|\mathbf{x}\|_p", sp.Symbol("p", real=True)),
])
def test_a_norm_is_read_with_the_order_written(latex, order):
    e = tex(latex)
    assert e == (Norm(x_bold) if order is None else Norm(x_bold, order))


def test_the_frobenius_norm_is_its_own_norm():
    e = tex(r"\|\mathbf{W}\|_\textrm{F}")
    assert isinstance(e, FrobeniusNorm) and e != Norm(sp.Symbol("Wbold", commutative=False), 2)
    assert tex(r"\|\mathbf{W}\|_F") == e


@pytest.mark.parametrize("latex", [r"\|\mathbf{x}\|^2_2", r"\|\mathbf{x}\|_2^2",
                                   r"\left\|\mathbf{x}\right\|_{2}^{2}"])
def test_the_scripts_of_a_norm_come_in_either_order(latex):
    assert tex(latex) == sp.Pow(Norm(x_bold, 2), 2, evaluate=False)


def test_a_norm_is_a_nonnegative_real_scalar_even_of_a_vector():
    e = tex(r"\|\mathbf{x} - \mathbf{y}\|")
    assert e.is_commutative and e.is_real and e.is_nonnegative and e.is_positive is None
    assert tex(r"\|\mathbf{x}\|\|\mathbf{w}\| - \|\mathbf{w}\|\|\mathbf{x}\|").doit() == 0


def test_bars_around_a_scalar_are_its_absolute_value_and_around_a_vector_refused():
    assert tex(r"|\alpha| \|\mathbf{x}\|") == sp.Abs(sp.Symbol("alpha", real=True)) \
        * Norm(x_bold)
    with pytest.raises(LatexError) as info:
        tex(r"|\mathbf{x}|")
    assert info.value.code == "linear-algebra"


def test_a_norm_is_rendered_back_as_written():
    assert sp.latex(tex(r"\|\mathbf{x}\|^2_2")) == r"\left\|\boldsymbol{x}\right\|_{2}^{2}"
    assert sp.latex(tex(r"\|\mathbf{W}\|_\textrm{F}")) == \
        r"\left\|\boldsymbol{W}\right\|_{\mathrm{F}}"
    assert sp.sstr(tex(r"\|\mathbf{x}\|_2 + \|\mathbf{x}\|")) in ("||xbold||_2 + ||xbold||",
                                                                   "||xbold|| + ||xbold||_2")


@pytest.mark.parametrize("latex", [r"\|\mathbf{x}\|_{2,1}", r"\|\mathbf{x}\|_0",
                                   r"\|\mathbf{x}\|_{\mathbf{M}}"])
def test_a_norm_of_an_order_derive_has_no_reading_for_is_refused(latex):
    with pytest.raises(LatexError) as info:
        tex(latex)
    assert info.value.code == "norm" and r"\|x\|_p" in str(info.value)


def test_wrong_norm_identities_are_never_verified(tmp_path):
    found = document_verdicts(
        tmp_path,
        r"$$a = \|\mathbf{x}+\mathbf{y}\|_2 = \|\mathbf{x}\|_2 + \|\mathbf{y}\|_2$$",
        r"$$b = \|\mathbf{x}\|_2 = \|\mathbf{x}\|_1$$",
        r"$$c = \|\mathbf{x}\| = \|\mathbf{x}\|_2$$",
        r"$$d = \|x\|^2 = x^2$$",
        r"$$g = \|x\| = |x|$$",
        r"$$h = \|\mathbf{W}\|_F = \|\mathbf{W}\|_2$$",
        r"$$k = \|\mathbf{x}-\mathbf{y}\| = \|\mathbf{x}\|-\|\mathbf{y}\|$$")
    assert len(found) == 7
    assert all(status is not Status.VERIFIED for status in found.values()), found


def test_a_true_line_with_norms_is_verified(tmp_path):
    found = document_verdicts(tmp_path, r"$$v = \frac{\lambda}{2}\|\mathbf{w}\|^2 + "
                               r"\frac{\lambda}{2}\|\mathbf{w}\|^2 = \lambda\|\mathbf{w}\|^2$$")
    assert list(found.values()) == [Status.VERIFIED]
