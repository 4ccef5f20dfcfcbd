"""The numeric checker: random instances, evaluated with NumPy, independent of the rules.

It never asks a rule what a step means. It evaluates both sides of a step on random
instances that respect the declared assumptions, with its own meaning for every notation:

- scalars by their assumptions (positive, integer, real); a sum's symbolic bound a random
  integer, and data arrays random data of that length;
- an abstract density ``q(z)`` a random Gaussian mixture; a conditional density
  ``Pr(y|theta)`` one of several concrete families (a Gaussian with learned mean AND
  variance among them: it is where wrong sifting shows); ``theta`` that family's parameters;
- an abstract model ``f[x, phi]`` a random concrete model whose output is such parameters;
- integrals by quadrature on a fine uniform grid; ``KL`` by its definition;
- Dirac deltas as nascent deltas (Gaussians of width eps) at shrinking eps: the gap must
  shrink, and its Richardson extrapolation to eps = 0 must be under tolerance. SymPy's delta
  integration is never used (it is what ``dirac_sifting`` is checked against).

Argmin steps are checked by order: for random pairs of parameters (a, b), the sign of
F(a) - F(b) must be that of G(a) - G(b); where the rule claims equal objectives, the values.
Every instance comes from one seed; a counterexample carries the seed and is shrunk.

Arrays: axis 0 runs over instances; each bound variable (integral, sum) opened while
evaluating takes the next axis, so every value broadcasts against every other.
"""

from __future__ import annotations

import math
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import sympy as sp

from derive.kernel import Claim, Justification, Numeric, NumericVerdict, Relation
from derive.notation import (
    KL,
    AppliedConditionalDensity,
    AppliedDensity,
    AppliedModel,
    AppliedModelOutput,
    BinaryLabel,
    ClassLabel,
    DataLabel,
    OptimisationSet,
    sig,
)

CHUNK = 125  # instances evaluated at once: bounds memory (integral x sum x chunk arrays)
TOLERANCE = 1e-7  # relative error allowed between two sides evaluated without deltas
DELTA_TOLERANCE = 1e-4  # after Richardson extrapolation of nascent deltas to eps = 0
EPSILONS = (0.2, 0.1, 0.05)  # nascent delta widths
HALF_WIDTH = 15.0  # quadrature over the real line: [-15, 15], where every density lives
MAX_I = 6  # the largest random bound of a sum
MAX_TERMS = 50  # the most terms of a sum with a fixed bound, and the length of data arrays
MAX_ELEMENTS = 2e7  # the largest array one chunk may need (integral grid x sums x chunk)


class NotEvaluable(Exception):
    """The numeric checker has no meaning for part of an expression."""


# ---------------------------------------------------------------------------------------
# Concrete families for conditional densities Pr(y|theta), and models.

@dataclass(frozen=True)
class Family:
    name: str
    parameters: tuple[str, ...]
    sample: Callable[[np.random.Generator, int], tuple[np.ndarray, ...]]
    link: Callable[[Sequence[np.ndarray]], tuple[np.ndarray, ...]]  # raw model output -> params
    logpdf: Callable[..., np.ndarray]

    def pdf(self, y, params):
        return np.exp(self.logpdf(y, *params))


def _gauss_logpdf(y, mu, sigma):
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
           _gauss_logpdf),
    Family("Gaussian(mean learned, variance 1)", ("mu",),
           lambda rng, n: (rng.uniform(-2, 2, n),),
           lambda raw: (_bounded_mean(raw[0]),),
           lambda y, mu: _gauss_logpdf(y, mu, 1.0)),
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


# ---------------------------------------------------------------------------------------
# Instances.

@dataclass
class Instances:
    """One chunk of random instances: values for every free thing in a step."""

    n: int
    scalars: dict[sp.Symbol, np.ndarray] = field(default_factory=dict)
    data: dict[sp.Symbol, np.ndarray] = field(default_factory=dict)  # label -> (n, MAX_TERMS)
    mixtures: dict[object, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)
    family: dict[object, Family] = field(default_factory=dict)  # conditional density -> family
    model_shape: dict[object, ModelShape] = field(default_factory=dict)
    params: dict[sp.Symbol, Params] = field(default_factory=dict)  # theta, phi
    deferred: dict[sp.Symbol, Deferred] = field(default_factory=dict)

    def pick(self, rows) -> Instances:
        """The instances ``rows`` (an index array), as a new chunk."""
        rows = np.atleast_1d(rows)
        return Instances(
            len(rows),
            {s: v[rows] for s, v in self.scalars.items()},
            {s: v[rows] for s, v in self.data.items()},
            {d: tuple(a[rows] for a in m) for d, m in self.mixtures.items()},
            dict(self.family), dict(self.model_shape),
            {s: Params(tuple(a[rows] for a in p.values), p.family) for s, p in self.params.items()},
            dict(self.deferred))

    def describe(self, row: int) -> dict:
        """Instance ``row`` in plain numbers, for a counterexample."""
        out: dict = {}
        for s, v in sorted(self.scalars.items(), key=lambda kv: str(kv[0])):
            out[str(s)] = _plain(v[row])
        bounds = [v[row] for s, v in self.scalars.items() if s.is_integer]
        length = int(max(bounds)) if bounds else MAX_I
        for s, v in self.data.items():
            out[str(s)] = [_plain(x) for x in v[row][:length]]
        for d, (w, m, sd) in self.mixtures.items():
            out[str(d)] = "Gaussian mixture " + ", ".join(
                f"{_plain(w[row, k])}*N({_plain(m[row, k])}, {_plain(sd[row, k])}^2)"
                for k in range(w.shape[1]) if w[row, k] > 0)
        for d, fam in self.family.items():
            out[str(d)] = fam.name
        for f, shape in self.model_shape.items():
            out[str(f)] = f"random {shape.name} model"
        for s, p in self.params.items():
            names = p.family.parameters if p.family else [f"w{k}" for k in range(len(p.values))]
            out[str(s)] = {n: _plain(v[row]) for n, v in zip(names, p.values, strict=True)}
        return out


def _plain(x) -> float | int | str:
    """A number as a person reads it: integers as integers, six significant digits;
    "inf"/"nan" as text, so the JSON output stays JSON."""
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    return int(x) if x.is_integer() else float(f"{x:.6g}")


@dataclass
class Roles:
    """What each free thing in a step is, read off the expressions once."""

    scalars: set[sp.Symbol] = field(default_factory=set)
    data: set[sp.Symbol] = field(default_factory=set)
    densities: set[object] = field(default_factory=set)  # abstract density functions
    conditional: set[object] = field(default_factory=set)  # conditional density functions
    models: dict[object, int] = field(default_factory=dict)  # model -> number of outputs
    parameter_of: dict[sp.Symbol, object] = field(default_factory=dict)  # theta -> Pr
    weights_of: dict[sp.Symbol, object] = field(default_factory=dict)  # phi -> f


def read_roles(exprs: Sequence[sp.Expr]) -> Roles:
    roles = Roles()
    bound: set[sp.Symbol] = set()
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            if isinstance(node, (sp.Integral, sp.Sum, sp.Product)):
                bound.update(lim[0] for lim in node.limits)
            elif isinstance(node, KL):
                bound.add(node.variable)
            elif isinstance(node, AppliedConditionalDensity):
                roles.conditional.add(node.func)
                for c in node.condition:
                    if isinstance(c, sp.Symbol):
                        roles.parameter_of[c] = node.func
                    elif isinstance(c, AppliedModel):
                        roles.models[c.func] = node.func
                    else:
                        raise NotEvaluable(f"the condition {c} of {node} is neither a parameter "
                                           f"symbol nor a model")
            elif isinstance(node, AppliedDensity):
                roles.densities.add(node.func)
            elif isinstance(node, AppliedModel):
                roles.models.setdefault(node.func, None)
                if isinstance(node.args[-1], sp.Symbol):
                    roles.weights_of[node.args[-1]] = node.func
            elif isinstance(node, sp.Indexed):
                roles.data.add(node.base.label)
            elif isinstance(node, sp.Symbol) and not isinstance(node, DataLabel):
                roles.scalars.add(node)
    roles.scalars -= bound | set(roles.parameter_of) | set(roles.weights_of)
    return roles


def _sample_scalar(s: sp.Symbol, rng: np.random.Generator, n: int) -> np.ndarray:
    if s.is_integer:
        low = 1 if s.is_positive else 0 if s.is_nonnegative else -5
        return rng.integers(low, MAX_I + 1, n).astype(float)
    if s.is_positive:
        return rng.uniform(0.2, 3.0, n)
    if s.is_nonnegative:
        return rng.uniform(0.0, 3.0, n)
    if s.is_real is False:
        raise NotEvaluable(f"{s} is declared not real; only real symbols are sampled")
    return rng.uniform(-3.0, 3.0, n)


def _sample_weights(shape: ModelShape, outputs: int, rng, n) -> Params:
    return Params(tuple(rng.uniform(-1.5, 1.5, n) for _ in range(shape.weights_per_output * outputs)))


def sample(roles: Roles, rng: np.random.Generator, n: int, chunk_number: int) -> Instances:
    """A chunk of ``n`` instances. The family of each conditional density and the shape of
    each model change from chunk to chunk, so every check sees all of them."""
    inst = Instances(n)
    for s in sorted(roles.scalars, key=str):
        inst.scalars[s] = _sample_scalar(s, rng, n)
    for label in sorted(roles.data, key=str):
        if isinstance(label, BinaryLabel):
            inst.data[label] = rng.integers(0, 2, (n, MAX_TERMS)).astype(float)
        elif isinstance(label, ClassLabel):
            inst.data[label] = rng.integers(1, MAX_I + 1, (n, MAX_TERMS)).astype(float)
        else:
            inst.data[label] = np.round(rng.uniform(-3.0, 3.0, (n, MAX_TERMS)), 3)
    for d in sorted(roles.densities, key=str):
        components = 3
        weights = rng.uniform(0.2, 1.0, (n, components))
        weights[rng.uniform(size=(n, components)) < 0.3] = 0.0
        weights[:, 0] = np.maximum(weights[:, 0], 0.2)
        weights /= weights.sum(axis=1, keepdims=True)
        inst.mixtures[d] = (weights, rng.uniform(-3, 3, (n, components)),
                            rng.uniform(0.5, 2.0, (n, components)))
    for k, d in enumerate(sorted(roles.conditional, key=str)):
        inst.family[d] = FAMILIES[(chunk_number + k) % len(FAMILIES)]
    for k, f in enumerate(sorted(roles.models, key=str)):
        inst.model_shape[f] = MODEL_SHAPES[(chunk_number // len(FAMILIES) + k) % len(MODEL_SHAPES)]
    draw_parameters(roles, inst, rng)
    return inst


def draw_parameters(roles: Roles, inst: Instances, rng: np.random.Generator,
                    only: Sequence[sp.Symbol] | None = None) -> None:
    """(Re)draw parameters: a family's (theta of Pr(y|theta)), a model's weights (phi of
    f[x, phi]), and scalars; all of them, or just those in ``only`` (the optimisation
    variables, for the second setting of an order check)."""
    wanted = set(only) if only is not None else None

    def drawn(symbol) -> bool:
        return wanted is None or symbol in wanted

    for theta, d in sorted(roles.parameter_of.items(), key=lambda kv: str(kv[0])):
        if drawn(theta):
            fam = inst.family[d]
            inst.params[theta] = Params(fam.sample(rng, inst.n), fam)
    for phi, f in sorted(roles.weights_of.items(), key=lambda kv: str(kv[0])):
        if drawn(phi):
            consumer = roles.models.get(f)
            outputs = len(inst.family[consumer].parameters) if consumer is not None else 1
            if issubclass(f, AppliedModelOutput):
                outputs = MAX_I  # f_k[x, phi] for k = 1, ..., MAX_I (a sum's largest bound)
            inst.params[phi] = _sample_weights(inst.model_shape[f], outputs, rng, inst.n)
    if wanted is not None:
        for s in sorted(wanted & roles.scalars, key=str):
            inst.scalars[s] = _sample_scalar(s, rng, inst.n)


# ---------------------------------------------------------------------------------------
# Evaluation.

class Evaluator:
    """Evaluates SymPy expressions on a chunk of instances, with nascent deltas of width eps."""

    def __init__(self, inst: Instances, roles: Roles, eps: float | None, depth: int):
        self.inst, self.roles, self.eps = inst, roles, eps
        self.ndim = 1 + depth
        self.env: dict[sp.Symbol, object] = {}
        self.level = 0
        self.open_sizes: list[int] = []

    def _instance_axis(self, a: np.ndarray) -> np.ndarray:
        return a.reshape((-1,) + (1,) * (self.ndim - 1))

    def value(self, expr: sp.Expr):
        method = getattr(self, "_" + type(expr).__name__, None)
        if isinstance(expr, AppliedConditionalDensity):
            return self._conditional(expr)
        if isinstance(expr, AppliedDensity):
            return self._mixture(expr)
        if isinstance(expr, AppliedModelOutput):
            return self._model_output(expr)
        if isinstance(expr, AppliedModel):
            return self._model(expr)
        if isinstance(expr, sp.Symbol):
            return self._symbol(expr)
        if expr.is_Number or expr in (sp.pi, sp.E):
            return float(expr)
        if method is None:
            for sympy_type, ufunc in UFUNCS.items():
                if isinstance(expr, sympy_type):
                    return ufunc(self.number(expr.args[0]))
            raise NotEvaluable(f"no numeric meaning for {type(expr).__name__}: {expr}")
        return method(expr)

    def _symbol(self, s):
        if s in self.env:
            v = self.env[s]
        elif s in self.inst.deferred:
            return self.value(self.inst.deferred[s].expr)
        elif s in self.inst.scalars:
            return self._instance_axis(self.inst.scalars[s])
        elif s in self.inst.params:
            v = self.inst.params[s]
            return Params(tuple(self._instance_axis(a) for a in v.values), v.family)
        else:
            raise NotEvaluable(f"no value for {s}")
        return v

    def number(self, expr: sp.Expr):
        """The value of ``expr``, which must be a number, not a parameter vector."""
        v = self.value(expr)
        if isinstance(v, Params):
            raise NotEvaluable(f"{expr} is the parameter vector of a distribution here, and "
                               f"a number elsewhere in the step")
        return v

    def _Add(self, e):
        total = 0.0
        for a in e.args:
            total = total + self.number(a)
        return total

    def _Mul(self, e):
        total = 1.0
        for a in e.args:
            total = total * self.number(a)
        return total

    def _Pow(self, e):
        base, exponent = self.number(e.base), self.number(e.exp)
        with np.errstate(all="ignore"):
            return np.power(base, exponent)

    def _Indexed(self, e):
        label = e.base.label
        if label not in self.inst.data:
            raise NotEvaluable(f"no data for {e}")
        (index,) = e.indices
        idx = np.asarray(self.value(index))
        rows = np.arange(self.inst.n).reshape((-1,) + (1,) * (self.ndim - 1))
        cols = np.rint(idx).astype(int) - 1
        if np.any(cols >= MAX_TERMS):
            raise NotEvaluable(f"{e} indexes past the {MAX_TERMS} data points sampled")
        cols = np.clip(cols, 0, MAX_TERMS - 1)  # below 1: outside the sum's mask
        return self.inst.data[label][rows, cols]

    def _DiracDelta(self, e):
        if self.eps is None:
            raise NotEvaluable("a Dirac delta outside a nascent-delta evaluation")
        if len(e.args) != 1:
            raise NotEvaluable(f"derivatives of deltas: {e}")
        u = self.number(e.args[0])
        return np.exp(u * u * (-0.5 / self.eps**2)) * (1 / (self.eps * math.sqrt(2 * math.pi)))

    def _open_axis(self, symbol, values: np.ndarray):
        self.level += 1
        if self.level >= self.ndim:
            raise NotEvaluable("nesting deeper than expected")
        self.open_sizes.append(len(values))
        if self.inst.n * math.prod(self.open_sizes) > MAX_ELEMENTS:
            raise NotEvaluable(f"the nested integrals and sums around {symbol} need more than "
                               f"{MAX_ELEMENTS:.0e} numbers per chunk: too large to evaluate")
        shape = [1] * self.ndim
        shape[self.level] = -1
        self.env[symbol] = values.reshape(shape) if values.ndim == 1 else values
        return self.level

    def _close_axis(self, symbol):
        del self.env[symbol]
        self.open_sizes.pop()
        self.level -= 1

    def _grid(self, low, high):
        if low == -sp.oo and high == sp.oo:
            a, b = -HALF_WIDTH, HALF_WIDTH
        elif low.is_number and high.is_number and low.is_finite and high.is_finite:
            a, b = float(low), float(high)
        else:
            raise NotEvaluable(f"integral bounds {low}, {high}: only numbers or the whole line")
        # Trapezoid sums of Gaussians of width w on a grid of step h err by about
        # exp(-2 pi^2 w^2 / h^2): 1e-13 at h = 0.8 w, so no nascent delta is under-resolved.
        step = min(0.05, 0.8 * self.eps) if self.eps else 0.05
        return np.linspace(a, b, int(round((b - a) / step)) + 1)

    def _Integral(self, e):
        return self._integrate(e.function, e.limits)

    def _integrate(self, function, limits):
        """The integral of ``function`` over ``limits``; SymPy merges nested integrals into
        one with several limits, of which the last is outermost."""
        *inner, (z, *bounds) = limits
        if len(bounds) != 2:
            raise NotEvaluable(f"only definite integrals: the limit of {z} has no bounds")
        grid = self._grid(*bounds)
        axis = self._open_axis(z, grid)
        try:
            values = self._integrate(function, inner) if inner else self.number(function)
            values = np.broadcast_to(values, np.broadcast_shapes(
                np.shape(values), self._full_shape(axis, len(grid))))
        finally:
            self._close_axis(z)
        return np.trapezoid(values, grid, axis=axis)[(slice(None),) * axis + (None,)]

    def _full_shape(self, axis, length):
        shape = [self.inst.n] + [1] * (self.ndim - 1)
        shape[axis] = length
        return tuple(shape)

    def _KL(self, e):
        z = e.variable
        return self.value(sp.Integral(e.q * sp.log(e.q / e.p), (z, -sp.oo, sp.oo)))

    def _Sum(self, e):
        return self._reduce(e.function, e.limits, np.sum, 0.0)

    def _Product(self, e):
        return self._reduce(e.function, e.limits, np.prod, 1.0)

    def _reduce(self, function, limits, reduction, neutral):
        """A finite sum or product over ``limits`` (the last outermost), each bound per
        instance: terms past an instance's bound are masked to the neutral element."""
        *inner, (i, low, high) = limits
        low_v = np.asarray(self.number(low), dtype=float)
        high_v = np.asarray(self.number(high), dtype=float)
        if high == sp.oo or np.any(high_v > MAX_TERMS):
            raise NotEvaluable(f"a sum or product over {i} runs past {MAX_TERMS} terms")
        idx = np.arange(1, int(np.max(high_v)) + 1 if high_v.size else 1, dtype=float)
        axis = self._open_axis(i, idx)
        try:
            mask = (self.env[i] >= low_v) & (self.env[i] <= high_v)
            values = (self._reduce(function, inner, reduction, neutral) if inner
                      else self.number(function))
        finally:
            self._close_axis(i)
        values = np.broadcast_to(values, np.broadcast_shapes(np.shape(values), mask.shape))
        return reduction(np.where(mask, values, neutral), axis=axis, keepdims=True)

    def _mixture(self, e):
        if e.func not in self.inst.mixtures or len(e.args) != 1:
            raise NotEvaluable(f"no density for {e}")
        w, m, s = self.inst.mixtures[e.func]
        y = self.value(e.args[0])
        total = 0.0
        for k in range(w.shape[1]):
            total = total + self._instance_axis(w[:, k]) * np.exp(
                _gauss_logpdf(y, self._instance_axis(m[:, k]), self._instance_axis(s[:, k])))
        return total

    def _conditional(self, e):
        fam = self.inst.family.get(e.func)
        if fam is None or len(e.args) != 2:
            raise NotEvaluable(f"no family for {e}")
        theta = self.value(e.args[1])
        if not isinstance(theta, Params) or len(theta.values) != len(fam.parameters):
            raise NotEvaluable(f"{e.args[1]} is not a parameter vector of {fam.name}")
        return np.exp(fam.logpdf(self.value(e.args[0]), *theta.values))

    def _model(self, e):
        shape = self.inst.model_shape[e.func]
        consumer = self.roles.models.get(e.func)
        outputs = len(self.inst.family[consumer].parameters) if consumer is not None else 1
        *inputs, weights = e.args
        if len(inputs) != 1:
            raise NotEvaluable(f"models of one input only: {e}")
        w = self.value(weights)
        if not isinstance(w, Params):
            raise NotEvaluable(f"the parameters {weights} of {e} have no weights")
        raw = shape.forward(self.value(inputs[0]), w.values, outputs)
        if consumer is None:
            return raw[0]
        fam = self.inst.family[consumer]
        return Params(tuple(fam.link(raw)), fam)

    def _model_output(self, e):
        """f_k[x, phi]: every output of the random model, then the k-th of them, where k may be
        an array (a sum's index, or class labels)."""
        if len(e.args) != 3:
            raise NotEvaluable(f"a model output takes (k, input, parameters): {e}")
        k, x, weights = e.args
        w = self.value(weights)
        if not isinstance(w, Params):
            raise NotEvaluable(f"the parameters {weights} of {e} have no weights")
        outputs = self.inst.model_shape[e.func].forward(self.number(x), w.values, MAX_I)
        index = np.rint(np.asarray(self.number(k), dtype=float)).astype(int) - 1
        index = np.clip(index, 0, MAX_I - 1)
        total = 0.0
        for m, out in enumerate(outputs):
            total = total + np.where(index == m, out, 0.0)
        return total


def _safe(f):
    def wrapped(x):
        with np.errstate(all="ignore"):
            return f(x)
    return wrapped


UFUNCS = {
    sp.log: _safe(np.log), sp.exp: _safe(np.exp), sp.Abs: np.abs, sp.sin: np.sin,
    sp.cos: np.cos, sp.tanh: np.tanh,
    sig: lambda x: 0.5 * (1.0 + np.tanh(0.5 * x)),  # 1/(1 + exp(-x)), without overflow
}


def _depth(expr: sp.Expr) -> int:
    """How many bound variables can be open at once while evaluating ``expr``."""
    if isinstance(expr, KL):
        return 1 + _depth(expr.q * expr.p)
    if isinstance(expr, (sp.Integral, sp.Sum, sp.Product)):
        return len(expr.limits) + _depth(expr.function)
    if isinstance(expr, AppliedModel) or not expr.args:
        return 0
    return max((_depth(a) for a in expr.args if isinstance(a, sp.Basic)), default=0)


def evaluate(expr: sp.Expr, inst: Instances, roles: Roles, eps: float | None) -> np.ndarray:
    """``expr`` on every instance of the chunk: an array of shape (n,)."""
    depth = max([_depth(expr)] + [_depth(d.expr) for d in inst.deferred.values()]) + 1
    with np.errstate(all="ignore"):
        v = Evaluator(inst, roles, eps, depth).value(expr)
    if isinstance(v, Params):
        raise NotEvaluable(f"{expr} is a parameter vector, not a number")
    return np.broadcast_to(np.asarray(v, dtype=float), (inst.n,) + (1,) * depth).reshape(inst.n)


# ---------------------------------------------------------------------------------------
# Checks.

NOISE_FLOOR = 1e-13  # absolute differences below this are float noise, not disagreement


def relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| relative to the larger magnitude (so tiny likelihoods are compared as
    carefully as large ones); 0 below the noise floor; inf where only one side is defined,
    0 where neither is (an instance outside both sides' domain says nothing)."""
    with np.errstate(all="ignore"):
        diff = np.abs(a - b)
        err = np.where(diff <= NOISE_FLOOR, 0.0, diff / np.maximum(np.abs(a), np.abs(b)))
    fa, fb = np.isfinite(a), np.isfinite(b)
    return np.where(fa & fb, err, np.where(fa | fb, np.inf, 0.0))


def _richardson(values: list[np.ndarray]) -> np.ndarray:
    """Extrapolate values at eps, eps/2, eps/4, ... to eps = 0. A Gaussian nascent delta
    smooths g into E[g(c + eps Z)] = g(c) + eps^2 g2(c)/2 + eps^4 g4(c)/8 + ... (g2, g4 the
    derivatives): even powers only, so each level of the table removes the next one."""
    table = list(values)
    power = 2
    while len(table) > 1:
        factor = 2.0**power
        table = [(factor * fine - coarse) / (factor - 1)
                 for coarse, fine in zip(table, table[1:], strict=False)]
        power += 2
    return table[0]


@dataclass(frozen=True)
class Evaluated:
    """Both sides on a chunk; ``unconverged`` is the last nascent-delta gap where the gap did
    not shrink as eps did (0 elsewhere): such an instance cannot pass."""

    left: np.ndarray
    right: np.ndarray
    tolerance: float
    unconverged: np.ndarray | float = 0.0

    def error(self) -> np.ndarray:
        return np.maximum(relative_error(self.left, self.right), self.unconverged)


@dataclass
class Sides:
    """Evaluates the two expressions a check compares, with deltas extrapolated to eps = 0."""

    left: sp.Expr
    right: sp.Expr
    roles: Roles

    @property
    def has_delta(self) -> bool:
        return self.left.has(sp.DiracDelta) or self.right.has(sp.DiracDelta)

    def values(self, inst: Instances) -> Evaluated:
        if not self.has_delta:
            return Evaluated(evaluate(self.left, inst, self.roles, None),
                             evaluate(self.right, inst, self.roles, None), TOLERANCE)
        series = [(evaluate(self.left, inst, self.roles, eps),
                   evaluate(self.right, inst, self.roles, eps)) for eps in EPSILONS]
        first, last = relative_error(*series[0]), relative_error(*series[-1])
        return Evaluated(_richardson([a for a, _ in series]), _richardson([b for _, b in series]),
                         DELTA_TOLERANCE, np.where(last > first + DELTA_TOLERANCE, last, 0.0))


@dataclass
class Counterexample:
    row: int
    inst: Instances
    values: dict[str, float]
    detail: str
    other: Instances | None = None  # the second parameter setting of an order check


def _first_failure(err: np.ndarray, tol: float, inst: Instances) -> int | None:
    bad = np.flatnonzero(err > tol)
    if not len(bad):
        return None
    sizes = [inst.scalars[s][bad] for s in inst.scalars if s.is_integer]
    key = np.sum(sizes, axis=0) if sizes else np.zeros(len(bad))
    return int(bad[np.argmin(key)])


def check_values(sides: Sides, inst: Instances) -> tuple[float, Counterexample | None]:
    ev = sides.values(inst)
    err = ev.error()
    row = _first_failure(err, ev.tolerance, inst)
    if row is None:
        return float(np.max(err)) if len(err) else 0.0, None
    left, right = float(ev.left[row]), float(ev.right[row])
    detail = f"the two sides differ: {left:.10g} vs {right:.10g}"
    if float(np.atleast_1d(ev.unconverged)[row if np.ndim(ev.unconverged) else 0]) > 0:
        detail += " (and the nascent-delta gap does not shrink as eps -> 0)"
    return float(err[row]), Counterexample(row, inst, {"left": left, "right": right}, detail)


def _sign(d: np.ndarray, scale: np.ndarray, tol: float) -> np.ndarray:
    """The sign of a difference, 0 (a tie) within the tolerance relative to the values."""
    return np.where(np.abs(d) <= np.maximum(tol * scale, 1e-300), 0, np.sign(d))


def check_order(sides: Sides, inst_a: Instances, inst_b: Instances,
                values_too: bool) -> tuple[float, Counterexample | None]:
    """sign(F(a) - F(b)) = sign(G(a) - G(b)) for each instance's pair of parameters (a, b),
    F the objective before (left), G after (right); with ``values_too``, also F = G."""
    at_a, at_b = sides.values(inst_a), sides.values(inst_b)
    fa, ga, fb, gb = at_a.left, at_a.right, at_b.left, at_b.right
    tol = at_a.tolerance
    with np.errstate(all="ignore"):
        sf = _sign(fa - fb, np.maximum(np.abs(fa), np.abs(fb)), tol)
        sg = _sign(ga - gb, np.maximum(np.abs(ga), np.abs(gb)), tol)
        defined = np.isfinite(fa) & np.isfinite(fb) & np.isfinite(ga) & np.isfinite(gb)
    err = np.where((sf != sg) & defined, np.inf, 0.0)
    if values_too:
        err = np.maximum(err, np.maximum(at_a.error(), at_b.error()))
    row = _first_failure(err, tol, inst_a)
    if row is None:
        return float(np.max(err)) if len(err) else 0.0, None
    values = {"F(a)": float(fa[row]), "F(b)": float(fb[row]),
              "G(a)": float(ga[row]), "G(b)": float(gb[row])}
    if sf[row] != sg[row]:
        detail = (f"the order of the objectives is not kept: before, F(a) - F(b) = "
                  f"{fa[row] - fb[row]:.6g}; after, G(a) - G(b) = {ga[row] - gb[row]:.6g}")
    else:
        detail = f"the objectives differ as values: F(a) = {fa[row]:.10g}, G(a) = {ga[row]:.10g}"
    return float(err[row]), Counterexample(row, inst_a, values, detail, inst_b)


@dataclass(frozen=True)
class Plan:
    """What the numeric check of a step compares, or why there is none."""

    kind: str  # "values", "order", or "none"
    left: sp.Expr | None = None
    right: sp.Expr | None = None
    values_too: bool = False
    variables: tuple[sp.Symbol, ...] = ()
    deferred: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    reason: str = ""
    hypotheses: tuple = ()  # Q.positive(e) and the like: instances must satisfy them


def plan_for(before: sp.Expr, after: sp.Expr, relation: Relation,
             justification: Justification | None) -> Plan:
    claim = justification.claim if justification else None
    if isinstance(before, OptimisationSet) and isinstance(after, OptimisationSet):
        if justification is not None and justification.substitution:
            return Plan("values", before.objective, after.objective,
                        deferred=justification.substitution)
        if relation is Relation.DEFINE or claim is Claim.DEFINITION:
            return Plan("none", reason="a definition applied: the sides are equal by "
                        "definition, and the substitution is checked symbolically to be exact")
        if before.variables != after.variables:
            return Plan("none", reason="the two sides optimise over different variables")
        if type(before) is not type(after):
            # argmax F = argmin G: order of F against the reverse order of G
            return Plan("order", before.objective, -after.objective,
                        variables=before.variables)
        return Plan("order", before.objective, after.objective,
                    values_too=claim is Claim.VALUES, variables=before.variables)
    if isinstance(before, OptimisationSet) or isinstance(after, OptimisationSet):
        return Plan("none", reason="one side is an argmin/argmax and the other is not")
    if relation is Relation.DEFINE and not (justification and justification.substitution):
        return Plan("none", reason="a definition applied: equal by definition, checked "
                    "symbolically to be exact")
    return Plan("values", before, after,
                deferred=justification.substitution if justification else ())


def step_rng(seed: int, *names: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(n.encode()) for n in names)])


def check_step(before: sp.Expr, after: sp.Expr, relation: Relation,
               justification: Justification | None, seed: int, instances: int,
               names: Sequence[str], hypotheses: Sequence = ()) -> NumericVerdict:
    """The numeric verdict of one step on ``instances`` random instances from ``seed``,
    each satisfying the step's ``hypotheses``."""
    start = time.perf_counter()
    plan = plan_for(before, after, relation, justification)
    if hypotheses:
        plan = replace(plan, hypotheses=tuple(hypotheses))
    if plan.kind == "none":
        return NumericVerdict(Numeric.NOT_APPLICABLE, plan.reason, seed=seed,
                              seconds=time.perf_counter() - start)
    rng = step_rng(seed, *names)
    try:
        verdict = _run(plan, rng, instances, seed)
    except NotEvaluable as e:
        verdict = NumericVerdict(Numeric.NOT_APPLICABLE, f"cannot evaluate numerically: {e}",
                                 seed=seed)
    return NumericVerdict(verdict.status, verdict.detail, verdict.instances, verdict.max_error,
                          verdict.seed, verdict.counterexample, time.perf_counter() - start)


PREDICATES = {
    "positive": lambda v: v > 0, "negative": lambda v: v < 0,
    "nonnegative": lambda v: v >= 0, "nonpositive": lambda v: v <= 0,
    "nonzero": lambda v: v != 0, "zero": lambda v: v == 0,
}
RELATIONS = {sp.StrictGreaterThan: np.greater, sp.GreaterThan: np.greater_equal,
             sp.StrictLessThan: np.less, sp.LessThan: np.less_equal}
MAX_REJECTED_CHUNKS = 50


def admissible(hypotheses: Sequence, inst: Instances, roles: Roles) -> np.ndarray:
    """Which instances satisfy every hypothesis (Q.positive(e), e > 0, ...)."""
    keep = np.ones(inst.n, dtype=bool)
    sampled = roles.scalars | set(roles.parameter_of) | set(roles.weights_of) | roles.data
    for h in hypotheses:
        if not h.free_symbols <= sampled:
            continue  # about a bound variable (for every i): not a condition on an instance
        if isinstance(h, sp.logic.boolalg.And):
            keep &= admissible(h.args, inst, roles)
        elif isinstance(h, sp.assumptions.assume.AppliedPredicate) and (
                h.function.name in PREDICATES):
            keep &= PREDICATES[h.function.name](evaluate(h.arguments[0], inst, roles, None))
        elif type(h) in RELATIONS:
            keep &= RELATIONS[type(h)](evaluate(h.lhs, inst, roles, None),
                                       evaluate(h.rhs, inst, roles, None))
        else:
            raise NotEvaluable(f"cannot sample instances under the hypothesis {h}: use "
                               f"Q.positive/negative/nonzero/... or an inequality")
    return keep


def _run(plan: Plan, rng: np.random.Generator, instances: int, seed: int) -> NumericVerdict:
    exprs = [plan.left, plan.right] + [e for _, e in plan.deferred]
    exprs += [a for h in plan.hypotheses for a in getattr(h, "args", ())
              if isinstance(a, sp.Expr)]
    roles = read_roles(exprs)
    for s, _ in plan.deferred:
        roles.scalars.discard(s)
        roles.parameter_of.pop(s, None)
    sides = Sides(plan.left, plan.right, roles)
    worst, done, chunk = 0.0, 0, 0
    while done < instances:
        n = min(CHUNK, instances - done)
        inst = sample(roles, rng, n, chunk)
        chunk += 1
        if plan.hypotheses:
            inst = inst.pick(np.flatnonzero(admissible(plan.hypotheses, inst, roles)))
            if inst.n == 0:
                if chunk > MAX_REJECTED_CHUNKS:
                    raise NotEvaluable(f"random instances almost never satisfy the "
                                       f"hypotheses {', '.join(map(str, plan.hypotheses))}")
                continue
            n = inst.n
        for s, e in plan.deferred:
            inst.deferred[s] = Deferred(e)
        if plan.kind == "values":
            err, bad = check_values(sides, inst)
        else:
            other = inst.pick(np.arange(inst.n))
            draw_parameters(roles, other, rng, only=plan.variables)
            err, bad = check_order(sides, inst, other, plan.values_too)
        if bad is not None:
            return _counterexample(plan, sides, bad, seed, done + n)
        worst = max(worst, err)
        done += n
    what = "order of objectives kept" if plan.kind == "order" else "values agree"
    if plan.values_too:
        what += ", and values agree"
    if sides.has_delta:
        what += f" (nascent deltas, eps = {', '.join(map(str, EPSILONS))} -> 0)"
    return NumericVerdict(Numeric.PASSED, what, done, worst, seed)


def _counterexample(plan: Plan, sides: Sides, bad: Counterexample, seed: int,
                    tried: int) -> NumericVerdict:
    found = shrink(plan, sides, bad)
    instance = found.inst.describe(found.row)
    if found.other is not None:  # an order check: name both settings of each variable
        other = found.other.describe(found.row)
        for v in map(str, plan.variables):
            if v in instance:
                instance[f"{v} (a)"] = instance.pop(v)
                instance[f"{v} (b)"] = other[v]
    return NumericVerdict(
        Numeric.COUNTEREXAMPLE, found.detail, tried, float("inf"), seed,
        {"instance": instance, "values": {k: _plain(v) for k, v in found.values.items()},
         "detail": found.detail, "seed": seed})


def _round_instance(inst: Instances, digits: int) -> Instances:
    """The instance with its real numbers rounded (a positive number never to 0)."""
    out = inst.pick([0])

    def rounded(v, keep_positive):
        r = np.round(v, digits)
        return np.where(r == 0, v, r) if keep_positive else r

    for s, v in out.scalars.items():
        if not s.is_integer:
            out.scalars[s] = rounded(v, s.is_positive)
    for label in out.data:
        out.data[label] = np.round(out.data[label], digits)
    for s, p in out.params.items():
        out.params[s] = Params(tuple(rounded(v, True) for v in p.values), p.family)
    return out


def shrink(plan: Plan, sides: Sides, bad: Counterexample) -> Counterexample:
    """The failing instance, made simpler while it still fails: smaller sum bounds first,
    then rounder numbers. "Simpler" is a total order (sum bounds, then digits), and the
    search stops at a local minimum, as Hypothesis's shrinker does. The values shown are
    those of the shrunk instance, evaluated again."""
    a = bad.inst.pick([bad.row])
    b = bad.other.pick([bad.row]) if bad.other is not None else None
    current = Counterexample(0, a, bad.values, bad.detail, b)

    def attempt(a: Instances, b: Instances | None) -> Counterexample | None:
        try:
            if b is None:
                return check_values(sides, a)[1]
            return check_order(sides, a, b, plan.values_too)[1]
        except NotEvaluable:
            return None

    for s in sorted((s for s in a.scalars if s.is_integer), key=str):
        for smaller in range(1, int(current.inst.scalars[s][0])):
            trial_a = current.inst.pick([0])
            trial_a.scalars[s] = np.array([float(smaller)])
            trial_b = None
            if current.other is not None:
                trial_b = current.other.pick([0])
                trial_b.scalars[s] = trial_a.scalars[s]
            found = attempt(trial_a, trial_b)
            if found is not None:
                current = found
                break
    for digits in (0, 1, 2):
        trial_a = _round_instance(current.inst, digits)
        trial_b = None
        if current.other is not None:
            trial_b = _round_instance(current.other, digits)
            trial_b.scalars, trial_b.data = trial_a.scalars, trial_a.data
        found = attempt(trial_a, trial_b)
        if found is not None:
            return found
    return current


def check_density(function, body: sp.Lambda, seed: int, instances: int,
                  names: Sequence[str]) -> NumericVerdict:
    """A definition of a density must be one: integrating to 1 over its variable (the first
    argument; a conditional density's condition is sampled like any other symbol)."""
    start = time.perf_counter()
    variable = body.variables[0]
    integral = sp.Integral(body.expr, (variable, -sp.oo, sp.oo))
    if len(body.variables) > 1:
        # A conditional density Pr(y|mu, sigma): over y, for random values of the condition
        # (|mu| <= 3, sigma <= 3): over [-40, 40], past 12 sigma, where [-15, 15] is not.
        integral = sp.Integral(body.expr, (variable, -40, 40))
    plan = Plan("values", integral, sp.Integer(1))
    try:
        verdict = _run(plan, step_rng(seed, *names), instances, seed)
    except NotEvaluable as e:
        verdict = NumericVerdict(Numeric.NOT_APPLICABLE, f"cannot evaluate numerically: {e}",
                                 seed=seed)
    detail = ("a density: integrates to 1 on every instance" if verdict.status is Numeric.PASSED
              else verdict.detail)
    return NumericVerdict(verdict.status, detail, verdict.instances, verdict.max_error,
                          seed, verdict.counterexample, time.perf_counter() - start)
