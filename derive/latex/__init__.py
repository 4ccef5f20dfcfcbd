r"""Reading LaTeX: the notation of ML textbooks into derive's expressions, and documents
(``.tex``, ``.md``) into derivations that ``derive check`` checks.

Main definitions
- ``tex(r"...")`` / ``Symbols(...).tex(r"...")``: one expression, for Python proofs.
- ``load_document(path, chapter=None)``: every chain of equations in a document, as
  ``derive.Derivation`` objects whose steps point at the document's lines.

Readings chosen where the notation is ambiguous (each pinned by tests/test_latex_reader.py)
- ``\log`` is the natural logarithm. ``e`` is Euler's number unless declared a symbol.
  ``I`` is a symbol (the number of data points), never the imaginary unit.
- Square brackets after a name apply it: ``f[x_i, \phi]`` is the model f, ``L[\phi]`` the
  function L, ``\delta[y - y_i]`` the Dirac delta, ``\log[...]``/``\exp[...]`` their
  functions. A name applies to parentheses only if it is a density (``Pr``, ``P``, ``p``,
  ``q``) or a function (``f``, ``g``, ``h``) or declared one; ``a(b + c)`` is a product.
- ``Pr(y|\theta)`` is a conditional density of y; ``q(y)`` a density; both positive.
- ``y_i`` with a letter subscript is the i-th entry of the data array y (never the symbol y,
  which may be an integration variable); ``\sigma_1`` with a digit is a symbol of its own.
  ``\mathbf{x}``, ``\boldsymbol\theta`` are x and theta (the book writes ``\theta`` and
  ``\boldsymbol\theta`` for one parameter); ``\hat\theta`` is a new symbol, thetahat.
- ``\sum_{i=1}^{I}`` / ``\prod``: the body is the product that follows, and every following
  term (``+``/``-``) that mentions the index joins it; the first term that does not ends it:
  ``\sum_i a + b_i`` is sum_i (a + b_i), ``\sum_i a_i + b`` is (sum_i a_i) + b.
  ``\sum_d`` without bounds runs over d = 1..D.
- ``\int_a^b ... dz`` runs to its differential: two integrals on one line stay two.
- ``\mathop{\rm argmin}_{\theta}[F]``, ``\underset{\theta}{\text{argmin}}[F]``,
  ``\operatorname*{argmin}_\theta[F]``, ``\arg\min_\theta[F]``: the subscript lists the
  optimisation variables; the bracket that follows is the objective.
- ``D_{KL}[q||p]`` with bare q, p: densities of the integration variable of the equation.
- ``\left``, ``\right``, ``\bigl``, ``\Bigr`` and friends, ``\,``, ``\quad`` mean nothing.

Assumptions (defaults, then declarations)
Every symbol is real; summation indices, subscript indices and summation bounds are positive
integers; ``\sigma`` is positive (so ``\sigma^2``, a variance, is); the argmin subscript is
the optimisation variable; ``Pr``, ``P``, ``p``, ``q`` are densities. A document declares
more in a comment, anywhere (``<!-- derive: ... -->`` in Markdown too)::

    % derive: positive kappa, lambda; integer K; density g; function L, sig; symbol e

kinds: ``real``, ``positive``, ``nonnegative``, ``integer``, ``index``, ``density``,
``function`` (also ``model``), ``symbol`` (a plain symbol, e.g. to make e a variable).

Justifications: beside a row, ``\quad \text{by kl_definition}`` or ``&& \text{...}``, or a
comment on the row's line ``% by: kl_definition, log_of_product, integral_linearity``
(``% by: substitute 5.28`` applies the definition displayed as 5.28). Rule names or
aliases, as ``derive rules`` lists them. Without one, the rule library is searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp

from derive.derivation import Derivation
from derive.latex import search
from derive.latex.chains import DocumentReport, ReadEquation, build_derivations
from derive.latex.document import find_displays, read_source
from derive.latex.reader import (
    LatexError,
    SymbolTable,
    parse_display_text,
    read_display,
)
from derive.latex.tokens import Macros

__all__ = ["Document", "LatexError", "Symbols", "document_report", "load_document",
           "read_document", "read_macros", "tex"]

_KINDS = {"real", "positive", "nonnegative", "integer", "index", "density", "function",
          "model", "symbol", "random"}


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*'*")


def _declare(table: SymbolTable, kind: str, names, where: str = "") -> None:
    for name in names:
        if not _NAME.fullmatch(name):
            raise LatexError(f"{where}cannot declare {name!r}: a name is a letter or a word "
                             f"(sigma, Pr, L), optionally with digits and primes")
    if kind not in _KINDS:
        raise LatexError(f"{where}unknown declaration {kind!r}; known: "
                         f"{', '.join(sorted(_KINDS))} (e.g. `% derive: positive sigma`)")
    target = {"positive": table.positive, "nonnegative": table.nonnegative,
              "integer": table.integer, "index": table.indices, "density": table.densities,
              "function": table.functions, "model": table.functions,
              "symbol": table.symbols, "random": table.random}.get(kind)
    for name in names:
        if target is not None:
            target.add(name)
        if kind in ("positive", "nonnegative"):
            (table.nonnegative if kind == "positive" else table.positive).discard(name)
        if kind == "symbol":
            table.functions.discard(name)
            table.densities.discard(name)
        if kind in ("function", "model", "density"):
            table.symbols.discard(name)


@dataclass
class Symbols:
    """The names of a proof, declared once: ``S = Symbols(positive="sigma", density="g")``;
    then ``S.tex(r"\\frac{1}{I}\\sum_{i=1}^{I}\\log[Pr(y_i|\\theta)]")`` is an expression.
    Each keyword takes names separated by spaces or commas."""

    declarations: dict[str, str] = field(default_factory=dict)
    table: SymbolTable = field(default_factory=SymbolTable)

    def __init__(self, **declarations: str):
        self.declarations = declarations
        self.table = SymbolTable()
        for kind, names in declarations.items():
            _declare(self.table, kind, [n.lstrip("\\") for n in names.replace(",", " ").split()])

    def tex(self, latex: str) -> sp.Expr:
        """The expression ``latex`` writes (no relation); never evaluated as code."""
        if not isinstance(latex, str):
            raise LatexError(f"tex() takes a LaTeX string, not {type(latex).__name__}")
        trees = parse_display_text(latex, self.table)
        self.table.roles.collect(trees)
        chains = read_display(trees, self.table, latex)
        if len(chains) != 1 or chains[0].relations:
            raise LatexError(f"tex() reads one expression; {latex!r} is a chain or a list: "
                             f"give each side on its own")
        return chains[0].sides[0]


def tex(latex: str) -> sp.Expr:
    """One expression from LaTeX with the default assumptions (see the module docstring).
    Each call starts afresh; a proof with several strings uses one ``Symbols``, which keeps
    every name one symbol across them (and says so when a string would change it)."""
    return Symbols().tex(latex)


@dataclass
class Document:
    derivations: list[Derivation]
    report: DocumentReport


_REPORTS: dict[str, DocumentReport] = {}
_MACRO_FILES: list[Path] = []


def document_report(path: str | Path) -> DocumentReport | None:
    """The report of the last ``load_document`` of ``path``: displays read, skipped, unread."""
    return _REPORTS.get(str(Path(path)))


def read_macros(paths: list[str | Path]) -> None:
    """Macros every document loaded from now on expands, from files (``--macros FILE``):
    ``\\newcommand``, ``\\def`` and ``\\DeclareMathOperator``, for a book whose macros
    live outside the chapter being read."""
    _MACRO_FILES.clear()
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise LatexError(f"{path}: no such macro file (--macros FILE takes a .tex or .sty "
                             f"file of \\newcommand definitions)")
        _MACRO_FILES.append(path)


def _macros(source_text: str) -> Macros:
    macros = Macros()
    for path in _MACRO_FILES:
        macros.scan(read_source(path).text)
    macros.scan(source_text)
    return macros


def load_document(path: str | Path, chapter: int | None = None,
                  search_seconds: float = search.SEARCH_SECONDS) -> Document:
    """Every derivation chain in a .tex or .md document (or one chapter of a book)."""
    report, reads = read_document(path, chapter)
    derivations = build_derivations(str(Path(path)), reads, report, search_seconds)
    _REPORTS[str(Path(path))] = report
    return Document(derivations, report)


def read_document(path: str | Path, chapter: int | None = None
                  ) -> tuple[DocumentReport, list[ReadEquation | None]]:
    """Every display of a document read (or refused, with the reason), in order: the
    reading alone, before any chain is built or any rule searched for. None stands for a
    display that could not be read."""
    path = Path(path)
    source = read_source(path)
    displays = find_displays(source)
    if chapter is not None:
        chapters = {d.chapter for d in displays}
        if chapters == {None}:
            raise LatexError(f"{path}: --chapter {chapter}, but the document has no \\chapter")
        displays = [d for d in displays if d.chapter == chapter]
        if not displays:
            raise LatexError(f"{path}: chapter {chapter} has no display math "
                             f"(the document has chapters {min(c for c in chapters if c)}"
                             f"-{max(c for c in chapters if c)})")
    table = SymbolTable(macros=_macros(source.masked))
    for declaration in source.declarations:
        _declare(table, declaration.kind, declaration.names, f"{path}:{declaration.line}: ")
    report = DocumentReport(str(path), displays=len(displays))
    parsed = []
    for display in displays:
        try:
            trees = [(eq, parse_display_text(eq.text, table, filename=str(path),
                                             offset=eq.offset, file_text=source.text))
                     for eq in display.equations]
        except LatexError as e:
            report.unread.append(e)
            parsed.append((display, None))
            continue
        for _, chains in trees:
            table.roles.collect(chains)
        parsed.append((display, trees))
    reads: list[ReadEquation | None] = []
    for display, trees in parsed:
        if trees is None:
            reads.append(None)
            continue
        try:
            chains = [(eq, chain) for eq, found in trees
                      for chain in read_display(found, table, eq.text, str(path), eq.offset,
                                                source.text)]
        except LatexError as e:
            report.unread.append(e)
            reads.append(None)
            continue
        report.read += 1
        reads.extend(ReadEquation(display, eq, chain) for eq, chain in chains)
    return report, reads
