"""Which relations of a document are steps: the rows of a display and a display that
continues the one before are the author's; a link derive infers between displays is a
candidate, never refuted; definitions and conditions are not claims; inline math is not a
display; prose inside a display separates equations. And what a run reports of its reach."""

import json

import pytest
import sympy as sp
from shared_corpora import BOOK, D2L, needs_book, needs_d2l

from derive import Status
from derive.checker import check_derivation
from derive.cli import main
from derive.latex import load_document


@pytest.fixture(autouse=True)
def fresh_sympy_cache():
    yield
    sp.core.cache.clear_cache()


def document(tmp_path, text: str, name: str = "notes.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, load_document(path, search_budget=100)


def results(loaded) -> list:
    return [r for d in loaded.derivations for r in check_derivation(d, instances=200)
            if hasattr(r.entry, "candidate")]


def test_a_repeated_left_side_is_a_candidate_never_refuted(tmp_path):
    _, loaded = document(tmp_path, "The model is\n\n$$\\hat y = b + w x$$\n\n"
                                   "and later a better one,\n\n"
                                   "$$\\hat y = b + w_1 x + w_2 x^2$$\n")
    (r,) = results(loaded)
    assert r.entry.candidate and r.outcome == "not linked" and r.expected
    assert r.verdict.status is not Status.REFUTED


def test_a_proved_candidate_is_a_step(tmp_path):
    _, loaded = document(tmp_path, "$$L = \\log[a b]$$\n\n$$L = \\log[a] + \\log[b]$$\n"
                                   "<!-- derive: positive a, b -->\n")
    (r,) = results(loaded)
    assert r.entry.candidate and r.verdict.status is Status.VERIFIED


def test_rows_and_continued_displays_are_the_authors_steps(tmp_path):
    _, loaded = document(tmp_path, "\\begin{align}\n(a+b)^2 &= a^2 + 2ab + b^2 \\\\\n"
                                   "&= a^2 + b^2\n\\end{align}\n\n\\[ = b^2 + a^2 \\]\n",
                         name="notes.tex")
    found = results(loaded)
    assert [r.verdict.status for r in found] == [Status.VERIFIED, Status.REFUTED,
                                                 Status.VERIFIED]
    assert not any(r.entry.candidate for r in found)
    assert [r.entry.location.line for r in found] == [2, 3, 6]


def test_inline_math_in_running_text_is_not_a_display(tmp_path):
    _, loaded = document(tmp_path, "With $$\\eta=0$$ the step is zero, and with "
                                   "$$\\eta=1$$ it is the gradient.\n\n$$a + b = b + a$$\n")
    assert loaded.report.displays == 1
    (r,) = results(loaded)
    assert r.verdict.status is Status.VERIFIED


def test_a_paragraph_of_one_dollar_formula_is_a_display(tmp_path):
    _, loaded = document(tmp_path, "Text with $x$ inline.\n\n$ (a + b)^2 = a^2 + 2ab + b^2 $\n")
    assert loaded.report.displays == 1
    (r,) = results(loaded)
    assert r.verdict.status is Status.VERIFIED


@pytest.mark.parametrize("separator", [r"\quad\text{where}\quad", r"\quad\text{and}\quad",
                                       r",\;", r"\qquad"])
def test_prose_inside_a_display_separates_equations(tmp_path, separator):
    _, loaded = document(tmp_path, f"$$ (a+b)^2 = a^2 + 2ab + b^2 {separator} c = d + 1 $$\n")
    found = results(loaded)
    assert [r.verdict.status for r in found] == [Status.VERIFIED]  # c = d + 1 defines c


def test_a_condition_beside_an_equation_makes_it_no_claim(tmp_path):
    _, loaded = document(tmp_path, r"$$ |x| = x \quad \text{for } x \geq 0 $$" + "\n")
    assert results(loaded) == [] and "condition" in loaded.report.skipped[0]


def test_an_equation_introduced_as_a_condition_is_no_claim(tmp_path):
    _, loaded = document(tmp_path, "vectors are dependent if there are $a_i$ so that\n\n"
                                   "$$\\sum_{i=1}^k a_i v_i = 0.$$\n")
    assert results(loaded) == [] and "so that" in loaded.report.skipped[0]


@pytest.mark.parametrize("definition", [
    r"f(x) = 3x^2 - 4x", r"\bar x = \frac1N\sum_{n=1}^{N} x_n", r"m = \mathbb{E}_t[t]",
    r"\mathrm{sig}(z) = \frac{1}{1+\exp(-z)}",
    r"\hat{p}(t) = \frac{1}{N}\sum_{n=1}^{N} \delta(t - t_n)",
])
def test_a_first_equation_of_a_new_name_is_a_definition_not_a_claim(tmp_path, definition):
    _, loaded = document(tmp_path, f"$${definition}$$\n")
    assert loaded.report.read == 1
    assert not any(hasattr(e, "candidate") for d in loaded.derivations for e in d.entries)


def test_a_step_resting_on_values_given_in_the_text_is_never_refuted(tmp_path):
    # x_i and p_i are given in the prose: the two sides share no variable
    _, loaded = document(tmp_path, r"$$\sum_{i=1}^{3} x_i p_i = (a-2)p + a(1-2p) + (a+2)p$$"
                                   "\n")
    (r,) = results(loaded)
    assert r.entry.rests_on_text and r.verdict.status is Status.UNPROVEN
    assert any("not refuted" in note for note in r.verdict.notes)


def test_macros_of_the_document_and_of_a_file(tmp_path):
    macros = tmp_path / "macros.tex"
    macros.write_text(r"\newcommand{\loss}[1]{\log\left[#1\right]}" + "\n")
    path = tmp_path / "notes.tex"
    path.write_text("\\newcommand{\\sq}[1]{{#1}^2}\n\\def\\two{2}\n"
                    "\\[ \\sq{a+b} = a^2 + \\two ab + b^2 \\]\n\\[ \\loss{a} = \\loss{a} \\]\n")
    assert main(["check", str(path), "--no-cache", "--instances", "20"]) == 3  # \loss unknown
    assert main(["check", str(path), "--no-cache", "--instances", "20", "--macros",
                 str(macros)]) == 0


def test_json_reports_the_reach_and_all_unread_exits_3(tmp_path, capsys):
    path = tmp_path / "notes.md"
    path.write_text("$$f(x) = \\begin{cases} 0 & x<0 \\\\ x & x \\geq 0\\end{cases}$$\n\n"
                    "$$a = x_1 + \\ldots + x_n$$\n")
    assert main(["check", str(path), "--format", "json", "--no-cache"]) == 3
    data = json.loads(capsys.readouterr().out)
    (reach,) = data["documents"]
    assert (reach["displays"], reach["read"], reach["unread"]) == (2, 0, 2)
    assert [(u["line"], u["reason"]) for u in reach["unread_displays"]] == [
        (1, "cases"), (3, "ellipsis")]
    assert all(u["column"] and u["message"] for u in reach["unread_displays"])
    assert main(["check", str(path), "--no-cache"]) == 3
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == f"{path}: 2 displays, 0 read, 2 unread (cases 1, ellipsis 1)"


def test_the_text_output_ends_with_the_counts(tmp_path, capsys):
    path = tmp_path / "notes.md"
    path.write_text("$$a + b = b + a$$\n\n$$\\lim_{n} a_n = 0$$\n")
    assert main(["check", str(path), "--no-cache", "--instances", "20"]) == 3
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        f"{path}: 2 displays, 1 read, 1 unread (limit 1)")


@needs_book
@pytest.mark.slow
def test_every_chapter_of_the_book_is_read_without_a_crash():
    for chapter in range(2, 20):
        report = load_document(BOOK, chapter, search_budget=1).report
        assert report.read + len(report.unread) == report.displays


@needs_d2l
@pytest.mark.slow
def test_every_section_of_d2l_is_read_without_a_crash():
    for path in sorted(D2L.rglob("*.md")):
        report = load_document(path, search_budget=1).report
        assert report.read + len(report.unread) == report.displays


def test_a_step_between_neighbouring_terms_of_a_sequence_rests_on_its_recurrence(tmp_path):
    """UDL 18's footnote: true because alpha_t = alpha_{t-1}(1 - beta_t), which the text
    gives in words: never refuted, UNPROVEN saying why. Its twin without alpha_{t-1}
    (one index only) is refuted."""
    line = (r"$$\frac{(1-\alpha_{t-1})(1-\beta_{t})+\beta_{t}}{(1-\alpha_{t})\sqrt{1-\beta_{t}}}"
            r" =\frac{1}{\sqrt{1-\beta_{t}}}$$")
    _, loaded = document(tmp_path, line + "\n")
    (r,) = results(loaded)
    assert r.verdict.status is Status.UNPROVEN
    assert "recurrence" in r.entry.note
    twin = r"$$\frac{(1-\alpha_{t})(1-\beta_{t})+\beta_{t}}{1-\alpha_{t}} = 1$$"
    _, loaded = document(tmp_path, twin + "\n", "twin.md")
    (r,) = results(loaded)
    assert r.verdict.status is Status.REFUTED


def test_neighbouring_terms_are_seen_whether_read_as_indices_or_as_names():
    from derive.latex.chains import _neighbouring_terms

    alpha, t = sp.IndexedBase("alpha"), sp.Symbol("t", integer=True)
    assert _neighbouring_terms(alpha[t] + alpha[t - 1]) == {sp.Symbol("alpha")}
    named = sp.symbols("alpha_t alpha_t-1")
    assert _neighbouring_terms(named[0] / (1 - named[1])) == {sp.Symbol("alpha")}
    assert _neighbouring_terms(alpha[t] * sp.Symbol("beta_t")) == set()  # one index each


@pytest.mark.parametrize("rhs, status", [
    (r"\frac{1 - \exp(-2x)}{1 + \exp(-2x)}", Status.VERIFIED),
    (r"\frac{1 - \exp(-x)}{1 + \exp(-2x)}", Status.REFUTED),  # twin: one exponent halved
])
def test_an_identity_of_a_known_function_is_a_claim_checked_as_a_step(tmp_path, rhs, status):
    _, loaded = document(tmp_path, f"$$\\operatorname{{tanh}}(x) = {rhs}$$\n")
    (r,) = results(loaded)
    assert r.verdict.status is status


def test_a_new_name_stated_is_a_definition_not_a_claim(tmp_path):
    _, loaded = document(tmp_path, r"$$\mathrm{sig}(z) = \frac{1}{1+\exp(-z)}$$" + "\n")
    assert loaded.report.definitions == 1 and results(loaded) == []


@pytest.mark.parametrize("rhs, verified", [
    (r"e^{x} - e^{0}", True),
    (r"e^{x} - e^{0} - 1", False),  # twin: the lower bound counted twice
])
def test_an_integral_whose_variable_also_names_its_upper_bound_is_found(tmp_path, rhs,
                                                                        verified):
    """d2l's integral calculus: int_0^x e^x dx, the x under the integral its own dummy and
    the bound the free x. Found without an annotation (the rule renames the dummy)."""
    _, loaded = document(tmp_path, f"$$\\int_0^{{x}} e^{{x}} \\; dx = {rhs}.$$\n")
    (r,) = results(loaded)
    assert (r.verdict.status is Status.VERIFIED) is verified, r.verdict.symbolic.detail
