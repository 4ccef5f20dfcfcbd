"""derive.latex's reader: each reading of textbook notation, SymPy's parse_latex as an
oracle on plain strings, errors that point at the fault, and nothing evaluated."""

import pytest
import sympy as sp

from derive import KL, ArgMax, ArgMin
from derive.latex import LatexError, Symbols, tex
from derive.latex.reader import read_chain
from derive.notation import AppliedConditionalDensity, AppliedDensity, AppliedModel, DataLabel


@pytest.fixture(autouse=True)
def fresh_sympy_cache():
    """SymPy caches applied functions by name: the f and g read here (models) must not be
    handed to a later test that builds a plain Function of the same name."""
    yield
    sp.core.cache.clear_cache()


def plain(e: sp.Basic) -> sp.Basic:
    """Every symbol without assumptions, as SymPy's own parser reads them."""
    return e.xreplace({s: sp.Symbol(s.name) for s in e.atoms(sp.Symbol)})


def evaluated(e: sp.Basic) -> sp.Basic:
    """``e`` rebuilt with SymPy's automatic evaluation (the reader builds without it)."""
    if not e.args:
        return e
    return e.func(*[evaluated(a) for a in e.args])


ORACLE_STRINGS = [
    r"\frac{1}{2} x + y^2", r"\sqrt{x} + \frac{a}{b}", r"a b - c", r"\sum_{i=1}^{n} i",
    r"\cos(x) \sin(y)", r"a \cdot b", r"a / b", r"\log(a b)", r"\int_{0}^{1} x dx", r"n!",
    r"-a - b", r"a^{b^{c}}", r"\frac{1}{1+\exp(-z)}",
]


@pytest.mark.parametrize("latex", ORACLE_STRINGS)
def test_sympy_parse_latex_agrees_where_it_reads(latex):
    from sympy.parsing.latex import parse_latex

    oracle = parse_latex(latex, backend="lark")
    assert isinstance(oracle, sp.Basic)
    assert evaluated(plain(tex(latex))) == oracle


def test_log_is_natural_and_I_is_a_symbol_not_the_imaginary_unit():
    e = tex(r"\log[I]")
    assert e == sp.log(sp.Symbol("I", real=True))
    assert sp.I not in e.atoms()
    assert tex(r"e^{x}") == sp.exp(sp.Symbol("x", real=True))


def test_brackets_apply_log_exp_delta_and_models():
    y, mu = sp.symbols("y mu", real=True)
    assert tex(r"\log\bigl[y\bigr]") == sp.log(y)
    assert tex(r"\exp[-y]") == sp.exp(-y)
    assert tex(r"\log\left[\exp\left[\mu\right]\right]") == sp.log(sp.exp(mu, evaluate=False),
                                                                 evaluate=False)
    assert tex(r"\delta[y-\mu]") == sp.DiracDelta(y - mu)
    model = tex(r"\mbox{\bf f}[\mathbf{x}_{i},\boldsymbol\phi]")
    assert isinstance(model, AppliedModel) and model.func.__name__ == "f"
    assert tex(r"\mbox{f}[\mathbf{x}_i, \boldsymbol\phi]") == model


def test_parentheses_apply_densities_and_functions_and_multiply_values():
    a, b, c = sp.symbols("a b c", real=True)
    density = tex(r"Pr(y|\theta)")
    assert isinstance(density, AppliedConditionalDensity)
    assert density.args == (sp.Symbol("y", real=True), sp.Symbol("theta", real=True))
    assert tex(r"P(y_i|f[x_i,\phi])").args[0].base.label == DataLabel("y", real=True)
    assert isinstance(tex("q(z)"), AppliedDensity)
    # a name the document uses alone is a value: a product
    assert tex(r"a + a(b + c)") == sp.Add(a, sp.Mul(a, sp.Add(b, c, evaluate=False),
                                                    evaluate=False), evaluate=False)
    assert Symbols(symbol="a").tex(r"a(b + c)") == sp.Mul(a, b + c, evaluate=False)
    # and one it never says anything about is refused, with what to declare
    with pytest.raises(LatexError, match=r"% derive: function a` or `% derive: symbol a"):
        tex(r"a(b + c)")


def test_subscripts_are_data_entries_bound_by_the_sum():
    e = tex(r"\sum_{i=1}^{I} \delta[y-y_{i}]")
    (index, low, high), = e.limits
    assert index.is_integer and index.is_positive and high.is_integer and high.is_positive
    (entry,) = e.atoms(sp.Indexed)
    assert entry.indices == (index,) and isinstance(entry.base.label, DataLabel)
    assert sp.Symbol("y", real=True) in e.free_symbols  # the variable y is not the data y_i
    assert tex(r"\sigma_1").name == "sigma_1"  # a digit names a symbol of its own


@pytest.mark.parametrize("latex, expected", [
    # the body of a sum takes every following term that mentions its index
    (r"\sum_{i=1}^{I} a + b_i", "Sum(a + b[i], (i, 1, I))"),
    (r"\sum_{i=1}^{I} a_i + b", "Sum(a[i], (i, 1, I)) + b"),
    (r"\sum_{i=1}^{I} a_i - b_i + c", "Sum(a[i] - b[i], (i, 1, I)) + c"),
    (r"\frac{1}{I}\sum_{i=1}^{I} a_i b", "Sum(a[i]*b, (i, 1, I))/I"),
    # in a product, a factor that does not mention the index ends the body (naive Bayes)
    (r"\prod_{i=1}^{d} p(x_i|y) p(y)", "Product(p(x[i]|y), (i, 1, d))*p(y)"),
    (r"-\sum_{i=1}^{I} -c_i", "-Sum(-c[i], (i, 1, I))"),
])
def test_reach_of_a_sum(latex, expected):
    assert sp.sstr(tex(latex), order="none") == expected


def test_an_integral_ends_at_its_differential():
    e = tex(r"\int_{-\infty}^{\infty}q(z) \log\bigl[q(z)\bigr]dz - "
            r"\int_{-\infty}^{\infty}q(z) \log\bigl[p(z)\bigr]dz")
    integrals = [t for t in sp.Add.make_args(e) if t.has(sp.Integral)]
    assert len(integrals) == 2


@pytest.mark.parametrize("latex", [
    r"\mathop{\rm argmin}_{\theta}\left[\theta^2\right]",
    r"\underset{\theta}{\text{argmin}}\left[\theta^2\right]",
    r"\operatorname*{argmin}_\theta[\theta^2]",
    r"\arg\min_{\theta} (\theta^2)",
    # the book's font slip: argmin over bold theta of a function of plain theta
    r"\mathop{\rm argmin}_{\boldsymbol\theta}\left[\theta^2\right]",
])
def test_argmin_spellings(latex):
    theta = sp.Symbol("theta", real=True)
    assert tex(latex) == ArgMin(sp.Pow(theta, 2, evaluate=False), theta)


def test_argmax_and_kl():
    theta = sp.Symbol("theta", real=True)
    assert tex(r"\mathop{\rm argmax}_{\theta}\Bigl[-\theta^2\Bigr]") == ArgMax(-theta**2, theta)
    kl = tex(r"D_{KL}\bigl[q(y)||Pr(y)\bigr]")
    assert isinstance(kl, KL) and kl.variable == sp.Symbol("y", real=True)


def test_rows_labels_and_relations_read_as_a_chain():
    chain = read_chain(r"a = b := c")
    assert chain.relations == ("=", ":=")
    with pytest.raises(LatexError, match="chain"):
        tex("a = b")


def test_declarations_change_assumptions():
    symbols = Symbols(positive="kappa", density="g", symbol="e")
    assert symbols.tex(r"\kappa").is_positive
    assert isinstance(symbols.tex("g(y)"), AppliedDensity)
    assert symbols.tex("e") == sp.Symbol("e", real=True)
    assert tex(r"\sigma^2").is_positive  # sigma is a standard deviation by default


def test_parse_error_points_at_the_fault():
    with pytest.raises(LatexError) as info:
        tex(r"\log\bigl[q(z) + \bigr]")
    message = str(info.value)
    assert "1:" in message and "expected" in message
    source_line, caret = message.splitlines()[-2:]
    assert source_line == r"\log\bigl[q(z) + \bigr]"
    assert caret.index("^") == source_line.index("]")


def test_unknown_command_fails_loudly_instead_of_being_skipped():
    with pytest.raises(LatexError, match="ldots"):
        tex(r"a + \ldots + b")
    with pytest.raises(LatexError, match="never closed|expected"):
        tex(r"\frac{1}{2")
    with pytest.raises(LatexError, match=r"\\foo.*--macros"):
        tex(r"a + \foo")


def test_hostile_strings_are_never_evaluated(tmp_path, monkeypatch):
    import builtins

    def forbidden(*args, **kwargs):
        raise AssertionError("document text was evaluated")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(sp, "sympify", forbidden)
    marker = tmp_path / "ran"
    for hostile in [f"__import__('os').system('touch {marker}')",
                    r"\text{__import__('os')}", r"x.__class__", r"\input{/etc/passwd}",
                    "exec(1)"]:
        with pytest.raises(LatexError):
            tex(hostile)
    # letters are letters: e x e c is the product e*x*e*c, and nothing runs
    assert evaluated(tex("exec")) == sp.E**2 * sp.Symbol("x", real=True) * sp.Symbol("c", real=True)
    assert not marker.exists()


def test_absurdly_deep_nesting_is_a_clear_error():
    with pytest.raises(LatexError, match="nested too deeply"):
        tex("(" * 3000 + "x" + ")" * 3000)


def test_a_bound_index_is_its_own_symbol_and_declared_indices_are_integers():
    symbols = Symbols()
    free = symbols.tex("i + 1").free_symbols
    summed = symbols.tex(r"\sum_{i=1}^{I} y_i")
    assert sp.Symbol("i", real=True) in free
    assert summed.limits[0][0] == sp.Symbol("i", integer=True, positive=True)
    declared = Symbols(index="i")
    assert declared.tex("i + 1").free_symbols == declared.tex(r"\sum_{k=1}^{i} k").free_symbols
