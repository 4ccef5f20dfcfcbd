"""SymPy expressions compiled once into evaluation closures, for either numeric backend.

A side of a step is compiled once per numeric check, into a tree of Python closures that
the float backend (``vector.py``, NumPy over a chunk of instances) or the high-precision
backend (``exact.py``, mpmath at one instance) then evaluates as often as it needs: the SymPy
tree is walked once, not once per chunk.

Every compiled node has two evaluations: its value, and its logarithm as a pair (log|v|,
sign v). Where a node's logarithm is natural (a product, a power, an exponential, a density)
it is computed in log space, never as log(exp(...)): log of a product of densities is a sum
of log densities, log of a sum of exponentials a log-sum-exp, so nothing underflows on the
way to a logarithm. Products whose value under- or overflows fall back to their logarithm.
A value undefined in the reals (log of a negative, a non-integer power of a negative) is
NaN, never complex: such an instance is outside the step's domain.

Axes (float backend): axis 0 runs over instances; a binder (sum, product, integral) nested
under k others owns axis k + 1, known when compiling, so every value broadcasts against
every other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.kernel.objects import Maximum
from derive.notation import (
    KL,
    AppliedConditionalDensity,
    AppliedDensity,
    AppliedModel,
    AppliedModelOutput,
)
from derive.numeric import averages
from derive.numeric.concrete import NotEvaluable

Closure = Callable[[object], object]


@dataclass(frozen=True)
class Node:
    """A compiled expression: ``value(env)`` and ``log(env)`` -> (log|value|, sign)."""

    value: Closure
    log: Closure
    native: bool = False  # log computed in log space (not as log|value|)


@dataclass(frozen=True)
class Feature:
    """A point where an integrand has a feature (a delta's centre, a kink, a Gaussian's
    mean), as an expression; ``limits`` are the sums inside the integrand whose indices it
    depends on: the point is taken for every index in their range.

    ``kind`` says how wide the feature is: "gaussian" (exp of a quadratic: ``width`` is its
    standard deviation), "delta" (a nascent delta: ``width`` times the delta's eps),
    "density" (an abstract density: its components' means, their scales the widths), or
    "kink" (a kink, a pole or a log's root: no width, the integrand is not analytic there)."""

    point: sp.Expr
    limits: tuple = ()
    density: object = None  # or an abstract density of the variable: its components' means
    kind: str = "kink"
    width: sp.Expr | None = None


BINDERS = (sp.Integral, sp.Sum, sp.Product, Maximum)
KINKS = (sp.DiracDelta, sp.Abs, sp.Heaviside, sp.sign, sp.log)
MAX_FEATURES = 8  # feature expressions per integral (each maybe taken over a sum's range)


def _linear_root(u: sp.Expr, var: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """(root, slope) of u in var when u is linear in var (a + b var, b free of var)."""
    try:
        slope = sp.diff(u, var)
        if slope == 0 or slope.has(var) or slope.has(sp.Derivative):
            return None
        return sp.simplify(-u.subs(var, 0) / slope, doit=False), slope
    except (TypeError, ValueError, NotImplementedError):
        return None


def _polynomial(u: sp.Expr, var: sp.Symbol) -> sp.Poly | None:
    """u as a polynomial in var with coefficients free of var, or None."""
    try:
        poly = sp.Poly(sp.expand(u), var)
    except (sp.PolynomialError, sp.GeneratorsNeeded, TypeError, ValueError):
        return None
    if any(c.has(var) for c in poly.all_coeffs()):
        return None
    return poly


def _gaussian(u: sp.Expr, var: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """(centre -b/(2a), width 1/sqrt(2|a|)) when u = a var^2 + b var + c (a Gaussian's
    exponent: the width is its standard deviation)."""
    poly = _polynomial(u, var)
    if poly is None or poly.degree() != 2:
        return None
    a, b = poly.coeff_monomial(var**2), poly.coeff_monomial(var)
    return -b / (2 * a), 1 / sp.sqrt(2 * sp.Abs(a))


def features(integrand: sp.Expr, var: sp.Symbol) -> list[Feature]:
    """The feature points of ``integrand`` in ``var``, for the quadrature to split at.
    A point that depends on another integral's variable is no fixed point and is left out."""
    found: list[Feature] = []

    def visit(e: sp.Basic, limits: tuple, inner_vars: frozenset):
        if not isinstance(e, sp.Basic) or not e.has(var):
            return
        point, kind, width = None, "kink", None
        if isinstance(e, KINKS) and e.args:
            root = _linear_root(e.args[0], var)
            if root is not None:
                point = root[0]
                if isinstance(e, sp.DiracDelta):
                    kind, width = "delta", 1 / sp.Abs(root[1])
        elif isinstance(e, sp.Pow) and not (e.exp.is_integer and e.exp.is_nonnegative):
            root = _linear_root(e.base, var) if e.base.has(var) else None
            point = root[0] if root is not None else None
        elif isinstance(e, sp.exp):
            gaussian = _gaussian(e.args[0], var)
            if gaussian is not None:
                (point, width), kind = gaussian, "gaussian"
        if isinstance(e, AppliedDensity) and not isinstance(e, AppliedConditionalDensity) \
                and len(e.args) == 1 and e.args[0] == var:
            feature = Feature(sp.Integer(0), (), e.func, "density")
            if feature not in found:
                found.append(feature)
        if point is not None and not (point.free_symbols & inner_vars):
            used = tuple(lim for lim in limits if lim[0] in point.free_symbols)
            feature = Feature(point, used, None, kind, width)
            if feature not in found:
                found.append(feature)
        if isinstance(e, (sp.Sum, sp.Product, Maximum)):
            visit(e.function, limits + tuple(reversed(e.limits)), inner_vars)
            return
        if isinstance(e, sp.Integral):
            visit(e.function, limits, inner_vars | {lim[0] for lim in e.limits})
            return
        if isinstance(e, averages.AVERAGES):  # its variables are bound, as an integral's
            for body in (*e.bodies, *e.laws):
                visit(body, limits, inner_vars | set(e.variables))
            return
        for a in e.args:
            visit(a, limits, inner_vars)

    visit(integrand, (), frozenset())
    return found[:MAX_FEATURES]


def family_conditions(integrand: sp.Expr, var: sp.Symbol) -> list[tuple[object, sp.Expr]]:
    """(density, parameter vector) of every conditional density of ``var`` in the
    integrand, Pr(var|theta): its family's location and scale are features too."""
    return sorted({(e.func, e.condition[0]) for e in sp.preorder_traversal(integrand)
                   if isinstance(e, AppliedConditionalDensity) and e.variable == var},
                  key=str)


def analytic(e: sp.Basic, var: sp.Symbol, bound: frozenset = frozenset()) -> bool:
    """Is ``e`` an analytic function of ``var`` on the whole real line, whose every narrow
    part is a feature of known width (``features``: a Gaussian's exponent, a nascent
    delta, an abstract density's components; a conditional density's family)? Such an
    integrand is resolved by a grid sized to those widths. Anything else (a kink, a pole,
    a log's root, an oscillation of unknown frequency, a nested integral, a model of var)
    is not: it is integrated by splitting at its features. ``bound``: the indices of
    enclosing sums, which a conditional density's parameters must not depend on."""
    if not isinstance(e, sp.Basic) or not e.has(var) or e == var or _constant_average(e, var):
        return True
    if isinstance(e, (sp.Mul, sp.Pow)) and _narrow_factors(e, var) > MAX_NARROW_FACTORS:
        return False  # a product of narrow parts is narrower than any of them
    if isinstance(e, (sp.Add, sp.Mul)):
        return all(analytic(a, var, bound) for a in e.args)
    if isinstance(e, sp.Pow):
        if e.exp.has(var):
            return False
        if e.exp.is_integer and e.exp.is_nonnegative:
            return analytic(e.base, var, bound)
        return _positive_analytic(e.base, var, bound)
    if isinstance(e, sp.exp):
        poly = _polynomial(e.args[0], var)
        return poly is not None and poly.degree() <= 2
    if isinstance(e, sp.log):
        return _positive_analytic(e.args[0], var, bound)
    if isinstance(e, sp.DiracDelta):
        return len(e.args) == 1 and _linear_root(e.args[0], var) is not None
    if isinstance(e, (sp.Sum, sp.Product)):
        if any(b.has(var) for lim in e.limits for b in lim[1:]):
            return False
        return analytic(e.function, var, bound | {lim[0] for lim in e.limits})
    if isinstance(e, AppliedConditionalDensity):
        condition = e.condition
        return (e.variable == var and len(condition) == 1
                and isinstance(condition[0], sp.Symbol) and condition[0] not in bound)
    if isinstance(e, AppliedDensity):
        return e.args == (var,)
    return False


def _constant_average(e: sp.Basic, var: sp.Symbol) -> bool:
    """An average in which ``var`` is not free (E[X] inside an integral over X binds its own
    X): a constant of the integral."""
    return isinstance(e, averages.AVERAGES) and var not in e.free_symbols


NARROW = (AppliedDensity, sp.exp, sp.DiracDelta)  # the heads whose widths ``features`` tells
MAX_NARROW_FACTORS = 2  # their product has a width 1/sqrt(sum 1/w_i^2): at least w/sqrt(2)


def _narrow_factors(e: sp.Basic, var: sp.Symbol) -> int:
    """How many narrow factors (densities, exponentials, deltas of var, a power counting as
    many as its exponent) a product or power multiplies together."""
    if isinstance(e, sp.Mul):
        return sum(_narrow_factors(a, var) for a in e.args)
    if isinstance(e, sp.Pow) and e.base.has(var) and e.exp.is_Integer and e.exp > 0:
        return int(e.exp) * _narrow_factors(e.base, var)
    return int(isinstance(e, NARROW) and e.has(var))


def _positive_analytic(e: sp.Basic, var: sp.Symbol, bound: frozenset) -> bool:
    """Analytic (as ``analytic``) and positive on the whole line: a density, an
    exponential, or products and powers of them (the argument of a log, a divisor)."""
    if not e.has(var) or _constant_average(e, var):
        return True
    if isinstance(e, sp.Mul):
        return all(_positive_analytic(a, var, bound) for a in e.args)
    if isinstance(e, sp.Pow):
        return not e.exp.has(var) and _positive_analytic(e.base, var, bound)
    return isinstance(e, (AppliedDensity, sp.exp)) and analytic(e, var, bound)


def depth(expr: sp.Basic, substitution: dict) -> int:
    """How many binders can be open at once while evaluating ``expr``."""
    if isinstance(expr, KL):
        return 1 + depth(expr.q * expr.p, substitution)
    if isinstance(expr, BINDERS):
        return len(expr.limits) + depth(expr.function, substitution)
    if isinstance(expr, averages.AVERAGES):
        meaning = averages.meaning(expr)
        if meaning is not expr:
            return depth(meaning, substitution)
        return 1 + depth(expr.body, substitution)
    if isinstance(expr, sp.Symbol) and expr in substitution:
        return depth(substitution[expr], substitution)
    if not isinstance(expr, sp.Basic) or not expr.args:
        return 0
    return max((depth(a, substitution) for a in expr.args if isinstance(a, sp.Basic)),
               default=0)


class Compiler:
    """Compiles expressions into ``Node``s; a backend supplies its numbers, its functions and
    its binders (the methods left to subclasses)."""

    def __init__(self, roles, substitution: dict):
        self.roles = roles
        self.substitution = dict(substitution)

    # -- the entry point -----------------------------------------------------------------

    def compile(self, expr: sp.Basic, level: int = 0) -> Node:
        """``expr`` evaluated with ``level`` binders open around it."""
        if isinstance(expr, AppliedConditionalDensity):
            return self.conditional(expr, level)
        if isinstance(expr, AppliedDensity):
            return self.mixture(expr, level)
        if isinstance(expr, AppliedModelOutput):
            return self.model_output(expr, level)
        if isinstance(expr, AppliedModel):
            return self.model(expr, level)
        if isinstance(expr, averages.AVERAGES):
            meaning = averages.meaning(expr)
            if meaning is not expr:
                return self.compile(meaning, level)
            return self.average(expr, level)
        if isinstance(expr, sp.Symbol):
            if expr in self.substitution:
                return self.compile(self.substitution[expr], level)
            return self.symbol(expr)
        if expr.is_Number or expr.is_NumberSymbol:
            return self.constant(expr)
        if isinstance(expr, KL):
            z = expr.variable
            return self.integral(sp.Integral(expr.q * sp.log(expr.q / expr.p), (z, -sp.oo, sp.oo)),
                                 level)
        if isinstance(expr, sp.Integral):
            return self.integral(expr, level)
        if isinstance(expr, sp.Derivative):
            return self.compile(derivative_value(expr), level)
        if isinstance(expr, (sp.Sum, sp.Product, Maximum)):
            return self.reduction(expr, level)
        if isinstance(expr, sp.Add):
            return self.add([self.compile(a, level) for a in expr.args])
        if isinstance(expr, sp.Mul):
            return self.mul([self.compile(a, level) for a in expr.args])
        if isinstance(expr, sp.Pow):
            return self.power(expr, level)
        if isinstance(expr, sp.exp):
            return self.exponential(self.compile(expr.args[0], level))
        if isinstance(expr, sp.log):
            if len(expr.args) != 1:
                raise NotEvaluable(f"logarithms to a base: {expr}")
            return self.logarithm(self.compile(expr.args[0], level))
        if isinstance(expr, sp.Indexed):
            return self.indexed(expr, level)
        if isinstance(expr, sp.DiracDelta):
            if len(expr.args) != 1:
                raise NotEvaluable(f"derivatives of deltas: {expr}")
            return self.delta(self.compile(expr.args[0], level))
        if isinstance(expr, (sp.Max, sp.Min)):
            return self.extremum(type(expr) is sp.Max, [self.compile(a, level) for a in expr.args])
        function = self.function_of(expr)
        if function is not None:
            return function([self.compile(a, level) for a in expr.args])
        raise NotEvaluable(f"no numeric meaning for {type(expr).__name__}: {expr}")

    def function_of(self, expr: sp.Basic):
        """The node maker of a function application (sin, Abs, gamma, ...), or None."""
        for kind, make in self.functions().items():
            if isinstance(expr, kind):
                return make
        return None

    def parameter_vector(self, condition: tuple) -> bool:
        """Is the single condition of a conditional density its parameter vector (theta of
        Pr(y|theta), or a model's output), rather than numbers it is conditioned on?"""
        if len(condition) != 1:
            return False
        c = condition[0]
        return isinstance(c, AppliedModel) or (isinstance(c, sp.Symbol) and (
            c in self.roles.parameter_of or c in self.substitution))

    # -- what every backend defines -----------------------------------------------------

    def functions(self) -> dict:
        raise NotImplementedError

    # Arithmetic: written once, with the backend's operations.

    def add(self, terms: list[Node]) -> Node:
        ops = self.ops
        values = [t.value for t in terms]
        if len(values) == 2:
            a, b = values

            def value(env):
                return a(env) + b(env)
        else:
            def value(env):
                total = values[0](env)
                for v in values[1:]:
                    total = total + v(env)
                return total
        native = any(t.native for t in terms)
        if not native:
            return Node(value, ops.log_of_value(value))
        logs = [t.log for t in terms]

        def log(env):
            return ops.log_sum([f(env) for f in logs])
        return Node(value, log, True)

    def mul(self, factors: list[Node]) -> Node:
        ops = self.ops
        values = [f.value for f in factors]
        logs = [f.log for f in factors]
        native = any(f.native for f in factors)

        def log(env):
            total, sign = logs[0](env)
            for f in logs[1:]:
                lv, sv = f(env)
                total, sign = total + lv, sign * sv
            return total, sign

        if len(values) == 2:
            a, b = values

            def direct(env):
                return a(env) * b(env)
        else:
            def direct(env):
                total = values[0](env)
                for v in values[1:]:
                    total = total * v(env)
                return total
        if not native:
            return Node(direct, ops.log_of_value(direct))
        # A product of exponentials or densities may under- or overflow where its value
        # does not: there, the value is taken from the logarithm.
        return Node(ops.value_with_log_fallback(direct, log), log, True)

    def power(self, expr: sp.Pow, level: int) -> Node:
        ops = self.ops
        base = self.compile(expr.base, level)
        exponent = expr.exp
        if exponent.is_Number:
            return ops.constant_power(base, exponent)
        e = self.compile(exponent, level)
        b_value, b_log, e_value = base.value, base.log, e.value

        def value(env):
            return ops.power(b_value(env), e_value(env))

        def log(env):
            lb, sb = b_log(env)
            return ops.power_log(lb, sb, e_value(env))
        return Node(value, log, True)

    def exponential(self, arg: Node) -> Node:
        ops, f = self.ops, arg.value

        def value(env):
            return ops.exp(f(env))

        def log(env):
            return f(env), ops.one
        return Node(value, log, True)

    def logarithm(self, arg: Node) -> Node:
        ops = self.ops
        if arg.native:
            arg_log = arg.log

            def value(env):
                return ops.log_from_pair(*arg_log(env))
        else:
            f = arg.value

            def value(env):
                return ops.log(f(env))
        return Node(value, ops.log_of_value(value))

    def constant(self, number: sp.Expr) -> Node:
        v = self.ops.number(number)
        pair = self.ops.log_pair_of_number(v, number)
        return Node(lambda env: v, lambda env: pair)


def derivative_value(derivative: sp.Derivative) -> sp.Expr:
    """The derivative taken in closed form by SymPy, where its body is elementary in the
    variables (no integral, sum, delta or unknown function of them: SymPy would move a
    derivative under an integral sign without its conditions, or leave it unevaluated)."""
    variables = set(derivative.variables)
    for n in sp.preorder_traversal(derivative.expr):
        if isinstance(n, (sp.Integral, sp.Sum, sp.Product, sp.DiracDelta, sp.Derivative,
                          AppliedUndef)) and n.free_symbols & variables:
            raise NotEvaluable(f"derivatives through {type(n).__name__} are not evaluated: "
                               f"{derivative}")
    value = derivative.doit()
    if value.has(sp.Derivative):
        raise NotEvaluable(f"no closed form for the derivative {derivative}")
    return value

