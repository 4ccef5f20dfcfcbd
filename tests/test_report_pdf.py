"""PDF reports: they compile, their first page is not blank, and failures say why."""

import shutil
import subprocess

import numpy as np
import pytest
from test_report_fixtures import ROOT, tex_tools, udl_items

from derive.checker import check_derivation
from derive.loader import load_paths
from derive.report import ReportError, render, write_report
from derive.report import pdf as pdf_module


@pytest.fixture(scope="module")
def udl():
    return udl_items()


def _first_page(pdf, tmp_path) -> np.ndarray:
    """The first page as grey levels (0 black, 255 white), through pdftoppm."""
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-gray", str(pdf),
                    str(tmp_path / "page")], check=True, capture_output=True)
    (pgm,) = tmp_path.glob("page*.pgm")
    data = pgm.read_bytes()
    # A binary PGM: "P5", width, height, maxval, then the pixels.
    header = data.split(maxsplit=4)
    width, height = int(header[1]), int(header[2])
    return np.frombuffer(data[-width * height:], dtype=np.uint8).reshape(height, width)


@tex_tools("latexmk", "pdflatex", "pdftoppm")
def test_udl_pdf_first_page_is_not_blank(udl, tmp_path):
    out = tmp_path / "udl.pdf"
    write_report(udl, out)
    page = _first_page(out, tmp_path)
    inked = int((page < 128).sum())
    # An A4 page at 60 dpi has about 350,000 pixels; a page of text and displays inks
    # thousands of them, an empty one none.
    assert inked > 5000, f"the first page has only {inked} dark pixels"
    # Ink in the upper and the lower half: the title and the chain both made it.
    assert (page[: page.shape[0] // 2] < 128).sum() > 1000
    assert (page[page.shape[0] // 2:] < 128).sum() > 1000


@tex_tools("latexmk", "lualatex", "pdftoppm")
def test_korean_pdf_compiles(udl, tmp_path):
    if not shutil.which("fc-list") or b"NanumMyeongjo" not in subprocess.run(
            ["fc-list"], capture_output=True).stdout:
        pytest.skip("needs the Debian package fonts-nanum")
    out = tmp_path / "udl.ko.pdf"
    write_report(udl, out, lang="ko")
    assert (_first_page(out, tmp_path) < 128).sum() > 5000


@tex_tools("latexmk", "pdflatex")
def test_plain_style_pdf_compiles(udl, tmp_path):
    out = tmp_path / "plain.pdf"
    write_report(udl, out, style="plain")
    assert out.read_bytes().startswith(b"%PDF")


@tex_tools("latexmk", "pdflatex")
def test_tex_failure_shows_the_lines_that_say_why(tmp_path):
    broken = "\\documentclass{article}\n\\begin{document}\n\\nosuchmacro\n\\end{document}\n"
    with pytest.raises(ReportError) as error:
        pdf_module.compile_pdf(broken, tmp_path / "broken.pdf")
    message = str(error.value)
    assert "Undefined control sequence" in message and "l.3" in message
    assert len(message.splitlines()) <= 13  # the why, not the whole log
    assert "This is pdfTeX" not in message


def test_no_engine_names_the_debian_packages_and_writes_the_tex(udl, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module.shutil, "which", lambda program: None)
    out = tmp_path / "udl.pdf"
    with pytest.raises(ReportError) as error:
        write_report(udl, out)
    message = str(error.value)
    assert "texlive-latex-base texlive-latex-recommended latexmk" in message
    assert not out.exists()
    tex = tmp_path / "udl.tex"
    assert str(tex) in message and tex.read_text().split("\n")[1].startswith("\\documentclass")


def test_no_lualatex_names_the_korean_packages(udl, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module.shutil, "which",
                        lambda program: None if program == "lualatex" else "/usr/bin/" + program)
    with pytest.raises(ReportError, match="texlive-luatex fonts-nanum"):
        write_report(udl, tmp_path / "udl.pdf", lang="ko")


@pytest.mark.slow  # 80 s: every proof's report compiled twice; the default run compiles one
@tex_tools("latexmk", "pdflatex", "lualatex")
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_report_of_every_proof_and_twin_compiles(tmp_path, lang):
    items = [(path, d, check_derivation(d, instances=100))
             for path, ds in load_paths([ROOT / "proofs"]) for d in ds]
    out = tmp_path / f"all.{lang}.pdf"
    write_report(items, out, lang=lang)
    assert out.read_bytes().startswith(b"%PDF")


@tex_tools("latexmk", "lualatex")
def test_english_report_with_a_korean_title_compiles_with_lualatex(udl, tmp_path):
    from dataclasses import replace

    path, derivation, results = udl[0]
    korean = replace(derivation, title="KL 발산과 크로스 엔트로피")
    assert render([(path, korean, results)], "tex").startswith(
        "% Written by derive; compile with: latexmk -lualatex")
    assert render(udl, "tex").startswith("% Written by derive; compile with: latexmk -pdf")
    out = tmp_path / "mixed.pdf"
    write_report([(path, korean, results)], out, lang="en")
    assert out.read_bytes().startswith(b"%PDF")
