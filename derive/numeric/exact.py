"""The high-precision backend: compiled expressions evaluated with mpmath at one instance.

It confirms what the float backend found: the same expressions, the same concrete densities
and models, at the same instance (its float numbers, taken exactly), in ``DIGITS`` digits.
Nothing under- or overflows here, and nothing cancels away. Sums are added term by term
(an infinite series by mpmath's ``nsum``, with its error estimate); integrals are split at
the same features and taken by double-exponential quadrature level by level until the
estimated error is below ``QUADRATURE_TOLERANCE`` of the integral of |f|: one that does not
get there is NaN (unconfirmed, never evidence). Values undefined in the reals are NaN."""

from __future__ import annotations

import math
from types import SimpleNamespace

import mpmath
import numpy as np
import sympy as sp

from derive.kernel.objects import Maximum
from derive.notation import sig
from derive.numeric import quadrature as quad
from derive.numeric import vector
from derive.numeric.compile import Compiler, Feature, Node, depth, features
from derive.numeric.concrete import (
    REGRESSION,
    NotEvaluable,
    Params,
    gauss_logpdf,
    regression_logpdf,
    sigmoid,
)
from derive.numeric.instances import MAX_I, Instances, Roles

DIGITS = 50
SERIES_TOLERANCE = mpmath.mpf("1e-20")  # an infinite series: relative, or absolute below 1
mp = mpmath.mp
NAN, INF = mpmath.mpf("nan"), mpmath.mpf("inf")


def _isnan(x) -> bool:
    return isinstance(x, mpmath.mpf) and mpmath.isnan(x)


def real_log(x):
    """log x in the reals: -inf at 0, NaN (undefined) below."""
    if _isnan(x) or x < 0:
        return NAN
    if x == 0:
        return -INF
    return mpmath.log(x)


def _logaddexp(a, b):
    top = max(a, b)
    if mpmath.isinf(top):
        return top
    return top + mpmath.log(mpmath.exp(a - top) + mpmath.exp(b - top))


def _guard(f):
    """mpmath's function, NaN where it would be complex or raise."""
    def wrapped(x):
        if _isnan(x):
            return NAN
        try:
            v = f(x)
        except (ValueError, ZeroDivisionError):
            return NAN
        return v if isinstance(v, mpmath.mpf) else NAN
    return wrapped


# The namespace the shared formulas (families, models) are written over.
XP = SimpleNamespace(exp=mpmath.exp, log=real_log, tanh=mpmath.tanh, pi=mpmath.pi,
                     logaddexp=_logaddexp)


def _sign(v):
    if _isnan(v):
        return NAN
    return mpmath.mpf(1) if v > 0 else mpmath.mpf(-1) if v < 0 else mpmath.mpf(0)


def _power(b, e):
    if _isnan(b) or _isnan(e):
        return NAN
    if b == 0:
        return INF if e < 0 else mpmath.mpf(1) if e == 0 else mpmath.mpf(0)
    if b < 0 and e != mpmath.floor(e):
        return NAN  # a non-integer power of a negative: undefined in the reals
    return mpmath.power(b, e)


class ExactOps:
    one = mpmath.mpf(1)
    exp = staticmethod(lambda x: NAN if _isnan(x) else mpmath.exp(x))
    log = staticmethod(real_log)
    power = staticmethod(_power)

    @staticmethod
    def number(e: sp.Expr):
        if e.is_Integer:
            return mpmath.mpf(int(e))
        if e.is_Rational:
            return mpmath.mpf(int(e.p)) / int(e.q)
        return mpmath.mpf(sp.Float(sp.N(e, mp.dps + 10), mp.dps + 10)._mpf_)

    @staticmethod
    def log_pair_of_number(v, number: sp.Expr):
        return (real_log(abs(v)), _sign(v))

    @staticmethod
    def log_of_value(value):
        def log(env):
            v = value(env)
            return real_log(abs(v)) if not _isnan(v) else NAN, _sign(v)
        return log

    @staticmethod
    def log_sum(pairs):
        finite = [lv for lv, _ in pairs if not _isnan(lv) and not mpmath.isinf(lv)]
        if any(_isnan(lv) or _isnan(sv) for lv, sv in pairs):
            return NAN, NAN
        top = max(finite) if finite else mpmath.mpf(0)
        total = mpmath.fsum(sv * mpmath.exp(lv - top) for lv, sv in pairs if lv != -INF)
        return real_log(abs(total)) + top, _sign(total)

    @staticmethod
    def log_from_pair(lv, sv):
        if _isnan(lv) or _isnan(sv) or sv < 0:
            return NAN
        return -INF if sv == 0 else lv

    @staticmethod
    def value_with_log_fallback(direct, log):
        return direct  # nothing under- or overflows at this precision

    @staticmethod
    def power_log(lb, sb, e):
        if _isnan(lb) or _isnan(sb) or _isnan(e):
            return NAN, NAN
        if e == 0:
            return mpmath.mpf(0), mpmath.mpf(1)
        if sb > 0:
            return e * lb, mpmath.mpf(1)
        if sb == 0:
            return (-INF if e > 0 else INF), mpmath.mpf(0)
        if e != mpmath.floor(e):
            return NAN, NAN
        return e * lb, mpmath.mpf(-1) if int(e) % 2 else mpmath.mpf(1)

    def constant_power(self, base: Node, exponent: sp.Expr) -> Node:
        b_value, b_log = base.value, base.log

        def value(env):
            return _power(b_value(env), self.number(exponent))

        def log(env):
            lb, sb = b_log(env)
            return self.power_log(lb, sb, self.number(exponent))
        return Node(value, log, True)


def _unary(f, log_of=None):
    f = _guard(f)

    def make(args):
        (a,) = args
        av = a.value

        def value(env):
            return f(av(env))
        if log_of is None:
            return Node(value, ExactOps.log_of_value(value))
        return Node(value, lambda env: (log_of(av(env)), mpmath.mpf(1)), True)
    return make


def _abs(args):
    (a,) = args
    av, al = a.value, a.log
    return Node(lambda env: abs(av(env)), lambda env: (al(env)[0], abs(al(env)[1])), a.native)


def _heaviside(args):
    av = args[0].value
    half = args[1].value if len(args) > 1 else (lambda env: mpmath.mpf(0.5))

    def value(env):
        u = av(env)
        if _isnan(u):
            return NAN
        return mpmath.mpf(1) if u > 0 else half(env) if u == 0 else mpmath.mpf(0)
    return Node(value, ExactOps.log_of_value(value))


def _beta(args):
    a, b = (x.value for x in args)

    def log(env):
        x, y = a(env), b(env)
        lg = _guard(mpmath.loggamma)
        return lg(x) + lg(y) - lg(x + y), mpmath.mpf(1)
    return Node(lambda env: mpmath.exp(log(env)[0]), log, True)


def _sign_of(x):
    return _sign(x)


FUNCTIONS = {
    sp.Abs: _abs,
    sp.sin: _unary(mpmath.sin), sp.cos: _unary(mpmath.cos), sp.tan: _unary(mpmath.tan),
    sp.tanh: _unary(mpmath.tanh), sp.sinh: _unary(mpmath.sinh), sp.cosh: _unary(mpmath.cosh),
    sp.atan: _unary(mpmath.atan), sp.sign: _unary(_sign_of), sp.Heaviside: _heaviside,
    sig: _unary(lambda x: sigmoid(x, XP), lambda x: -_logaddexp(mpmath.mpf(0), -x)),
    sp.erf: _unary(mpmath.erf), sp.erfc: _unary(mpmath.erfc),
    sp.gamma: _unary(mpmath.gamma), sp.loggamma: _unary(mpmath.loggamma),
    sp.factorial: _unary(lambda x: mpmath.gamma(x + 1)),
    sp.beta: _beta,
}


class ExactEnv:
    """One instance (row 0 of a chunk) in mpmath numbers, and what is bound."""

    def __init__(self, inst: Instances, eps=None):
        self.inst = inst
        self.eps = None if eps is None else mpmath.mpf(eps)
        self.values: dict = {s: mpmath.mpf(float(v[0])) for s, v in inst.scalars.items()}
        for s, p in inst.params.items():
            self.values[s] = Params(tuple(mpmath.mpf(float(a[0])) for a in p.values), p.family)
        self.depth = 0  # binders open: only integrals outside every binder count in ``scale``
        self.scale = mpmath.mpf(0)  # the sum of the integrals of |f| of top-level integrals
        self.error = mpmath.mpf(0)  # the sum of their error estimates


def _karr(lo: int, hi: int) -> tuple[int, int, int]:
    if hi >= lo:
        return lo, hi - lo + 1, 1
    return hi + 1, max(lo - hi - 1, 0), -1


def _integer(v) -> int:
    if _isnan(v) or mpmath.isinf(v):
        raise NotEvaluable("a sum's bound is not a number here")
    return int(mpmath.nint(v))


class ExactCompiler(Compiler):
    """Compiles expressions for the high-precision backend."""

    ops = ExactOps()

    def functions(self) -> dict:
        return FUNCTIONS

    def symbol(self, s):
        def value(env):
            try:
                return env.values[s]
            except KeyError:
                raise NotEvaluable(f"no value for {s}") from None
        return Node(value, ExactOps.log_of_value(value))

    def extremum(self, is_max, args):
        values = [a.value for a in args]

        def value(env):
            vs = [v(env) for v in values]
            if any(_isnan(v) for v in vs):
                return NAN
            return max(vs) if is_max else min(vs)
        return Node(value, ExactOps.log_of_value(value))

    def indexed(self, e, level):
        label = e.base.label
        indices = [self.compile(i, level).value for i in e.indices]

        def value(env):
            table = env.inst.data.get(label)
            if table is None:
                raise NotEvaluable(f"no data for {e}")
            position = [0]
            for ix, size in zip(indices, table.shape[1:], strict=True):
                k = ix(env)
                if _isnan(k):
                    return NAN
                k = int(mpmath.nint(k)) - 1
                if not 0 <= k < size:
                    return NAN
                position.append(k)
            return mpmath.mpf(float(table[tuple(position)]))
        return Node(value, ExactOps.log_of_value(value))

    def delta(self, arg):
        u_of = arg.value

        def log(env):
            if env.eps is None:
                raise NotEvaluable("a Dirac delta outside a nascent-delta evaluation")
            u = u_of(env)
            return -(u / env.eps) ** 2 / 2 - mpmath.log(env.eps * mpmath.sqrt(2 * mpmath.pi)), mpmath.mpf(1)
        return Node(lambda env: mpmath.exp(log(env)[0]), log, True)

    def reduction(self, e, level):
        is_sum, is_max = isinstance(e, sp.Sum), isinstance(e, Maximum)
        *inner, (index, low, high) = e.limits
        body = self.compile(type(e)(e.function, *inner) if inner else e.function, level + 1)
        low_v = None if low.is_infinite else self.compile(low, level).value
        high_v = None if high.is_infinite else self.compile(high, level).value
        if low == sp.oo or high == -sp.oo or (is_max and (low_v is None or high_v is None)):
            raise NotEvaluable(f"a sum, product or maximum over {index} from {low} to {high}")

        def term(env, k):
            previous = env.values.get(index)
            env.values[index] = mpmath.mpf(k)
            env.depth += 1
            try:
                return body.value(env)
            finally:
                env.depth -= 1
                if previous is None:
                    del env.values[index]
                else:
                    env.values[index] = previous

        def value(env):
            if low_v is not None and high_v is not None:
                start, count, sign = _karr(_integer(low_v(env)), _integer(high_v(env)))
                terms = [term(env, start + j) for j in range(count)]
                if any(_isnan(t) for t in terms):
                    return NAN
                if is_max:
                    return max(terms) if terms and sign > 0 else NAN
                if is_sum:
                    return sign * mpmath.fsum(terms)
                total = mpmath.fprod(terms)
                return total if sign > 0 else (1 / total if total != 0 else INF)
            if low_v is None and high_v is None:
                interval = [-mpmath.inf, mpmath.inf]
            elif low_v is None:
                interval = [-mpmath.inf, _integer(high_v(env))]
            else:
                interval = [_integer(low_v(env)), mpmath.inf]
            series = mpmath.nsum if is_sum else mpmath.nprod
            try:
                # mpmath's series acceleration gives no error estimate: the same series at
                # about half the precision must agree with it.
                total = series(lambda k: term(env, k), interval)
                with mpmath.workdps(mp.dps // 2 + 5):
                    coarse = series(lambda k: term(env, k), interval)
            except (ValueError, ZeroDivisionError, mpmath.libmp.libhyper.NoConvergence):
                return NAN
            if _isnan(total) or abs(total - coarse) > SERIES_TOLERANCE * max(abs(total), 1):
                return NAN
            return total
        return Node(value, ExactOps.log_of_value(value))

    def average(self, e, level):
        """E[body] under the instance's random law, atom by atom in DIGITS digits: its
        atoms' values and weights taken exactly from their floats, the weights normalised
        here (their float sum is 1 only to rounding)."""
        body = self.compile(e.body, level + 1).value
        variables = e.variables

        def value(env):
            law = env.inst.law
            if law is None or not all(v in law.values for v in variables):
                raise NotEvaluable(f"no random law for {e}")
            weights = [mpmath.mpf(float(w)) for w in law.weights[0]]
            total_weight = mpmath.fsum(weights)
            previous = {v: env.values.get(v) for v in variables}
            terms = []
            env.depth += 1
            try:
                for a, w in enumerate(weights):
                    if w == 0:
                        continue
                    for v in variables:
                        env.values[v] = mpmath.mpf(float(law.values[v][0, a]))
                    f = body(env)
                    if _isnan(f):
                        return NAN
                    terms.append(w * f / total_weight)
            finally:
                env.depth -= 1
                for v, p in previous.items():
                    if p is None:
                        env.values.pop(v, None)
                    else:
                        env.values[v] = p
            if env.depth == 0:
                env.scale += mpmath.fsum(abs(t) for t in terms)
            return mpmath.fsum(terms)
        return Node(value, ExactOps.log_of_value(value))

    def integral(self, e, level):
        """An integral at this instance by adaptive Gauss-Kronrod (``quadrature``), an
        algorithm independent of the float backend's, with its error estimate: the
        integrand in float, in log space where it is natural (the integral's own accuracy,
        GK_TOLERANCE of the integral of |f|, is what bounds the result, not 50 digits)."""
        *inner, limit = e.limits
        if len(limit) != 3:
            raise NotEvaluable(f"only definite integrals: the limit of {limit[0]} has no bounds")
        var, low, high = limit
        body_expr = sp.Integral(e.function, *inner) if inner else e.function
        if low == high:
            return self.constant(sp.Integer(0))
        flip = 1
        if low == sp.oo or high == -sp.oo or (low.is_infinite and high.is_infinite and low == sp.oo):
            low, high, flip = high, low, -1
        vector_compiler = vector.VectorCompiler(self.roles, self.substitution)
        body = vector_compiler.number_of(vector_compiler.compile(body_expr, 1))
        ndim = 2 + depth(body_expr, self.substitution)
        low_v = None if low == -sp.oo else self.compile(low, level).value
        high_v = None if high == sp.oo else self.compile(high, level).value
        points = [self.feature(f, level + 1) for f in features(body_expr, var)
                  if not (f.point.free_symbols & {var})]

        def value(env):
            lo = None if low_v is None else to_float(low_v(env))
            hi = None if high_v is None else to_float(high_v(env))
            sign = flip
            if lo is not None and hi is not None:
                if math.isnan(lo) or math.isnan(hi):
                    return NAN
                if lo > hi:
                    lo, hi, sign = hi, lo, -flip
            kind = ("finite" if lo is not None and hi is not None else "right" if lo is not None
                    else "left" if hi is not None else "whole")
            t_range, transform = quad.line_transform(kind, lo or 0.0, hi or 0.0)
            cuts = np.array([to_float(c) for p in points for c in p(env)], dtype=float)
            cuts = quad.line_inverse(kind, cuts[np.isfinite(cuts)], lo or 0.0, hi or 0.0)
            edges = quad.graded_edges(t_range, cuts)
            floats = vector.Env(env.inst, ndim, None if env.eps is None else float(env.eps))
            for s, v in env.values.items():
                if s not in env.inst.scalars and s not in env.inst.params:
                    floats.values[s] = np.full((1,) * ndim, to_float(v))

            def f(ys):
                shape = [1] * ndim
                shape[1] = len(ys)
                previous = floats.open(var, ys.reshape(shape), 1, len(ys))
                try:
                    with np.errstate(all="ignore"):
                        out = np.asarray(body(floats), dtype=float)
                finally:
                    floats.close(var, previous, 1)
                return np.broadcast_to(out, np.broadcast_shapes(out.shape, tuple(shape))).reshape(-1)

            total, error, magnitude = quad.gauss_kronrod(f, edges, transform)
            if math.isnan(total):
                return NAN
            if env.depth == 0:
                env.scale += mpmath.mpf(magnitude)
                env.error += mpmath.mpf(error)
            return sign * mpmath.mpf(total)
        return Node(value, ExactOps.log_of_value(value))

    def feature(self, feature: Feature, level: int):
        if feature.density is not None:
            return lambda env: [mpmath.mpf(float(m)) for m in env.inst.mixtures[feature.density][1][0, :, 0]]
        point = self.compile(feature.point, level + len(feature.limits)).value
        bounds = [(index, self.compile(lo, level + k).value, self.compile(hi, level + k).value)
                  for k, (index, lo, hi) in enumerate(feature.limits)]

        def collect(env, k=0):
            if k == len(bounds):
                return [point(env)]
            index, lo, hi = bounds[k]
            start, count, _ = _karr(_integer(lo(env)), _integer(hi(env)))
            out = []
            previous = env.values.get(index)
            try:
                for j in range(count):
                    env.values[index] = mpmath.mpf(start + j)
                    out += collect(env, k + 1)
            finally:
                if previous is None:
                    env.values.pop(index, None)
                else:
                    env.values[index] = previous
            return out
        return collect

    def mixture(self, e, level):
        func = e.func
        args = [self.compile(a, level).value for a in e.args]

        def log(env):
            mixture = env.inst.mixtures.get(func)
            if mixture is None or mixture[1].shape[2] != len(args):
                raise NotEvaluable(f"no density for {e}")
            w, m, s = (np.asarray(a[0]) for a in mixture)
            ys = [a(env) for a in args]
            pairs = []
            for k in range(len(w)):
                if w[k] == 0:
                    continue
                total = mpmath.log(mpmath.mpf(float(w[k])))
                for d, y in enumerate(ys):
                    total += gauss_logpdf(y, mpmath.mpf(float(m[k, d])), mpmath.mpf(float(s[k, d])), XP)
                pairs.append((total, mpmath.mpf(1)))
            return ExactOps.log_sum(pairs)[0], mpmath.mpf(1)
        return Node(lambda env: mpmath.exp(log(env)[0]), log, True)

    def conditional(self, e, level):
        func = e.func
        y = self.compile(e.variable, level).value
        condition = e.condition
        if self.parameter_vector(condition):
            theta = self.compile(condition[0], level).value

            def log(env):
                choice, params = env.inst.family.get(func), theta(env)
                fam = None if choice is None else choice.at(0)
                if (fam is None or not isinstance(params, Params) or params.family is None
                        or len(params.family.at(0).parameters) != len(fam.parameters)):
                    raise NotEvaluable(f"{condition[0]} is not a parameter vector of {func}")
                values = params.values[:len(fam.parameters)]
                return fam.logpdf(y(env), *values, xp=XP), mpmath.mpf(1)
        else:
            given = [self.compile(c, level).value for c in condition]

            def log(env):
                weights = env.inst.regressions.get(func)
                if weights is None or weights[0].shape[1] != len(given) + 1:
                    raise NotEvaluable(f"no {REGRESSION} for {e}")
                a = [mpmath.mpf(float(x)) for x in weights[0][0]]
                b = [mpmath.mpf(float(x)) for x in weights[1][0]]
                return regression_logpdf(y(env), [g(env) for g in given], a, b, XP), mpmath.mpf(1)
        return Node(lambda env: mpmath.exp(log(env)[0]), log, True)

    def model(self, e, level):
        func = e.func
        *inputs, weights = e.args
        if len(inputs) != 1:
            raise NotEvaluable(f"models of one input only: {e}")
        x = self.compile(inputs[0], level).value
        w_of = self.compile(weights, level).value
        consumer = self.roles.models.get(func)

        def value(env):
            shape = env.inst.model_shape[func].at(0)
            families = env.inst.family.get(consumer) if consumer is not None else None
            fam = None if families is None else families.at(0)
            outputs = len(fam.parameters) if fam is not None else 1
            raw = shape.forward(x(env), w_of(env).values, outputs, XP)
            return raw[0] if fam is None else Params(tuple(fam.link(raw, XP)), families)
        return Node(value, ExactOps.log_of_value(value))

    def model_output(self, e, level):
        k_of, x_of = (self.compile(a, level).value for a in e.args[:2])
        w_of = self.compile(e.args[2], level).value
        func = e.func

        def value(env):
            outputs = env.inst.model_shape[func].at(0).forward(x_of(env), w_of(env).values,
                                                                MAX_I, XP)
            k = int(mpmath.nint(k_of(env))) - 1
            return outputs[k] if 0 <= k < len(outputs) else NAN
        return Node(value, ExactOps.log_of_value(value))


def compile_side(expr: sp.Expr, roles: Roles, substitution: dict) -> Node:
    with mpmath.workdps(DIGITS):  # its constants in DIGITS digits
        return ExactCompiler(roles, substitution).compile(expr)


def at(node: Node, inst: Instances, eps: float | None = None, log: bool = False):
    """``node`` at instance 0 of ``inst`` in DIGITS digits: (value or (log|v|, sign), the sum
    of the integrals of |f| of its top-level integrals (a scale for its error), the sum of
    their error estimates)."""
    if inst.n != 1:
        inst = inst.pick([0])
    with mpmath.workdps(DIGITS):
        env = ExactEnv(inst, eps)
        try:
            result = node.log(env) if log else node.value(env)
        except (ZeroDivisionError, OverflowError, ValueError):
            result = (NAN, NAN) if log else NAN
        if isinstance(result, Params):
            raise NotEvaluable("a parameter vector, not a number")
        return result, env.scale, env.error


def to_float(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError, OverflowError):
        return math.nan

