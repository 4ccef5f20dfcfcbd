"""The float backend: compiled expressions evaluated with NumPy on a chunk of instances.

Axis 0 runs over instances; a binder nested under k others owns axis k + 1. A whole-line
integral whose integrand is analytic with features of known widths (``compile.analytic``)
is taken by the sinh trapezoid rule sized to those widths (``_sinh_integrate``); every other
integral, and every instance the sinh rule does not settle, is split at its integrand's
features and taken by double-exponential quadrature (``_de_integrate``). Both go level by
level, each level only on the instances not yet converged, until the estimated error is
below ``QUADRATURE_TOLERANCE`` of the integral of |f| (an integral that does not converge
is NaN: that instance cannot be evaluated). Dirac deltas are nascent deltas (Gaussians) of
the environment's width ``eps``."""

from __future__ import annotations

import itertools
import math

import numpy as np
import sympy as sp

from derive.kernel.objects import Maximum
from derive.notation import KL, sig
from derive.numeric import quadrature as quad
from derive.numeric.averages import AVERAGES
from derive.numeric.compile import (
    Compiler,
    Feature,
    Node,
    analytic,
    depth,
    family_conditions,
    features,
)
from derive.numeric.concrete import (
    REGRESSION,
    NotEvaluable,
    Params,
    gauss_logpdf,
    regression_logpdf,
    sigmoid,
)
from derive.numeric.instances import MAX_I, MIXTURE_COMPONENTS, Choice, Instances, Roles

QUADRATURE_TOLERANCE = 1e-10  # relative to the integral of |f|
DELTA_QUADRATURE_TOLERANCE = 1e-8  # with nascent deltas, checked to 1e-4 after extrapolation
MAX_ELEMENTS = 2e7  # the largest array one chunk may need (integral nodes x sums x chunk)
# The sinh trapezoid rule for smooth whole-line integrals (``_sinh_integrate``):
SINH_RESOLUTION = 1.2  # nodes at most this many widths apart near every feature at the first
#                        level; the step halves until two levels agree (usually 3 times)
SINH_MAX_NODES = 160  # nodes at the first level; instances needing more are split instead
SINH_MAX_LEVEL = 4  # the step halved at most 4 times; instances not converged are split instead
REACH = 40.0  # widths past the widest feature the nodes reach (a Gaussian there: e^-800)
TAIL = 0.1  # the outermost nodes must be under this many tolerances of the integral of |f|
MAX_SUM_TERMS = 20000  # the most terms of a finite sum or product
INFINITE_TERMS = 4000  # terms of an infinite series taken before its tail is judged
SERIES_TOLERANCE = 1e-13  # the last tenth of the terms, relative to the sum of |terms|


SHARED_HEADS = (sp.Integral, sp.Sum, sp.Product, KL, *AVERAGES)


def _shared(expr: sp.Basic, node: Node) -> Node:
    """``node`` computed once per environment: outside every binder, a sum or an integral
    that both sides of a step contain (5.30c's sum of log-likelihoods, 5.29b's cross-
    entropy) is the same numbers on both, so the second side reads the first side's. What
    the integrals in it add to the environment's scale is kept and added again."""
    token = _shared_token(expr)

    def kept(kind, compute):
        key = (kind, token)

        def evaluate(env):
            hit = env.memo.get(key)
            if hit is None:
                before = env.scale
                hit = (compute(env), env.scale - before)
                env.memo[key] = hit
            else:
                env.scale = env.scale + hit[1]
            return hit[0]
        return evaluate
    value = kept("value", node.value)
    # a logarithm taken from the value (not in log space) is taken from the value kept
    log = kept("log", node.log if node.native else FloatOps.log_of_value(value))
    return Node(value, log, node.native)


_TOKENS: dict[sp.Basic, int] = {}
_NEXT_TOKEN = itertools.count()
MAX_TOKENS = 4096  # expressions remembered; past that, forgotten (they are only shared less)


def _shared_token(expr: sp.Basic) -> int:
    """A number for ``expr``, the same for every equal expression compiled (both sides of a
    step), never for another: environments look shared values up by it, not by comparing
    SymPy trees on every evaluation."""
    token = _TOKENS.get(expr)
    if token is None:
        if len(_TOKENS) >= MAX_TOKENS:
            _TOKENS.clear()
        token = _TOKENS[expr] = next(_NEXT_TOKEN)
    return token


def _mixture_column(density, column: int):
    """A closure giving, for an abstract density's Gaussian mixture, its components'
    means (column 1) or scales (column 2), shape (n, 1..., components)."""
    def values(env):
        v = env.inst.mixtures[density][column][:, :, 0]
        return v.reshape((-1,) + (1,) * (env.ndim - 1) + (v.shape[1],))
    values.width = MIXTURE_COMPONENTS
    return values


class Env:
    """A chunk of instances and the values of everything bound while evaluating."""

    def __init__(self, inst: Instances, ndim: int, eps: float | None = None,
                 tolerance: float = QUADRATURE_TOLERANCE):
        self.inst, self.n, self.ndim, self.eps = inst, inst.n, ndim, eps
        self.tolerance = tolerance  # of quadrature, relative to the integral of |f|
        self.values: dict = {}
        for s, v in inst.scalars.items():
            self.values[s] = self.instance_axis(v)
        for s, p in inst.params.items():
            self.values[s] = Params(tuple(self.instance_axis(a) for a in p.values), p.family)
        self.sizes = [1] * ndim
        self.sizes[0] = inst.n
        self.scale = 0.0  # the integrals of |f| of the integrals outside every binder
        self.memo: dict = {}  # per density, its last arguments and log values (``mixture``)

    def restrict(self, rows: np.ndarray) -> Env:
        """The same evaluation on the instances ``rows`` only (those an integral still
        refines), with every binding open so far."""
        sub = Env.__new__(Env)
        sub.inst, sub.n, sub.ndim, sub.eps = self.inst.pick(rows), len(rows), self.ndim, self.eps
        sub.tolerance = self.tolerance
        sub.values = {s: _rows_of(v, rows, self.n) for s, v in self.values.items()}
        sub.sizes = list(self.sizes)
        sub.sizes[0] = len(rows)
        sub.scale, sub.memo = 0.0, {}
        return sub

    def instance_axis(self, a: np.ndarray) -> np.ndarray:
        return a.reshape((-1,) + (1,) * (self.ndim - 1))

    def open(self, symbol, values, axis: int, size: int):
        """Bind a binder's variable; returns what to restore with ``close``."""
        self.sizes[axis] = size
        if self.n * math.prod(self.sizes[1:]) > MAX_ELEMENTS:
            self.sizes[axis] = 1
            raise NotEvaluable(f"the nested integrals and sums around {symbol} need more than "
                               f"{MAX_ELEMENTS:.0e} numbers per chunk: too large to evaluate")
        previous = self.values.get(symbol)
        self.values[symbol] = values
        return previous

    def close(self, symbol, previous, axis: int):
        self.sizes[axis] = 1
        if previous is None:
            del self.values[symbol]
        else:
            self.values[symbol] = previous


def _quiet(f):
    def wrapped(*args):
        with np.errstate(all="ignore"):
            return f(*args)
    return wrapped


_lgamma = np.frompyfunc(lambda x: math.lgamma(x) if x > 0 or x != math.floor(x) else math.inf, 1, 1)


def _log_gamma(x):
    return np.asarray(_lgamma(np.asarray(x, dtype=float)), dtype=float)


def _gamma(x):
    x = np.asarray(x, dtype=float)
    sign = np.where((x > 0) | (np.floor(x) % 2 == 1), 1.0, -1.0)
    return sign * np.exp(_log_gamma(x))


class FloatOps:
    """NumPy's operations, in the form the compiler's arithmetic asks for."""

    one = 1.0
    exp = staticmethod(_quiet(np.exp))
    log = staticmethod(_quiet(np.log))

    @staticmethod
    def number(e: sp.Expr) -> float:
        return float(e)

    @staticmethod
    def log_pair_of_number(v: float, number: sp.Expr):
        """(log|v|, sign v) of a constant; from SymPy where the float over- or underflows
        (1/B(a, b) for large a and b), so products with it can be taken in log space."""
        if v and math.isfinite(v):
            return math.log(abs(v)), float(np.sign(v))
        if number == 0:
            return -math.inf, 0.0
        return float(sp.log(sp.Abs(number)).evalf(30)), float(sp.sign(number))

    @staticmethod
    def log_of_value(value):
        def log(env):
            v = value(env)
            with np.errstate(all="ignore"):
                return np.log(np.abs(v)), np.sign(v)
        return log

    @staticmethod
    def log_sum(pairs):
        """log|sum s_k e^{l_k}| and its sign: a signed log-sum-exp."""
        with np.errstate(all="ignore"):
            if all(isinstance(sv, float) and sv == 1.0 for _, sv in pairs):
                total = pairs[0][0]
                for lv, _ in pairs[1:]:
                    total = np.logaddexp(total, lv)
                return total, 1.0
            top = pairs[0][0]
            for lv, _ in pairs[1:]:
                top = np.maximum(top, lv)
            top = np.where(np.isfinite(top), top, np.where(np.isnan(top), np.nan, 0.0))
            total = 0.0
            for lv, sv in pairs:
                total = total + sv * np.exp(lv - top)
            return np.log(np.abs(total)) + top, np.sign(total)

    @staticmethod
    def log_from_pair(lv, sv):
        """log of the value s e^l: undefined (NaN) for a negative value."""
        if isinstance(sv, float) and sv == 1.0:  # a density's: positive everywhere
            return lv
        return np.where(sv > 0, lv, np.where(sv == 0, -np.inf, np.nan))

    @staticmethod
    def value_with_log_fallback(direct, log):
        def value(env):
            with np.errstate(all="ignore"):
                v = direct(env)
                bad = ~np.isfinite(v)
                if not np.any(bad):
                    return v
                lv, sv = log(env)
                return np.where(bad, sv * np.exp(lv), v)
        return value

    @staticmethod
    def power(b, e):
        with np.errstate(all="ignore"):
            return np.power(b, e)

    @staticmethod
    def power_log(lb, sb, e):
        with np.errstate(all="ignore"):
            integral = np.floor(e) == e
            odd = integral & (np.abs(e) % 2 == 1)
            sign = np.where(sb > 0, 1.0, np.where(sb == 0, np.where(e == 0, 1.0, 0.0),
                                                  np.where(integral, np.where(odd, -1.0, 1.0),
                                                           np.nan)))
            return np.where(e == 0, 0.0, e * lb), sign

    def constant_power(self, base: Node, exponent: sp.Expr) -> Node:
        b_value, b_log = base.value, base.log
        e = float(exponent)
        if exponent.is_integer:
            k = int(exponent)
            if k == 2:
                def value(env):
                    v = b_value(env)
                    return v * v
            elif k == -1:
                def value(env):
                    with np.errstate(all="ignore"):
                        return 1.0 / b_value(env)
            else:
                def value(env):
                    with np.errstate(all="ignore"):
                        return np.power(b_value(env), float(k))
        elif e == 0.5:
            def value(env):
                with np.errstate(all="ignore"):
                    return np.sqrt(b_value(env))
        else:
            def value(env):
                with np.errstate(all="ignore"):
                    return np.power(b_value(env), e)

        if exponent.is_integer:
            # sign**k for a sign in {-1, 0, 1} (NaN stays NaN)
            def sign_of_power(sb):
                return sb if k % 2 else sb * sb
        else:
            def sign_of_power(sb):
                return np.where(sb > 0, 1.0, np.where(sb == 0, 0.0, np.nan))

        def log(env):
            lb, sb = b_log(env)
            with np.errstate(all="ignore"):
                return e * lb, sign_of_power(sb)
        return Node(value, log, True)


def _unary(f, log_of=None):
    """A node maker for a function of one argument; ``log_of`` its logarithm, if natural."""
    f = _quiet(f)

    def make(args):
        (a,) = args
        av = a.value

        def value(env):
            return f(av(env))
        if log_of is None:
            return Node(value, FloatOps.log_of_value(value))
        logf = _quiet(log_of)
        return Node(value, lambda env: (logf(av(env)), 1.0), True)
    return make


def _sum_along(x: np.ndarray, axis: int) -> np.ndarray:
    """``np.sum(x, axis, keepdims=True)``; along a short last axis (a sum's few terms
    beside an integral's nodes) as a product with ones, which is several times faster."""
    if axis == x.ndim - 1 and 1 < x.shape[-1] <= 64 and x.ndim > 1:
        return (x @ np.ones(x.shape[-1]))[..., None]
    return np.sum(x, axis=axis, keepdims=True)


def _columns(table: np.ndarray, cols, ndim: int) -> np.ndarray:
    """``table[:, cols]`` for column numbers that are the same for every instance and vary
    along one axis at most (a sum's index from a common first term): one take instead of
    a gather per instance; NaN outside the table."""
    cols = np.asarray(cols)
    shape = [table.shape[0]] + [1] * (ndim - 1)
    varying = [a for a in range(1, cols.ndim) if cols.shape[a] > 1]
    flat = cols.reshape(-1)
    picked = table[:, np.clip(flat, 0, table.shape[1] - 1).astype(int)]
    valid = (flat >= 0) & (flat < table.shape[1])
    if not np.all(valid):
        picked = np.where(valid, picked, np.nan)
    if varying:
        shape[varying[0]] = len(flat)
    return picked.reshape(shape)


def _abs(args):
    (a,) = args
    av, al = a.value, a.log
    return Node(lambda env: np.abs(av(env)), lambda env: (al(env)[0], np.abs(al(env)[1])), a.native)


def _heaviside(args):
    a = args[0]
    av = a.value
    half = args[1].value if len(args) > 1 else (lambda env: 0.5)

    def value(env):
        u = av(env)
        return np.where(u > 0, 1.0, np.where(u == 0, half(env), np.where(u < 0, 0.0, np.nan)))
    return Node(value, FloatOps.log_of_value(value))


def _beta(args):
    a, b = (x.value for x in args)

    def log(env):
        x, y = a(env), b(env)
        return _log_gamma(x) + _log_gamma(y) - _log_gamma(x + y), 1.0
    return Node(lambda env: np.exp(log(env)[0]), log, True)


def _vectorised(f):
    ufunc = np.frompyfunc(f, 1, 1)
    return lambda x: np.asarray(ufunc(np.asarray(x, dtype=float)), dtype=float)


FUNCTIONS = {
    sp.Abs: _abs,
    sp.sin: _unary(np.sin), sp.cos: _unary(np.cos), sp.tan: _unary(np.tan),
    sp.tanh: _unary(np.tanh), sp.sinh: _unary(np.sinh), sp.cosh: _unary(np.cosh),
    sp.atan: _unary(np.arctan), sp.sign: _unary(np.sign), sp.Heaviside: _heaviside,
    sig: _unary(sigmoid, lambda x: -np.logaddexp(0.0, -x)),
    sp.erf: _unary(_vectorised(math.erf)), sp.erfc: _unary(_vectorised(math.erfc)),
    sp.gamma: _unary(_gamma), sp.loggamma: _unary(_log_gamma),
    sp.factorial: _unary(lambda x: _gamma(np.asarray(x, dtype=float) + 1)),
    sp.beta: _beta,
}


def _karr(lo, hi):
    """A sum from lo to hi in SymPy's (Karr's) convention: lo..hi when hi >= lo, minus the
    sum over hi+1..lo-1 when hi < lo - 1, empty when hi = lo - 1. (first index, count, sign)"""
    forward = hi >= lo
    start = np.where(forward, lo, hi + 1)
    count = np.where(forward, hi - lo + 1, np.maximum(lo - hi - 1, 0))
    return start, count, np.where(forward, 1.0, -1.0)


class VectorCompiler(Compiler):
    """Compiles expressions for the float backend."""

    ops = FloatOps()

    def functions(self) -> dict:
        return FUNCTIONS

    def compile(self, expr: sp.Basic, level: int = 0) -> Node:
        if level > 0 and isinstance(expr, AVERAGES) and self.closed(expr):
            return self.hoisted(expr)
        node = super().compile(expr, level)
        if level == 0 and isinstance(expr, sp.Basic) and expr.has(*SHARED_HEADS):
            return _shared(expr, node)
        return node

    def closed(self, expr: sp.Basic) -> bool:
        """Does ``expr`` depend on no variable any binder of the step binds (the E[X] of
        Var[X] = E[(X - E[X])^2], inside the outer average)?"""
        return not (expr.xreplace(self.substitution).free_symbols & self.roles.bound)

    def hoisted(self, expr: sp.Basic) -> Node:
        """A ``closed`` average inside binders, computed once per environment on its own
        (outside every binder), not again at every atom or quadrature node around it."""
        node = self.compile(expr, 0)
        ndim = 1 + depth(expr, self.substitution)
        key = ("hoisted", _shared_token(expr))

        def value(env):
            hit = env.memo.get(key)
            if hit is None:
                own = Env(env.inst, ndim, env.eps, env.tolerance)
                with np.errstate(all="ignore"):
                    v = np.asarray(node.value(own), dtype=float)
                hit = env.memo[key] = env.instance_axis(
                    np.broadcast_to(v, (env.n,) + (1,) * (ndim - 1)).reshape(env.n))
            return hit
        return Node(value, FloatOps.log_of_value(value))

    def symbol(self, s: sp.Symbol) -> Node:
        def value(env):
            try:
                return env.values[s]
            except KeyError:
                raise NotEvaluable(f"no value for {s}") from None
        return Node(value, FloatOps.log_of_value(value))

    def number_of(self, node: Node):
        """The value of a node that must be a number, not a parameter vector."""
        f = node.value

        def value(env):
            v = f(env)
            if isinstance(v, Params):
                raise NotEvaluable("a parameter vector of a distribution is used as a number")
            return v
        return value

    def add(self, terms):
        return super().add([Node(self.number_of(t), t.log, t.native) for t in terms])

    def mul(self, factors):
        return super().mul([Node(self.number_of(f), f.log, f.native) for f in factors])

    def extremum(self, is_max: bool, args: list[Node]) -> Node:
        values = [a.value for a in args]
        reduce = np.maximum if is_max else np.minimum

        def value(env):
            total = values[0](env)
            for v in values[1:]:
                total = reduce(total, v(env))
            return total
        return Node(value, FloatOps.log_of_value(value))

    def indexed(self, e: sp.Indexed, level: int) -> Node:
        label = e.base.label
        indices = [self.compile(i, level).value for i in e.indices]

        def value(env):
            table = env.inst.data.get(label)
            if table is None:
                raise NotEvaluable(f"no data for {e}")
            cols = [np.rint(np.asarray(ix(env), dtype=float)) - 1 for ix in indices]
            if len(cols) == 1 and (np.ndim(cols[0]) == 0 or (
                    np.shape(cols[0])[0] == 1 and sum(d > 1 for d in np.shape(cols[0])) <= 1)):
                return _columns(table, cols[0], env.ndim)
            rows = np.arange(env.n).reshape((-1,) + (1,) * (env.ndim - 1))
            arrays = np.broadcast_arrays(rows, *cols)
            valid = np.ones(arrays[0].shape, dtype=bool)
            picks = [arrays[0]]
            for c, size in zip(arrays[1:], table.shape[1:], strict=True):
                valid &= (c >= 0) & (c < size)
                picks.append(np.clip(c, 0, size - 1).astype(int))
            return np.where(valid, table[tuple(picks)], np.nan)
        return Node(value, FloatOps.log_of_value(value))

    def delta(self, arg: Node) -> Node:
        u_of = arg.value

        def value(env):
            if env.eps is None:
                raise NotEvaluable("a Dirac delta outside a nascent-delta evaluation")
            u = np.asarray(u_of(env), dtype=float)
            # In place on a fresh array: these are the largest arrays of a check (instances x
            # quadrature nodes x data points), and allocation costs as much as arithmetic.
            values = u * u
            values *= -0.5 / env.eps**2
            # exp(-u^2/(2 eps^2) - log(eps sqrt(2 pi))), its exponent at least -700: 1e-304
            # instead of 0 is nothing next to the delta's mass, and an underflowing exp costs
            # twice as much as any other
            np.maximum(values, -700.0, out=values)
            values -= math.log(env.eps * math.sqrt(2 * math.pi))
            np.exp(values, out=values)
            return values

        def log(env):
            u = u_of(env)
            return -0.5 * (u / env.eps) ** 2 - math.log(env.eps * math.sqrt(2 * math.pi)), 1.0
        return Node(value, log, True)

    # -- sums and products ----------------------------------------------------------------

    def reduction(self, e, level: int) -> Node:
        """A sum, product or maximum: its last limit outermost; each limit owns the next
        axis."""
        is_sum, is_max = isinstance(e, sp.Sum), isinstance(e, Maximum)
        *inner, (index, low, high) = e.limits
        body_expr = type(e)(e.function, *inner) if inner else e.function
        axis = level + 1
        body = self.compile(body_expr, axis)
        low_v = None if low.is_infinite else self.number_of(self.compile(low, level))
        high_v = None if high.is_infinite else self.number_of(self.compile(high, level))
        if (low == sp.oo) or (high == -sp.oo) or (is_max and (low_v is None or high_v is None)):
            raise NotEvaluable(f"a sum, product or maximum over {index} from {low} to {high}")

        def terms(env, of):
            """The terms (by ``of``: a value or a log pair) and the mask of those counted."""
            lo = None if low_v is None else np.rint(np.asarray(low_v(env), dtype=float))
            hi = None if high_v is None else np.rint(np.asarray(high_v(env), dtype=float))
            if lo is not None and hi is not None:
                if np.size(lo) == 1 and np.all(hi >= lo - 1):
                    # forward on every instance, from a common first term (1 to I)
                    start, count, sign = lo, hi - lo + 1, 1.0
                else:
                    start, count, sign = _karr(lo, hi)
                size = int(np.max(count)) if np.size(count) else 0
                if size > MAX_SUM_TERMS:
                    raise NotEvaluable(f"a sum or product over {index} of more than "
                                       f"{MAX_SUM_TERMS} terms")
                step = 1.0
            elif lo is not None:  # up to infinity
                start, count, sign, size, step = lo, INFINITE_TERMS, 1.0, INFINITE_TERMS, 1.0
            elif hi is not None:  # from minus infinity: counted down from hi
                start, count, sign, size, step = hi, INFINITE_TERMS, 1.0, INFINITE_TERMS, -1.0
            else:
                start, count, sign = -float(INFINITE_TERMS // 2), INFINITE_TERMS + 1, 1.0
                size, step = INFINITE_TERMS + 1, 1.0
            shape = [1] * env.ndim
            shape[axis] = max(size, 1)
            k = np.arange(max(size, 1), dtype=float).reshape(shape)
            idx = np.asarray(start, dtype=float) + step * k
            previous = env.open(index, idx, axis, max(size, 1))
            try:
                values = of(env)
            finally:
                env.close(index, previous, axis)
            mask = k < np.asarray(count)
            return values, mask, sign, (lo is None or hi is None), k

        def converged(values, mask, k, total_abs):
            """An infinite series: its last tenth of terms must be negligible."""
            tail = np.sum(np.where(mask & (k >= 0.9 * INFINITE_TERMS), np.abs(values), 0.0),
                          axis=axis, keepdims=True)
            return tail <= SERIES_TOLERANCE * total_abs

        body_value = self.number_of(body)

        def value(env):
            values, mask, sign, infinite, k = terms(env, body_value)
            with np.errstate(all="ignore"):
                values = np.broadcast_to(values, np.broadcast_shapes(np.shape(values), mask.shape))
                if is_max:  # of no terms (the upper bound below the lower): undefined
                    top = np.max(np.where(mask, values, -np.inf), axis=axis, keepdims=True)
                    result = np.where((np.asarray(sign) > 0) & (top > -np.inf), top, np.nan)
                elif is_sum:
                    total = _sum_along(np.where(mask, values, 0.0), axis)
                    result = sign * total
                else:
                    total = np.prod(np.where(mask, values, 1.0), axis=axis, keepdims=True)
                    result = np.where(np.asarray(sign) > 0, total, 1.0 / total)
                if infinite:
                    scale = np.sum(np.where(mask, np.abs(values), 0.0), axis=axis, keepdims=True)
                    if not is_sum:
                        scale = np.sum(np.where(mask, np.abs(np.log(np.abs(values))), 0.0),
                                       axis=axis, keepdims=True)
                        values = np.log(np.abs(values))
                    result = np.where(converged(values, mask, k, scale), result, np.nan)
            return result

        if is_max or not body.native:
            return Node(value, FloatOps.log_of_value(value))

        def log(env):
            (lv, sv), mask, sign, infinite, k = terms(env, body.log)
            with np.errstate(all="ignore"):
                shape = np.broadcast_shapes(np.shape(lv), np.shape(sv), mask.shape)
                lv, sv = np.broadcast_to(lv, shape), np.broadcast_to(sv, shape)
                if is_sum:
                    lv = np.where(mask, lv, -np.inf)
                    top = np.max(lv, axis=axis, keepdims=True)
                    top = np.where(np.isfinite(top), top, np.where(np.isnan(top), np.nan, 0.0))
                    total = np.sum(np.where(mask, sv * np.exp(lv - top), 0.0), axis=axis,
                                   keepdims=True)
                    result = (np.log(np.abs(total)) + top, sign * np.sign(total))
                else:
                    total = np.sum(np.where(mask, lv, 0.0), axis=axis, keepdims=True)
                    signs = np.prod(np.where(mask, sv, 1.0), axis=axis, keepdims=True)
                    result = (np.where(np.asarray(sign) > 0, total, -total), signs)
                if infinite:  # judged on the values, as ``value`` does
                    v = value(env)
                    result = (np.where(np.isnan(v), np.nan, result[0]), result[1])
            return result
        return Node(value, log, True)

    # -- averages under an unstated law -----------------------------------------------

    def average(self, e, level: int) -> Node:
        """E[body] under the instance's random law (``averages``): the body at every atom,
        its variables bound along the next axis, weighted and summed. An atom of weight 0
        (past the instance's count) adds nothing, even where the body is undefined there;
        one of positive weight where it is undefined makes the average undefined. Outside
        every binder, the weighted sum of |body| adds to the scale a difference of sides is
        relative to, as an integral's integral of |f| does."""
        axis = level + 1
        body = self.number_of(self.compile(e.body, axis))
        variables = e.variables

        def value(env):
            law = env.inst.law
            if law is None or not all(v in law.values for v in variables):
                raise NotEvaluable(f"no random law for {e}")
            atoms = law.weights.shape[1]
            shape = [1] * env.ndim
            shape[0], shape[axis] = env.n, atoms
            opened = [(v, env.open(v, law.values[v].reshape(shape), axis, atoms))
                      for v in variables]
            try:
                f = body(env)
            finally:
                for v, previous in reversed(opened):
                    env.close(v, previous, axis)
            w = law.weights.reshape(shape)
            with np.errstate(all="ignore"):
                terms = np.where(w > 0, w * f, 0.0)
                total = _sum_along(terms, axis)
                if axis == 1:
                    env.scale = env.scale + _sum_along(np.abs(terms), axis)
            return total
        return Node(value, FloatOps.log_of_value(value))

    # -- integrals ------------------------------------------------------------------------

    def integral(self, e: sp.Integral, level: int) -> Node:
        """An integral over its limits, the last outermost, each owning the next axis."""
        *inner, limit = e.limits
        if len(limit) != 3:
            raise NotEvaluable(f"only definite integrals: the limit of {limit[0]} has no bounds")
        var, low, high = limit
        body_expr = sp.Integral(e.function, *inner) if inner else e.function
        if low == high:
            return self.constant(sp.Integer(0))
        flip = 1.0
        if low == sp.oo or high == -sp.oo or (low.is_infinite and high.is_infinite and low == sp.oo):
            low, high, flip = high, low, -1.0
        if low == sp.oo or high == -sp.oo:
            raise NotEvaluable(f"an integral over {var} from {e.limits[-1][1]} to {e.limits[-1][2]}")
        axis = level + 1
        body = self.compile(body_expr, axis)
        body_value = self.number_of(body)
        low_v = None if low == -sp.oo else self.number_of(self.compile(low, level))
        high_v = None if high == sp.oo else self.number_of(self.compile(high, level))
        found = [f for f in features(body_expr, var) if not (f.point.free_symbols & {var})]
        points = [self.feature(f, axis) for f in found]
        smooth = None
        if low == -sp.oo and high == sp.oo and analytic(body_expr, var) and all(
                f.kind != "kink" for f in found):
            smooth = self.smooth_features(found, family_conditions(body_expr, var), axis)

        def value(env):
            lo = None if low_v is None else np.broadcast_to(low_v(env), env_shape(env, axis))
            hi = None if high_v is None else np.broadcast_to(high_v(env), env_shape(env, axis))
            sign = flip
            if lo is not None and hi is not None:
                sign = np.where(lo > hi, -flip, flip)
                lo, hi = np.minimum(lo, hi), np.maximum(lo, hi)
            cuts = [np.broadcast_to(p(env), env_shape(env, axis) + (p.width,))
                    for p in points]
            cuts = np.concatenate(cuts, axis=-1) if cuts else np.zeros(env_shape(env, axis) + (0,))
            located = None if smooth is None else smooth(env, cuts)
            if lo is None and hi is None and cuts.shape[-1] == 0:
                cuts = np.zeros(env_shape(env, axis) + (1,))
            cuts = np.where(np.isfinite(cuts), cuts, 0.0 if lo is None else lo[..., None])
            if lo is not None:
                cuts = np.maximum(cuts, lo[..., None])
            if hi is not None:
                cuts = np.minimum(cuts, hi[..., None])
            cuts = np.sort(cuts, axis=-1)
            pieces = _pieces(lo, hi, cuts)
            total, magnitude = _integrate(env, var, axis, body_value, pieces, located,
                                          smooth is not None)
            if axis == 1:
                env.scale = env.scale + magnitude
            return sign * total

        return Node(value, FloatOps.log_of_value(value))

    def smooth_features(self, found: list[Feature], families: list, axis: int):
        """For an integrand ``analytic`` on the whole line: a closure giving, from the
        feature points ``cuts``, every feature's (points, widths), shape (outer..., width),
        or None where a width cannot be told (then the integral is split at its features)."""
        widths = [self.feature_width(f, axis) for f in found]
        located = [(self.compile(theta, axis).value, func) for func, theta in families]

        def points_and_widths(env, cuts):
            shape = env_shape(env, axis)
            all_points, all_widths = [cuts], [np.broadcast_to(w(env), shape + (w.width,))
                                              for w in widths]
            for theta, func in located:
                choice, params = env.inst.family.get(func), theta(env)
                fam = None if choice is None else choice.only  # mixed only in light steps
                if fam is None or not isinstance(params, Params):
                    return None
                all_points.append(np.broadcast_to(params.values[fam.location], shape)[..., None])
                all_widths.append(np.broadcast_to(fam.width(params.values), shape)[..., None])
            if not all_widths:  # nothing of known width (an integrand free of the variable)
                return None
            return np.concatenate(all_points, axis=-1), np.concatenate(all_widths, axis=-1)
        return points_and_widths

    def feature(self, f: Feature, axis: int):
        """A closure giving the feature points of an integral at ``axis``: shape (outer...,
        1 at axis and after..., width), with NaN where a sum's index is out of range."""
        if f.density is not None:
            return _mixture_column(f.density, 1)
        return self.over_limits(f, f.point, axis)

    def feature_width(self, f: Feature, axis: int):
        """A closure giving the widths of the feature points ``feature`` gives, in the same
        shape: a Gaussian's standard deviation, a nascent delta's eps (scaled as its
        argument is), an abstract density's components' scales."""
        if f.density is not None:
            return _mixture_column(f.density, 2)
        width = self.over_limits(f, f.width, axis)
        if f.kind != "delta":
            return width

        def delta_width(env):
            return width(env) * (np.nan if env.eps is None else env.eps)
        delta_width.width = width.width
        return delta_width

    def over_limits(self, f: Feature, expr: sp.Expr, axis: int):
        """``expr`` (a feature's point or width) for every index of the sums ``f.limits``
        that it depends on, collected on the last axis."""
        level = axis + len(f.limits)
        point = self.number_of(self.compile(expr, level))
        bounds = []
        for k, (index, low, high) in enumerate(f.limits):
            if low.is_infinite or high.is_infinite:
                raise NotEvaluable("a feature inside an infinite sum")
            bounds.append((index, self.number_of(self.compile(low, axis + k)),
                           self.number_of(self.compile(high, axis + k))))
        width = 1
        for _, low, high in f.limits:
            width *= MAX_I if not (low.is_number and high.is_number) else int(abs(high - low)) + 1

        def collect(env, k=0):
            if k == len(bounds):
                return np.asarray(point(env), dtype=float)
            index, low_f, high_f = bounds[k]
            lo = np.rint(np.asarray(low_f(env), dtype=float))
            hi = np.rint(np.asarray(high_f(env), dtype=float))
            start, count, _ = _karr(lo, hi)
            size = int(np.max(count)) if np.size(count) else 0
            ax = axis + 1 + k
            shape = [1] * env.ndim
            shape[ax] = max(size, 1)
            steps = np.arange(max(size, 1), dtype=float).reshape(shape)
            previous = env.open(index, start + steps, ax, max(size, 1))
            try:
                v = collect(env, k + 1)
            finally:
                env.close(index, previous, ax)
            v = np.broadcast_to(v, np.broadcast_shapes(np.shape(v), steps.shape, np.shape(count)))
            return np.where(steps < count, v, np.nan)

        def points(env):
            v = np.asarray(collect(env), dtype=float)
            n_limits = len(bounds)
            target = list(env_shape(env, axis))
            shape = list(np.shape(v)) + [1] * (env.ndim - np.ndim(v))
            for k in range(n_limits):
                target[axis + 1 + k] = shape[axis + 1 + k]
            v = np.broadcast_to(v.reshape(shape), target)
            collected = list(range(axis + 1, axis + 1 + n_limits))
            v = np.moveaxis(v, collected, list(range(env.ndim - n_limits, env.ndim)))
            v = v.reshape(v.shape[:env.ndim - n_limits] + (1,) * n_limits + (-1,))
            if v.shape[-1] < width:
                v = np.concatenate([v, np.full(v.shape[:-1] + (width - v.shape[-1],), np.nan)], -1)
            return v[..., :width]

        points.width = width
        return points

    # -- densities and models ---------------------------------------------------------------

    def mixture(self, e, level: int) -> Node:
        """An abstract density: a Gaussian mixture, evaluated in log space (a log-sum-exp
        over its components, so nothing underflows on the way to its logarithm). Its value
        and its logarithm often both occur (q log q); the logarithm at the same arguments
        is kept in the environment and computed once."""
        func = e.func
        args = [self.number_of(self.compile(a, level)) for a in e.args]

        def log_density(env):
            ys = [a(env) for a in args]
            kept = env.memo.get(func)
            if kept is not None and all(a is b for a, b in zip(kept[0], ys, strict=True)):
                return kept[1]
            mixture = env.inst.mixtures.get(func)
            if mixture is None or mixture[1].shape[2] != len(args):
                raise NotEvaluable(f"no density for {e}")
            w, m, s = mixture
            with np.errstate(all="ignore"):
                exponents = []
                for k in range(w.shape[1]):
                    if not np.any(w[:, k] > 0):
                        continue
                    total = np.log(env.instance_axis(w[:, k]))
                    for d, y in enumerate(ys):
                        total = total + gauss_logpdf(y, env.instance_axis(m[:, k, d]),
                                                     env.instance_axis(s[:, k, d]))
                    exponents.append(total)
                top = exponents[0]
                for x in exponents[1:]:
                    top = np.maximum(top, x)
                total = 0.0
                for x in exponents:
                    total = total + np.exp(x - top)
                lv = top + np.log(total)
            env.memo[func] = (ys, lv)
            return lv

        def value(env):
            with np.errstate(all="ignore"):
                return np.exp(log_density(env))
        return Node(value, lambda env: (log_density(env), 1.0), True)

    def conditional(self, e, level: int) -> Node:
        func = e.func
        y = self.number_of(self.compile(e.variable, level))
        condition = e.condition
        if self.parameter_vector(condition):
            theta = self.compile(condition[0], level).value

            def log(env):
                choice, params = env.inst.family.get(func), theta(env)
                if choice is None or not _parameters_of(params, choice):
                    raise NotEvaluable(f"{condition[0]} is not a parameter vector of {func}")
                with np.errstate(all="ignore"):
                    return _by_option(env, choice, _logpdf, y(env), *params.values), 1.0
        else:
            given = [self.number_of(self.compile(c, level)) for c in condition]

            def log(env):
                weights = env.inst.regressions.get(func)
                if weights is None or weights[0].shape[1] != len(given) + 1:
                    raise NotEvaluable(f"no {REGRESSION} for {e}")
                a = [env.instance_axis(weights[0][:, j]) for j in range(len(given) + 1)]
                b = [env.instance_axis(weights[1][:, j]) for j in range(len(given) + 1)]
                with np.errstate(all="ignore"):
                    return regression_logpdf(y(env), [g(env) for g in given], a, b), 1.0

        def value(env):
            with np.errstate(all="ignore"):
                return np.exp(log(env)[0])
        return Node(value, log, True)

    def model(self, e, level: int) -> Node:
        func = e.func
        *inputs, weights = e.args
        if len(inputs) != 1:
            raise NotEvaluable(f"models of one input only: {e}")
        x = self.number_of(self.compile(inputs[0], level))
        w_of = self.compile(weights, level).value
        consumer = self.roles.models.get(func)

        def value(env):
            shapes = env.inst.model_shape[func]
            families = env.inst.family.get(consumer) if consumer is not None else None
            w, at = w_of(env), x(env)
            if not isinstance(w, Params):
                raise NotEvaluable(f"the parameters {weights} of {e} have no weights")
            if families is None:
                return _by_option(env, shapes, lambda shape, at, *w: shape.forward(at, w, 1)[0],
                                  at, *w.values)
            # each instance's parameters, from its shape's outputs through its family's link
            width = max(len(fam.parameters) for fam in families.options)
            both = Choice(tuple((fam, shape) for fam in families.options
                                for shape in shapes.options),
                          families.index * len(shapes.options) + shapes.index)

            def linked(option, at, *w):
                fam, shape = option
                out = list(fam.link(shape.forward(at, w, len(fam.parameters))))
                return out + [np.full(np.shape(out[0]), np.nan)] * (width - len(out))
            out = _by_option(env, both, linked, at, *w.values, parts=width)
            return Params(tuple(out), families)
        return Node(value, FloatOps.log_of_value(value))

    def model_output(self, e, level: int) -> Node:
        """f_k[x, phi]: every output of the random model, then the k-th of them, where k may
        be an array (a sum's index, or class labels)."""
        if len(e.args) != 3:
            raise NotEvaluable(f"a model output takes (k, input, parameters): {e}")
        k_of, x_of = (self.number_of(self.compile(a, level)) for a in e.args[:2])
        w_of = self.compile(e.args[2], level).value
        func = e.func

        def value(env):
            w = w_of(env)
            if not isinstance(w, Params):
                raise NotEvaluable(f"the parameters {e.args[2]} of {e} have no weights")
            index = np.rint(np.asarray(k_of(env), dtype=float)).astype(int) - 1

            def kth(shape, index, at, *w):
                total = np.nan
                for m, out in enumerate(shape.forward(at, w, MAX_I)):
                    total = np.where(index == m, out, total)
                return total
            return _by_option(env, env.inst.model_shape[func], kth, index, x_of(env), *w.values)
        return Node(value, FloatOps.log_of_value(value))


def _by_option(env: Env, choice, value_of, *arrays, parts: int | None = None):
    """``value_of(option, *arrays)`` at the instances taking each option of ``choice``,
    each option evaluated on its own instances' rows of ``arrays`` only (once when every
    instance of the chunk takes the same option); ``parts``: ``value_of`` gives that many
    arrays, and so does this."""
    only = choice.only
    if only is not None:
        return value_of(only, *arrays)
    out = None
    for option, rows in choice.groups():
        picked = [a[rows] if np.ndim(a) and np.shape(a)[0] == env.n else a for a in arrays]
        v = value_of(option, *picked)
        v = [np.asarray(x, dtype=float) for x in (v if parts is not None else [v])]
        if out is None:
            out = [np.full((env.n,) + x.shape[1:], np.nan) for x in v]
        for whole, x in zip(out, v, strict=True):
            whole[rows] = x
    return out if parts is not None else out[0]


def _logpdf(fam, y, *params):
    """A family's log density at y, from the components of ``params`` it has."""
    return fam.logpdf(y, *params[:len(fam.parameters)])


def _parameters_of(params, choice) -> bool:
    """Are ``params`` a parameter vector of the families ``choice`` gives each instance
    (as many components as each instance's family has)?"""
    if not isinstance(params, Params) or params.family is None:
        return False
    if params.family is choice:
        return True
    def count(fam):
        return len(fam.parameters)
    return bool(np.all(params.family.per_instance(count) == choice.per_instance(count)))


def env_shape(env: Env, axis: int) -> tuple:
    """The shape of a value that varies along the axes before ``axis`` only."""
    return tuple(env.sizes[:axis]) + (1,) * (env.ndim - axis)


def _pieces(lo, hi, cuts) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """The pieces between consecutive cuts: ("finite", a, b), ("right", a, -), ("left", -, b)."""
    points = [cuts[..., j] for j in range(cuts.shape[-1])]
    ends = ([lo] if lo is not None else []) + points + ([hi] if hi is not None else [])
    pieces = []
    if lo is None:
        pieces.append(("left", None, ends[0]))
    pieces += [("finite", a, b) for a, b in zip(ends, ends[1:], strict=False)]
    if hi is None:
        pieces.append(("right", ends[-1], None))
    return pieces


def _nodes(pieces, level: int, axis: int, ndim: int, analytic_ends: bool = False):
    """Every piece's new nodes at ``level`` along ``axis``, and their weights; for each node
    also whether it is an extreme one (on an end, or in a far tail). The finite pieces are
    laid out side by side and computed at once. ``analytic_ends``: the integrand is
    analytic at every end of every piece (``quadrature.ANALYTIC_FINITE_T``)."""
    finite_t = quad.ANALYTIC_FINITE_T if analytic_ends else quad.FINITE_T
    half_low = quad.ANALYTIC_HALF_LINE_LOW if analytic_ends else quad.HALF_LINE_T[0]
    ends = [e for _, a, b in pieces for e in (a, b) if e is not None]
    common = np.broadcast_shapes(*(np.shape(e) for e in ends)) if ends else (1,) * ndim
    common = common + (1,) * (ndim - len(common))
    lead = common[:axis]  # the shape of everything before the node axis
    ys, ws, extremes = [], [], []

    def laid_out(v, count):  # lead + (count,) nodes, then the axes after the node axis
        return v.reshape(lead + (count,) + (1,) * (ndim - axis - 1))

    for kind, a, b in pieces:
        if kind != "finite":
            distance, weight, extreme = quad.exp_sinh(level, half_low)
            end = np.broadcast_to(a if kind == "right" else b, common).reshape(lead + (1,))
            y = end + distance if kind == "right" else end - distance
            ys.append(laid_out(y, len(distance)))
            ws.append(laid_out(np.broadcast_to(weight, y.shape), len(distance)))
            extremes.append(extreme)
    finite = [(a, b) for kind, a, b in pieces if kind == "finite"]
    if finite:
        from_a, w_a, from_b, w_b, middle, extreme = quad.tanh_sinh(level, finite_t)
        a = np.stack([np.broadcast_to(a, common) for a, _ in finite], axis=-1).reshape(lead + (-1, 1))
        b = np.stack([np.broadcast_to(b, common) for _, b in finite], axis=-1).reshape(lead + (-1, 1))
        half = (b - a) / 2
        parts = [a + half * from_a] + ([a + half] if middle else []) + [b - half * from_b]
        weights = [half * w_a] + ([half * middle] if middle else []) + [half * w_b]
        count = len(finite) * len(extreme)
        ys.append(laid_out(np.concatenate(parts, axis=-1), count))
        ws.append(laid_out(np.concatenate(weights, axis=-1), count))
        extremes.append(np.tile(extreme, len(finite)))
    y = np.concatenate(ys, axis=axis)
    w = np.concatenate(ws, axis=axis)
    return y, w, np.concatenate(extremes)


def _rows_of(value, rows: np.ndarray, n: int):
    """``value`` at the instances ``rows`` (of ``n``): arrays that vary over instances are
    picked, those that do not (size 1 on axis 0) are kept."""
    if isinstance(value, Params):
        family = value.family
        if family is not None and len(family.index) == n and n > 1:
            family = family.pick(rows)
        return Params(tuple(_rows_of(a, rows, n) for a in value.values), family)
    if isinstance(value, np.ndarray) and value.ndim and value.shape[0] == n and n > 1:
        return value[rows]
    return value


def _integrate(env: Env, var, axis: int, body, pieces, located, smooth: bool) -> tuple:
    """The integral on every instance of the chunk, and its integral of |f|: by the sinh
    trapezoid rule where the integrand is ``smooth`` with known feature widths
    (``located`` gives their points and widths), by double-exponential quadrature on the
    ``pieces`` for every other instance."""
    shape = (env.n,) + tuple(env.sizes[1:axis]) + (1,) * (env.ndim - axis)
    total, absolute = np.full(shape, np.nan), np.full(shape, np.nan)
    rest = np.arange(env.n)
    if located is not None:
        done = _sinh_integrate(env, var, axis, body, *located, total, absolute)
        rest = np.flatnonzero(~done)
    if len(rest):
        _de_integrate(env, var, axis, body, pieces, rest, total, absolute, smooth)
    return total, absolute


def _sinh_integrate(env: Env, var, axis: int, body, points, widths, total, absolute) -> np.ndarray:
    """The trapezoid rule with y = c + L sinh(t) (``quadrature.sinh_trapezoid``) on the
    instances whose features it can resolve within SINH_MAX_NODES: c the middle of the
    features, L their half-spread (at least the narrowest width), the step such that the
    nodes near every feature are at most SINH_RESOLUTION of its width apart, the range
    REACH widths past the widest. Level by level on the instances not yet converged:
    converged when two levels differ by at most the tolerance (of the integral of |f|),
    every value is finite and the outermost nodes are negligible. Writes the converged
    instances into ``total`` and ``absolute``; returns which instances they are."""
    n = env.n
    with np.errstate(all="ignore"):
        present = np.isfinite(points) & np.isfinite(widths)
        widths = np.where(present, np.abs(widths), np.nan)
        low = np.min(np.where(present, points, np.inf), axis=-1)
        high = np.max(np.where(present, points, -np.inf), axis=-1)
        centre, spread = (low + high) / 2, (high - low) / 2
        narrowest = np.min(np.where(present, widths, np.inf), axis=-1)
        widest = np.max(np.where(present, widths, 0.0), axis=-1)
        scale = np.maximum(spread, narrowest)
        spacing = widths / np.sqrt(scale[..., None] ** 2 + (points - centre[..., None]) ** 2)
        step = SINH_RESOLUTION * np.min(np.where(present, spacing, np.inf), axis=-1)
        reach = np.arcsinh((spread + REACH * widest) / scale)
    usable = (np.isfinite(step) & (step > 0) & np.isfinite(reach) & (narrowest > 0)
              & np.isfinite(centre) & np.any(present, axis=-1))
    usable = usable.reshape(n, -1).all(axis=1)
    step, reach = step.reshape(n, -1).min(axis=1), reach.reshape(n, -1).max(axis=1)
    done = np.zeros(n, dtype=bool)
    if not np.any(usable):
        return done
    # One nested family of grids for the chunk, from the coarsest step any instance needs;
    # each instance starts comparing levels once the step is as fine as it needs.
    t_max = float(np.max(reach[usable]))
    coarsest = float(np.max(step[usable]))
    first = np.ceil(np.log2(coarsest / np.where(usable, step, coarsest))).astype(int)
    usable &= 2 * t_max / (coarsest / 2.0**first) <= SINH_MAX_NODES
    active = np.flatnonzero(usable)
    if not len(active):
        return done
    centre = np.broadcast_to(centre, total.shape)
    scale = np.broadcast_to(scale, total.shape)
    sums = magnitude = None
    for level in range(int(np.max(first[active])) + SINH_MAX_LEVEL + 1):
        sub = env if len(active) == n else env.restrict(active)
        t, h = quad.sinh_trapezoid(level, t_max, coarsest)
        node_shape = [1] * env.ndim
        node_shape[axis] = len(t)
        t = t.reshape(node_shape)
        c, L = centre[active], scale[active]
        y = c + L * np.sinh(t)
        saved = sub.open(var, y, axis, y.shape[axis])
        try:
            f = np.asarray(body(sub), dtype=float)
        finally:
            sub.close(var, saved, axis)
        with np.errstate(all="ignore"):
            g = f * (L * np.cosh(t))
            g = np.broadcast_to(g, np.broadcast_shapes(g.shape, y.shape))
            part = h * np.sum(g, axis=axis, keepdims=True)
            part_abs = h * np.sum(np.abs(g), axis=axis, keepdims=True)
            keep = np.isfinite(g).reshape(len(active), -1).all(axis=1)
        part = np.broadcast_to(part, (len(active),) + total.shape[1:])
        part_abs = np.broadcast_to(part_abs, (len(active),) + total.shape[1:])
        if level == 0:
            new_sums, new_magnitude = part, part_abs
            with np.errstate(all="ignore"):
                ends = np.take(g, [0, g.shape[axis] - 1], axis=axis)
                ends = np.max(np.abs(ends), axis=axis, keepdims=True)
                keep &= (ends <= TAIL * env.tolerance * new_magnitude).reshape(len(active), -1).all(axis=1)
        else:
            new_sums, new_magnitude = sums / 2 + part, magnitude / 2 + part_abs
            with np.errstate(all="ignore"):
                agree = np.abs(new_sums - sums) <= env.tolerance * new_magnitude
            converged = keep & (level > first[active]) & agree.reshape(len(active), -1).all(axis=1)
            rows = active[converged]
            total[rows], absolute[rows] = new_sums[converged], new_magnitude[converged]
            done[rows] = True
            keep &= ~converged & (level < first[active] + SINH_MAX_LEVEL)
        active, sums, magnitude = active[keep], new_sums[keep], new_magnitude[keep]
        if not len(active):
            break
    return done


def _de_integrate(env: Env, var, axis: int, body, pieces, rows, total, absolute,
                  analytic_ends: bool = False) -> None:
    """Double-exponential quadrature on the instances ``rows``, level by level on those not
    yet converged, until each estimate is within the tolerance of its integral of |f|;
    NaN where it never is. Writes into ``total`` and ``absolute``. ``analytic_ends``: the
    integrand is analytic at the end of every piece (see ``_nodes``)."""
    n = env.n
    active = np.asarray(rows)
    sums = magnitude = previous = last_change = None
    for level in range(quad.MAX_LEVEL + 1):
        sub = env if len(active) == n else env.restrict(active)
        sub_pieces = [(kind, _rows_of(a, active, n), _rows_of(b, active, n))
                      for kind, a, b in pieces]
        y, w, extreme = _nodes(sub_pieces, level, axis, env.ndim, analytic_ends)
        size = y.shape[axis]
        saved = sub.open(var, y, axis, size)
        try:
            f = np.asarray(body(sub), dtype=float)
        finally:
            sub.close(var, saved, axis)
        with np.errstate(all="ignore"):
            f = np.broadcast_to(f, np.broadcast_shapes(f.shape, w.shape))
            shape = [1] * f.ndim
            shape[axis] = size
            # a zero-length piece (a cut on an end), or a node on an end or in a far tail
            # where the integrand is not finite: no contribution
            lost = (~np.isfinite(f) & extreme.reshape(shape)) | (w == 0)
            f = np.where(lost, 0.0, f)
            part = np.sum(f * w, axis=axis, keepdims=True)
            part_abs = np.sum(np.abs(f) * w, axis=axis, keepdims=True)
        part = np.broadcast_to(part, (len(active),) + total.shape[1:])
        part_abs = np.broadcast_to(part_abs, (len(active),) + total.shape[1:])
        if sums is None:
            sums, magnitude = part, part_abs
        else:
            sums, magnitude = sums / 2 + part, magnitude / 2 + part_abs
        keep = np.ones(len(active), dtype=bool)
        if level >= 1:
            with np.errstate(all="ignore"):
                change = np.abs(sums - previous) / (magnitude + 1e-300)
            if level >= quad.MIN_LEVEL:
                # Past the first levels a double-exponential rule squares its relative error
                # at each level: a change d that is shrinking leaves an error of about d^2.
                converged = ((change <= np.sqrt(env.tolerance)) & (change <= last_change)) \
                    | (np.abs(sums - previous) <= 1e-300)
                settled = (converged | ~np.isfinite(sums)).reshape(len(active), -1).all(axis=1)
                finished = active[settled]
                total[finished] = np.where(converged[settled], sums[settled], np.nan)
                absolute[finished] = magnitude[settled]
                keep = ~settled
            last_change = change
        previous = sums
        if not np.all(keep):
            active, sums, magnitude = active[keep], sums[keep], magnitude[keep]
            previous, last_change = previous[keep], last_change[keep]
        if not len(active):
            return
    absolute[active] = magnitude


def compile_side(expr: sp.Expr, roles: Roles, substitution: dict) -> tuple[Node, int]:
    """``expr`` compiled for the float backend, and the number of axes it needs."""
    compiler = VectorCompiler(roles, substitution)
    node = compiler.compile(expr)
    value = compiler.number_of(node)
    return Node(value, node.log, node.native), 1 + depth(expr, substitution)


def evaluate(expr: sp.Expr, inst: Instances, roles: Roles, eps: float | None,
             substitution: dict | None = None) -> np.ndarray:
    """``expr`` on every instance of the chunk: an array of shape (n,)."""
    node, ndim = compile_side(expr, roles, substitution or {})
    return values_of(node, ndim, inst, eps)


def values_of(node: Node, ndim: int, inst: Instances, eps: float | None) -> np.ndarray:
    env = Env(inst, ndim, eps)
    with np.errstate(all="ignore"):
        v = node.value(env)
    return np.broadcast_to(np.asarray(v, dtype=float), (inst.n,) + (1,) * (ndim - 1)).reshape(inst.n)


def log_values_of(node: Node, ndim: int, inst: Instances, eps: float | None,
                  tolerance: float = QUADRATURE_TOLERANCE):
    """((log|value|, sign), scale) on every instance of the chunk: the scale is the sum of
    the integrals of |f| of its integrals outside every binder (a difference of integrals is
    compared relative to it, not to its own small value)."""
    return log_values_in(Env(inst, ndim, eps, tolerance), node)


def log_values_in(env: Env, node: Node):
    """``log_values_of`` in a given environment: two sides evaluated in one environment
    compute what they share once (``_shared``)."""
    env.scale = 0.0
    with np.errstate(all="ignore"):
        lv, sv = node.log(env)
    shape = (env.n,) + (1,) * (env.ndim - 1)
    return (_per_instance(lv, shape), _per_instance(sv, shape)), _per_instance(env.scale, shape)


def _per_instance(v, shape: tuple) -> np.ndarray:
    """A value that varies over instances at most, as an array of shape (n,)."""
    v = np.asarray(v, dtype=float)
    if v.shape != shape:
        v = np.broadcast_to(v, shape)
    return v.reshape(shape[0])
