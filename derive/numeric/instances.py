"""Random instances: what each free thing in a step is, and values for it that respect
its assumptions (and the domain its expressions imply), drawn from one generator."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from derive.kernel import Message
from derive.kernel.objects import Independent, Maximum
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
from derive.numeric.averages import AVERAGES, Law, declared_independent, draw_law
from derive.numeric.concrete import (
    FAMILIES,
    MODEL_SHAPES,
    NotEvaluable,
    Params,
)

MAX_I = 6  # the largest random bound of a sum
MAX_TERMS = 50  # the length of data arrays indexed once (y_i)
MAX_TERMS_2D = 12  # the side of data arrays indexed twice (a_ij)
MIXTURE_COMPONENTS = 3
MAX_RUNS = 16  # runs of one option in a chunk evaluated as slices (more: gathered per option)
WIDE_SHARE = 0.25  # of the instances, those whose real symbols are drawn over WIDE_MAGNITUDES
WIDE_MAGNITUDES = (1e-3, 1e3)  # the smallest and largest magnitude drawn there


class Choice:
    """Which of several options (the family of a conditional density, the shape of a model)
    each instance of a chunk takes: instance r takes ``options[index[r]]``. A chunk of a
    light step mixes them, so one evaluation covers every option; a chunk of a step with
    integrals takes one option (its quadrature is sized to that family's widths)."""

    __slots__ = ("options", "index", "_present", "_groups")

    def __init__(self, options: tuple, index: np.ndarray):
        self.options, self.index = options, np.asarray(index, dtype=int)
        self._present = None
        self._groups = None

    @property
    def present(self) -> tuple[int, ...]:
        """The options some instance takes (by number)."""
        if self._present is None:
            counts = np.bincount(self.index, minlength=len(self.options))
            self._present = tuple(int(k) for k in np.flatnonzero(counts))
        return self._present

    @property
    def only(self):
        """The option every instance takes, or None when they differ."""
        return self.options[self.present[0]] if len(self.present) == 1 else None

    def at(self, row: int):
        return self.options[int(self.index[row])]

    def groups(self) -> list[tuple[object, slice | np.ndarray]]:
        """(option, instances taking it), covering every instance once: a slice for each
        run of consecutive instances taking one option (a mixed chunk lays options out in
        blocks, and the two settings of an order check are paired within them), or, when
        there are many runs, one array of instance numbers per option. Found once: a
        choice is drawn for a chunk and read by every draw and evaluation on it."""
        if self._groups is None:
            starts = np.flatnonzero(np.diff(self.index)) + 1
            if len(starts) < MAX_RUNS:
                bounds = [0, *starts.tolist(), len(self.index)]
                self._groups = [(self.options[int(self.index[a])], slice(a, b))
                                for a, b in zip(bounds, bounds[1:], strict=False)]
            else:
                self._groups = [(self.options[k], np.flatnonzero(self.index == k))
                                for k in self.present]
        return self._groups

    def per_instance(self, f) -> np.ndarray:
        """``f(option)`` for every instance."""
        return np.array([f(o) for o in self.options])[self.index]

    def pick(self, rows) -> Choice:
        return Choice(self.options, self.index[rows])

    def paired(self, other: Choice) -> Choice:
        """As ``Instances.paired``: instance r of these, then of ``other``, for every r."""
        return Choice(self.options, _interleaved(self.index, other.index))


def _interleaved(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a[0], b[0], a[1], b[1], ... along the first axis."""
    out = np.empty((2 * len(a),) + a.shape[1:], dtype=a.dtype)
    out[0::2], out[1::2] = a, b
    return out


def _pick_params(p: Params, rows, family: Choice | None = None) -> Params:
    """``p`` at ``rows``; ``family``: its family choice, already picked at those rows."""
    if family is None and p.family is not None:
        family = p.family.pick(rows)
    return Params(tuple(a[rows] for a in p.values), family)


@dataclass
class Instances:
    """One chunk of random instances: values for every free thing in a step."""

    n: int
    scalars: dict[sp.Symbol, np.ndarray] = field(default_factory=dict)
    data: dict[sp.Symbol, np.ndarray] = field(default_factory=dict)  # label -> (n, M[, M])
    # density -> (weights (n, K), means (n, K, d), scales (n, K, d)) of a Gaussian mixture
    mixtures: dict[object, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)
    family: dict[object, Choice] = field(default_factory=dict)  # conditional density -> family
    # conditional density given several conditions -> (mean weights, scale weights), (n, k+1)
    regressions: dict[object, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    model_shape: dict[object, Choice] = field(default_factory=dict)  # model -> its shape
    params: dict[sp.Symbol, Params] = field(default_factory=dict)  # theta, phi
    law: Law | None = None  # of the random variables averaged under an unstated law

    def pick(self, rows) -> Instances:
        """The instances ``rows`` (an index array), as a new chunk."""
        rows = np.atleast_1d(rows)
        family = {d: c.pick(rows) for d, c in self.family.items()}
        return Instances(
            len(rows),
            {s: v[rows] for s, v in self.scalars.items()},
            {s: v[rows] for s, v in self.data.items()},
            {d: tuple(a[rows] for a in m) for d, m in self.mixtures.items()},
            family,
            {d: tuple(a[rows] for a in r) for d, r in self.regressions.items()},
            {f: c.pick(rows) for f, c in self.model_shape.items()},
            {s: _pick_params(p, rows, self._picked_family(p, family))
             for s, p in self.params.items()},
            None if self.law is None else self.law.pick(rows))

    def copy(self) -> Instances:
        """The same instances, with dictionaries of their own: values may be redrawn in the
        copy (the second setting of an order check) without touching these. The arrays are
        shared, since nothing changes an array in place."""
        return Instances(self.n, dict(self.scalars), dict(self.data), dict(self.mixtures),
                         dict(self.family), dict(self.regressions), dict(self.model_shape),
                         dict(self.params), self.law)

    def _picked_family(self, p: Params, picked: dict) -> Choice | None:
        """The choice in ``picked`` (this chunk's families picked or paired, in the order
        of ``self.family``) made from the family choice of the parameters ``p``, if ``p``
        follows one of this chunk's densities: parameters and their density keep naming
        one choice object (``vector._parameters_of`` recognises them by identity before
        comparing). Matched by position: looking a density up hashes its SymPy class."""
        if p.family is not None:
            for c, new in zip(self.family.values(), picked.values(), strict=True):
                if c is p.family:
                    return new
        return None

    def paired(self, other: Instances) -> Instances:
        """These instances and ``other``'s (the same step drawn with other values of some of
        its parameters: the second setting of an order check) as one chunk, interleaved:
        instance r of these is row 2r, of ``other`` row 2r + 1. Each side is evaluated once
        for both, and a block of instances taking one family stays one block."""
        both = _interleaved
        # the same densities in the same order (other is a copy of these): paired by position
        aligned = len(self.family) == len(other.family) and all(
            d is e for d, e in zip(self.family, other.family, strict=False))
        family = ({d: c.paired(o) for (d, c), o in zip(self.family.items(),
                                                       other.family.values(), strict=True)}
                  if aligned else {d: c.paired(other.family[d]) for d, c in self.family.items()})

        def paired_family(s: sp.Symbol, p: Params) -> Choice | None:
            if p.family is None:
                return None
            kept = self._picked_family(p, family) if aligned else None
            if kept is not None and other._picked_family(other.params[s], family) is kept:
                return kept
            return p.family.paired(other.params[s].family)
        return Instances(
            self.n + other.n,
            {s: both(v, other.scalars[s]) for s, v in self.scalars.items()},
            {s: both(v, other.data[s]) for s, v in self.data.items()},
            {d: tuple(both(a, b) for a, b in zip(m, other.mixtures[d], strict=True))
             for d, m in self.mixtures.items()},
            family,
            {d: tuple(both(a, b) for a, b in zip(r, other.regressions[d], strict=True))
             for d, r in self.regressions.items()},
            {f: c.paired(other.model_shape[f]) for f, c in self.model_shape.items()},
            {s: Params(tuple(both(a, b) for a, b in zip(p.values, other.params[s].values,
                                                          strict=True)),
                       paired_family(s, p))
             for s, p in self.params.items()},
            None if self.law is None else self.law.paired(other.law, both))

    def describe(self, row: int) -> dict:
        """Instance ``row`` in plain numbers, for a counterexample."""
        out: dict = {}
        for s, v in sorted(self.scalars.items(), key=lambda kv: by_name(kv[0])):
            out[str(s)] = plain_number(v[row])
        bounds = [abs(v[row]) for s, v in self.scalars.items() if s.is_integer]
        length = int(min(max(bounds), MAX_TERMS)) if bounds else MAX_I
        for s, v in sorted(self.data.items(), key=lambda kv: by_name(kv[0])):
            if v.ndim == 3:
                side = min(length, MAX_TERMS_2D)
                out[str(s)] = [[plain_number(x) for x in r[:side]] for r in v[row][:side]]
            else:
                out[str(s)] = [plain_number(x) for x in v[row][:max(length, 1)]]
        for d, (w, m, sd) in self.mixtures.items():
            out[str(d)] = "Gaussian mixture " + ", ".join(
                f"{plain_number(w[row, k])}*N({_vector(m[row, k])}, {_vector(sd[row, k])}^2)"
                for k in range(w.shape[1]) if w[row, k] > 0)
        for d, choice in self.family.items():
            out[str(d)] = choice.at(row).name
        for d, (a, b) in self.regressions.items():
            out[str(d)] = {"family": "Gaussian, mean a0 + sum a_j tanh(c_j), scale "
                                     "0.5 + 1.5 sig(b0 + sum b_j tanh(c_j))",
                           "a": [plain_number(x) for x in a[row]],
                           "b": [plain_number(x) for x in b[row]]}
        for f, shape in self.model_shape.items():
            out[str(f)] = f"random {shape.at(row).name} model"
        for s, p in self.params.items():
            if p.family is not None:  # a family's parameters: as many as it has
                names = p.family.at(row).parameters
                out[str(s)] = {n: plain_number(v[row])
                               for n, v in zip(names, p.values[:len(names)], strict=True)}
            else:  # a model's weights: those its shape and outputs use (the rest are NaN)
                out[str(s)] = {f"w{k}": plain_number(v[row]) for k, v in enumerate(p.values)
                               if not np.isnan(v[row])}
        if self.law is not None:
            name, text = self.law.describe(row, plain_number)
            out[name] = text
        return out


def _vector(v: np.ndarray) -> str:
    return str(plain_number(v[0])) if len(v) == 1 else f"({', '.join(str(plain_number(x)) for x in v)})"


def by_name(x) -> str:
    """The order things are drawn in: by name (a Symbol's name is what it prints as, and
    reading it is much cheaper than printing it)."""
    return x.name if isinstance(x, sp.Symbol) else str(x)


def plain_number(x) -> float | int | str:
    """A number as a person reads it: integers as integers, six significant digits;
    "inf"/"nan" as text, so the JSON output stays JSON."""
    x = float(x)
    if not math.isfinite(x):
        return str(x)
    return int(x) if x.is_integer() and abs(x) < 2**53 else float(f"{x:.6g}")


@dataclass
class Roles:
    """What each free thing in a step is, read off the expressions once."""

    scalars: set[sp.Symbol] = field(default_factory=set)
    data: dict[sp.Symbol, int] = field(default_factory=dict)  # label -> how many indices
    # label -> the largest index any occurrence can reach (``data_reach``), None if unknown
    data_length: dict[sp.Symbol, int | None] = field(default_factory=dict)
    densities: dict[object, int] = field(default_factory=dict)  # density -> its dimension
    conditional: set[object] = field(default_factory=set)  # conditional densities
    regression: dict[object, int] = field(default_factory=dict)  # given k numbers as conditions
    models: dict[object, object] = field(default_factory=dict)  # model -> consumer density
    parameter_of: dict[sp.Symbol, object] = field(default_factory=dict)  # theta -> Pr
    weights_of: dict[sp.Symbol, object] = field(default_factory=dict)  # phi -> f
    # real symbols of unknown sign that the expressions require to have a sign
    # (log(sig*z) with z > 0 needs sig > 0): symbol -> (+1 or -1, why)
    sign_of: dict[sp.Symbol, tuple[int, Message]] = field(default_factory=dict)
    # the random variables averaged under an unstated law (one random law of them all),
    # and those an independence hypothesis declares independent
    random: tuple[sp.Symbol, ...] = ()
    independent: tuple[sp.Symbol, ...] = ()
    bound: frozenset = frozenset()  # every variable some binder of the step binds


def read_roles(exprs: Sequence[sp.Expr]) -> Roles:
    roles = Roles()
    bound: set[sp.Symbol] = set()
    random: set[sp.Symbol] = set()
    as_number: set[sp.Symbol] = set()  # symbols used as numbers (not as a parameter vector)
    sole_condition: dict[sp.Symbol, object] = {}
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            if isinstance(node, (sp.Integral, sp.Sum, sp.Product, Maximum)):
                bound.update(lim[0] for lim in node.limits)
            elif isinstance(node, KL):
                bound.add(node.variable)
            elif isinstance(node, AVERAGES):
                bound.update(node.variables)
                if not node.laws:
                    random.update(node.variables)
            elif isinstance(node, AppliedConditionalDensity):
                roles.conditional.add(node.func)
                condition = node.condition
                if len(condition) == 1 and isinstance(condition[0], sp.Symbol):
                    sole_condition[condition[0]] = node.func
                elif len(condition) == 1 and isinstance(condition[0], AppliedModel):
                    roles.models[condition[0].func] = node.func
                else:
                    roles.regression[node.func] = len(condition)
                    for c in condition:
                        as_number.update(c.free_symbols)
                as_number.update(node.variable.free_symbols)
            elif isinstance(node, AppliedDensity):
                roles.densities[node.func] = len(node.args)
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
                rank = roles.data.setdefault(node.base.label, len(node.indices))
                if rank != len(node.indices) or rank > 2:
                    raise NotEvaluable(f"{node.base.label} is indexed by {rank} and by "
                                       f"{len(node.indices)} indices (at most 2, and one way)")
            elif isinstance(node, sp.Symbol) and not isinstance(node, DataLabel):
                roles.scalars.add(node)
    for expr in exprs:
        _numeric_uses(expr, as_number)
        data_reach(expr, {}, roles.data_length)
    for theta, density in sole_condition.items():
        if theta in as_number:  # Pr(x_2|x_1) where x_1 is a number elsewhere: a regression
            roles.regression[density] = max(roles.regression.get(density, 1), 1)
        else:
            roles.parameter_of[theta] = density
    roles.scalars -= bound | set(roles.parameter_of) | set(roles.weights_of)
    roles.random = tuple(sorted(random, key=by_name))
    roles.bound = frozenset(bound)
    return roles


def _largest(e: sp.Expr, ranges: dict) -> int | None:
    """The largest value an index expression can take, or None if it cannot be told:
    an integer, a sampled integer symbol (at most MAX_I), a sum's index (its upper bound),
    either plus an integer."""
    if e.is_Integer:
        return int(e)
    if isinstance(e, sp.Symbol):
        if e in ranges:
            return ranges[e]
        return MAX_I if e.is_integer else None
    if isinstance(e, sp.Add):
        constant, rest = e.as_coeff_Add()
        if constant == 0:  # i + j: the sum of the largest values (any other term: unknown)
            tops = [_largest(a, ranges) for a in e.args]
            return None if any(t is None for t in tops) else sum(tops)
        top = _largest(rest, ranges)
        return None if top is None or not constant.is_Integer else top + int(constant)
    return None


def data_reach(expr: sp.Basic, ranges: dict, out: dict) -> None:
    """For every data array, the largest index its occurrences in ``expr`` can reach, so
    only that many values are drawn (None: MAX_TERMS, as many as any sum may take);
    ``ranges``: the largest value of each index of the sums around ``expr``."""
    if isinstance(expr, sp.Indexed):
        reach = [_largest(i, ranges) for i in expr.indices]
        known = None if any(r is None for r in reach) else max(reach)
        label = expr.base.label
        if label in out:
            known = None if out[label] is None or known is None else max(out[label], known)
        out[label] = known
    if isinstance(expr, (sp.Sum, sp.Product)):
        inner = dict(ranges)
        for index, _, high in reversed(expr.limits):  # the last limit is the outermost
            inner[index] = _largest(high, inner)
        data_reach(expr.function, inner, out)
        for _, low, high in expr.limits:
            data_reach(low, ranges, out)
            data_reach(high, ranges, out)
        return
    for a in expr.args:
        if isinstance(a, sp.Basic):
            data_reach(a, ranges, out)


def _numeric_uses(expr: sp.Basic, out: set) -> None:
    """Symbols that occur other than as the single condition of a conditional density or
    a model's weights: those are numbers, not parameter vectors."""
    if isinstance(expr, AppliedConditionalDensity):
        if not (len(expr.condition) == 1 and isinstance(expr.condition[0], (sp.Symbol, AppliedModel))):
            return  # its conditions were all recorded as numbers
        _numeric_uses(expr.variable, out)
        if isinstance(expr.condition[0], AppliedModel):
            _numeric_uses(expr.condition[0], out)
        return
    if isinstance(expr, AppliedModel):
        for a in expr.args[:-1]:
            _numeric_uses(a, out)
        return
    if isinstance(expr, sp.Symbol):
        out.add(expr)
        return
    for a in expr.args:
        if isinstance(a, sp.Basic):
            _numeric_uses(a, out)


def wide_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    """Which of ``n`` instances draw their real symbols over a wide spread of magnitudes
    (``sample_scalar``): about WIDE_SHARE of them, every real symbol of such an instance at
    once, so a step of many symbols keeps most of its instances at ordinary sizes."""
    return rng.uniform(size=n) < WIDE_SHARE


def sample_scalar(s: sp.Symbol, rng: np.random.Generator, n: int, sign: int = 0,
                  wide: np.ndarray | None = None) -> np.ndarray:
    """Values for ``s`` by its assumptions; ``sign`` (+1/-1) where the expressions need one.
    A real symbol is drawn at ordinary sizes (up to 3 in magnitude) except at the ``wide``
    instances, where its magnitude is log-uniform over WIDE_MAGNITUDES: a claim about every
    real is then tested at 1e-3 and at 1e3 too, not only where [-3, 3] happens to make it
    hold (|x - 5| = 5 - x)."""
    if s.is_real is False:
        raise NotEvaluable(f"{s} is declared not real; only real symbols are sampled")
    if s.is_integer:
        if s.is_positive:
            low, high = 1, MAX_I
        elif s.is_nonnegative:
            low, high = 0, MAX_I
        elif s.is_negative:
            low, high = -MAX_I, -1
        elif s.is_nonpositive:
            low, high = -MAX_I, 0
        else:
            low, high = -5, MAX_I
        return rng.integers(low, high + 1, n).astype(float)
    if s.is_positive or (sign > 0 and not s.is_nonpositive):
        values = rng.uniform(0.2, 3.0, n)
    elif s.is_negative or (sign < 0 and not s.is_nonnegative):
        values = -rng.uniform(0.2, 3.0, n)
    elif s.is_nonnegative:
        values = rng.uniform(0.0, 3.0, n)
    elif s.is_nonpositive:
        values = -rng.uniform(0.0, 3.0, n)
    else:
        values = rng.uniform(-3.0, 3.0, n)
    if wide is None or not np.any(wide):
        return values
    low, high = np.log(WIDE_MAGNITUDES)
    magnitudes = np.exp(rng.uniform(low, high, int(np.sum(wide))))
    signs = np.where(values[wide] < 0, -1.0, 1.0)  # the sign drawn at ordinary size: the same law
    values[wide] = signs * magnitudes
    return values


def _sample_weights(counts: np.ndarray, rng, n) -> Params:
    """Weights for a model: instance r uses the first ``counts[r]`` (its shape's weights per
    output times its outputs); those it does not use are NaN."""
    top = int(np.max(counts))
    weights = tuple(rng.uniform(-1.5, 1.5, n) for _ in range(top))
    if np.all(counts == top):
        return Params(weights)
    return Params(tuple(np.where(counts > k, w, np.nan) for k, w in enumerate(weights)))


def _sample_family(choice: Choice, rng, n) -> Params:
    """Parameters of a family for each instance (a mixed chunk: each instance its own
    family's, drawn for those instances; components a family lacks are NaN)."""
    if choice.only is not None:
        return Params(choice.only.sample(rng, n), choice)
    values = [np.full(n, np.nan) for _ in range(max(len(f.parameters) for f in choice.options))]
    for fam, rows in choice.groups():
        for k, v in enumerate(fam.sample(rng, len(values[0][rows]))):
            values[k][rows] = v
    return Params(tuple(values), choice)


def sample(roles: Roles, rng: np.random.Generator, n: int, chunk_number: int,
           mixed: bool = False) -> Instances:
    """A chunk of ``n`` instances. The family of each conditional density and the shape of
    each model change from chunk to chunk, so every check sees all of them; in a ``mixed``
    chunk they change from instance to instance, in blocks (a family's instances are
    consecutive, each block taking every model shape in turn), so one chunk sees all of
    them."""
    inst = Instances(n)
    families, shapes = len(FAMILIES), len(MODEL_SHAPES)
    turn = np.arange(n) * (families * shapes) // n if mixed else np.zeros(n, dtype=int)
    family_turn = turn // shapes + chunk_number
    shape_turn = turn + chunk_number // families
    wide = wide_rows(rng, n) if any(not s.is_integer for s in roles.scalars) else None
    for s in sorted(roles.scalars, key=by_name):
        inst.scalars[s] = sample_scalar(s, rng, n, roles.sign_of.get(s, (0, ""))[0], wide)
    for label, rank in sorted(roles.data.items(), key=lambda kv: by_name(kv[0])):
        reach = roles.data_length.get(label)
        if rank == 1:
            shape = (n, MAX_TERMS if reach is None else min(max(reach, 1), MAX_TERMS))
        else:
            side = MAX_TERMS_2D if reach is None else min(max(reach, 1), MAX_TERMS_2D)
            shape = (n, side, side)
        if isinstance(label, BinaryLabel):
            inst.data[label] = rng.integers(0, 2, shape).astype(float)
        elif isinstance(label, ClassLabel):
            inst.data[label] = rng.integers(1, MAX_I + 1, shape).astype(float)
        elif label.is_positive:  # data declared positive (weights, probabilities)
            inst.data[label] = np.round(rng.uniform(0.2, 3.0, shape), 3)
        else:
            inst.data[label] = np.round(rng.uniform(-3.0, 3.0, shape), 3)
    for d, dimension in sorted(roles.densities.items(), key=lambda kv: by_name(kv[0])):
        k = MIXTURE_COMPONENTS
        weights = rng.uniform(0.2, 1.0, (n, k))
        weights[rng.uniform(size=(n, k)) < 0.3] = 0.0
        weights[:, 0] = np.maximum(weights[:, 0], 0.2)
        weights /= weights.sum(axis=1, keepdims=True)
        inst.mixtures[d] = (weights, rng.uniform(-3, 3, (n, k, dimension)),
                            rng.uniform(0.5, 2.0, (n, k, dimension)))
    for k, d in enumerate(sorted(roles.conditional, key=by_name)):
        inst.family[d] = Choice(FAMILIES, (family_turn + k) % families)
    for d, conditions in sorted(roles.regression.items(), key=lambda kv: by_name(kv[0])):
        inst.regressions[d] = (rng.uniform(-1.5, 1.5, (n, conditions + 1)),
                               rng.uniform(-1.5, 1.5, (n, conditions + 1)))
    for k, f in enumerate(sorted(roles.models, key=by_name)):
        inst.model_shape[f] = Choice(MODEL_SHAPES, (shape_turn + k) % shapes)
    draw_parameters(roles, inst, rng)
    if roles.random:
        inst.law = draw_law(roles.random, roles.independent, lambda v, count: sample_scalar(
            v, rng, count, roles.sign_of.get(v, (0, ""))[0]), rng, n)
    return inst


def independence(roles: Roles, hypotheses: Sequence) -> tuple[sp.Symbol, ...]:
    """The random variables of ``roles`` that the ``Independent`` hypotheses among
    ``hypotheses`` declare independent (``averages.declared_independent``)."""
    return declared_independent(roles.random, [frozenset(h.args) for h in hypotheses
                                               if isinstance(h, Independent)])


def draw_parameters(roles: Roles, inst: Instances, rng: np.random.Generator,
                    only: Sequence[sp.Symbol] | None = None) -> None:
    """(Re)draw parameters: a family's (theta of Pr(y|theta)), a model's weights (phi of
    f[x, phi]), and scalars; all of them, or just those in ``only`` (the optimisation
    variables, for the second setting of an order check)."""
    wanted = set(only) if only is not None else None

    def drawn(symbol) -> bool:
        return wanted is None or symbol in wanted

    for theta, d in sorted(roles.parameter_of.items(), key=lambda kv: by_name(kv[0])):
        if drawn(theta):
            inst.params[theta] = _sample_family(inst.family[d], rng, inst.n)
    for phi, f in sorted(roles.weights_of.items(), key=lambda kv: by_name(kv[0])):
        if drawn(phi):
            consumer = roles.models.get(f)
            outputs = (inst.family[consumer].per_instance(lambda fam: len(fam.parameters))
                       if consumer is not None else np.ones(inst.n, dtype=int))
            if issubclass(f, AppliedModelOutput):
                outputs = np.full(inst.n, MAX_I)  # f_k[x, phi], k = 1, ..., MAX_I (a sum's largest bound)
            per = inst.model_shape[f].per_instance(lambda shape: shape.weights_per_output)
            inst.params[phi] = _sample_weights(per * outputs, rng, inst.n)
    if wanted is not None:
        redrawn = sorted(wanted & roles.scalars, key=by_name)
        wide = wide_rows(rng, inst.n) if any(not s.is_integer for s in redrawn) else None
        for s in redrawn:
            inst.scalars[s] = sample_scalar(s, rng, inst.n, roles.sign_of.get(s, (0, ""))[0],
                                            wide)
