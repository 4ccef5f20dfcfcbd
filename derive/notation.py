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
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy as sp
from sympy.core.function import AppliedUndef, UndefinedFunction

__all__ = [
    "ArgMax",
    "ArgMin",
    "AppliedDensity",
    "AppliedMassFunction",
    "AppliedModel",
    "AppliedModelOutput",
    "BinaryLabel",
    "ClassLabel",
    "DataLabel",
    "Delta",
    "KL",
    "OptimisationSet",
    "data",
    "density",
    "is_density",
    "is_model",
    "mass_function",
    "model",
    "model_output",
    "optimisation_variables",
    "sig",
]

Delta = sp.DiracDelta


def _power(body: str, exp: str | None) -> str:
    """SymPy's printer hands a function raised to a power its exponent to print."""
    return body if exp is None else rf"{body}^{{{exp}}}"


def _tuple(variables: Iterable[sp.Symbol]) -> sp.Tuple:
    variables = tuple(variables)
    if not variables:
        raise TypeError("ArgMin/ArgMax need at least one optimisation variable")
    for v in variables:
        if not isinstance(v, sp.Symbol):
            raise TypeError(f"optimisation variable {v!r} is not a Symbol")
    return sp.Tuple(*variables)


class OptimisationSet(sp.Expr):
    """argmin or argmax of an objective over optimisation variables (a set, not a number).

    args: (objective, Tuple(variables)). The variables are bound: they are not free symbols
    of the whole expression, exactly as the integration variable of an ``Integral``.
    """

    sense: str = ""
    is_commutative = True

    def __new__(cls, objective, *variables):
        if len(variables) == 1 and isinstance(variables[0], (tuple, list, sp.Tuple)):
            variables = tuple(variables[0])
        objective = sp.sympify(objective, strict=True)
        return sp.Expr.__new__(cls, objective, _tuple(variables))

    @property
    def objective(self) -> sp.Expr:
        return self.args[0]

    @property
    def variables(self) -> tuple[sp.Symbol, ...]:
        return tuple(self.args[1])

    @property
    def free_symbols(self) -> set[sp.Basic]:
        return self.objective.free_symbols - set(self.variables)

    def with_objective(self, objective: sp.Expr) -> OptimisationSet:
        return type(self)(objective, *self.variables)

    def _sympystr(self, printer) -> str:
        variables = ", ".join(printer.doprint(v) for v in self.variables)
        return f"{self.sense}_{{{variables}}}[{printer.doprint(self.objective)}]"

    def _latex(self, printer) -> str:
        variables = ",".join(printer._print(v) for v in self.variables)
        body = printer._print(self.objective)
        return rf"\mathop{{\rm {self.sense}}}_{{{variables}}}\left[{body}\right]"


class ArgMin(OptimisationSet):
    """The minimisers of ``objective`` over ``variables``."""

    sense = "argmin"


class ArgMax(OptimisationSet):
    """The maximisers of ``objective`` over ``variables``."""

    sense = "argmax"


def optimisation_variables(expr: sp.Basic) -> set[sp.Symbol]:
    """Every variable that some ArgMin/ArgMax in ``expr`` optimises over."""
    found: set[sp.Symbol] = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, OptimisationSet):
            found.update(node.variables)
    return found


class KL(sp.Expr):
    """D_KL[q||p]: the KL divergence of densities ``q(z)``, ``p(z)`` in the variable ``z``.

    Its meaning (used by the numeric checker and by the rule ``kl_definition``) is
    ``Integral(q(z) * log(q(z)/p(z)), (z, -oo, oo))``.
    """

    is_commutative = True
    is_real = True

    def __new__(cls, q, p, variable):
        q, p = sp.sympify(q, strict=True), sp.sympify(p, strict=True)
        if not isinstance(variable, sp.Symbol):
            raise TypeError(f"KL: the variable {variable!r} is not a Symbol")
        return sp.Expr.__new__(cls, q, p, variable)

    @property
    def q(self) -> sp.Expr:
        return self.args[0]

    @property
    def p(self) -> sp.Expr:
        return self.args[1]

    @property
    def variable(self) -> sp.Symbol:
        return self.args[2]

    @property
    def free_symbols(self) -> set[sp.Basic]:
        return (self.q.free_symbols | self.p.free_symbols) - {self.variable}

    def _short(self, density: sp.Expr, printer) -> str:
        # The book writes D_KL[q||p] when both are plain densities of the variable alone.
        if isinstance(density, AppliedDensity) and density.args == (self.variable,):
            return density.func.__name__
        return printer._print(density)

    def _sympystr(self, printer) -> str:
        return f"D_KL[{printer.doprint(self.q)}||{printer.doprint(self.p)}]"

    def _latex(self, printer) -> str:
        return rf"D_{{KL}}\bigl[{self._short(self.q, printer)}||{self._short(self.p, printer)}\bigr]"


class AppliedProbability(AppliedUndef):
    """A probability function applied to its value and, if conditional, to its condition:
    ``Pr(y, theta)`` is printed ``Pr(y|theta)``, as the book writes it."""

    is_real = True
    conditional = False

    @property
    def variable(self) -> sp.Expr:
        return self.args[0]

    @property
    def condition(self) -> tuple[sp.Expr, ...]:
        return tuple(self.args[1:])

    def _sympystr(self, printer) -> str:
        name = self.func.__name__
        if self.conditional:
            given = ", ".join(printer.doprint(a) for a in self.condition)
            return f"{name}({printer.doprint(self.variable)}|{given})"
        return f"{name}({', '.join(printer.doprint(a) for a in self.args)})"

    def _latex(self, printer, exp=None) -> str:
        name = self.func.__name__
        if self.conditional:
            given = ",".join(printer._print(a) for a in self.condition)
            return _power(rf"{name}({printer._print(self.variable)}|{given})", exp)
        return _power(rf"{name}({','.join(printer._print(a) for a in self.args)})", exp)


class AppliedDensity(AppliedProbability):
    """A density applied to its variable (and, if conditional, to its condition).

    Densities are positive on the domain where they are integrated: that is what makes
    log of a density defined, and it is stated as an assumption wherever it is used.
    """

    is_positive = True


class AppliedMassFunction(AppliedProbability):
    """A probability mass function (the Bernoulli's Pr(y|lambda) on {0, 1}). Not a density:
    it is never integrated, it may be 0 off its support, and the numeric checker gives it no
    meaning of its own: its definition does."""

    is_nonnegative = True
    derive_support: tuple = ()  # the values it sums to 1 over, when declared


class AppliedConditionalMassFunction(AppliedMassFunction):
    conditional = True


class AppliedConditionalDensity(AppliedDensity):
    conditional = True


def _undefined(name: str, base: type, kind: str) -> UndefinedFunction:
    # SymPy compares undefined functions by name and assumptions, not by base class: without
    # a kind of its own, a density q would equal a plain Function("q"), and SymPy's cache
    # would hand one for the other (a function of unknown sign read as a positive density).
    return UndefinedFunction(name, bases=(base,), derive_kind=kind)


def density(name: str, conditional: bool = False) -> UndefinedFunction:
    """A named density: ``q = density("q")`` gives ``q(z)``; ``Pr = density("Pr", True)``
    gives ``Pr(y, theta)``, the density of ``y`` given ``theta``, printed ``Pr(y|theta)``."""
    base = AppliedConditionalDensity if conditional else AppliedDensity
    return _undefined(name, base, "conditional density" if conditional else "density")


def mass_function(name: str, conditional: bool = False,
                  support: tuple = ()) -> UndefinedFunction:
    """A named probability mass function: ``Pr = mass_function("Pr", True, support=(0, 1))``
    gives ``Pr(y, lam)``, printed ``Pr(y|lambda)``; a definition of it is checked to sum to
    1 over ``support``."""
    base = AppliedConditionalMassFunction if conditional else AppliedMassFunction
    kind = "conditional mass function" if conditional else "mass function"
    return UndefinedFunction(name, bases=(base,), derive_kind=kind,
                             derive_support=tuple(sp.sympify(v, strict=True) for v in support))


def is_density(expr: sp.Basic) -> bool:
    return isinstance(expr, AppliedDensity)


class AppliedModel(AppliedUndef):
    """A model ``f[x, phi]`` applied to an input and its parameters: it stands for the
    parameters of a distribution (a mean, a variance, ...), so it is real but of unknown sign."""

    is_real = True

    def _sympystr(self, printer) -> str:
        return f"{self.func.__name__}[{', '.join(printer.doprint(a) for a in self.args)}]"

    def _latex(self, printer, exp=None) -> str:
        inner = ",".join(printer._print(a) for a in self.args)
        return _power(rf"\mbox{{\bf {self.func.__name__}}}[{inner}]", exp)


def model(name: str = "f") -> UndefinedFunction:
    """An abstract model: ``f = model("f")``; ``f(x[i], phi)`` is f[x_i, phi]."""
    return _undefined(name, AppliedModel, "model")


def is_model(expr: sp.Basic) -> bool:
    return isinstance(expr, AppliedModel)


class DataLabel(sp.Symbol):
    """The label of a data array. A different class from Symbol, so the data ``y_i`` never
    equals, nor is substituted for, the integration variable ``y`` (a SymPy trap: an
    IndexedBase labelled by the Symbol ``y`` blocks an integral over ``y``)."""


class BinaryLabel(DataLabel):
    """The label of binary data: every observation is 0 or 1."""


class ClassLabel(DataLabel):
    """The label of class labels: every observation is one of 1, 2, ..., K."""


_DATA_KINDS = {
    "real": (DataLabel, {}),
    "binary": (BinaryLabel, {"integer": True, "nonnegative": True}),
    "class": (ClassLabel, {"integer": True, "positive": True}),
}


def data(name: str, kind: str = "real", **assumptions) -> sp.IndexedBase:
    """A data array ``y``: ``y[i]`` is the i-th observation, real unless told otherwise;
    ``kind="binary"``: in {0, 1}; ``kind="class"``: a class label 1, 2, ..., K."""
    if kind not in _DATA_KINDS:
        raise ValueError(f"data({name!r}): kind must be one of {', '.join(_DATA_KINDS)}, "
                         f"not {kind!r}")
    label_class, implied = _DATA_KINDS[kind]
    assumptions = {**implied, **assumptions}
    assumptions.setdefault("real", True)
    return sp.IndexedBase(label_class(name, **assumptions), **assumptions)


class AppliedModelOutput(AppliedModel):
    """The k-th output of a model, f_k[x, phi]: args (k, input, parameters)."""

    def _sympystr(self, printer) -> str:
        k, *rest = self.args
        inner = ", ".join(printer.doprint(a) for a in rest)
        return f"{self.func.__name__}_{printer.doprint(k)}[{inner}]"

    def _latex(self, printer, exp=None) -> str:
        k, *rest = self.args
        inner = ",".join(printer._print(a) for a in rest)
        return _power(rf"\mbox{{{self.func.__name__}}}_{{{printer._print(k)}}}[{inner}]", exp)


def model_output(name: str = "f") -> UndefinedFunction:
    """A model with several outputs: ``f = model_output("f")``; ``f(k, x[i], phi)`` is
    f_k[x_i, phi], the k-th output (a softmax's k-th logit, a Gaussian's mean or scale)."""
    return _undefined(name, AppliedModelOutput, "model output")


class sig(sp.Function):  # noqa: N801  (the book's name for it)
    """The logistic sigmoid sig[z] = 1/(1 + exp(-z)): real and positive for real z (and
    below 1, which SymPy cannot know: state 1 - sig[z] > 0 as a hypothesis where needed)."""

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + sp.exp(-z))

    def _latex(self, printer, exp=None) -> str:
        return _power(rf"\mbox{{sig}}[{printer._print(self.args[0])}]", exp)
