"""The report's LaTeX printer: the book's notation, the plain one, and what MathJax can read."""

import re

import pytest
import sympy as sp
from test_report_fixtures import PROOF, REFERENCE

from derive import KL, ArgMax, ArgMin, data, density, model
from derive.loader import load_file
from derive.report.printer import parameters, to_latex

y, z = sp.symbols("y z", real=True)
theta, phi = sp.symbols("theta phi", real=True)
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)
q, p = density("q"), density("p")
Pr = density("Pr", conditional=True)
f = model("f")
Y, X = data("y"), data("x")


def book(e, **kw):
    return to_latex(e, "book", **kw)


def test_log_in_square_brackets():
    assert book(sp.log(q(y))) == r"\log\bigl[q(y)\bigr]"
    assert to_latex(sp.log(q(y)), "plain") == r"\log\left(q(y)\right)"


def test_conditional_density_and_model_with_bold_parameters():
    assert book(Pr(Y[i], f(X[i], phi))) == \
        r"Pr(y_{i}|\mbox{\bf f}[\mathbf{x}_{i},\boldsymbol\phi])"
    assert to_latex(Pr(Y[i], theta), "plain") == r"Pr(y_{i} \mid \theta)"
    assert to_latex(f(X[i], phi), "book", "mathjax") == \
        r"\mathbf{f}[\mathbf{x}_{i},\boldsymbol\phi]"


def test_argmin_argmax_kl_delta():
    assert book(ArgMin(KL(q(y), Pr(y, theta), y), theta)) == (
        r"\mathop{\rm argmin}_{\boldsymbol\theta}"
        r"\left[D_{KL}\bigl[q||Pr(y|\boldsymbol\theta)\bigr]\right]")
    assert to_latex(ArgMax(theta, theta), "plain") == \
        r"\operatorname*{argmax}_{\theta}\left(\theta\right)"
    assert book(sp.DiracDelta(y - Y[i])) == r"\delta[y - y_{i}]"


def test_sum_prints_positive_terms_first():
    a, b = sp.symbols("a b", positive=True)
    assert sp.latex(b - a).startswith("- a")  # SymPy's own order, which the book does not use
    assert book(b - a) == "b - a"
    assert book(-a - b) == "-a - b"


def test_one_over_I_in_front_of_a_sum():
    s = sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I))
    assert book(-s / I, bold=[theta]) == \
        r"-\frac{1}{I} \sum_{i=1}^{I} \log\bigl[Pr(y_{i}|\boldsymbol\theta)\bigr]"
    assert book(sp.Symbol("a") / I) == r"\frac{a}{I}"


def test_mixture_in_an_integrand_is_bracketed_in_front():
    mixture = sp.Sum(sp.DiracDelta(y - Y[i]), (i, 1, I)) / I
    e = sp.Integral(mixture * sp.log(Pr(y, theta)), (y, -sp.oo, sp.oo))
    assert book(e, bold=[theta]) == (
        r"\int_{-\infty}^{\infty} \left(\frac{1}{I} \sum_{i=1}^{I} \delta[y - y_{i}]\right)"
        r"\log\bigl[Pr(y|\boldsymbol\theta)\bigr]\,dy")


def test_mathjax_target_avoids_text_mode_macros():
    e = ArgMin(-sp.Sum(sp.log(Pr(Y[i], f(X[i], phi))), (i, 1, I)), phi)
    out = to_latex(e, "book", "mathjax")
    assert r"\mbox" not in out and r"\rm" not in out and r"\," not in out
    assert r"\mathop{\mathrm{argmin}}" in out


@pytest.mark.parametrize("name", [r"\input{/etc/passwd}", "a}b", r"x\write18{ls}", "%"])
def test_hostile_names_print_as_escaped_text(name):
    out = book(sp.Symbol(name) + density(name)(y))
    assert r"\input" not in out and r"\write" not in out
    assert "%" not in out.replace(r"\%", "")
    assert out.count("{") - out.count(r"\{") == out.count("}") - out.count(r"\}")


def test_parameters_are_optimised_variables_and_model_arguments():
    e = ArgMin(-sp.log(Pr(Y[1], f(X[1], phi))), phi)
    assert parameters([e, Pr(y, theta)]) == {phi}
    assert parameters([ArgMin(Pr(y, theta), theta)]) == {theta}


# -- the book's own lines -----------------------------------------------------------------

def _book_equations(chapter_title: str, first: int, last: int) -> dict[int, list[str]]:
    """Equations ``first``..``last`` of a chapter of UDL_Equations.tex, each as its lines."""
    text = REFERENCE.read_text(encoding="utf-8")
    chapter = text.split(r"\chapter{" + chapter_title + "}", 1)[1].split(r"\chapter", 1)[0]
    envs = re.findall(r"\\begin\{(eqnarray|equation)\*?\}(.*?)\\end\{\1\*?\}", chapter, re.S)
    return {k: [line for line in re.split(r"\\\\", body)]
            for k, (_, body) in enumerate(envs, 1) if first <= k <= last}


def _normal(latex: str) -> str:
    """Equal up to spacing, label and tag macros, punctuation at the end of an equation,
    braces around one-token sub/superscripts and bold, and the \\, before a differential."""
    latex = re.sub(r"\\label\{[^}]*\}|\\nonumber|\\notag", "", latex)
    latex = latex.replace(r"\,", "").replace("&=&", "=").replace("&", "")
    latex = re.sub(r"\\hat\{\\boldsymbol\\(theta|phi)\}\s*=", "", latex)
    latex = re.sub(r"_(\w)", r"_{\1}", latex)
    latex = re.sub(r"\s+", "", latex)
    return latex.rstrip(".,")


@pytest.mark.skipif(not REFERENCE.exists(), reason=f"the book's LaTeX is not at {REFERENCE}")
def test_udl_5_27_to_5_31_print_as_the_book_prints_them():
    book_lines = _book_equations("Loss functions", 27, 31)
    d27, d_nll = load_file(PROOF)
    ours = {27: [to_latex(d27.first) + "=" + to_latex(d27.entries[0].after)]}
    bold = parameters([d_nll.first] + [e.after for e in d_nll.steps])
    steps = {s.label: to_latex(s.after, bold=bold) for s in d_nll.steps}
    definition = d_nll.entries[0]
    ours[28] = [to_latex(definition.lhs) + "=" + to_latex(definition.rhs)]
    ours[29] = [steps["5.29a"], "=" + steps["5.29b"]]
    ours[30] = [steps["5.30a"], "=" + steps["5.30b"], "=" + steps["5.30c"]]
    ours[31] = [steps["5.31"]]
    for number, lines in ours.items():
        theirs = [_normal(line) for line in book_lines[number]]
        # The book's own slip: 5.30's first line writes argmin over a plain theta.
        theirs = [t.replace(r"argmin}_{\theta}", r"argmin}_{\boldsymbol\theta}") for t in theirs]
        assert [_normal(line) for line in lines] == [t for t in theirs if t], f"eq. 5.{number}"


def test_functions_follow_a_fraction_and_brackets_grow_around_one():
    mu = sp.Symbol("mu", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    gaussian = sp.exp(-(y - mu) ** 2 / (2 * sigma ** 2)) / sp.sqrt(2 * sp.pi * sigma ** 2)
    out = book(gaussian)
    assert out.startswith(r"\frac{\sqrt{2}}{2 \sqrt{\pi} \sigma} \exp\left[")
    assert book(sp.log(1 / sigma)) == r"\log\left[\frac{1}{\sigma}\right]"
    assert book(sp.log(sigma)) == r"\log\bigl[\sigma\bigr]"


def test_the_largest_term_prints_as_the_book_writes_max():
    from derive.kernel import Maximum

    k = sp.Symbol("k", integer=True, positive=True)
    K = sp.Symbol("K", integer=True, positive=True)
    a = data("a")
    largest = Maximum(a[k], (k, 1, K))
    # over the index's whole range, 1 to the count K, the index alone
    assert book(largest) == r"\max_{k}\bigl[a_{k}\bigr]"
    assert to_latex(largest, "plain") == r"\max_{k} a_{k}"
    assert sp.latex(largest) == r"\max_{k} {a}_{k}"  # outside reports too
    # any other range written out
    assert to_latex(Maximum(a[k], (k, 2, K)), "plain") == r"\max_{2 \leq k \leq K} a_{k}"
    assert to_latex(Maximum(a[k], (k, 1, K - 1)), "plain") == r"\max_{1 \leq k \leq K - 1} a_{k}"
    # a compound body bracketed, and the max bracketed under a power
    assert to_latex(Maximum(a[k] + 1, (k, 1, K)), "plain") == r"\max_{k} \left(a_{k} + 1\right)"
    assert to_latex(largest ** 2, "plain") == r"\left(\max_{k} a_{k}\right)^{2}"
    assert book(sp.log(K) + largest) == r"\log\bigl[K\bigr] + \max_{k}\bigl[a_{k}\bigr]"
    assert "Maximum" not in book(K * Maximum(sp.exp(a[k]), (k, 1, K)))
    # as text (derive check's lines), the range is always written
    assert str(sp.log(K) + largest) == "log(K) + max_{k=1..K}[a[k]]"
    assert str(2 * largest ** 2) == "2*(max_{k=1..K}[a[k]])**2"


def test_joint_and_unconditioned_densities_print_as_the_book_writes_them():
    x = sp.Symbol("x", real=True)
    joint, prior = Pr(sp.Tuple(x, z), phi), Pr(z)
    assert book(joint) == r"Pr(x,z|\phi)"
    assert to_latex(joint, "plain") == r"Pr(x,z \mid \phi)"
    assert book(prior) == to_latex(prior, "plain") == "Pr(z)"  # no bar without a condition
    assert sp.latex(joint) == r"Pr(x,z|\phi)" and str(joint) == "Pr(x, z|phi)"
    # a conditional density without its condition is not shortened to its name in a KL
    qz = density("q", conditional=True)(z, theta)
    assert book(KL(qz, prior, z)) == r"D_{KL}\bigl[q(z|\theta)||Pr(z)\bigr]"
    assert sp.latex(KL(qz, prior, z)) == r"D_{KL}\bigl[q(z|\theta)||Pr(z)\bigr]"
    assert book(KL(q(z), p(z), z)) == r"D_{KL}\bigl[q||p\bigr]"  # plain densities still are
    # a ratio of densities is one fraction (UDL 17.14-17.18); 1/I stays in front of a sum
    assert book(sp.log(joint / qz)) == r"\log\left[\frac{Pr(x,z|\phi)}{q(z|\theta)}\right]"
    assert book(sp.Mul(qz, joint / qz, evaluate=False)) == \
        r"q(z|\theta) \frac{Pr(x,z|\phi)}{q(z|\theta)}"
    assert book(sp.Sum(Pr(Y[i], theta), (i, 1, I)) / I).startswith(r"\frac{1}{I} \sum")


def test_a_function_of_the_author_takes_the_book_s_brackets():
    elbo = sp.Function("ELBO")
    assert book(elbo(theta, phi)) == r"\operatorname{ELBO}[\theta,\phi]"
    assert to_latex(elbo(theta, phi), "plain") == r"\operatorname{ELBO}{\left(\theta, \phi\right)}"
    assert book(sp.Function("g")(y)) == r"g\bigl[y\bigr]"
    out = book(sp.Function(r"x}\input{evil")(y))
    assert r"\input" not in out and out.count("{") == out.count("}")
