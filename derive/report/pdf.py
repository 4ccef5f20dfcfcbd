"""Compiling a report's LaTeX to PDF with latexmk, in a temporary folder, shell escape off.

English reports compile with pdfLaTeX, Korean ones with LuaLaTeX (fontspec and a Nanum
font). Without an engine the error names the Debian packages to install; a TeX failure
shows the lines of the log that say why (its ``!`` lines and what follows), not the log.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from derive.kernel import DeriveError

__all__ = ["DEBIAN_PACKAGES", "ReportError", "compile_pdf", "engine_missing"]

DEBIAN_PACKAGES = {
    "-pdf": ("texlive-latex-base", "texlive-latex-recommended", "latexmk"),
    "-lualatex": ("texlive-latex-base", "texlive-latex-recommended", "latexmk",
                  "texlive-luatex", "fonts-nanum"),
}
_PROGRAMS = {"-pdf": ("latexmk", "pdflatex"), "-lualatex": ("latexmk", "lualatex")}
TIMEOUT_SECONDS = 300


class ReportError(DeriveError):
    """A report could not be written: the output folder is missing or not writable, no TeX
    engine is installed, or TeX failed. The message says which, and what to do."""


def engine_missing(engine: str) -> str | None:
    """None if latexmk and the engine for ``engine`` are installed, else what to install."""
    missing = [p for p in _PROGRAMS[engine] if shutil.which(p) is None]
    if not missing:
        return None
    return (f"{' and '.join(missing)} not found: install the Debian packages "
            f"{' '.join(DEBIAN_PACKAGES[engine])} "
            f"(apt-get install {' '.join(DEBIAN_PACKAGES[engine])})")


def _why(log: str, limit: int = 12) -> str:
    """The lines of a TeX log that say why it failed: each error line (``!``) and the few
    after it that show where (``l.<line>``)."""
    lines = log.splitlines()
    picked: list[str] = []
    for k, line in enumerate(lines):
        if line.startswith("!"):
            picked.extend(x for x in lines[k:k + 3] if x.strip())
    if not picked:
        picked = [x for x in lines if "Error" in x or "Fatal" in x or "not found" in x]
    return "\n".join(picked[:limit]) or "(the log names no error; run latexmk by hand)"


def compile_pdf(tex: str, out: Path, engine: str = "-pdf") -> None:
    """Compile ``tex`` to the PDF ``out``. Raises ReportError if it cannot."""
    missing = engine_missing(engine)
    if missing:
        raise ReportError(missing)
    with tempfile.TemporaryDirectory(prefix="derive-report-") as folder:
        source = Path(folder) / "report.tex"
        source.write_text(tex, encoding="utf-8")
        # No shell escape, and TeX may write and read only in its own folder.
        env = {**os.environ, "openout_any": "p", "openin_any": "p", "shell_escape": "f",
               "TEXMFOUTPUT": folder}
        command = ["latexmk", engine, "-interaction=nonstopmode", "-halt-on-error",
                   "-no-shell-escape", "-quiet", "report.tex"]
        try:
            done = subprocess.run(command, cwd=folder, env=env, capture_output=True,
                                  text=True, timeout=TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ReportError(f"TeX did not finish in {TIMEOUT_SECONDS} s") from None
        pdf = Path(folder) / "report.pdf"
        if done.returncode != 0 or not pdf.exists():
            log_file = Path(folder) / "report.log"
            log = log_file.read_text(encoding="utf-8", errors="replace") if log_file.exists() \
                else done.stdout + done.stderr
            raise ReportError(f"TeX failed:\n{_why(log)}")
        shutil.copyfile(pdf, out)
