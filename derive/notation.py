"""The notation of ML textbooks as SymPy objects: argmin/argmax, KL, densities, models, data.

Everything here is plain SymPy underneath, so the kernel can reason about it with SymPy's
own machinery (free symbols, substitution, assumptions). What this module adds is meaning
(an optimisation variable is bound by its ArgMin; a density is positive; a data array is not
the integration variable that shares its letter) and the book's way of printing it.

Main definitions
- ``ArgMin(objective, *variables)`` / ``ArgMax``: the set of minimisers (maximisers).
- ``KL(q(z), p(z), z)``: the KL divergence of two densities in the variable ``z``.
- ``density("q")`` -> ``q(z)``; ``density("Pr", conditional=True)`` -> ``Pr(y, theta)``,
  printed ``Pr(y|\\theta)``: the first argument is the variable, the rest the condition.
- ``model("f")`` -> ``f(x_i, phi)``, printed ``\\mbox{\\bf f}[\\mathbf{x}_{i},\\phi]``.
- ``data("y")`` -> an indexed array whose label never equals the symbol ``y``;
  ``data("y", kind="binary")`` observations in {0, 1}, ``kind="class"`` labels 1, 2, ...
- ``model_output("f")`` -> ``f(k, x_i, phi)``, the k-th output f_k[x_i, phi] of a model.
- ``sig(z)``: the logistic sigmoid 1/(1 + exp(-z)), printed ``\\mbox{sig}[z]``.
- ``Delta``: SymPy's ``DiracDelta``, printed ``\\delta[y-y_{i}]``.
- ``Expectation``, ``Variance``, ``Covariance``, ``NormalDensity``: printed E[...], Var[...],
  Cov[...], N(x|mu, sigma^2).
- ``Norm(x)``, ``Norm(x, 2)``, ``FrobeniusNorm(A)``: a norm of a vector or matrix, printed
  ``\\left\\|x\\right\\|_{2}``; opaque: real and nonnegative, nothing more.
- ``SetElement(V, i)``: the i-th element of a finite set V in some enumeration of it, so
  that a sum over the set is a sum over i = 1..|V|; printed ``{\\mathcal{V}}_{i}``; opaque.
- ``Maximum(a[k], (k, 1, K))`` (the kernel's): printed ``max_{k=1..K}[a[k]]`` as text and
  ``\\max_{k} a_{k}`` in LaTeX. The LaTeX names the index alone when it runs over its whole
  range, from 1 to a count (a symbol: ``k = 1..K``), as the books write ``\\max_k``; any
  other range is written out, ``\\max_{2 \\leq k \\leq K}``.

The objects themselves, what they mean and bind, are the kernel's (``derive.kernel.objects``);
this module gives them their printing, which is not mathematics and is not trusted.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import UndefinedFunction
from sympy.printing.precedence import PRECEDENCE

from derive.kernel.objects import (
    KL,
    AppliedConditionalDensity,
    AppliedDensity,
    AppliedMassFunction,
    AppliedModel,
    AppliedProbability,
    ArgMax,
    ArgMin,
    Covariance,
    Expectation,
    FrobeniusNorm,
    Maximum,
    Norm,
    NormalDensity,
    OptimisationSet,
    Variance,
    sig,
)

__all__ = [
    "ArgMax", "ArgMin", "AppliedConditionalDensity", "AppliedConditionalMassFunction",
    "AppliedDensity", "AppliedMassFunction", "AppliedModel", "AppliedModelOutput",
    "AppliedProbability", "BinaryLabel", "ClassLabel", "Covariance", "DataLabel", "Delta",
    "Expectation", "KL", "NormalDensity", "OptimisationSet", "Variance", "data", "density",
    "is_density", "is_model", "mass_function", "maximum_subscript", "model", "model_output",
    "optimisation_variables", "sig",
]

Delta = sp.DiracDelta


# -- making named densities, models and data -------------------------------------------------

# What the notation names and the kernel knows nothing more of than its base class: a
# conditional mass function, a model's k-th output, the labels of data arrays.

class AppliedConditionalMassFunction(AppliedMassFunction):
    conditional = True


class AppliedModelOutput(AppliedModel):
    """The k-th output of a model, f_k[x, phi]: args (k, input, parameters)."""


class DataLabel(sp.Symbol):
    """The label of a data array: a class of its own, so the data y_i never equals, nor is
    substituted for, the integration variable y."""


class BinaryLabel(DataLabel):
    """The label of binary data: every observation is 0 or 1."""


class ClassLabel(DataLabel):
    """The label of class labels: every observation is one of 1, 2, ..., K."""


def _undefined(name: str, base: type, kind: str, **extra) -> UndefinedFunction:
    # SymPy compares undefined functions by name and assumptions, not by base class: without
    # a kind of its own, a density q would equal a plain Function("q"), and SymPy's cache
    # would hand one for the other (a function of unknown sign read as a positive density).
    return UndefinedFunction(name, bases=(base,), derive_kind=kind, **extra)


def density(name: str, conditional: bool = False) -> UndefinedFunction:
    """A named density: ``density("q")`` gives ``q(z)``; ``density("Pr", True)`` gives
    ``Pr(y, theta)``, the density of ``y`` given ``theta``."""
    base = AppliedConditionalDensity if conditional else AppliedDensity
    return _undefined(name, base, "conditional density" if conditional else "density")


def mass_function(name: str, conditional: bool = False,
                  support: tuple = ()) -> UndefinedFunction:
    """A named probability mass function; a definition of it is checked to sum to 1 over
    ``support``."""
    base = AppliedConditionalMassFunction if conditional else AppliedMassFunction
    kind = "conditional mass function" if conditional else "mass function"
    return _undefined(name, base, kind,
                      derive_support=tuple(sp.sympify(v, strict=True) for v in support))


def model(name: str = "f") -> UndefinedFunction:
    """An abstract model: ``model("f")``; ``f(x[i], phi)`` is f[x_i, phi]."""
    return _undefined(name, AppliedModel, "model")


def model_output(name: str = "f") -> UndefinedFunction:
    """A model with several outputs: ``f(k, x[i], phi)`` is f_k[x_i, phi]."""
    return _undefined(name, AppliedModelOutput, "model output")


def is_density(expr: sp.Basic) -> bool:
    return isinstance(expr, AppliedDensity)


def is_model(expr: sp.Basic) -> bool:
    return isinstance(expr, AppliedModel)


_DATA_KINDS = {
    "real": (DataLabel, {}),
    "binary": (BinaryLabel, {"integer": True, "nonnegative": True}),
    "class": (ClassLabel, {"integer": True, "positive": True}),
}


def data(name: str, kind: str = "real", **assumptions) -> sp.IndexedBase:
    """A data array: ``data("y")[i]`` is the i-th observation, real unless told otherwise;
    ``kind="binary"``: in {0, 1}; ``kind="class"``: a class label 1, ..., K."""
    if kind not in _DATA_KINDS:
        raise ValueError(f"data({name!r}): kind must be one of {', '.join(_DATA_KINDS)}, "
                         f"not {kind!r}")
    label_class, implied = _DATA_KINDS[kind]
    assumptions = {**implied, **assumptions}
    assumptions.setdefault("real", True)
    return sp.IndexedBase(label_class(name, **assumptions), **assumptions)




def _power(body: str, exp: str | None) -> str:
    """SymPy's printer hands a function raised to a power its exponent to print."""
    return body if exp is None else rf"{body}^{{{exp}}}"


def optimisation_variables(expr: sp.Basic) -> set[sp.Symbol]:
    """Every variable that some ArgMin/ArgMax in ``expr`` optimises over."""
    found: set[sp.Symbol] = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, OptimisationSet):
            found.update(node.variables)
    return found


def _printing(cls: type, sympystr=None, latex=None) -> None:
    if sympystr is not None:
        cls._sympystr = sympystr
    if latex is not None:
        cls._latex = latex


# -- argmin / argmax -----------------------------------------------------------------------

def _optimisation_str(self, printer) -> str:
    variables = ", ".join(printer.doprint(v) for v in self.variables)
    return f"{self.sense}_{{{variables}}}[{printer.doprint(self.objective)}]"


def _optimisation_latex(self, printer) -> str:
    variables = ",".join(printer._print(v) for v in self.variables)
    body = printer._print(self.objective)
    return rf"\mathop{{\rm {self.sense}}}_{{{variables}}}\left[{body}\right]"


_printing(OptimisationSet, _optimisation_str, _optimisation_latex)


# -- KL ------------------------------------------------------------------------------------

def _kl_short(self, density, printer) -> str:
    # The book writes D_KL[q||p] when both are plain densities of the variable alone (and
    # D_KL[q||Pr(z)] for a conditional density without its condition).
    if isinstance(density, AppliedDensity) and not density.conditional \
            and density.args == (self.variable,):
        return density.func.__name__
    return printer._print(density)


_printing(KL, lambda self, printer: f"D_KL[{printer.doprint(self.q)}||{printer.doprint(self.p)}]",
          lambda self, printer: rf"D_{{KL}}\bigl[{_kl_short(self, self.q, printer)}||"
                                rf"{_kl_short(self, self.p, printer)}\bigr]")


# -- probabilities, models ------------------------------------------------------------------

def _variables(self) -> tuple:
    """What stands before the bar: a joint's variables (a Tuple), or the one variable."""
    first = self.variable
    return tuple(first) if isinstance(first, sp.Tuple) else (first,)


def _probability_str(self, printer) -> str:
    name = self.func.__name__
    if self.conditional:
        variables = ", ".join(printer.doprint(v) for v in _variables(self))
        given = ", ".join(printer.doprint(a) for a in self.condition)
        return f"{name}({variables}|{given})" if given else f"{name}({variables})"
    return f"{name}({', '.join(printer.doprint(a) for a in self.args)})"


def _probability_latex(self, printer, exp=None) -> str:
    name = self.func.__name__
    if self.conditional:
        variables = ",".join(printer._print(v) for v in _variables(self))
        given = ",".join(printer._print(a) for a in self.condition)
        return _power(rf"{name}({variables}|{given})" if given else rf"{name}({variables})",
                      exp)
    return _power(rf"{name}({','.join(printer._print(a) for a in self.args)})", exp)


_printing(AppliedProbability, _probability_str, _probability_latex)


def _model_latex(self, printer, exp=None) -> str:
    inner = ",".join(printer._print(a) for a in self.args)
    return _power(rf"\mbox{{\bf {self.func.__name__}}}[{inner}]", exp)


_printing(AppliedModel,
          lambda self, printer: f"{self.func.__name__}[{', '.join(printer.doprint(a) for a in self.args)}]",
          _model_latex)


def _model_output_str(self, printer) -> str:
    k, *rest = self.args
    return f"{self.func.__name__}_{printer.doprint(k)}[{', '.join(printer.doprint(a) for a in rest)}]"


def _model_output_latex(self, printer, exp=None) -> str:
    k, *rest = self.args
    inner = ",".join(printer._print(a) for a in rest)
    return _power(rf"\mbox{{{self.func.__name__}}}_{{{printer._print(k)}}}[{inner}]", exp)


_printing(AppliedModelOutput, _model_output_str, _model_output_latex)
_printing(sig, None, lambda self, printer, exp=None:
          _power(rf"\mbox{{sig}}[{printer._print(self.args[0])}]", exp))


# -- expectations, the normal density --------------------------------------------------------

def _average_str(name: str):
    def show(self, printer) -> str:
        inside = ", ".join(printer.doprint(b) for b in self.bodies)
        laws = ", ".join(printer.doprint(law) for law in self.laws)
        over = ", ".join(printer.doprint(v) for v in self.variables)
        return f"{name}_{{{laws or over}}}[{inside}]"
    return show


def _law(law, variable, printer) -> str:
    # x ~ p, as texts write it, when the law is a density of that variable alone
    if isinstance(law, AppliedDensity) and law.args == (variable,):
        return law.func.__name__
    return printer._print(law)


def _average_latex(name: str):
    def show(self, printer, exp=None) -> str:
        inside = ",".join(printer._print(b) for b in self.bodies)
        if self.laws:
            under = ",".join(rf"{printer._print(v)}\sim {_law(law, v, printer)}"
                             for v, law in zip(self.variables, self.laws, strict=False))
        else:
            under = ",".join(printer._print(v) for v in self.variables)
        return _power(rf"{name}_{{{under}}}\left[{inside}\right]", exp)
    return show


_printing(Expectation, _average_str("E"), _average_latex(r"\mathbb{E}"))
_printing(Variance, _average_str("Var"), _average_latex(r"\mathrm{Var}"))
_printing(Covariance, _average_str("Cov"), _average_latex(r"\mathrm{Cov}"))


def _normal_latex(self, printer, exp=None) -> str:
    x, mean, variance = (printer._print(a) for a in self.args)
    return _power(rf"\mathcal{{N}}({x}|{mean},{variance})", exp)


_printing(NormalDensity,
          lambda self, printer: "N({}|{}, {})".format(*(printer.doprint(a) for a in self.args)),
          _normal_latex)


# -- the largest term, max_k a_k --------------------------------------------------------------

def maximum_subscript(self: Maximum, show) -> str:
    """What stands under \\max: the index alone over its whole range (1 to a count K), else
    the range written out; ``show`` prints an expression as LaTeX."""
    under = []
    for limit in self.limits:
        index, *bounds = limit
        if not bounds or (bounds[0] == 1 and isinstance(bounds[1], sp.Symbol)):
            under.append(show(index))
        else:
            under.append(rf"{show(bounds[0])} \leq {show(index)} \leq {show(bounds[1])}")
    return ", ".join(under)


def _maximum_str(self, printer) -> str:
    ranges = ", ".join(f"{printer.doprint(index)}={printer.doprint(bounds[0])}.."
                       f"{printer.doprint(bounds[1])}" if bounds else printer.doprint(index)
                       for index, *bounds in self.limits)
    return f"max_{{{ranges}}}[{printer.doprint(self.function)}]"


def _maximum_latex(self, printer, exp=None) -> str:
    body = printer._print(self.function)
    if isinstance(self.function, (sp.Add, sp.Mul)):
        body = rf"\left({body}\right)"
    shown = rf"\max_{{{maximum_subscript(self, printer._print)}}} {body}"
    return shown if exp is None else rf"\left({shown}\right)^{{{exp}}}"


_printing(Maximum, _maximum_str, _maximum_latex)
# Between a product's and a power's: 2 max_k a_k needs no brackets, but max_k a_k squared
# is (max_k a_k)^2, never max_k a_k^2.
Maximum.precedence = (PRECEDENCE["Mul"] + PRECEDENCE["Pow"]) // 2


# -- read from LaTeX: x^{(i)}, the i-th sample (derive.latex) ---------------------------------

class SampleIndexed(sp.Indexed):
    """An entry of a data array indexed by a superscript, as ML texts write samples:
    ``SampleIndexed(x, i)`` is x^{(i)}, ``SampleIndexed(x, i, j)`` its j-th coordinate
    x_j^{(i)}. The same entry as ``x[i, j]``; only the printing differs."""


def _sample_latex(self, printer, exp=None) -> str:
    # in braces, so that a power of it is x^{(i)} squared, not a double superscript
    sample, *rest = self.indices
    coordinates = f"_{{{','.join(printer._print(i) for i in rest)}}}" if rest else ""
    return _power(rf"{{{printer._print(self.base.label)}{coordinates}^{{({printer._print(sample)})}}}}",
                  exp)


_printing(SampleIndexed,
          lambda self, printer: f"{printer.doprint(self.base.label)}^({printer.doprint(self.indices[0])})"
          + (f"[{', '.join(printer.doprint(i) for i in self.indices[1:])}]" if len(self.indices) > 1 else ""),
          _sample_latex)
__all__ += ["SampleIndexed"]


# -- read from LaTeX: norms (derive.latex) -----------------------------------------------------

def _norm_order(self, printer) -> str:
    if isinstance(self, FrobeniusNorm):
        return r"_{\mathrm{F}}"
    return f"_{{{printer._print(self.args[1])}}}" if len(self.args) == 2 else ""


def _norm_str(self, printer) -> str:
    order = ""
    if isinstance(self, FrobeniusNorm):
        order = "_F"
    elif len(self.args) == 2:
        order = f"_{printer.doprint(self.args[1])}"
    return f"||{printer.doprint(self.args[0])}||{order}"


_printing(Norm, _norm_str, lambda self, printer, exp=None: _power(
    rf"\left\|{printer._print(self.args[0])}\right\|{_norm_order(self, printer)}", exp))
__all__ += ["FrobeniusNorm", "Norm"]


# -- read from LaTeX: the elements of a finite set (derive.latex) -------------------------------

class SetElement(sp.Function):
    """``SetElement(V, i)``: the i-th element of the finite set V in some enumeration of it,
    for i = 1..|V|, each element once; so ``\\sum_{v \\in V} f(v)`` is the sum over i of
    ``f(SetElement(V, i))``, exactly, whatever the set holds. Opaque: nothing is known of an
    element (not that it is 1, 2, ...: a sum over a subset is never a sum over 1..|V|)."""

    nargs = 2


_printing(SetElement,
          lambda self, printer: f"{printer.doprint(self.args[0])}[{printer.doprint(self.args[1])}]",
          lambda self, printer, exp=None: _power(
              rf"{{{printer._print(self.args[0])}}}_{{{printer._print(self.args[1])}}}", exp))
__all__ += ["SetElement"]
