"""The mathematical objects the kernel reasons about, beyond SymPy's own: what they mean,
which variables they bind, and what is known of their sign. No printing (``derive.notation``
gives them the book's notation).

Main definitions
- ``ArgMin(objective, *variables)`` / ``ArgMax``: a set of optimisers; the variables are bound.
- ``KL(q, p, z)``: the KL divergence of two densities of ``z``; ``z`` is bound.
- ``Expectation(body, variables, laws)``, ``Variance``, ``Covariance``: averages over random
  variables (bound), under the given laws (densities of them) or an unstated joint law.
- ``AppliedDensity``, ``AppliedMassFunction``, ``AppliedModel``: what a named density, mass
  function or model is (``derive.notation`` makes them, and the data labels, which mean
  nothing more than a symbol).
- ``NormalDensity(x, mean, variance)``: the normal density, a density of ``x``.
- ``Maximum(a[k], (k, 1, K))``: the largest of finitely many terms; k is bound.
- ``Norm(x)``, ``Norm(x, p)``, ``FrobeniusNorm(A)``: norms as texts write them (opaque).
- ``sig(z)``: the logistic sigmoid.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy as sp
from sympy.concrete.expr_with_limits import ExprWithLimits
from sympy.core.function import AppliedUndef


def _variables(variables: Iterable) -> sp.Tuple:
    variables = tuple(variables)
    if not variables:
        raise TypeError("an argmin, argmax or expectation needs at least one variable")
    for v in variables:
        if not isinstance(v, sp.Symbol):
            raise TypeError(f"variable {v!r} is not a Symbol")
    if len(set(variables)) != len(variables):
        raise TypeError(f"a variable is repeated in {variables}")
    return sp.Tuple(*variables)


class _Binder(sp.Expr):
    """An expression that binds its ``bound_symbols``, as an integral does: they are not
    free in it."""

    is_commutative = True

    @property
    def free_symbols(self) -> set[sp.Basic]:
        return set().union(*(a.free_symbols for a in self.args)) - set(self.bound_symbols)


class OptimisationSet(_Binder):
    """argmin or argmax of an objective over variables: a set, not a number. args:
    (objective, Tuple(variables)); the variables are bound, as an integral's are. Its
    elements are assignments of values to the named variables (the optimal w and b), not
    tuples in the order listed: argmin over (w, b) and over (b, w) are one set."""

    sense = ""

    def __new__(cls, objective, *variables):
        if len(variables) == 1 and isinstance(variables[0], (tuple, list, sp.Tuple)):
            variables = tuple(variables[0])
        return sp.Expr.__new__(cls, sp.sympify(objective, strict=True), _variables(variables))

    @property
    def objective(self) -> sp.Expr:
        return self.args[0]

    @property
    def variables(self) -> tuple[sp.Symbol, ...]:
        return tuple(self.args[1])

    @property
    def bound_symbols(self) -> list[sp.Symbol]:
        return list(self.variables)

    def with_objective(self, objective: sp.Expr) -> OptimisationSet:
        return type(self)(objective, *self.variables)


class ArgMin(OptimisationSet):
    """The minimisers of ``objective`` over ``variables``."""

    sense = "argmin"


class ArgMax(OptimisationSet):
    """The maximisers of ``objective`` over ``variables``."""

    sense = "argmax"


class KL(_Binder):
    """D_KL[q||p] of densities ``q``, ``p`` of ``variable``: by definition
    ``Integral(q * log(q / p), (variable, -oo, oo))``. The variable is bound. Real under the
    regularity assumption every step with integrals rests on (each integral converges):
    KL(Cauchy||Normal) is +oo, and outside it."""

    is_real = True

    def __new__(cls, q, p, variable):
        if not isinstance(variable, sp.Symbol):
            raise TypeError(f"KL: the variable {variable!r} is not a Symbol")
        return sp.Expr.__new__(cls, sp.sympify(q, strict=True), sp.sympify(p, strict=True),
                               variable)

    q = property(lambda self: self.args[0])
    p = property(lambda self: self.args[1])
    variable = property(lambda self: self.args[2])

    @property
    def bound_symbols(self) -> list[sp.Symbol]:
        return [self.variable]


class _Average(_Binder):
    """An average over random variables: args (Tuple(body, ...), Tuple(variables),
    Tuple(laws)). Each law is a density or mass function applied to a variable (``p(x)``);
    with none, the joint law is left unstated. The variables are bound: E[X] is a number."""

    arity = 1

    def __new__(cls, body, variables, laws=()):
        # rebuilt from its own args (a Tuple of its bodies), it is the same average
        bodies = tuple(body) if cls.arity > 1 or isinstance(body, sp.Tuple) else (body,)
        if len(bodies) != cls.arity:
            raise TypeError(f"{cls.__name__} takes {cls.arity} expression(s)")
        return sp.Expr.__new__(cls, sp.Tuple(*(sp.sympify(b, strict=True) for b in bodies)),
                               _variables(variables),
                               sp.Tuple(*(sp.sympify(law, strict=True) for law in laws)))

    @property
    def bodies(self) -> tuple[sp.Expr, ...]:
        return tuple(self.args[0])

    @property
    def variables(self) -> tuple[sp.Symbol, ...]:
        return tuple(self.args[1])

    @property
    def laws(self) -> tuple[sp.Expr, ...]:
        return tuple(self.args[2])

    @property
    def body(self) -> sp.Expr:
        """The averaged expression (the first, of a covariance)."""
        return self.bodies[0]

    @property
    def under_probability_laws(self) -> bool:
        """Is every law a density or mass function (an unstated joint law is one)? Only then
        is the average one: E under -q(x) is minus an average, of the other sign."""
        return all(isinstance(law, (AppliedProbability, NormalDensity)) for law in self.laws)

    @property
    def bound_symbols(self) -> list[sp.Symbol]:
        return list(self.variables)


class Expectation(_Average):
    """E[body] over ``variables``: with laws p(x), the integral of body * p(x) dx."""

    def _eval_is_real(self):
        return (self.body.is_real and self.under_probability_laws) or None

    def _eval_is_positive(self):
        return (self.body.is_positive and self.under_probability_laws) or None

    def _eval_is_nonnegative(self):
        return (self.body.is_nonnegative and self.under_probability_laws) or None


class Variance(_Average):
    """Var[body] = E[(body - E[body])^2] over ``variables``."""

    def _eval_is_nonnegative(self):
        return True if self.body.is_real and self.under_probability_laws else None


class Covariance(_Average):
    """Cov[a, b] = E[(a - E[a]) (b - E[b])] over ``variables``."""

    arity = 2


class Independent(sp.Basic):
    """A hypothesis a step may rest on: the random variables given are independent (a
    document or proof states it; the kernel never assumes it)."""

    def __new__(cls, *variables):
        if len(variables) < 2 or not all(isinstance(v, sp.Basic) for v in variables):
            raise TypeError("Independent takes two or more random variables")
        return sp.Basic.__new__(cls, *variables)

    @property
    def variables(self) -> frozenset:
        return frozenset(self.args)


class AppliedProbability(AppliedUndef):
    """A probability function applied to its value and, if conditional, its condition:
    ``Pr(y, theta)`` is the density of y given theta."""

    is_real = True
    conditional = False

    @property
    def variable(self) -> sp.Expr:
        return self.args[0]

    @property
    def condition(self) -> tuple[sp.Expr, ...]:
        return tuple(self.args[1:])


class AppliedDensity(AppliedProbability):
    """A density applied to its variable: positive where it is integrated (which makes its
    log defined), and integrating to 1 over the whole line."""

    is_positive = True


class AppliedConditionalDensity(AppliedDensity):
    """One joint law, applied: every application of one conditional density function is a
    marginal or conditional density of the same law of the random variables its arguments
    name (Pr(z|x, phi), Pr(x|phi), Pr(z)); a Tuple before the bar is a joint, Pr((x, z),
    phi) is Pr(x, z|phi). The rules of probability (product, Bayes, marginalisation) hold
    between them; conditioning on a parameter phi indexes the law."""

    conditional = True


class AppliedMassFunction(AppliedProbability):
    """A probability mass function (the Bernoulli's): nonnegative, never integrated, 0 off
    its support; it sums to 1 over ``derive_support`` when that is declared."""

    is_nonnegative = True
    derive_support: tuple = ()


class AppliedModel(AppliedUndef):
    """A model f[x, phi] applied to an input and parameters: real, of unknown sign."""

    is_real = True


class NormalDensity(sp.Function):
    """N(x | mean, variance) = exp(-(x - mean)^2 / (2 variance)) / sqrt(2 pi variance): a
    density of x when the variance is positive."""

    nargs = 3

    def _eval_is_positive(self):
        x, mean, variance = self.args
        if variance.is_positive and x.is_real and mean.is_real:
            return True
        return None

    def _eval_is_real(self):
        return self._eval_is_positive()

    def _eval_rewrite_as_exp(self, x, mean, variance, **kwargs):
        return sp.exp(-(x - mean) ** 2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance)


class Maximum(ExprWithLimits):
    """max of ``function`` over an integer range: ``Maximum(a[k], (k, 1, K))`` is
    max_{k=1..K} a_k; k is bound, as a sum's index is. Real when its terms are."""

    def _eval_is_real(self):
        return self.function.is_real or None

    def _eval_is_positive(self):
        (_, low, high), = self.limits
        return True if self.function.is_positive and (high - low).is_nonnegative else None


class Norm(sp.Function):
    """A norm of a vector or matrix as texts write it: ``Norm(x)`` is ||x|| (whichever norm
    the text means), ``Norm(x, p)`` the p-norm ||x||_p (p a number, a symbol or oo). Opaque:
    a real, nonnegative scalar function of its argument and nothing more, so no identity of
    norms (the triangle inequality, homogeneity) is taken for granted, and none can make a
    false line true; ``Norm(x)`` is never ``Norm(x, 2)``, as a text may mean another norm."""

    nargs = (1, 2)

    def _eval_is_commutative(self):
        return True  # a scalar, even of noncommuting vectors

    def _eval_is_real(self):
        return True

    def _eval_is_nonnegative(self):
        return True


class FrobeniusNorm(Norm):
    """The Frobenius norm ||A||_F of a matrix: another norm than any p-norm of it."""

    nargs = 1


class sig(sp.Function):  # noqa: N801  (the book's name for it)
    """The logistic sigmoid 1/(1 + exp(-z)): real and positive for real z (and below 1,
    which SymPy cannot know: state 1 - sig[z] > 0 as a hypothesis where needed)."""

    nargs = 1

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + sp.exp(-z))

__all__ = [
    "AppliedConditionalDensity", "AppliedDensity",
    "AppliedMassFunction", "AppliedModel", "AppliedProbability",
    "ArgMax", "ArgMin", "Covariance", "Expectation",
    "FrobeniusNorm", "Independent",
    "KL", "Maximum", "Norm", "NormalDensity", "OptimisationSet", "Variance", "sig",
]
