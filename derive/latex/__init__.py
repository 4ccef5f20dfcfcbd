r"""Reading LaTeX: the notation of ML textbooks into derive's expressions, and documents
(``.tex``, ``.md``) into derivations that ``derive check`` checks.

Main definitions
- ``tex(r"...")`` / ``Symbols(...).tex(r"...")``: one expression, for Python proofs.
- ``load_document(path, chapter=None)``: every chain of equations in a document, as
  ``derive.Derivation`` objects whose steps point at the document's lines.

Reading exactly, or not at all
A display is tokenized (the author's ``\newcommand``/``\def``/``\DeclareMathOperator``
expanded, and those of ``--macros FILE``), parsed into a syntax tree (``syntax.py``), and read
into SymPy (``reader.py``) with the roles the whole document gives each name. Every line is
built unevaluated: ``((f-\mu)+(\mu-y))^2`` is checked and rendered back as written. What has
no reading is refused with a stable reason code, the line, a caret and what to do:
``cases``, ``matrix`` (a determinant or array), ``ellipsis`` (``\ldots`` in a sequence),
``set``, ``limit``, ``norm`` (of an order it does not know), ``linear-algebra`` (``\odot``,
``\det``), ``sum`` (over a condition), ``ambiguous-superscript`` (``f^{(n)}(x)``),
``optimum-value`` (``\max_x``), ``probability-of-event`` (``P(X > 1)``),
``conditional-expectation``, ``ambiguous-application``, ``huge-number``, ``too-long``,
``too-deep``, ``syntax``, ``unknown-command``... (``derive check --format json`` lists them).

Roles, from the whole document before any display is read
- A name applied to brackets is a function when it is defined (``f(x) = ...``), applied
  with a bar or to several arguments, applied again and again and never used alone, declared,
  or well known (``\sigma``, ``H``, ``\mathrm{softmax}``, ``\operatorname{...}``, words);
  ``Pr``, ``P``, ``p``, ``q`` are densities (``P(x|y)`` conditional; ``P(X = 1)`` the mass
  function of X at 1, named ``P_{X}``). A name the document uses alone is a value:
  ``x(1 - x)`` is a product. Otherwise: refused, "declare it: `% derive: function w`".
- Square brackets after a name apply it (Prince): ``f[x_i, \phi]`` is the model f,
  ``f_k[x, \phi]`` its k-th output, ``\delta[y - y_i]`` the Dirac delta; a bar inside them
  reads "given" (``q[s, a|\pi]`` is a function of s, a and pi).
- ``\log``, ``\exp``, ``\sin``... without brackets take the juxtaposed factors that follow:
  ``\log x^2`` is log(x^2), ``\log 2\pi\sigma^2`` log(2 pi sigma^2); ``\sin^2 x`` is
  sin(x)^2; ``\log(x)^2`` is (log x)^2. Juxtaposition binds tighter than ``/``:
  ``x^2/2\sigma^2`` is x^2/(2 sigma^2). ``\log`` is natural; ``e`` is Euler's number unless
  declared a symbol; ``I`` is a symbol, never the imaginary unit.
- Subscripts: ``y_i`` (a letter the document does not use as a value, or an index of an
  enclosing sum) is the i-th entry of the data y; ``x_{t-1}``, ``r_{i,t+1}`` entries;
  ``\sigma_1``, ``w_{\textrm{area}}``, ``\mu_x`` (x a variable of the document), ``p_\theta``
  names of their own; ``D_h`` bounding a sum is a count. ``x^{(i)}`` is the i-th sample,
  ``x_j^{(i)}`` its j-th coordinate; ``x^*``, ``h'``, ``\hat x``, ``\bar x``, ``\tilde x``,
  ``\check x`` are names of their own.
- Bold names (``\mathbf{x}``, ``\boldsymbol\theta``) are vectors and matrices: noncommuting
  symbols, never commuted; ``\mathbf{A}^\top``, ``\mathbf{A}^T`` transposes;
  ``\mathbf{u}\cdot\mathbf{v}`` the dot product u^T v; two vectors side by side are refused.
  An argmin over theta of a function of bold theta (the book's font slip) is over bold theta.
- Norms: ``\|x\|``, ``\lVert x\rVert``, ``||x||`` (the norm the text means), ``\|x\|_2``,
  ``\|x\|^2_2``, ``\|x\|_p``, ``\|x\|_\infty``, ``\|A\|_F``: opaque norms, real and
  nonnegative, one per order written (no norm identity is taken for granted); ``|x|`` of a
  scalar is its absolute value, of a vector refused.
- Derivatives are unevaluated: ``\frac{d}{dx}``, ``\frac{df}{dx}`` (f a quantity depending
  on x, never a symbol that would differentiate to 0), ``\frac{\partial^2 f}{\partial x
  \partial y}``, ``f'(x)``, ``\partial_x f``, ``\nabla_{\mathbf w} L``, ``\nabla f(\mathbf x)``;
  Euler's ``D f(x)``, ``D_x f(x)`` (refused where the document uses D as a value); brackets
  after ``\frac{dF}{du}`` are the point it is taken at when they hold names or the variable
  applied (``(u(x))``), a factor when they hold derivatives, and refused otherwise.
  An operator (``\frac{d}{dx}``, ``\partial_x``, ``\nabla_{\mathbf w}``) applies to the whole
  product written after it, up to a +, a -, a relation or a closing bracket:
  ``\frac{d}{dx} \sin x \cos x`` and ``\frac{d}{dx} f(x) g(x)`` are of the product,
  ``\frac{d}{d\theta} \theta^9(1-\theta)^4`` of all of it. Where texts differ it is refused
  (``ambiguous-application``): a bracket right after the operator with more factors after it
  (``\frac{d}{dx}(x^2)\,x``: the bracket's derivative times x, as ``\cos(x)\,y`` is
  y cos x, or the product's?), and a product continued by ``\cdot``, ``\times`` or ``/``.
  ``\nabla f(\mathbf x)`` is the gradient of the function f at x: what follows is a factor.
  A variable differentiated by is never read as depending on another one: in
  ``\frac{\partial^2}{\partial x \partial y} x^2 y^2`` x is x, whatever dx/dy the text
  writes elsewhere (a quantity it differentiates, ``\frac{dy}{dx}``, is y(x) elsewhere).
- ``\min``, ``\max``, ``\mathrm{min}``, ``\operatorname{max}`` of several arguments are Min
  and Max; several juxtaposed letters with a capital in a script (``\hat y^{(FM)}``) are a
  label; an index a sum binds, inside a compound subscript (``r_{t+k+1}``), is refused.
- Expectations: ``\mathbb{E}_{x \sim p}[...]``, ``\mathbb{E}_{Pr(x)}[...]``, ``E[X]`` (plain
  capital letters are the random variables); with neither, refused: `% derive: random w`.
  ``\mathrm{Var}``, ``\mathrm{Cov}`` likewise; ``\mathcal{N}(x|\mu,\sigma^2)`` and
  ``\mbox{Norm}_{x}[\mu,\sigma^2]`` the normal density; ``D_{KL}[q||p]`` the KL divergence
  (bare q, p: densities of the equation's integration variable).
- ``\sum_{i=1}^{I}``: the body is the product that follows, and every following term that
  mentions the index joins it (``\sum_i a + b_i`` is sum_i (a + b_i), ``\sum_i a_i + b`` is
  (sum_i a_i) + b); in a ``\prod`` the body ends at the first factor that does not mention
  the index (``\prod_i p(x_i|y) p(y)``). ``\sum_i`` without bounds runs over the range its
  display writes for i (``\sum_{i=1}^{n} x_i = \sum_i x_i``: the same n terms; refused where
  the display writes several); otherwise ``\sum_d`` runs over d = 1..D (N_d when the document
  uses D for something else), and a step whose sides differ in such a bound the text never
  writes rests on the text (never refuted); ``\sum_{s_{t+1}}`` over every value of s_{t+1};
  ``\sum_{i \in \mathcal{V}} x_i`` over the elements V_1..V_|V| of the set (nothing known of
  them: a subset is not 1..|V|), ``|\mathcal{V}|`` their number. ``f^{(n)}(x)`` (a derivative,
  or the function of the n-th example?) is refused.
- ``\int_a^b ... dz`` runs to its differential; ``\int_x``, ``\int_{\mathbb{R}}``, and
  ``\int p(x) ... dx`` without limits are over every value; ``\int f(x) dx`` is indefinite.
- ``\mathop{\rm argmin}_{\theta}[F]``, ``\underset{\theta}{\text{argmin}}[F]``,
  ``\operatorname*{argmin}_\theta``, ``\arg\min_\theta``: the optimisers of F over theta.
- Sizes and spaces (``\left``, ``\bigl``, ``\,``) mean nothing; ``\quad``, ``,\;`` and prose
  (``\text{and}``, ``\text{where}``) separate equations; prose that states a condition
  (``\text{for } x > 0``, ``\forall``) makes the equation before it no claim; so do
  inequalities alone after a comma or a wide space (``|x| = -x, \quad x < 0``,
  ``\frac{x^2}{x} = x \qquad x \neq 0``: a case and its condition, as texts write them).
  ``x \in \mathbb{R}^{n \times d}`` closing an equation is its shape, not a claim.
- Bounded: a display past 50,000 tokens or nested past 150 brackets, a number built from
  literals past 10,000 digits (``10^{10^{10}}``, ``100000!``) is refused, never computed.

Steps (``chains.py``): the rows of a display, and a display that starts with its relation,
are the author's steps. A link derive infers between displays (the same left side again) is
a candidate, reported as a step if proved and as "not linked" otherwise, never refuted. A
first equation of a new name (``f(x) = ...``, ``\bar x = ...``) is a definition, as is an
equation introduced by "where" or "let"; one introduced by "such that" or "if" is a
condition; neither is a claim. A step that rests on what the text says elsewhere (a name a
display defined, variables on each side the other lacks, a function it drops, the bound of a
sum written without one) is proved or unproven, never refuted.

Assumptions (defaults, then declarations)
Every symbol is real; summation indices and bounds are positive integers (from 0, nonnegative);
``\sigma`` is positive (so ``\sigma^2``, a variance, is); the argmin subscript is the
optimisation variable. A document declares more in a comment, anywhere (``<!-- derive: ...
-->`` in Markdown too)::

    % derive: positive kappa, lambda; integer K; density g; function L, sig; symbol e

kinds: ``real``, ``positive``, ``nonnegative``, ``nonzero``, ``integer``, ``index``, ``density``,
``function`` (also ``model``), ``symbol`` (a plain symbol, e.g. to make e a variable),
``random`` (the random variables of an expectation written without a subscript),
``independent`` (``independent z, phi``: a prior free of the parameters; the steps take it
as a hypothesis, as ``hypotheses=[Independent(z, phi)]`` in Python).

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
from derive.latex.chains import DocumentReport, ReadEquation, build_derivations
from derive.latex.document import display_chapters, find_displays, read_source
from derive.latex.reader import (
    LatexError,
    SymbolTable,
    parse_display_text,
    read_display,
)
from derive.latex.tokens import Macros
from derive.rules import search

__all__ = ["Document", "LatexError", "Symbols", "document_report", "load_document",
           "read_document", "read_macros", "tex"]

_KINDS = {"real", "positive", "nonnegative", "nonzero", "integer", "index", "density", "function",
          "model", "symbol", "random", "independent"}


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*'*")


def _declare(table: SymbolTable, kind: str, names, where: str = "") -> None:
    for name in names:
        if not _NAME.fullmatch(name):
            raise LatexError(f"{where}cannot declare {name!r}: a name is a letter or a word "
                             f"(sigma, Pr, L), optionally with digits and primes")
    if kind not in _KINDS:
        raise LatexError(f"{where}unknown declaration {kind!r}; known: "
                         f"{', '.join(sorted(_KINDS))} (e.g. `% derive: positive sigma`)")
    if kind == "independent" and len(set(names)) < 2:
        raise LatexError(f"{where}independent of what? name two or more variables that are "
                         f"independent (e.g. `% derive: independent z, phi`)")
    target = {"positive": table.positive, "nonnegative": table.nonnegative,
              "nonzero": table.nonzero,
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
                  search_budget: int = search.SEARCH_BUDGET) -> Document:
    """Every derivation chain in a .tex or .md document (or one chapter of a book)."""
    report, reads = read_document(path, chapter)
    derivations = build_derivations(str(Path(path)), reads, report, search_budget)
    _REPORTS[str(Path(path))] = report
    return Document(derivations, report)


def read_document(path: str | Path, chapter: int | None = None
                  ) -> tuple[DocumentReport, list[ReadEquation | None]]:
    """Every display of a document read (or refused, with the reason), in order: the
    reading alone, before any chain is built or any rule searched for. None stands for a
    display that could not be read."""
    path = Path(path)
    source = read_source(path)
    displays = find_displays(source, chapter)
    if chapter is not None and not displays:
        chapters = display_chapters(source)
        if chapters == {None}:
            raise LatexError(f"{path}: --chapter {chapter}, but the document has no \\chapter")
        raise LatexError(f"{path}: chapter {chapter} has no display math "
                         f"(the document has chapters {min(c for c in chapters if c)}"
                         f"-{max(c for c in chapters if c)})")
    table = SymbolTable(macros=_macros(source.masked))
    for declaration in source.declarations:
        _declare(table, declaration.kind, declaration.names, f"{path}:{declaration.line}: ")
    report = DocumentReport(str(path), displays=len(displays))
    report.unwritten_counts = table.unwritten_counts  # filled as the displays are read
    # `% derive: independent z, phi`: a modelling assumption the steps may use (the prior
    # Pr(z) is free of the parameters phi), as hypotheses=[Independent(z, phi)] in Python
    report.independent = [d.names for d in source.declarations if d.kind == "independent"]
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
