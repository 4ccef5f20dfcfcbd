"""Random instances: what each free thing in a step is, and values for it that respect
its assumptions, drawn from one generator."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from derive.notation import (
    KL,
    AppliedConditionalDensity,
    AppliedDensity,
    AppliedModel,
    AppliedModelOutput,
    BinaryLabel,
    ClassLabel,
    DataLabel,
)
from derive.numeric.concrete import FAMILIES, MODEL_SHAPES, Deferred, Family, ModelShape, NotEvaluable, Params

MAX_I = 6  # the largest random bound of a sum
MAX_TERMS = 50  # the most terms of a sum with a fixed bound, and the length of data arrays


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
            out[str(s)] = plain_number(v[row])
        bounds = [v[row] for s, v in self.scalars.items() if s.is_integer]
        length = int(max(bounds)) if bounds else MAX_I
        for s, v in self.data.items():
            out[str(s)] = [plain_number(x) for x in v[row][:length]]
        for d, (w, m, sd) in self.mixtures.items():
            out[str(d)] = "Gaussian mixture " + ", ".join(
                f"{plain_number(w[row, k])}*N({plain_number(m[row, k])}, {plain_number(sd[row, k])}^2)"
                for k in range(w.shape[1]) if w[row, k] > 0)
        for d, fam in self.family.items():
            out[str(d)] = fam.name
        for f, shape in self.model_shape.items():
            out[str(f)] = f"random {shape.name} model"
        for s, p in self.params.items():
            names = p.family.parameters if p.family else [f"w{k}" for k in range(len(p.values))]
            out[str(s)] = {n: plain_number(v[row]) for n, v in zip(names, p.values, strict=True)}
        return out


def plain_number(x) -> float | int | str:
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
                    owner = roles.weights_of.setdefault(node.args[-1], node.func)
                    # one weight vector cannot fit two model shapes (functions of one name
                    # but different kinds, f[x, phi] and f_k[x, phi], compare equal)
                    if owner != node.func or owner.__bases__ != node.func.__bases__:
                        raise NotEvaluable(f"{node.args[-1]} is the parameters of both "
                                           f"{owner} and {node.func}")
            elif isinstance(node, sp.Indexed):
                roles.data.add(node.base.label)
            elif isinstance(node, sp.Symbol) and not isinstance(node, DataLabel):
                roles.scalars.add(node)
    roles.scalars -= bound | set(roles.parameter_of) | set(roles.weights_of)
    return roles


def sample_scalar(s: sp.Symbol, rng: np.random.Generator, n: int) -> np.ndarray:
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
        inst.scalars[s] = sample_scalar(s, rng, n)
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
            inst.scalars[s] = sample_scalar(s, rng, inst.n)
