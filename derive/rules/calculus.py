"""Rules of calculus: derivatives taken, definite integrals in closed form, the fundamental
theorem, linear changes of variable and integration by parts. Each proposes certificates
(the kernel differentiates itself, and instantiates the laws of
derive/kernel/laws_calculus.py with their conditions); it never integrates: finding an
antiderivative here is untrusted, since the kernel checks it by differentiating.
"""

from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.integrals.manualintegrate import manualintegrate

from derive import kernel
from derive.kernel import AXIOMS, Algebra, Path, differentiable, say
from derive.rules.base import Context, Rule, RuleDoesNotApply, register
from derive.rules.sites import abstract, at_site, exhaust, factors, positions, single_limit

oo = sp.oo


def _rule(name: str, statement: str, side_conditions, finders, what: str, summary: str,
          aliases=(), sites=()) -> Rule:
    def propose(before, target, context: Context):
        return exhaust(before, finders, what)

    return register(Rule(name, statement, tuple(side_conditions), propose, summary,
                         tuple(aliases), sites=tuple(sites)))


# -- derivatives ---------------------------------------------------------------------------

def _derivative(node, path: Path):
    # the derivative of an unknown function of the variable itself is already in lowest terms
    if (isinstance(node, sp.Derivative) and differentiable(node)
            and not isinstance(node.expr, AppliedUndef)):
        return Algebra(node.doit(deep=False), path)  # the kernel differentiates it again
    return None


differentiate = _rule(
    "differentiate", r"\frac{d}{dx} f(x) = f'(x)",
    ["no integral depending on x is differentiated (that is the fundamental theorem's)"],
    [_derivative], "derivative",
    "take the derivatives (the product, chain and quotient rules, by the kernel)",
    aliases=("derivative", "differentiation", "product rule", "chain rule", "quotient rule"),
    sites=(sp.Derivative,))


# -- definite integrals --------------------------------------------------------------------

_NOT_ELEMENTARY = (AppliedUndef, sp.DiracDelta, sp.Heaviside, sp.Piecewise, sp.Sum,
                   sp.Product, sp.Derivative, sp.Integral)


def elementary(e: sp.Expr) -> bool:
    """Built from elementary functions only: what an antiderivative is looked for in."""
    return not any(isinstance(n, _NOT_ELEMENTARY) or not isinstance(n, sp.Expr)
                   for n in sp.preorder_traversal(e))


def antiderivative(integrand: sp.Expr, variable: sp.Symbol) -> sp.Expr | None:
    """An antiderivative of an elementary integrand, found by SymPy's rule-based
    integrator (untrusted: the kernel differentiates it back), or None."""
    if not elementary(integrand):
        return None
    try:
        found = manualintegrate(integrand, variable)
    except (ValueError, TypeError, NotImplementedError, RecursionError):
        return None
    return None if found.has(sp.Integral, sp.Piecewise) else found


def _integral_of_derivative(node, path: Path):
    limit = single_limit(node)
    if (limit is None or not isinstance(node, sp.Integral)
            or not isinstance(node.function, sp.Derivative)):
        return None
    x, low, high = limit
    derivative = node.function
    if derivative.variables != (x,):
        return None
    name, bounds = (("_on_the_line", {}) if (low, high) == (-oo, oo) else
                    ("_to_infinity", {"a": low}) if high == oo else
                    ("_from_minus_infinity", {"b": high}) if low == -oo else
                    ("", {"a": low, "b": high}))
    # In \int_0^x e^x dx the bound x is the integral's own dummy, not the x of the upper
    # bound: it is bound under a fresh name (the kernel checks the integral written is the
    # law's up to that renaming), so that the bound x is not the free one.
    in_the_bounds = low.free_symbols | high.free_symbols
    bound = sp.Dummy(x.name, **x.assumptions0) if x in in_the_bounds else x
    return at_site(AXIOMS["integral_of_derivative" + name], path, x=bound,
                   F=abstract(derivative.expr, [x]), **bounds)


def _definite_integral(node, path: Path):
    """The integrand written as the derivative of an antiderivative, for the fundamental
    theorem: the kernel never integrates, it differentiates the antiderivative back."""
    if not (isinstance(node, sp.Integral) and node.limits
            and all(len(limit) == 3 for limit in node.limits)):
        return None
    found = _integral_of_derivative(node, path)
    if found is not None:
        return found
    limit = single_limit(node)
    if limit is None:
        return None
    x = limit[0]
    antiderivative_ = antiderivative(node.function, x)
    if antiderivative_ is None:
        return None
    return Algebra(sp.Derivative(antiderivative_, x), (*path, 0))


definite_integral = _rule(
    "definite_integral", r"\int_a^b f'(x)\,dx = f(b) - f(a)",
    ["an elementary integrand (no deltas, steps or unknown functions)",
     "f and f' continuous"],
    [_definite_integral], "definite integral",
    "evaluate definite integrals in closed form (an antiderivative, which the kernel "
    "differentiates back, and the fundamental theorem)",
    aliases=("integrate", "evaluate the integral", "closed form"), sites=(sp.Integral,))


# -- the fundamental theorem ---------------------------------------------------------------

def _derivative_of_integral(node, path: Path):
    if not (isinstance(node, sp.Derivative) and node.variables and len(node.variables) == 1):
        return None
    (x,) = node.variables
    integral = node.expr
    limit = single_limit(integral)
    if limit is None or not isinstance(integral, sp.Integral) or limit[2] != x:
        return None
    t, low, _ = limit
    return at_site(AXIOMS["fundamental_theorem"], path, x=x, a=low, t=t,
                   f=abstract(integral.function, [t]))


fundamental_theorem = _rule(
    "fundamental_theorem",
    r"\frac{d}{dx}\int_a^x f(t)\,dt = f(x), \quad \int_a^b F'(x)\,dx = F(b) - F(a)",
    ["f continuous", "a and f free of x", "F and F' continuous, a and b finite"],
    [_derivative_of_integral, _integral_of_derivative], "derivative of an integral",
    "the fundamental theorem of calculus, both halves",
    aliases=("fundamental theorem of calculus", "FTC"), sites=(sp.Integral,))


# -- changes of variable -------------------------------------------------------------------

def linear_substitution(node: sp.Integral, path: Path, scale: sp.Expr, shift: sp.Expr):
    """u = scale * x + shift in the integral at ``path``: the integrand written as
    f(scale*x + shift) * scale, with f read off so that the kernel's instance is the
    integrand itself."""
    x, low, high = single_limit(node)
    u = sp.Dummy("u", real=True)
    on_the_line = (low, high) == (-oo, oo)
    factor = sp.Abs(scale) if on_the_line else scale
    f = sp.Lambda(u, node.function.xreplace({x: (u - shift) / scale}) / factor)
    if on_the_line:
        return at_site(AXIOMS["linear_change_of_variable_on_the_line"], path, x=x, k=scale,
                       m=shift, f=f)
    return at_site(AXIOMS["linear_change_of_variable"], path, x=x, k=scale, m=shift,
                   lo=low, hi=high, f=f)


def _integrals(e: sp.Basic) -> list[tuple[Path, sp.Integral]]:
    return [(path, node) for path, node in positions(e)
            if isinstance(node, sp.Integral) and single_limit(node) is not None]


def _scale_and_shift(before: sp.Integral, after: sp.Integral):
    """The u = k x + m that takes the bounds of ``before`` to those of ``after``."""
    (_, a, b), (_, c, d) = single_limit(before), single_limit(after)
    if not all(e.is_finite is not False for e in (a, b, c, d)) or sp.simplify(a - b) == 0:
        return None
    scale = sp.cancel((c - d) / (a - b))
    shift = sp.expand(c - scale * a)
    if scale == 0 or scale.has(single_limit(before)[0]):
        return None
    return scale, shift


def _change_of_variable(before, target, context: Context):
    if target is None:
        raise RuleDoesNotApply(say("rule.bounds_last"))
    wanted = _integrals(target)
    for path, node in _integrals(before):
        for _, other in wanted:
            found = _scale_and_shift(node, other)
            if found is not None and found != (1, 0):
                return [linear_substitution(node, path, *found)]
    raise RuleDoesNotApply(say("rule.no_linear_substitution"))


change_of_variable = register(Rule(
    "change_of_variable",
    r"\int_a^b f(kx + m)\,k\,dx = \int_{ka+m}^{kb+m} f(u)\,du",
    ("k real and nonzero, m real", "over the whole line: |k|"), _change_of_variable,
    "a linear change of the integration variable, read from the bounds written",
    aliases=("substitution", "change of variables", "u-substitution"), needs_target=True,
    sites=(sp.Integral,)))


def change_variable(old: sp.Symbol, new: sp.Expr, variable: sp.Symbol) -> Rule:
    """The linear change of variable ``old = new`` (``new`` linear in ``variable``) in every
    integral over ``old``: ``change_variable(x, sigma*z + mu, z)``."""
    slope = sp.diff(new, variable)
    if slope == 0 or slope.has(variable):
        raise RuleDoesNotApply(say("rule.not_linear", old=old, new=new, variable=variable))
    offset = sp.expand(new - slope * variable)
    # x = slope * z + offset, so z = x / slope - offset / slope
    scale, shift = 1 / slope, -offset / slope

    def propose(before, target, context: Context):
        found = [linear_substitution(node, path, scale, shift)
                 for path, node in _integrals(before) if single_limit(node)[0] == old]
        if not found:
            raise RuleDoesNotApply(say("rule.no_integral_over", old=old, new=new, line=before))
        return found[:1]

    # named as the law it applies (reports translate it); the statement says which change
    return Rule("change_of_variable", rf"{sp.latex(old)} = {sp.latex(new)}",
                (f"{sp.latex(slope)} real and nonzero",), propose,
                f"the linear change of variable {old} = {new}")


# -- integration by parts ------------------------------------------------------------------

def _by_parts_candidates(node: sp.Integral, path: Path) -> list[list]:
    x, low, high = single_limit(node)
    parts = factors(node.function)
    candidates = []
    for j, derivative_part in enumerate(parts):
        rest = sp.Mul(*(f for i, f in enumerate(parts) if i != j))
        primitive = antiderivative(derivative_part, x)
        if primitive is None or rest == 1:
            continue
        written = sp.Mul(rest, sp.Derivative(primitive, x), evaluate=False)
        candidates.append([
            Algebra(written, (*path, 0)),
            at_site(AXIOMS["integration_by_parts"], path, x=x, a=low, b=high,
                    f=abstract(rest, [x]), g=abstract(primitive, [x]))])
    return candidates


def _integration_by_parts(before, target, context: Context):
    for path, node in _integrals(before):
        if not elementary(node.function):
            continue
        for candidate in _by_parts_candidates(node, path):
            try:
                line = before
                for certificate in candidate:
                    line = kernel.advance(line, certificate)
            except (kernel.CertificateError, kernel.SchemaError):
                continue
            if target is None or _closes(line, target):
                return candidate
    raise RuleDoesNotApply(say("rule.no_parts"))


def _closes(line: sp.Basic, target: sp.Basic) -> bool:
    """Does ``line`` reach ``target`` once its integrals are evaluated? (A guess for
    choosing the parts; the kernel judges.)"""
    with kernel.cheaply():
        for candidate in (line, _evaluated_everywhere(line)):
            if kernel.equal_values(candidate, target)[0]:
                return True
    return False


def _evaluated_everywhere(line: sp.Basic) -> sp.Basic:
    try:
        for certificate in exhaust(line, [_definite_integral, _derivative], "integral"):
            line = kernel.advance(line, certificate)
    except (RuleDoesNotApply, kernel.CertificateError, kernel.SchemaError):
        pass
    return line


integration_by_parts = register(Rule(
    "integration_by_parts",
    r"\int_a^b f(x)\,g'(x)\,dx = \bigl[f\,g\bigr]_a^b - \int_a^b f'(x)\,g(x)\,dx",
    ("f' and g' continuous on [a, b]", "a and b finite"), _integration_by_parts,
    "integration by parts (the factor to integrate is chosen by the line written)",
    aliases=("by parts", "parts"), needs_target=True, sites=(sp.Integral,)))


__all__ = ["antiderivative", "change_of_variable", "change_variable", "definite_integral",
           "differentiate", "elementary", "fundamental_theorem", "integration_by_parts",
           "linear_substitution"]
