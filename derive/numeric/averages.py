"""Averages, numerically: the meaning of E, Var and Cov, and random laws for those whose law
is unstated.

An identity of expectations under an unstated law must hold for every law, so a law drawn at
random is a fair instance. Here it is a discrete law on a few atoms, E[body] the sum over its
atoms of weight * body(atom):

- one law per instance for every random variable averaged under an unstated law in a step:
  both sides, and nested averages (E[X - E[X]]), use it; an average over some of its
  variables uses their marginal (the same atoms, the others ignored), as the kernel's
  ``expectation_of_the_first`` says;
- several variables without an independence hypothesis: a joint law (the atoms are tuples,
  the weights not a product), so a step that needs independence and lacks it is refuted;
- variables a hypothesis ``Independent(X, Y)`` declares independent: a product of their
  marginals, each on its own atoms; the other variables are then drawn given each
  combination of theirs (a few atoms per combination), so they may depend on all of them;
- atom values drawn as other reals of their assumptions are (positive, integer, ...), the
  weights from a flat Dirichlet on 3 to 6 atoms (atoms beyond an instance's count weigh 0).

Var and Cov are their definitions, E[(b - E b)^2] and E[(a - E a)(b - E b)], on the same law;
an average under stated laws (one density per variable, ``p(X)``) is the integral of the
body against their product, taken by the quadrature integrals are taken by.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from derive.kernel.objects import AppliedDensity, Covariance, Expectation, Variance
from derive.numeric.concrete import NotEvaluable

AVERAGES = (Expectation, Variance, Covariance)
ATOMS = (3, 6)  # atoms of a joint law, per instance (fewest, most)
# atoms of each variable declared independent, by how many are (their product is the joint)
INDEPENDENT_ATOMS = {2: (3, 6), 3: (3, 4)}
MOST_INDEPENDENT = 3
GIVEN_ATOMS = (2, 3)  # atoms of the other variables, per combination of the independent ones


def meaning(average: sp.Expr) -> sp.Expr:
    """An average in terms the backends evaluate: Var and Cov by their definitions, an
    expectation under stated laws as an integral against them; an expectation under an
    unstated law is itself (a backend's ``average``)."""
    variables, laws = average.variables, average.laws
    if isinstance(average, Variance):
        b = average.body
        return Expectation((b - Expectation(b, variables, laws)) ** 2, variables, laws)
    if isinstance(average, Covariance):
        a, b = average.bodies
        return Expectation((a - Expectation(a, variables, laws))
                           * (b - Expectation(b, variables, laws)), variables, laws)
    if not laws:
        return average
    return sp.Integral(average.body * sp.Mul(*_laws_in_order(average)),
                       *((v, -sp.oo, sp.oo) for v in variables))


def _laws_in_order(average: sp.Expr) -> list[sp.Expr]:
    """The stated laws of an average, one density of each of its variables."""
    variables, laws = average.variables, average.laws
    by_variable = {}
    for law in laws:
        if not isinstance(law, AppliedDensity) or not law.args:
            raise NotEvaluable(f"the law {law} of {average} is not a density (a mass "
                               f"function's support is not known here)")
        by_variable.setdefault(law.args[0], []).append(law)
    if sorted(by_variable, key=str) != sorted(variables, key=str) or any(
            len(found) != 1 for found in by_variable.values()):
        raise NotEvaluable(f"the laws {', '.join(map(str, laws))} of {average} are not one "
                           f"density of each of its variables "
                           f"{', '.join(map(str, variables))}")
    return [by_variable[v][0] for v in variables]


def unstated_variables(expr: sp.Basic) -> set[sp.Symbol]:
    """The random variables averaged under an unstated law in ``expr``."""
    return {v for node in sp.preorder_traversal(expr) if isinstance(node, AVERAGES)
            and not node.laws for v in node.variables}


def declared_independent(variables: Sequence[sp.Symbol], hypotheses: Sequence[frozenset]
                         ) -> tuple[sp.Symbol, ...]:
    """The random ``variables`` the independence ``hypotheses`` declare (mutually)
    independent, in order; () when none does. Several hypotheses must be one and the
    variables of others (a law drawn to satisfy exactly several partial independences is
    not built here: such a step is not evaluated)."""
    declared = {frozenset(h) & frozenset(variables) for h in hypotheses}
    declared = [d for d in declared if len(d) >= 2]
    if not declared:
        return ()
    widest = max(declared, key=len)
    if not all(d <= widest for d in declared):
        raise NotEvaluable("several independence hypotheses of different variables: no "
                           "random law is drawn to satisfy exactly them")
    if len(widest) > MOST_INDEPENDENT:
        raise NotEvaluable(f"more than {MOST_INDEPENDENT} variables declared independent")
    return tuple(v for v in variables if v in widest)


@dataclass
class Law:
    """A random discrete law of ``variables`` on each instance of a chunk: atom a of
    instance r gives each variable ``values[v][r, a]`` with probability ``weights[r, a]``
    (0 for atoms past the instance's count). ``marginals``: for variables declared
    independent, their own atoms and weights (the joint is their product), to print."""

    variables: tuple[sp.Symbol, ...]
    values: dict[sp.Symbol, np.ndarray]
    weights: np.ndarray
    marginals: dict[sp.Symbol, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def pick(self, rows) -> Law:
        return Law(self.variables, {v: a[rows] for v, a in self.values.items()},
                   self.weights[rows],
                   {v: (x[rows], w[rows]) for v, (x, w) in self.marginals.items()})

    def paired(self, other: Law, both) -> Law:
        """As ``Instances.paired``, with its interleaving ``both``."""
        return Law(self.variables, {v: both(a, other.values[v]) for v, a in self.values.items()},
                   both(self.weights, other.weights),
                   {v: (both(x, other.marginals[v][0]), both(w, other.marginals[v][1]))
                    for v, (x, w) in self.marginals.items()})

    def rounded(self, rounding) -> Law:
        """The law with its atoms' values rounded by ``rounding`` (integers kept), the
        weights unchanged (rounding them could break a declared independence)."""
        def values(v, a):
            return a if v.is_integer else rounding(a)
        return Law(self.variables, {v: values(v, a) for v, a in self.values.items()},
                   self.weights,
                   {v: (values(v, x), w) for v, (x, w) in self.marginals.items()})

    def describe(self, row: int, number) -> tuple[str, str]:
        """(name, text) of the law at instance ``row``, every atom of positive weight, its
        numbers by ``number`` (atoms of equal values merged): "P(X = 1.2, Y = -0.5) = 0.25;
        ..."; a product law by its
        marginals ("X, Y independent | P(X = 1) = 0.5; ... | P(Y = 2) = 0.3; ..."), and the
        joint too when other variables depend on them."""
        def atoms(shown, values, weights):
            merged: dict[tuple, float] = {}  # atoms of equal values are one (rounded ones)
            for a in range(weights.shape[1]):
                if weights[row, a] > 0:
                    at = tuple(float(values[v][row, a]) for v in shown)
                    merged[at] = merged.get(at, 0.0) + float(weights[row, a])
            return "; ".join(
                "P(" + ", ".join(f"{v} = {number(x)}" for v, x in zip(shown, at, strict=True))
                + f") = {number(w)}" for at, w in merged.items())

        name = "law of " + ", ".join(map(str, self.variables))
        if not self.marginals:
            return name, atoms(self.variables, self.values, self.weights)
        parts = [", ".join(map(str, self.marginals)) + " independent"]
        parts += [atoms((v,), {v: x}, w) for v, (x, w) in self.marginals.items()]
        if len(self.marginals) < len(self.variables):
            parts.append("jointly: " + atoms(self.variables, self.values, self.weights))
        return name, " | ".join(parts)


def _weights(rng: np.random.Generator, n: int, fewest: int, most: int) -> np.ndarray:
    """(n, most) weights from a flat Dirichlet on the first 3..most atoms of each row."""
    counts = rng.integers(fewest, most + 1, n)
    g = rng.exponential(1.0, (n, most))  # Gamma(1): normalised, a flat Dirichlet
    g[np.arange(most)[None, :] >= counts[:, None]] = 0.0
    return g / g.sum(axis=1, keepdims=True)


def draw_law(variables: Sequence[sp.Symbol], independent: Sequence[sp.Symbol], draw_values,
             rng: np.random.Generator, n: int) -> Law:
    """A random law of ``variables`` for ``n`` instances, ``independent`` (some of them, or
    none) a product of their marginals; ``draw_values(v, count)`` draws ``count`` values of
    ``v`` as its assumptions say."""
    variables = tuple(variables)

    def values(v, shape):
        return np.asarray(draw_values(v, int(np.prod(shape))), dtype=float).reshape(shape)

    if not independent:
        most = ATOMS[1]
        return Law(variables, {v: values(v, (n, most)) for v in variables},
                   _weights(rng, n, *ATOMS))
    fewest, most = INDEPENDENT_ATOMS[len(independent)]
    marginals = {v: (values(v, (n, most)), _weights(rng, n, fewest, most)) for v in independent}
    cells = np.array(list(itertools.product(range(most), repeat=len(independent))))
    weights = np.ones((n, len(cells)))
    for j, v in enumerate(independent):
        weights = weights * marginals[v][1][:, cells[:, j]]
    rest = [v for v in variables if v not in independent]
    per_cell = GIVEN_ATOMS[1] if rest else 1
    joint = {v: np.repeat(marginals[v][0][:, cells[:, j]], per_cell, axis=1)
             for j, v in enumerate(independent)}
    if rest:  # given each combination of the independent values, a law of the others
        given = _weights(rng, n * len(cells), *GIVEN_ATOMS).reshape(n, len(cells), per_cell)
        weights = (weights[:, :, None] * given).reshape(n, -1)
        for v in rest:
            joint[v] = values(v, (n, len(cells) * per_cell))
    return Law(variables, {v: joint[v] for v in variables}, weights, marginals)
