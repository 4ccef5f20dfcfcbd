"""LaTeX of expressions in the book's notation (or a plain one), for reports.

SymPy's own LaTeX is correct but reads like a computer algebra system: ``\\log{\\left(x
\\right)}``, ``-b + a`` (SymPy sorts the terms of a sum), ``\\frac{\\sum ...}{I}``. A report
must read like the page the derivation came from, so this printer writes

- ``\\log\\bigl[x\\bigr]``, ``\\delta[y-y_{i}]``, ``\\exp\\bigl[x\\bigr]`` (square brackets
  for function application, as Prince's *Understanding Deep Learning* does);
- ``Pr(y|\\boldsymbol{\\theta})``, ``\\mbox{\\bf f}[\\mathbf{x}_{i},\\boldsymbol{\\phi}]``,
  ``D_{KL}\\bigl[q||p\\bigr]``, ``\\mathop{\\rm argmin}_{\\boldsymbol{\\theta}}\\left[...\\right]``,
  ``\\max_{k}\\bigl[a_{k}\\bigr]`` (the index alone when it runs from 1 to a count K, else
  ``\\max_{2 \\leq k \\leq K}``: ``derive.notation.maximum_subscript``);
- parameters bold (every variable optimised over and every parameter of a model), model
  inputs bold;
- a sum with its positive terms first (SymPy has forgotten the order the author typed, and
  the book writes ``a - b`` rather than ``-b + a``), a factor like ``1/I`` in front of a sum
  as ``\\frac{1}{I}\\sum``, and a density (or a mixture of deltas) in front of what it weighs.

``style="plain"`` is the common notation instead: round brackets, ``p(y \\mid \\theta)``,
``\\operatorname*{argmin}``, ``\\max_{k} a_{k}``. ``target="mathjax"`` avoids the text-mode
macros MathJax lacks (``\\mbox{\\bf f}`` becomes ``\\mathbf{f}``), for Markdown that GitHub
renders.

Names are user-written text: a symbol or function name that is not a plain identifier is
printed as escaped text, so no name can inject TeX.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

from derive.notation import (
    KL,
    AppliedDensity,
    AppliedModel,
    AppliedProbability,
    Maximum,
    OptimisationSet,
    maximum_subscript,
    optimisation_variables,
)
from derive.report.text import escape_tex

__all__ = ["STYLES", "TARGETS", "BookLatexPrinter", "parameters", "to_latex"]

STYLES = ("book", "plain")
TARGETS = ("tex", "mathjax")

# A name SymPy's printer may turn into LaTeX itself: letters, digits, and the _ and ^ of
# its subscripts and superscripts (x_1, theta_hat is not special, sigma2 is fine).
_SAFE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*\Z")
_BIG_OPERATORS = (sp.Sum, sp.Integral, sp.Product)


def _is_weight(factor: sp.Expr) -> bool:
    """A density, a delta, or a mixture of deltas: what the book writes first in an integrand."""
    if isinstance(factor, (AppliedDensity, sp.DiracDelta)):
        return True
    return isinstance(factor, sp.Sum) and factor.function.has(sp.DiracDelta)


def _is_applied(factor: sp.Expr) -> bool:
    """A sum, an integral, or a function applied to arguments (log, exp, a density)."""
    return isinstance(factor, (*_BIG_OPERATORS, sp.Function, OptimisationSet, KL, Maximum))


def _is_tall(expr: sp.Expr) -> bool:
    """Holds a fraction or a big operator: \bigl[ \bigr] would be too short around it."""
    return any(isinstance(n, _BIG_OPERATORS) or (isinstance(n, sp.Pow) and n.exp.is_negative)
               or (isinstance(n, sp.Rational) and not n.is_Integer)
               for n in sp.preorder_traversal(expr))


def _factor_rank(factor: sp.Expr) -> int:
    if factor.is_Number:
        return 0
    if isinstance(factor, (sp.Symbol, sp.Indexed)):
        return 1
    if _is_weight(factor):
        return 2
    return 3


class BookLatexPrinter(LatexPrinter):
    """SymPy's LatexPrinter in the book's notation; see the module docstring."""

    _default_settings = {**LatexPrinter._default_settings, "style": "book", "target": "tex",
                         "bold": frozenset()}

    def __init__(self, settings: dict | None = None) -> None:
        super().__init__(settings)
        if self._settings["style"] not in STYLES:
            raise ValueError(f"style must be one of {STYLES}, not {self._settings['style']!r}")
        if self._settings["target"] not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, not {self._settings['target']!r}")
        self._bold_inputs = False

    def _print(self, expr, **kwargs) -> str:
        # The notation's own _latex methods (and SymPy's dispatch, which skips the classes
        # of undefined functions) would bypass the style chosen here: route them first.
        for kind, method in self._NOTATION:
            if isinstance(expr, kind):
                return getattr(self, method)(expr, **kwargs)
        return super()._print(expr, **kwargs)

    @property
    def book(self) -> bool:
        return self._settings["style"] == "book"

    @property
    def mathjax(self) -> bool:
        return self._settings["target"] == "mathjax"

    def _apply(self, argument: sp.Expr) -> str:
        """Function application: f[x] in the book (brackets grown around a fraction or a
        sum), f(x) in plain style."""
        inner = self._print(argument)
        if not self.book:
            return rf"\left({inner}\right)"
        return rf"\left[{inner}\right]" if _is_tall(argument) else rf"\bigl[{inner}\bigr]"

    # -- names ----------------------------------------------------------------------------

    def _name(self, name: str) -> str:
        if _SAFE_NAME.match(name):
            return self._deal_with_super_sub(name)
        if self.mathjax:  # MathJax's \text{} knows no escapes: keep letters and digits
            return r"\text{" + re.sub(r"[^A-Za-z0-9]", "?", name) + "}"
        return r"\text{" + escape_tex(name) + "}"

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        name = self._name(expr.name)
        if self.book and expr in self._settings["bold"]:
            # \boldsymbol\theta as the book writes it; braces around anything longer.
            single = re.fullmatch(r"\\[A-Za-z]+", name)
            return rf"\boldsymbol{name}" if single else rf"\boldsymbol{{{name}}}"
        return name

    def _print_IndexedBase(self, expr: sp.IndexedBase) -> str:
        return self._name(expr.label.name)

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        base = self._name(expr.base.label.name)
        if self.book and self._bold_inputs:
            base = rf"\mathbf{{{base}}}"
        indices = ",".join(self._print(i) for i in expr.indices)
        return f"{base}_{{{indices}}}"

    # -- sums and products, in the author's order as far as SymPy allows ------------------

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        terms = self._as_ordered_terms(expr, order=order)
        terms = ([t for t in terms if not t.could_extract_minus_sign()]
                 + [t for t in terms if t.could_extract_minus_sign()])
        out = []
        for k, term in enumerate(terms):
            if term.could_extract_minus_sign():
                out.append(("-" if k == 0 else " - ") + self._term(-term))
            else:
                out.append(("" if k == 0 else " + ") + self._term(term))
        return "".join(out)

    def _term(self, term: sp.Expr) -> str:
        if isinstance(term, sp.Add):
            return rf"\left({self._print(term)}\right)"
        return self._print(term)

    def _print_Mul(self, expr: sp.Mul) -> str:
        if expr.could_extract_minus_sign():
            return "-" + self._term(-expr)
        numerator: list[sp.Expr] = []
        denominator: list[sp.Expr] = []
        for factor in expr.as_ordered_factors():
            if factor.is_Rational:
                if factor.p != 1:
                    numerator.append(sp.Integer(factor.p))
                if factor.q != 1:
                    denominator.append(sp.Integer(factor.q))
            elif factor.is_Pow and factor.exp.is_Number and factor.exp.is_negative:
                denominator.append(factor.base ** -factor.exp)
            else:
                numerator.append(factor)
        numerator.sort(key=_factor_rank)
        if not denominator:
            return self._product(numerator)
        below = self._product(denominator)
        # The book's \frac{1}{I}\sum_{i=1}^{I}... and \frac{1}{\sqrt{2\pi}}\exp[...]: sums,
        # integrals and applied functions follow the fraction instead of sitting in it; but
        # a ratio of densities is one fraction, \frac{Pr(x,z|\phi)}{q(z|\theta)}.
        ratio = any(isinstance(f, AppliedProbability) for f in denominator)
        applied = [f for f in numerator if _is_applied(f)
                   and not (ratio and isinstance(f, AppliedProbability))]
        above = [f for f in numerator if f not in applied]
        fraction = rf"\frac{{{self._product(above) or 1}}}{{{below}}}"
        return f"{fraction} {self._product(applied)}" if applied else fraction

    def _product(self, factors: list[sp.Expr]) -> str:
        parts = []
        for k, factor in enumerate(factors):
            last = k == len(factors) - 1
            swallows = isinstance(factor, _BIG_OPERATORS) or (
                isinstance(factor, Maximum) and not self.book)  # the book brackets its body
            if isinstance(factor, sp.Add) or (not last and swallows):
                # A sum or integral with something after it would swallow it: bracket it.
                parts.append(rf"\left({self._print(factor)}\right)")
            elif factor.is_Number and k > 0:
                parts.append(rf"\cdot {self._print(factor)}")
            else:
                parts.append(self._print(factor))
        return " ".join(parts)

    # -- functions --------------------------------------------------------------------------

    def _print_log(self, expr: sp.log, exp: str | None = None) -> str:
        power = f"^{{{exp}}}" if exp else ""
        return rf"\log{power}{self._apply(expr.args[0])}"

    def _print_exp(self, expr: sp.exp, exp: str | None = None) -> str:
        if not self.book:
            return super()._print_ExpBase(expr, exp)
        power = f"^{{{exp}}}" if exp else ""
        return rf"\exp{power}{self._apply(expr.args[0])}"

    def _print_DiracDelta(self, expr: sp.DiracDelta, exp: str | None = None) -> str:
        power = f"^{{{exp}}}" if exp else ""
        if len(expr.args) > 1:
            order = f"^{{({self._print(expr.args[1])})}}"
        else:
            order = ""
        inner = self._print(expr.args[0])
        bracketed = f"[{inner}]" if self.book else rf"\left({inner}\right)"
        return rf"\delta{order}{power}{bracketed}"

    def _print_Integral(self, expr: sp.Integral) -> str:
        if len(expr.limits) != 1:
            return super()._print_Integral(expr)
        limit = expr.limits[0]
        variable = limit[0]
        bounds = ""
        if len(limit) == 3:
            bounds = f"_{{{self._print(limit[1])}}}^{{{self._print(limit[2])}}}"
        space = " " if self.mathjax else r"\,"
        integrand = self._integrand(expr.function, variable)
        return rf"\int{bounds} {integrand}{space}d{self._print(variable)}"

    def _integrand(self, integrand: sp.Expr, variable: sp.Symbol) -> str:
        if isinstance(integrand, sp.Add):
            return rf"\left({self._print(integrand)}\right)"
        factors = list(integrand.args) if isinstance(integrand, sp.Mul) else [integrand]
        mixtures = [f for f in factors if _is_weight(f) and isinstance(f, sp.Sum)]
        if not mixtures or integrand.could_extract_minus_sign():
            return self._print(integrand)
        # The book's (1/I sum_i delta[y - y_i]) log[...]: a mixture, with its constant
        # factors, in brackets in front of what it weighs.
        weight = [f for f in factors if _is_weight(f) or variable not in f.free_symbols]
        rest = [f for f in factors if f not in weight]
        if not rest:
            return self._print(integrand)
        return rf"\left({self._print(sp.Mul(*weight))}\right){self._print(sp.Mul(*rest))}"

    # -- the notation of derive.notation ----------------------------------------------------

    def _print_OptimisationSet(self, expr: OptimisationSet) -> str:
        variables = ",".join(self._print(v) for v in expr.variables)
        body = self._print(expr.objective)
        if not self.book:
            return rf"\operatorname*{{{expr.sense}}}_{{{variables}}}\left({body}\right)"
        operator = rf"\mathrm{{{expr.sense}}}" if self.mathjax else rf"\rm {expr.sense}"
        return rf"\mathop{{{operator}}}_{{{variables}}}\left[{body}\right]"

    def _print_Maximum(self, expr: Maximum, **_) -> str:
        """The book's \\max_{k}\\bigl[a_{k}\\bigr]; plain \\max_{k} a_{k}, a sum or product
        bracketed."""
        under = maximum_subscript(expr, self._print)
        if self.book:
            return rf"\max_{{{under}}}{self._apply(expr.function)}"
        body = self._print(expr.function)
        if isinstance(expr.function, (sp.Add, sp.Mul)):
            body = rf"\left({body}\right)"
        return rf"\max_{{{under}}} {body}"

    def _print_KL(self, expr: KL) -> str:
        q, p = (self._kl_side(d, expr.variable) for d in (expr.q, expr.p))
        if self.book:
            bars = r"\Vert " if self.mathjax else "||"  # Markdown: no | (a table's cell ends)
            return rf"D_{{KL}}\bigl[{q}{bars}{p}\bigr]"
        return rf"D_{{\mathrm{{KL}}}}\left({q} \,\Vert\, {p}\right)"

    def _kl_side(self, density: sp.Expr, variable: sp.Symbol) -> str:
        # D_KL[q||p]: a plain density of the KL's own variable is written by its name alone;
        # a conditional one without its condition is Pr(z), as the book writes the prior.
        if isinstance(density, AppliedDensity) and not density.conditional \
                and density.args == (variable,):
            return self._name(density.func.__name__)
        return self._print(density)

    def _print_AppliedProbability(self, expr: AppliedProbability, exp: str | None = None) -> str:
        """``Pr(x,z|\\phi)`` (a joint: the variables of a Tuple before the bar), ``Pr(z)``
        (no condition: no bar), ``q(z)``; plain style ``Pr(x,z \\mid \\phi)``."""
        name = self._name(expr.func.__name__)
        power = f"^{{{exp}}}" if exp else ""
        if not expr.conditional:
            return rf"{name}{power}({','.join(self._print(a) for a in expr.args)})"
        first = expr.variable
        variables = ",".join(self._print(v) for v in
                             (first.args if isinstance(first, sp.Tuple) else (first,)))
        if not expr.condition:
            return rf"{name}{power}({variables})"
        given = ",".join(self._print(a) for a in expr.condition)
        bar = "|" if self.book else r" \mid "
        return rf"{name}{power}({variables}{bar}{given})"

    def _print_AppliedUndef(self, expr: AppliedUndef, exp: str | None = None) -> str:
        """A function of the author's (ELBO, f) in the book's brackets: ``\\operatorname{ELBO}
        [\\theta,\\phi]``; plain style SymPy's ``\\operatorname{ELBO}{\\left(\\theta,\\phi\\right)}``."""
        name = expr.func.__name__
        head = self._hprint_Function(name) if _SAFE_NAME.match(name) else self._name(name)
        if not self.book:
            arguments = ", ".join(self._print(a) for a in expr.args)
            power = f"^{{{exp}}}" if exp else ""
            return rf"{head}{power}{{\left({arguments}\right)}}"
        power = f"^{{{exp}}}" if exp else ""
        if len(expr.args) == 1:
            return rf"{head}{power}{self._apply(expr.args[0])}"
        arguments = ",".join(self._print(a) for a in expr.args)
        if any(_is_tall(a) for a in expr.args):
            return rf"{head}{power}\left[{arguments}\right]"
        return rf"{head}{power}[{arguments}]"

    def _print_AppliedModel(self, expr: AppliedModel, exp: str | None = None) -> str:
        name = self._name(expr.func.__name__)
        power = f"^{{{exp}}}" if exp else ""
        if not self.book:
            return rf"{name}{power}\left({', '.join(self._print(a) for a in expr.args)}\right)"
        outer, self._bold_inputs = self._bold_inputs, True
        try:
            inner = ",".join(self._print(a) for a in expr.args)
        finally:
            self._bold_inputs = outer
        head = rf"\mathbf{{{name}}}" if self.mathjax else rf"\mbox{{\bf {name}}}"
        return rf"{head}{power}[{inner}]"


BookLatexPrinter._NOTATION = (
    (OptimisationSet, "_print_OptimisationSet"), (KL, "_print_KL"), (Maximum, "_print_Maximum"),
    (AppliedProbability, "_print_AppliedProbability"), (AppliedModel, "_print_AppliedModel"),
)


def parameters(expressions: Iterable[sp.Basic]) -> frozenset[sp.Symbol]:
    """The symbols the book sets in bold: every variable optimised over, and every symbol
    that is an argument of a model (its parameters), anywhere in ``expressions``."""
    found: set[sp.Symbol] = set()
    for expr in expressions:
        found |= optimisation_variables(expr)
        for node in sp.preorder_traversal(expr):
            if isinstance(node, AppliedModel):
                found |= {a for a in node.args if isinstance(a, sp.Symbol)}
    return frozenset(found)


def to_latex(expr: sp.Basic, style: str = "book", target: str = "tex",
             bold: Iterable[sp.Symbol] | None = None) -> str:
    """``expr`` as LaTeX math in ``style`` (book or plain) for ``target`` (tex or mathjax).
    ``bold``: the symbols set in bold (default: the parameters of ``expr`` itself)."""
    bold = parameters([expr]) if bold is None else frozenset(bold)
    return BookLatexPrinter({"style": style, "target": target, "bold": bold}).doprint(expr)
