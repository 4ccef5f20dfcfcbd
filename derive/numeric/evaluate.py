"""Evaluating SymPy expressions on a chunk of instances with NumPy.

Axis 0 runs over instances; each bound variable (integral, sum) opened while evaluating
takes the next axis, so every value broadcasts against every other. Integrals are taken by
quadrature on a uniform grid; Dirac deltas are nascent deltas of a given width."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from derive.notation import (
    KL,
    AppliedConditionalDensity,
    AppliedDensity,
    AppliedModel,
    AppliedModelOutput,
    sig,
)
from derive.numeric.concrete import NotEvaluable, Params, gauss_logpdf
from derive.numeric.instances import MAX_I, MAX_TERMS, Instances, Roles

HALF_WIDTH = 15.0  # quadrature over the real line: [-15, 15], where every density lives
MAX_ELEMENTS = 2e7  # the largest array one chunk may need (integral grid x sums x chunk)


class Evaluator:
    """Evaluates SymPy expressions on a chunk of instances, with nascent deltas of width eps."""

    def __init__(self, inst: Instances, roles: Roles, eps: float | None, depth: int):
        self.inst, self.roles, self.eps = inst, roles, eps
        self.ndim = 1 + depth
        self.env: dict[sp.Symbol, object] = {}
        self.level = 0
        self.open_sizes: list[int] = []
        self.shadowed: list[object] = []

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
        u = np.asarray(self.number(e.args[0]), dtype=float)
        # In place on a fresh array: these are the largest arrays of a check (instances x
        # quadrature grid x data points), and allocation costs as much as arithmetic here.
        values = u * u
        values *= -0.5 / self.eps**2
        np.exp(values, out=values)
        values *= 1 / (self.eps * math.sqrt(2 * math.pi))
        return values

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
        self.shadowed.append(self.env.get(symbol))  # an outer binding of the same name
        self.env[symbol] = values.reshape(shape) if values.ndim == 1 else values
        return self.level

    def _close_axis(self, symbol):
        outer = self.shadowed.pop()
        if outer is None:
            del self.env[symbol]
        else:
            self.env[symbol] = outer
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
                gauss_logpdf(y, self._instance_axis(m[:, k]), self._instance_axis(s[:, k])))
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
