"""Quadrature rules: the trapezoid rule on a sinh-mapped line for smooth integrands;
double-exponential rules, tanh-sinh on a finite piece and exp-sinh on a half line, for
any other; adaptive Gauss-Kronrod for confirmation.

An integrand analytic on the whole line, whose narrow parts all have a known width (see
``compile.analytic``), is integrated by the trapezoid rule in t with y = c + L sinh(t):
for analytic integrands that decay, the trapezoid rule converges geometrically (its error
roughly squares when the step halves), so the difference between two levels bounds the
error of the finer one; the step is sized so that every feature is resolved at the first
level. Far fewer nodes than splitting at every feature: the map's nodes are spaced
evenly near the features and geometrically in the tails.

Any other integral is split at the points where its integrand has a feature (a nascent
delta's centre, a kink, a Gaussian's mean: see ``compile.features``), and each piece is
integrated by a double-exponential rule. These rules cluster their nodes at both ends of a piece at every
scale at once, so a feature of width 1e-3 or 1e3 sitting on a split point is resolved
without being told its width, and an endpoint singularity (a Beta density's) is integrable.

Levels halve the step h; level k reuses every node of level k-1, so each level evaluates
the integrand only at its new nodes, and the difference between two levels is the error
estimate (double-exponential rules roughly square their error at each level, so this
estimate is conservative).

A node is given by its distance from the piece's end, computed directly (1 - tanh(u) =
2/(exp(2u) + 1)) rather than as a difference, so nodes 1e-20 from an end stay distinct.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

FIRST_STEP = 0.5  # h at level 0
MIN_LEVEL = 2  # converged no earlier than level 2: levels 0 and 1 can both miss a feature
MAX_LEVEL = 6  # h = 1/128 at the last level
FINITE_T = 3.5  # tanh-sinh: nodes within 5e-23 of the piece's length from its ends
HALF_LINE_T = (-4.5, 3.2)  # exp-sinh: from e^-70 to e^19 (2e8) scale units from the end
# Where every end of every piece is a point where the integrand is analytic (a feature of
# known width, not a kink or a singularity), the nodes need not come so close to the ends:
# the integrand there is finite, and what lies closer than 1e-13 of the piece's length
# (e^-26 scale units on a half line) is below every tolerance.
ANALYTIC_FINITE_T = 3.0
ANALYTIC_HALF_LINE_LOW = -3.5
EXTREME = 0.85  # of the t range: nodes beyond sit on an end or in a far tail


def _t_nodes(level: int, t_low: float, t_high: float, first_step: float = FIRST_STEP) -> np.ndarray:
    """The nodes new at ``level``: multiples of h at level 0, odd multiples of h after."""
    h = first_step / 2**level
    if level == 0:
        j = np.arange(math.ceil(t_low / h), math.floor(t_high / h) + 1)
    else:
        j = np.arange(math.ceil((t_low / h - 1) / 2), math.floor((t_high / h - 1) / 2) + 1)
        j = 2 * j + 1
    return j * h


@cache
def tanh_sinh(level: int, t_max: float = FINITE_T) -> tuple[np.ndarray, ...]:
    """For the new nodes of ``level`` on a piece [a, b], by the end they are measured from:
    (distances from a, their weights, distances from b, their weights, the weight of the
    middle node or 0 when this level has none, which nodes are extreme), distances and
    weights in units of (b - a)/2 (weights times h), the nodes from a first, then the middle
    one, then those from b."""
    t = _t_nodes(level, -t_max, t_max)
    u = 0.5 * math.pi * np.sinh(np.abs(t))
    with np.errstate(over="ignore"):
        distance = 2.0 / (np.exp(2.0 * u) + 1.0)
        weight = 0.5 * math.pi * np.cosh(t) / np.cosh(u) ** 2 * (FIRST_STEP / 2**level)
    extreme = np.abs(t) > EXTREME * t_max
    low, high = t < 0, t > 0
    middle = float(weight[t == 0][0]) if np.any(t == 0) else 0.0
    order = np.concatenate([np.flatnonzero(low), np.flatnonzero(t == 0), np.flatnonzero(high)])
    return distance[low], weight[low], distance[high], weight[high], middle, extreme[order]


@cache
def exp_sinh(level: int, t_low: float = HALF_LINE_T[0]) -> tuple[np.ndarray, ...]:
    """For the new nodes of ``level`` on a half line from an end p: the distance from p (in
    units of the scale), the weight (times h), and which nodes are extreme."""
    bounds = (t_low, HALF_LINE_T[1])
    t = _t_nodes(level, *bounds)
    distance = np.exp(0.5 * math.pi * np.sinh(t))
    weight = 0.5 * math.pi * np.cosh(t) * distance
    h = FIRST_STEP / 2**level
    extreme = (t > EXTREME * bounds[1]) | (t < EXTREME * bounds[0])
    return distance, weight * h, extreme


def sinh_trapezoid(level: int, t_max: float, first_step: float) -> tuple[np.ndarray, float]:
    """The trapezoid rule in t on [-t_max, t_max] for y = c + L sinh(t): the nodes new at
    ``level`` (the step halves at each level, and every level reuses the nodes before)
    and the step h, the weight of every node of that level (times L cosh t)."""
    return _t_nodes(level, -t_max, t_max, first_step), first_step / 2**level


def exact_rule(level: int, kind: str, mp) -> list[tuple]:
    """The rule of ``level`` in mpmath's current precision, for kind "finite" (tanh-sinh:
    (side, distance, weight, extreme) per node, as ``tanh_sinh``) or "half" (exp-sinh)."""
    key = (level, kind, mp.prec)
    if key not in _EXACT_RULES:
        h = mp.mpf(FIRST_STEP) / 2**level
        bounds = (-FINITE_T, FINITE_T) if kind == "finite" else HALF_LINE_T
        nodes = []
        for t_float in _t_nodes(level, *bounds):
            t = mp.mpf(float(t_float))
            extreme = bool(t_float > EXTREME * bounds[1] or t_float < EXTREME * bounds[0])
            if kind == "finite":
                u = mp.pi / 2 * mp.sinh(abs(t))
                nodes.append((int(mp.sign(t)), 2 / (mp.exp(2 * u) + 1),
                              mp.pi / 2 * mp.cosh(t) / mp.cosh(u) ** 2 * h, extreme))
            else:
                d = mp.exp(mp.pi / 2 * mp.sinh(t))
                nodes.append((0, d, mp.pi / 2 * mp.cosh(t) * d * h, extreme))
        _EXACT_RULES[key] = nodes
    return _EXACT_RULES[key]


_EXACT_RULES: dict = {}


# -- Gauss-Kronrod (7, 15), adaptive by bisection: the rule that confirms ------------------
# An algorithm independent of the double-exponential rules above, so a feature those miss
# is not missed the same way twice. Nodes on [-1, 1]: the 15 Kronrod nodes, of which every
# second one (from the first) is a Gauss node.

_KRONROD_X = np.array([
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0.0])
_KRONROD_W = np.array([
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714])
_GAUSS_W = np.array([0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                     0.381830050505118944950369775488975, 0.417959183673469387755102040816327])
KRONROD_X = np.concatenate([-_KRONROD_X[:-1], _KRONROD_X[::-1]])
KRONROD_W = np.concatenate([_KRONROD_W[:-1], _KRONROD_W[::-1]])
GAUSS_W = np.zeros(15)
GAUSS_W[1::2] = np.concatenate([_GAUSS_W[:-1], _GAUSS_W[::-1]])  # nodes 1, 3, ..., 13
GK_TOLERANCE = 1e-12  # relative to the integral of |f|
GK_MAX_INTERVALS = 4000
GK_MAX_ROUNDS = 60
UNSETTLED = 10.0  # an unconverged interval's error: this many times its value and estimate


def _gk(f, lo, hi, transform):
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    t = mid[:, None] + half[:, None] * KRONROD_X[None, :]
    y, jac = transform(t)
    values = np.asarray(f(y.ravel()), dtype=float).reshape(t.shape) * jac
    kronrod = half * (values @ KRONROD_W)
    return kronrod, np.abs(kronrod - half * (values @ GAUSS_W)), half * (np.abs(values) @ KRONROD_W)


def gauss_kronrod(f, edges: np.ndarray, transform) -> tuple[float, float, float]:
    """The integral of f(y(t)) y'(t) over t in [edges[0], edges[-1]] (split at every edge), by
    adaptive Gauss-Kronrod: (value, error estimate, integral of |f|). ``f`` takes an array of
    points; ``transform`` maps t to (y, dy/dt). Each round bisects, all at once, every
    interval whose |K - G| exceeds an equal share of GK_TOLERANCE times the integral of |f|,
    until the total estimate is within it. NaN if f is not finite at a node."""
    lo, hi = edges[:-1].astype(float), edges[1:].astype(float)
    keep = hi > lo
    lo, hi = lo[keep], hi[keep]
    value, error, absolute = _gk(f, lo, hi, transform)
    for _ in range(GK_MAX_ROUNDS):
        if not np.all(np.isfinite(value)):
            return math.nan, math.inf, math.nan
        target = GK_TOLERANCE * float(np.sum(absolute)) + 1e-300
        if float(np.sum(error)) <= target or 2 * len(lo) > GK_MAX_INTERVALS:
            break
        split = error > target / len(lo)
        mid = (lo[split] + hi[split]) / 2
        new_lo = np.concatenate([lo[split], mid])
        new_hi = np.concatenate([mid, hi[split]])
        v, e, a = _gk(f, new_lo, new_hi, transform)
        lo, hi = np.concatenate([lo[~split], new_lo]), np.concatenate([hi[~split], new_hi])
        value = np.concatenate([value[~split], v])
        error = np.concatenate([error[~split], e])
        absolute = np.concatenate([absolute[~split], a])
    if not np.all(np.isfinite(value)):
        return math.nan, math.inf, math.nan
    total_error = float(np.sum(error))
    target = GK_TOLERANCE * float(np.sum(absolute)) + 1e-300
    if total_error > target:
        # Not converged within the limits: next to an endpoint singularity (y^-0.8) K - G
        # sees only a fraction of what the smallest intervals miss, so an interval still
        # to be split is uncertain by a multiple of all it holds.
        unsettled = error > target / len(lo)
        total_error += UNSETTLED * float(np.sum(np.abs(value[unsettled]) + error[unsettled]))
    return float(np.sum(value)), total_error, float(np.sum(absolute))


def line_transform(kind: str, a: float = 0.0, b: float = 0.0):
    """(t range, t -> (y, dy/dt)) for a finite interval [a, b] (t = y), a half line
    [a, inf) or (-inf, b] (y = a + t/(1 - t)), or the whole line (y = t/(1 - t^2))."""
    if kind == "finite":
        return (a, b), lambda t: (t, np.ones_like(t))
    if kind == "right":
        return (0.0, 1.0), lambda t: (a + t / (1 - t), 1 / (1 - t) ** 2)
    if kind == "left":
        return (0.0, 1.0), lambda t: (b - t / (1 - t), 1 / (1 - t) ** 2)
    return (-1.0, 1.0), lambda t: (t / (1 - t * t), (1 + t * t) / (1 - t * t) ** 2)


def line_inverse(kind: str, y: np.ndarray, a: float = 0.0, b: float = 0.0) -> np.ndarray:
    """The t of points y under ``line_transform``: where to split for a feature at y."""
    y = np.asarray(y, dtype=float)
    if kind == "finite":
        return y
    if kind == "right":
        return (y - a) / (1 + (y - a))
    if kind == "left":
        return (b - y) / (1 + (b - y))
    with np.errstate(all="ignore"):
        return np.where(y == 0, 0.0, (-1 + np.sqrt(1 + 4 * y * y)) / (2 * y))


GRADING = 1e-9 * 4.0 ** np.arange(15)  # cuts this far (in t) on each side of a feature


def graded_edges(t_range: tuple[float, float], features_t: np.ndarray, pieces: int = 8) -> np.ndarray:
    """Edges for ``gauss_kronrod``: ``pieces`` equal intervals, and around each feature cuts
    at geometrically growing distances, so a feature of any width is met by intervals of
    its size (adaptive bisection alone can finish an interval whose nodes all miss it)."""
    lo, hi = t_range
    edges = [np.linspace(lo, hi, pieces + 1)]
    for t in np.asarray(features_t, dtype=float).ravel():
        if np.isfinite(t) and lo <= t <= hi:
            edges.append(np.array([t]))
            edges.append(np.clip(t - GRADING, lo, hi))
            edges.append(np.clip(t + GRADING, lo, hi))
    return np.unique(np.concatenate(edges))
