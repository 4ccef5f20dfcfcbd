"""Concrete stand-ins for abstract notation: families for Pr(y|theta), models, parameters."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp


class NotEvaluable(Exception):
    """The numeric checker has no meaning for part of an expression."""



@dataclass(frozen=True)
class Family:
    name: str
    parameters: tuple[str, ...]
    sample: Callable[[np.random.Generator, int], tuple[np.ndarray, ...]]
    link: Callable[[Sequence[np.ndarray]], tuple[np.ndarray, ...]]  # raw model output -> params
    logpdf: Callable[..., np.ndarray]

    def pdf(self, y, params):
        return np.exp(self.logpdf(y, *params))


def gauss_logpdf(y, mu, sigma):
    return -0.5 * ((y - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * math.log(2 * math.pi)


def _sigmoid(x):
    return 0.5 * (1 + np.tanh(x / 2))


def _bounded_mean(x):
    # Models' means stay in (-3, 3) and scales bounded, as sampled parameters do: then every
    # density has all but 1e-9 of its mass inside the quadrature range [-15, 15].
    return 3 * np.tanh(x / 3)


FAMILIES = (
    Family("Gaussian(mean, variance learned)", ("mu", "sigma"),
           lambda rng, n: (rng.uniform(-2, 2, n), rng.uniform(0.5, 2.0, n)),
           lambda raw: (_bounded_mean(raw[0]), 0.5 + 1.5 * _sigmoid(raw[1])),
           gauss_logpdf),
    Family("Gaussian(mean learned, variance 1)", ("mu",),
           lambda rng, n: (rng.uniform(-2, 2, n),),
           lambda raw: (_bounded_mean(raw[0]),),
           lambda y, mu: gauss_logpdf(y, mu, 1.0)),
    Family("logistic(location, scale learned)", ("mu", "s"),
           lambda rng, n: (rng.uniform(-2, 2, n), rng.uniform(0.3, 0.6, n)),
           lambda raw: (_bounded_mean(raw[0]), 0.3 + 0.3 * _sigmoid(raw[1])),
           lambda y, mu, s: -(y - mu) / s - 2 * np.logaddexp(0.0, -(y - mu) / s) - np.log(s)),
)


@dataclass(frozen=True)
class ModelShape:
    """A random concrete model: out_k = a_k + b_k * x (linear) or a_k + b_k * tanh(c_k x)."""

    name: str
    weights_per_output: int

    def forward(self, x, weights: Sequence[np.ndarray], outputs: int) -> list[np.ndarray]:
        per = self.weights_per_output
        result = []
        for k in range(outputs):
            w = weights[k * per:(k + 1) * per]
            if self.name == "linear":
                result.append(w[0] + w[1] * x)
            else:
                result.append(w[0] + w[1] * np.tanh(w[2] * x))
        return result


MODEL_SHAPES = (ModelShape("linear", 2), ModelShape("tanh", 3))


@dataclass(frozen=True)
class Params:
    """A parameter vector: one array per component (theta = (mu, sigma) for a Gaussian)."""

    values: tuple[np.ndarray, ...]
    family: Family | None = None


@dataclass(frozen=True)
class Deferred:
    """A symbol bound to an expression evaluated where the symbol occurs (theta := f[x_i, phi]
    inside a sum over i): the numeric meaning of a modelling substitution."""

    expr: sp.Expr
