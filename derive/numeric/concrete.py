"""Concrete stand-ins for abstract notation: families for Pr(y|theta), models, parameters.

Each formula is written once over a namespace of functions (``xp``: NumPy's, or the
high-precision backend's mpmath wrappers), so both backends compute the same thing."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp


class NotEvaluable(Exception):
    """The numeric checker has no meaning for part of an expression."""


def gauss_logpdf(y, mu, sigma, xp=np):
    """log N(y; mu, sigma^2), in log space: a density far in its tail is a large negative
    number here, never log(0)."""
    z = (y - mu) / sigma
    return -0.5 * z * z - xp.log(abs(sigma)) - 0.5 * xp.log(2 * xp.pi)


def logistic_logpdf(y, mu, s, xp=np):
    """log of e^-z / (s (1 + e^-z)^2), z = (y - mu)/s."""
    z = (y - mu) / s
    if xp is np:  # the density is even in z: -|z| - 2 log(1 + e^-|z|) never overflows
        a = np.abs(z)
        return -a - 2 * np.log1p(np.exp(-a)) - np.log(s)
    return -z - 2 * xp.logaddexp(0.0 * z, -z) - xp.log(s)


def sigmoid(x, xp=np):
    return 0.5 * (1 + xp.tanh(0.5 * x))  # 1/(1 + exp(-x)), without overflow


def _bounded_mean(x, xp=np):
    # Models' means stay in (-3, 3) and their scales bounded, as sampled parameters do.
    return 3 * xp.tanh(x / 3)


@dataclass(frozen=True)
class Family:
    name: str
    parameters: tuple[str, ...]
    sample: Callable[[np.random.Generator, int], tuple[np.ndarray, ...]]
    link: Callable[..., tuple]  # (raw model outputs, xp) -> parameters
    logpdf: Callable[..., object]  # (y, *parameters, xp=...) -> log density
    location: int = 0  # which parameter is the location (a feature of the density)
    scale: int | None = None  # which parameter is the scale (None: the scale is 1)

    def width(self, params: Sequence):
        """How wide the density is at these parameters: its scale parameter (a Gaussian's
        standard deviation, a logistic's scale), which a quadrature grid must resolve."""
        return 1.0 if self.scale is None else params[self.scale]


FAMILIES = (
    Family("Gaussian(mean, variance learned)", ("mu", "sigma"),
           lambda rng, n: (rng.uniform(-2, 2, n), rng.uniform(0.5, 2.0, n)),
           lambda raw, xp=np: (_bounded_mean(raw[0], xp), 0.5 + 1.5 * sigmoid(raw[1], xp)),
           gauss_logpdf, scale=1),
    Family("Gaussian(mean learned, variance 1)", ("mu",),
           lambda rng, n: (rng.uniform(-2, 2, n),),
           lambda raw, xp=np: (_bounded_mean(raw[0], xp),),
           lambda y, mu, xp=np: gauss_logpdf(y, mu, 1.0, xp)),
    Family("logistic(location, scale learned)", ("mu", "s"),
           lambda rng, n: (rng.uniform(-2, 2, n), rng.uniform(0.3, 0.6, n)),
           lambda raw, xp=np: (_bounded_mean(raw[0], xp), 0.3 + 0.3 * sigmoid(raw[1], xp)),
           logistic_logpdf, scale=1),
)

# A conditional density given several conditions, or conditions used as numbers elsewhere
# (Pr(x_3|x_1, x_2)): a Gaussian whose mean and scale are random smooth functions of them.
REGRESSION = "Gaussian(mean and scale random functions of the conditions)"


def regression_logpdf(y, conditions: Sequence, mean_weights: Sequence, scale_weights: Sequence,
                      xp=np):
    mean = mean_weights[0]
    raw_scale = scale_weights[0]
    for c, a, b in zip(conditions, mean_weights[1:], scale_weights[1:], strict=True):
        t = xp.tanh(c)
        mean = mean + a * t
        raw_scale = raw_scale + b * t
    return gauss_logpdf(y, mean, 0.5 + 1.5 * sigmoid(raw_scale, xp), xp)


@dataclass(frozen=True)
class ModelShape:
    """A random concrete model: out_k = a_k + b_k * x (linear) or a_k + b_k * tanh(c_k x)."""

    name: str
    weights_per_output: int

    def forward(self, x, weights: Sequence, outputs: int, xp=np) -> list:
        per = self.weights_per_output
        result = []
        for k in range(outputs):
            w = weights[k * per:(k + 1) * per]
            if self.name == "linear":
                result.append(w[0] + w[1] * x)
            else:
                result.append(w[0] + w[1] * xp.tanh(w[2] * x))
        return result


MODEL_SHAPES = (ModelShape("linear", 2), ModelShape("tanh", 3))


@dataclass(frozen=True)
class Params:
    """A parameter vector: one array per component (theta = (mu, sigma) for a Gaussian)."""

    values: tuple
    family: Family | None = None


@dataclass(frozen=True)
class Deferred:
    """A symbol bound to an expression evaluated where the symbol occurs (theta := f[x_i, phi]
    inside a sum over i): the numeric meaning of a modelling substitution."""

    expr: sp.Expr


LOG_2PI = math.log(2 * math.pi)
