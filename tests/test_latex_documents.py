"""derive.latex on documents: the book's and the seed post's own LaTeX verify 5.27-5.31,
a wrong step written into a copy is REFUTED at its line, bad input gets a clear message."""

from pathlib import Path

import pytest
import sympy as sp
from shared_corpora import BOOK, SEED, needs_book, needs_seed

from derive import Status
from derive.checker import check_derivation
from derive.cli import main
from derive.latex import LatexError, load_document, tex

CHAIN_LABELS = ["5.27", "5.28", "5.29", "5.30a", "5.30b", "5.30c", "5.31"]


@pytest.fixture(autouse=True)
def fresh_sympy_cache():
    """SymPy caches applied functions by name: the f and g read here (models) must not be
    handed to a later test that builds a plain Function of the same name."""
    yield
    sp.core.cache.clear_cache()


def results(document, wanted=None):
    out = {}
    for d in document.derivations:
        for r in check_derivation(d, instances=200):
            if wanted is None or r.label in wanted:
                out[r.label] = r
    return out


def book_copy(tmp_path, right: str, wrong: str) -> Path:
    """The book with one change in chapter 5 (read from ../shared, written to a temporary
    folder, never stored in the repository)."""
    text = BOOK.read_text(encoding="utf-8")
    start = text.index(r"\chapter{Loss functions}")
    at = text.index(right, start)
    path = tmp_path / "book.tex"
    path.write_text(text[:at] + wrong + text[at + len(right):], encoding="utf-8")
    return path


@needs_book
def test_book_5_27_to_5_31_verified_without_annotations():
    document = load_document(BOOK, chapter=5)
    found = results(document, CHAIN_LABELS)
    assert sorted(found) == sorted(CHAIN_LABELS)
    for label, r in found.items():
        assert r.verdict.status is Status.VERIFIED, (label, r.verdict.symbolic.detail)
        assert r.entry.location.file == str(BOOK)
    assert found["5.27"].entry.location.line == 357
    assert found["5.30b"].entry.rule_names == "swap_sum_integral, dirac_sifting"
    assert found["5.31"].entry.rule_names.startswith("reparametrise(theta")


@needs_seed
def test_seed_post_verified_without_annotations():
    document = load_document(SEED)
    assert document.report.unread == []
    statuses = [r.verdict.status for r in results(document).values()]
    assert len(statuses) == 6 and set(statuses) == {Status.VERIFIED}


@needs_book
def test_wrong_step_in_a_copy_of_the_book_is_refuted_at_its_line(tmp_path):
    # 5.30c with the sign lost: argmin of the log-likelihood instead of its negative
    right = r"&=&\mathop{\rm argmin}_{\boldsymbol\theta}\left[-\sum_{i=1}^{I}"
    wrong = r"&=&\mathop{\rm argmin}_{\boldsymbol\theta}\left[\sum_{i=1}^{I}"
    path = book_copy(tmp_path, right, wrong)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if wrong in text)
    found = results(load_document(path, chapter=5), ["5.30c"])
    assert found["5.30c"].verdict.status is Status.REFUTED
    assert found["5.30c"].entry.location.line == line


@needs_seed
def test_wrong_link_between_displays_of_the_seed_is_not_linked_never_refuted(tmp_path):
    # The post writes each equation in a paragraph of its own: derive infers the links (the
    # same left side again), and an inferred link that is not proved is no step at all.
    text = SEED.read_text(encoding="utf-8")
    # the last line of 5.30 with the sign lost
    right = r"\left[ -\sum_{i=1}^{I} \log[P(y_i|\theta)] \right]"
    wrong = r"\left[ \sum_{i=1}^{I} \log[P(y_i|\theta)] \right]"
    assert right in text
    path = tmp_path / "post.md"
    path.write_text(text.replace(right, wrong), encoding="utf-8")
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if wrong in t)
    found = [r for r in results(load_document(path)).values()
             if r.entry.location.line == line]
    assert found and found[0].entry.candidate
    assert found[0].verdict.status is Status.UNPROVEN and found[0].outcome == "not linked"
    assert found[0].expected  # not a failure: the author wrote no step there


def test_justifications_by_comment_and_text_are_used(tmp_path):
    path = tmp_path / "notes.tex"
    path.write_text("\n".join([
        r"\begin{align}",
        r"D_{KL}[q||p] &= \int_{-\infty}^{\infty} q(z)\log\left[\frac{q(z)}{p(z)}\right]dz"
        r" \quad \text{by kl_definition} \\",
        r"&= \int_{-\infty}^{\infty} q(z)\log[q(z)]dz - \int_{-\infty}^{\infty}"
        r" q(z)\log[p(z)]dz % by: log_of_product, integral_linearity",
        r"\end{align}"]), encoding="utf-8")
    document = load_document(path)
    found = results(document)
    assert [r.entry.rule_names for r in found.values()] == [
        "kl_definition", "log_of_product, integral_linearity"]
    assert {r.verdict.status for r in found.values()} == {Status.VERIFIED}
    assert [r.entry.location.line for r in found.values()] == [2, 3]
    assert document.report.searched == {}


def test_an_unknown_justification_names_close_rules(tmp_path):
    path = tmp_path / "notes.tex"
    path.write_text("\\begin{equation}\na + a = 2 a % by: kl_defintion\n\\end{equation}\n")
    with pytest.raises(LatexError, match="kl_definition"):
        load_document(path)


def test_markdown_declarations_and_skipped_displays(tmp_path):
    path = tmp_path / "post.md"
    path.write_text("\n".join([
        "<!-- derive: positive kappa -->",
        "Some prose with $x$ inline.", "",
        "$$\\kappa = \\kappa$$", "",
        "$$ a + b $$", "",
        "```", "$$ not math: in a code block $$", "```", "",
        "$$\\log[\\kappa^2] = 2\\log[\\kappa]$$"]), encoding="utf-8")
    document = load_document(path)
    report = document.report
    assert report.displays == 3 and report.read == 3 and report.unread == []
    assert len(report.skipped) == 2  # kappa = kappa names a result; a + b has no relation
    (r,) = results(document).values()
    assert r.verdict.status is Status.VERIFIED  # log of a power: kappa declared positive


def test_hostile_document_runs_nothing(tmp_path, monkeypatch):
    import builtins

    def forbidden(*args, **kwargs):
        raise AssertionError("document text was evaluated")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    marker = tmp_path / "ran"
    path = tmp_path / "hostile.tex"
    path.write_text("\n".join([
        f"% derive: function __import__('os').system('touch {marker}')",
        r"\begin{equation}",
        f"__import__('os').system('touch {marker}') = 1",
        r"\end{equation}",
        r"\begin{equation}\input{/etc/passwd} = \write18{touch " + str(marker) + r"}\end{equation}",
        r"\[ a = \immediate\write18{rm -rf /} \]"]), encoding="utf-8")
    with pytest.raises(LatexError, match="cannot declare"):
        load_document(path)
    path.write_text(path.read_text().split("\n", 1)[1])
    document = load_document(path)
    assert len(document.report.unread) == 3
    assert not marker.exists()


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"\\begin{equation} a = \xe9 \\end{equation}", "not UTF-8"),
])
def test_bad_files_get_a_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.tex"
    path.write_bytes(content)
    with pytest.raises(LatexError, match=message):
        load_document(path)


def test_huge_file_is_refused_with_a_message(tmp_path, monkeypatch):
    from derive.latex import document

    monkeypatch.setattr(document, "MAX_BYTES", 100)
    path = tmp_path / "big.md"
    path.write_text("$$a = a$$\n" * 50)
    with pytest.raises(LatexError, match="MB"):
        load_document(path)


def test_parse_error_in_a_document_points_at_file_line_column(tmp_path):
    path = tmp_path / "notes.tex"
    path.write_text("intro\n\\begin{align}\na &= b + ) \\\\\n&= b\n\\end{align}\n")
    document = load_document(path)
    (error,) = document.report.unread
    text = str(error)
    assert text.startswith(f"{path}:3:")
    assert "expected" in text and "a &= b + )" in text
    assert text.splitlines()[-1] == " " * 9 + "^"  # under the )


@needs_book
def test_cli_checks_a_book_chapter(capsys):
    status = main(["check", str(BOOK), "--chapter", "5", "--only", "5.30c", "--instances", "50"])
    out = capsys.readouterr().out
    assert status == 0
    assert "36 displays" in out and f"{BOOK}:372" in out and "VERIFIED" in out
    assert "read: argmin_{thetabold}[-Sum(log(Pr(y[i]|thetabold)), (i, 1, I))]" in out


def test_cli_chapter_of_a_document_without_chapters(tmp_path, capsys):
    path = tmp_path / "notes.tex"
    path.write_text("\\[ a = a \\]\n")
    assert main(["check", str(path), "--chapter", "2"]) == 2
    assert "no \\chapter" in capsys.readouterr().err


def write(tmp_path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_definitions_written_in_chains_are_applied_as_assumptions(tmp_path):
    path = write(
        tmp_path, "notes.tex",
        r"\begin{eqnarray}", r"y &=& f[x,\phi] \nonumber\\ &=& \phi_0 + \phi_1 x.",
        r"\end{eqnarray}",
        r"\begin{eqnarray}",
        r"L[\phi] &=& \sum_{i=1}^{I} (f[x_i,\phi] - y_i)^2 \nonumber\\",
        r"&=& \sum_{i=1}^{I} (\phi_0 + \phi_1 x_i - y_i)^2.", r"\end{eqnarray}",
        r"\begin{eqnarray}",
        r"\hat\phi &=& \mathop{\rm argmin}_{\phi}\Bigl[L[\phi]\Bigr] \nonumber\\",
        r"&=& \mathop{\rm argmin}_{\phi}\left[\sum_{i=1}^{I} (f[x_i,\phi] - y_i)^2\right],",
        r"\end{eqnarray}")
    found = results(load_document(path))
    steps = {label: r for label, r in found.items() if not label.endswith(":def")}
    assert {r.verdict.status for r in found.values()} == {Status.VERIFIED}
    assert {r.entry.relation.value for r in steps.values()} == {":="}
    assert steps["3"].entry.rule_names == "substitute(2)"  # L as defined by the second display


def test_a_wrong_substitution_of_a_definition_is_refuted(tmp_path):
    path = write(
        tmp_path, "notes.tex",
        r"\begin{equation} y = f[x,\phi] = \phi_0 + \phi_1 x \end{equation}",
        r"\begin{equation}",
        r"L[\phi] = \sum_{i=1}^{I} (f[x_i,\phi] - y_i)^2 = \sum_{i=1}^{I} (\phi_0 + \phi_1 x_i + y_i)^2",
        r"\end{equation}")
    found = results(load_document(path))
    assert found["2"].verdict.status is Status.REFUTED
    assert found["2"].entry.location.line == 3


def test_named_rows_are_substituted_later(tmp_path):
    path = write(
        tmp_path, "notes.tex",
        r"\begin{eqnarray}", r"h &=& a + b \\", r"z &=& 2 h", r"\end{eqnarray}",
        r"\begin{eqnarray}", r"z &=& 2 (a + b) \nonumber \\ &=& 2a + 2b", r"\end{eqnarray}")
    found = results(load_document(path))
    assert [r.verdict.status for r in found.values()] == [Status.VERIFIED] * 3
    # the definition the step applies is declared before it, where the text made it
    assert list(found) == ["h", "2a", "2b"]
    assert (str(found["h"].entry.lhs), found["h"].entry.location.line) == ("h", 2)
    assert found["2a"].entry.relation.value == ":="
    assert found["2b"].entry.relation.value == "="


def test_a_density_of_the_variance_is_substituted_exactly(tmp_path):
    path = write(
        tmp_path, "notes.tex",
        r"\begin{equation}",
        r"Pr(y|\mu,\sigma^2) = \frac{1}{\sqrt{2\pi\sigma^{2}}}\exp\left[-\frac{(y-\mu)^{2}}"
        r"{2\sigma^{2}}\right]",
        r"\end{equation}", r"\begin{equation}",
        r"L = -\sum_{i=1}^{I} \log\left[Pr(y_i|\mu,\sigma^{2})\right] = -\sum_{i=1}^{I} "
        r"\log\left[\frac{1}{\sqrt{2\pi\sigma^{2}}}\exp\left[-\frac{(y_i-\mu)^{2}}"
        r"{2\sigma^{2}}\right]\right]", r"\end{equation}")
    found = results(load_document(path))
    assert found["2"].verdict.status is Status.VERIFIED
    assert found["2"].entry.rule_names == "substitute(1)"


def test_markdown_justification_beside_the_math(tmp_path):
    path = write(
        tmp_path, "post.md",
        r"$$\hat\theta = \mathop{\rm argmin}_\theta\left[\frac{1}{I}\sum_{i=1}^{I} "
        r"(\theta - y_i)^2\right]$$", "",
        r"$$\hat\theta = \mathop{\rm argmin}_\theta\left[\sum_{i=1}^{I} (\theta - y_i)^2\right]"
        r" \quad \text{by drop\_positive\_factor}$$")
    (r,) = results(load_document(path)).values()
    assert r.entry.rule_names == "drop_positive_factor"
    assert r.verdict.status is Status.VERIFIED


@pytest.mark.parametrize("begin, end", [
    (r"\begin{equation}\begin{aligned}", r"\end{aligned}\end{equation}"),
    (r"\begin{align*}", r"\end{align*}"),
    (r"\[", r"\]"),
    ("$$", "$$"),
])
def test_every_display_environment_holds_a_chain(tmp_path, begin, end):
    path = write(tmp_path, "notes.tex", "Text before.", begin,
                 r"\log[a b] &= \log[a] + \log[b] \tag{7} \label{eq:split} \\",
                 r"&= \log[b] + \log[a]. \nonumber", end)
    (derivation,) = load_document(path).derivations
    assert derivation.first == tex(r"\log[a b]")
    # each line as written: the second is not the first with its terms sorted
    assert [s.after for s in derivation.steps] == [tex(r"\log[a] + \log[b]"),
                                                   tex(r"\log[b] + \log[a]")]
    assert derivation.steps[0].after != derivation.steps[1].after
    assert [s.location.line for s in derivation.steps] == [3, 4]
    assert [s.label for s in derivation.steps] == ["7a", "7b"]  # \tag{7}


@needs_seed
def test_report_of_a_document(tmp_path):
    out = tmp_path / "seed.md"
    assert main(["report", str(SEED), "-o", str(out), "--instances", "50"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "5.28" in text and "5.27" in text and "verified" in text


def test_bounds_are_steps_and_other_relations_are_read_and_skipped(tmp_path):
    path = write(tmp_path, "notes.md", r"$$ a \leq b = c $$", "", r"$$ \log[x] \approx x - 1 $$",
                 "", r"$$ a \leq b \geq c $$")
    report = load_document(path).report
    assert report.read == 3 and report.steps == 2  # a <= b, b = c
    assert [s.split(": ", 1)[1] for s in report.skipped] == [
        r"the relation \approx (derive checks chains of =, :=, \leq, <, \geq and >)",
        r"bounds in opposite directions (\leq, \geq) show nothing about the chain's ends: "
        r"write each direction as its own chain"]


def test_an_unread_display_is_never_a_pass(tmp_path, capsys):
    path = write(tmp_path, "notes.md", r"$$ \log[a b] = \log[b a] $$", "",
                 r"$$ a = \unknowncommand b $$")
    assert main(["check", str(path), "--instances", "20"]) == 3
    captured = capsys.readouterr()
    assert "1 verified" in captured.out and "could not be read" in captured.err
    assert r"cannot read this: the command \unknowncommand" in captured.out


def test_a_new_name_for_the_objective_is_a_definition(tmp_path):
    path = write(
        tmp_path, "notes.tex",
        r"\begin{eqnarray}",
        r"\hat\phi &=& \mathop{\rm argmin}_{\phi}\left[\sum_{i=1}^{I}(\phi - y_i)^2\right]\\",
        r"&=& \mathop{\rm argmin}_{\phi}\Bigl[L[\phi]\Bigr]", r"\end{eqnarray}",
        r"\begin{equation}",
        r"\hat\phi = \mathop{\rm argmin}_{\phi}\Bigl[L[\phi]\Bigr] = "
        r"\mathop{\rm argmin}_{\phi}\left[\sum_{i=1}^{I}(\phi - y_i)^2\right]",
        r"\end{equation}")
    found = results(load_document(path))
    assert found["1"].entry.rule_names == "name(1:def)"
    # the second display continues the chain: first the line restated, then L unfolded
    assert found["2a"].entry.rule_names == "algebra"
    assert found["2b"].entry.rule_names == "substitute(1:def)"
    assert {r.verdict.status for r in found.values()} == {Status.VERIFIED}
    assert {found[k].entry.relation.value for k in ("1", "2b")} == {":="}
