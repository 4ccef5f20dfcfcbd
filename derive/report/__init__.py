"""Reports of checked derivations: LaTeX, PDF and Markdown, in the book's notation.

    derive report proofs/udl_5_27_to_5_31.py -o report.pdf [--lang ko] [--style plain]
    derive check proofs --report report.md

The format is the output's suffix: ``.tex`` (a standalone amsmath document), ``.pdf``
(that document through latexmk; LuaLaTeX for Korean), ``.md`` (Jekyll front matter,
``$$\\begin{aligned}`` blocks, an evidence table; renders on GitHub).

Main definitions
- ``write_report(items, out, lang, style)``: write the report of checked derivations.
- ``render(items, fmt, lang, style)``: the report's text (``tex`` or ``md``).
- ``report_command(args)``: ``derive report``; ``add_report_command`` and
  ``add_report_option`` add it and ``check --report`` to the command line.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from derive.checker import DEFAULT_INSTANCES, DEFAULT_SEED, StepResult, check_derivation
from derive.derivation import Derivation
from derive.report.content import Options, build_report
from derive.report.language import LANGUAGES, language
from derive.report.markdown import render_markdown
from derive.report.pdf import ReportError, compile_pdf
from derive.report.printer import STYLES, to_latex
from derive.report.tex import render_tex, tex_engine

__all__ = ["FORMATS", "Options", "ReportError", "add_report_command", "add_report_option", "render",
           "report_after_check", "report_command", "to_latex", "write_report"]

FORMATS = {".tex": "tex", ".pdf": "pdf", ".md": "md"}
Item = tuple[Path | str, Derivation, Sequence[StepResult]]


def _shown_path(path: Path | str) -> str:
    """A proof file as the report names it: relative to the working folder when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def render(items: Sequence[Item], fmt: str, lang: str = "en", style: str = "book",
           options: Options | None = None) -> str:
    """The report of ``items`` (file, derivation, results) as ``tex`` or ``md`` text."""
    if style not in STYLES:
        raise ReportError(f"no report style {style!r}; choose one of {', '.join(STYLES)}")
    shown = [(_shown_path(path), d, results) for path, d, results in items]
    target = "mathjax" if fmt == "md" else "tex"
    report = build_report(shown, language(lang), style, target, options=options)
    return render_markdown(report) if fmt == "md" else render_tex(report)


def _check_output(out: Path) -> str:
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise ReportError(f"{out}: cannot tell the report's format from the suffix "
                          f"{out.suffix or '(none)'}; end the name with .tex, .pdf or .md")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise ReportError(f"{out}: the folder {folder} does not exist; create it first")
    if out.is_dir():
        raise ReportError(f"{out} is a folder; give a file name ending in {out.suffix}")
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise ReportError(f"{out}: cannot write there (permission denied); choose another "
                          f"place with -o")
    return fmt


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise ReportError(f"{path}: cannot write the report: {e.strerror or e}") from None


def write_report(items: Sequence[Item], out: Path | str, lang: str = "en",
                 style: str = "book", options: Options | None = None) -> Path:
    """Write the report of ``items`` to ``out``, its format from the suffix. A PDF that
    cannot be compiled raises ReportError, with the LaTeX written beside it."""
    out = Path(out)
    fmt = _check_output(out)
    if fmt == "md":
        _write(out, render(items, "md", lang, style, options))
        return out
    tex = render(items, "tex", lang, style, options)
    if fmt == "tex":
        _write(out, tex)
        return out
    try:
        compile_pdf(tex, out, tex_engine(tex))
    except ReportError as e:
        beside = out.with_suffix(".tex")
        _write(beside, tex)
        raise ReportError(f"{out}: no PDF: {e}\nThe LaTeX is written to {beside}.") from None
    except OSError as e:
        raise ReportError(f"{out}: cannot write the PDF: {e.strerror or e}") from None
    return out


# -- the command line -------------------------------------------------------------------

def _output_argument(value: str) -> Path:
    """An output path, checked when the command line is read, before any checking."""
    try:
        _check_output(Path(value))
    except ReportError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return Path(value)


def _options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    parser.add_argument(f"--{prefix}lang", choices=sorted(LANGUAGES), default="en",
                        help="the language of the report's words (default en)")
    parser.add_argument(f"--{prefix}style", choices=STYLES, default="book",
                        help="book: the notation of the book (log[x], Pr(y|theta), "
                             "argmin in roman); plain: log(x), p(y | theta) (default book)")
    parser.add_argument("--title", metavar="TEXT",
                        help="the report's title (default: the derivation's, or the "
                             "document's front-matter title or first heading)")
    parser.add_argument("--verbose-evidence", action="store_true",
                        help="also list side conditions that hold trivially (1 > 0, 0 is "
                             "free of theta, an expression equal to itself)")


def add_report_command(subparsers) -> argparse.ArgumentParser:
    """Add ``derive report PATH [-o OUT] [--lang en|ko] [--style book|plain]``."""
    report = subparsers.add_parser(
        "report", help="check derivations and write a report: .tex, .pdf or .md",
        description="Check derivations and write them as the book prints them, each line "
                    "with its rules, then the evidence of every step. The format is the "
                    "suffix of OUT: .tex, .pdf (needs latexmk) or .md. Without -o, the LaTeX "
                    "goes to standard output.")
    report.add_argument("paths", nargs="+", help="proof files (.py) or folders of them")
    report.add_argument("-o", "--output", metavar="OUT", type=_output_argument,
                        help="the report file: .tex, .pdf or .md")
    report.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"the seed of every random instance (default {DEFAULT_SEED})")
    report.add_argument("--instances", type=int, default=DEFAULT_INSTANCES,
                        help=f"random instances per step (default {DEFAULT_INSTANCES})")
    _options(report)
    return report


def add_report_option(check: argparse.ArgumentParser) -> None:
    """Add ``derive check ... --report OUT [--report-lang ..] [--report-style ..]``."""
    check.add_argument("--report", metavar="OUT", type=_output_argument,
                       help="also write a report of the results: .tex, .pdf or .md")
    _options(check, "report-")


def _report_options(args: argparse.Namespace) -> Options:
    return Options(args.title, args.verbose_evidence, args.instances)


def report_command(args: argparse.Namespace) -> int:
    """``derive report``: check, then write the report; the exit status is the check's."""
    from derive.cli import exit_status
    from derive.loader import load_paths

    if args.instances < 1:
        raise ReportError("--instances must be at least 1")
    items = [(path, d, check_derivation(d, args.seed, args.instances))
             for path, derivations in load_paths(args.paths) for d in derivations]
    if not items:
        raise ReportError(f"no derivation found in {', '.join(args.paths)}")
    options = _report_options(args)
    if args.output:
        written = write_report(items, args.output, args.lang, args.style, options)
        print(f"derive: wrote {written}", file=sys.stderr)
    else:
        sys.stdout.write(render(items, "tex", args.lang, args.style, options))
    return exit_status([r for _, _, rs in items for r in rs])


def report_after_check(args: argparse.Namespace,
                       results: Sequence[tuple[Path, Sequence[StepResult]]]) -> None:
    """``derive check ... --report OUT``: the report of the results just checked."""
    items = [(path, rs[0].derivation, rs) for path, rs in results if rs]
    written = write_report(items, args.report, args.report_lang, args.report_style,
                           _report_options(args))
    print(f"derive: wrote {written}", file=sys.stderr)
