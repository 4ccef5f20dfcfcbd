"""Rules that bound: each proposes a bound schema's instance at a position (Jensen, Gibbs,
log x <= x - 1, e^x >= 1 + x, the log-sum-exp bounds, Cauchy-Schwarz), or a ``Bound``
where the line written differs from the line before (a dropped nonnegative term, a term
bounded by one shown larger). Untrusted: the kernel decides every side condition, and
carries a bound at a position to the whole line only through positions whose polarity it
computes itself (a sum's terms, a factor of known sign, log and exp, an integrand, a
finite sum's terms, an expectation's body).

A bound holds at one place; a rule applies it at the first position it fits, outermost
first, or, when the line written is known, at the position (or positions) that reach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import sympy as sp

from derive import kernel
from derive.kernel import AXIOMS, Bound, Certificate, Path, Relation, cheaply, say
from derive.kernel import conditions as cond
from derive.kernel.objects import KL, AppliedDensity, Expectation, Maximum
from derive.kernel.terms import evaluated
from derive.rules.base import Context, Rule, RuleDoesNotApply, register
from derive.rules.sites import abstract, at_site, factors, positions, single_limit

oo = sp.oo

# A finder looks at one node (with the step's context, and the line written or None) and
# gives every certificate that rewrites it, most likely first.
SiteFinder = Callable[[sp.Basic, Path, Context, sp.Basic | None], Iterable[Certificate]]


def reaches(line: sp.Basic, target: sp.Basic) -> bool:
    """Is ``line`` the line written, at a glance (no simplify: this only chooses)?"""
    if kernel.alpha_equal(line, target) or kernel.alpha_equal(evaluated(line),
                                                             evaluated(target)):
        return True
    with cheaply():
        return kernel.equal_values(line, target)[0] is True


def _advance(line, certificate):
    try:
        return kernel.advance(line, certificate)
    except (kernel.CertificateError, kernel.SchemaError):
        return None


def _candidates(line, finders: Sequence[SiteFinder], context: Context, target) -> list:
    found = []
    for path, node in positions(line):
        for finder in finders:
            found.extend(c for c in finder(node, path, context, target)
                         if _advance(line, c) is not None)
    return found


def choose(before, target, finders: Sequence[SiteFinder], context: Context, what: str
           ) -> list[Certificate]:
    """One certificate: the first that reaches the line written (or, lacking it, the first
    that fits); else one at each position in turn, if together they reach it."""
    candidates = _candidates(before, finders, context, target)
    if not candidates:
        raise RuleDoesNotApply(say("rule.found_none", what=what, line=before))
    if target is None:
        return candidates[:1]
    for c in candidates:
        if reaches(kernel.advance(before, c), target):
            return [c]
    line, chosen = before, []
    # one certificate per position found, and at least two: one that prepares a site (an
    # integrand written as the sum the line written splits), then the site's own
    for _ in range(max(len(candidates), 2)):
        step = _candidates(line, finders, context, target)
        if not step:
            break
        chosen.append(step[0])
        line = kernel.advance(line, step[0])
        if reaches(line, target):
            return chosen
    return candidates[:1]


def site_rule(name: str, statement: str, side_conditions: Sequence[str],
              finders: Sequence[SiteFinder], what: str, summary: str, aliases=(),
              sites: Sequence[type] = (), bound: bool = False) -> Rule:
    """A rule that proposes a schema at a site its finders recognise, chosen by the line
    written when there is one. With ``sites`` (the kinds of node it works on) the search
    tries it, only on lines holding one (a bound rule only for a step written with a
    bound); without, it is cited (``by=``), never searched."""
    def propose(before, target, context: Context):
        return choose(before, target, finders, context, what)

    def alternatives(before, context: Context):
        return _candidates(before, finders, context, None)

    return register(Rule(name, statement, tuple(side_conditions), propose, summary,
                         tuple(aliases), searched=bool(sites), sites=tuple(sites),
                         bound=bound, reads_target=True, alternatives=alternatives))


def _splits(body: sp.Basic) -> list[tuple[sp.Basic, sp.Basic]]:
    """``body`` as (weight, rest) in every way its factors split, the first factor as the
    weight first."""
    fs = factors(body)
    if len(fs) < 2:
        return []
    out = []
    for mask in range(1, 2 ** len(fs) - 1):
        chosen = [f for j, f in enumerate(fs) if mask >> j & 1]
        rest = [f for j, f in enumerate(fs) if not mask >> j & 1]
        out.append((sp.Mul(*chosen), sp.Mul(*rest)))
    return out


def _density_split(body: sp.Basic, z: sp.Symbol) -> list[tuple[sp.Basic, sp.Basic]]:
    """``body`` as (a density of z, the rest), for each density of z among its factors."""
    fs = factors(body)
    return [(f, sp.Mul(*(g for g in fs if g is not f))) for f in fs
            if isinstance(f, AppliedDensity) and f.args[0] == z]


def _whole_line(node) -> tuple | None:
    limit = single_limit(node)
    if limit is None or not isinstance(node, sp.Integral) or limit[1:] != (-oo, oo):
        return None
    return limit


def _sole_variable(node) -> sp.Symbol | None:
    if isinstance(node, Expectation) and len(node.variables) == 1 and not node.laws:
        return node.variables[0]
    return None


# -- Jensen --------------------------------------------------------------------------------

# g, and how to recognise g(u) and read u back.
_FUNCTIONS = {
    "log": lambda e: e.args[0] if isinstance(e, sp.log) else None,
    "sqrt": lambda e: e.base if isinstance(e, sp.Pow) and e.exp == sp.S.Half else None,
    "exp": lambda e: e.args[0] if isinstance(e, sp.exp) else None,
    "square": lambda e: e.base if isinstance(e, sp.Pow) and e.exp == 2 else None,
}


def _jensen_outside(node, path: Path, context: Context, target):
    """g(sum_k w_k y_k), g(int p h dz), g(E[h]): g outside the average."""
    for name, argument_of in _FUNCTIONS.items():
        u = argument_of(node)
        if u is None:
            continue
        if isinstance(u, sp.Sum) and single_limit(u):
            k, m, n = single_limit(u)
            schema = AXIOMS[f"jensen_{name}_finite"]
            for weight, y in _splits(u.function):
                yield at_site(schema, path, k=k, m=m, N=n, w=abstract(weight, [k]),
                              y=abstract(y, [k]))
        if _whole_line(u):
            z = _whole_line(u)[0]
            for density, rest in _density_split(u.function, z):
                yield at_site(AXIOMS[f"jensen_{name}_integral"], path, z=z,
                              p=abstract(density, [z]), h=abstract(rest, [z]))
        z = _sole_variable(u)
        if z is not None:
            yield at_site(AXIOMS[f"jensen_{name}_expectation"], path, z=z,
                          h=abstract(u.body, [z]))


def _jensen_inside(node, path: Path, context: Context, target):
    """sum_k w_k g(y_k), int p g(h) dz, E[g(h)]: the average of g."""
    for name, argument_of in _FUNCTIONS.items():
        if isinstance(node, sp.Sum) and single_limit(node):
            k, m, n = single_limit(node)
            fs = factors(node.function)
            for f in fs:
                if argument_of(f) is not None:
                    weight = sp.Mul(*(g for g in fs if g is not f))
                    yield at_site(AXIOMS[f"jensen_{name}_finite_reversed"], path, k=k, m=m,
                                  N=n, w=abstract(weight, [k]),
                                  y=abstract(argument_of(f), [k]))
        if _whole_line(node):
            z = _whole_line(node)[0]
            for density, rest in _density_split(node.function, z):
                if argument_of(rest) is not None:
                    yield at_site(AXIOMS[f"jensen_{name}_integral_reversed"], path, z=z,
                                  p=abstract(density, [z]), h=abstract(argument_of(rest), [z]))
        z = _sole_variable(node)
        if z is not None and argument_of(node.body) is not None:
            yield at_site(AXIOMS[f"jensen_{name}_expectation_reversed"], path, z=z,
                          h=abstract(argument_of(node.body), [z]))


jensen = site_rule(
    "jensen",
    r"\log\bigl[\mathbb{E}[y]\bigr] \geq \mathbb{E}\bigl[\log[y]\bigr], \quad "
    r"\exp\bigl[\mathbb{E}[y]\bigr] \leq \mathbb{E}\bigl[\exp[y]\bigr]",
    ["concave: log (y > 0), sqrt (y >= 0); convex: exp, x^2 (y real); -log through the "
     "factor -1", "finite form: weights w_k >= 0 with sum_k w_k = 1",
     "integral form: against a density of z, both integrals converge"],
    [_jensen_outside, _jensen_inside], "Jensen site (g of an average, or an average of g)",
    "Jensen's inequality, finite, integral and expectation forms",
    aliases=("Jensen", "jensen_inequality", "Jensen's inequality"),
    sites=(sp.Sum, sp.Integral, Expectation), bound=True)


# -- Gibbs -------------------------------------------------------------------------------

def _gibbs(node, path: Path, context: Context, target):
    if isinstance(node, KL):
        z = node.variable
        yield at_site(AXIOMS["kl_nonnegative"], path, z=z, q=abstract(node.q, [z]),
                      p=abstract(node.p, [z]))
    if isinstance(node, sp.Sum) and single_limit(node):
        k, m, n = single_limit(node)
        fs = factors(node.function)
        for f in fs:
            if isinstance(f, sp.log):
                weight = sp.Mul(*(g for g in fs if g is not f))
                other = weight / f.args[0]
                yield at_site(AXIOMS["gibbs_finite"], path, k=k, m=m, N=n,
                              p=abstract(weight, [k]), q=abstract(other, [k]))


gibbs = site_rule(
    "gibbs",
    r"D_{KL}\bigl[q||p\bigr] \geq 0, \quad \sum_k p_k\log\left[\frac{p_k}{q_k}\right] \geq 0",
    ["q and p densities of z", "finite form: p_k, q_k > 0, each summing to 1"], [_gibbs],
    "KL divergence", "Gibbs' inequality: the KL divergence is nonnegative",
    aliases=("kl_nonnegative", "Gibbs", "Gibbs' inequality"), sites=(KL,), bound=True)


# -- elementary bounds -------------------------------------------------------------------

def _constant_term(node, constant) -> sp.Basic | None:
    """The rest of a sum that has the term ``constant``."""
    if isinstance(node, sp.Add) and constant in node.args:
        return sp.Add(*(t for t in node.args if t != constant))
    return None


def _log_bound(node, path: Path, context: Context, target):
    if isinstance(node, sp.log):
        yield at_site(AXIOMS["log_at_most_x_minus_1"], path, x=node.args[0])
    rest = _constant_term(node, sp.Integer(-1))
    if rest is not None:
        yield at_site(AXIOMS["log_at_most_x_minus_1_reversed"], path, x=rest)


log_bound = site_rule(
    "log_bound", r"\log[x] \leq x - 1", ["x > 0"], [_log_bound], "log, or x - 1",
    "the log lies below its tangent at 1", aliases=("log_at_most_x_minus_1",),
    sites=(sp.log,), bound=True)


def _exp_bound(node, path: Path, context: Context, target):
    if isinstance(node, sp.exp):
        yield at_site(AXIOMS["exp_at_least_1_plus_x"], path, t=node.args[0])
    rest = _constant_term(node, sp.Integer(1))
    if rest is not None:
        yield at_site(AXIOMS["exp_at_least_1_plus_x_reversed"], path, t=rest)


exp_bound = site_rule(
    "exp_bound", r"e^{x} \geq 1 + x", ["x real"], [_exp_bound], "exp, or 1 + x",
    "the exponential lies above its tangent at 0", aliases=("exp_at_least_1_plus_x",),
    sites=(sp.exp,), bound=True)


def _log_sum_exp(node) -> tuple | None:
    """log(sum_k exp(a_k)) as (k, m, N, a_k)."""
    if isinstance(node, sp.log) and isinstance(node.args[0], sp.Sum) \
            and single_limit(node.args[0]) and isinstance(node.args[0].function, sp.exp):
        k, m, n = single_limit(node.args[0])
        return k, m, n, node.args[0].function.args[0]
    return None


def _lse_finder(schema: str, reversed_shape: Callable[[sp.Basic], tuple | None]):
    def find(node, path: Path, context: Context, target):
        found = _log_sum_exp(node)
        if found is not None:
            k, m, n, a = found
            yield at_site(AXIOMS[schema], path, k=k, m=m, N=n, f=abstract(a, [k]))
        found = reversed_shape(node)
        if found is not None:
            k, m, n, a = found
            yield at_site(AXIOMS[f"{schema}_reversed"], path, k=k, m=m, N=n,
                          f=abstract(a, [k]))
    return find


def _maximum(node) -> tuple | None:
    """max_k a_k as (k, m, N, a_k)."""
    if isinstance(node, Maximum) and len(node.limits) == 1 and len(node.limits[0]) == 3:
        return (*node.limits[0], node.function)
    return None


def _maximum_plus_log_count(node) -> tuple | None:
    if not isinstance(node, sp.Add) or len(node.args) != 2:
        return None
    for first, second in (node.args, node.args[::-1]):
        found = _maximum(first)
        if found is not None:
            k, m, n, _ = found
            if sp.expand(second - sp.log(n - m + 1)) == 0:
                return found
    return None


log_sum_exp_lower_bound = site_rule(
    "log_sum_exp_lower_bound", r"\log\sum_{k=1}^{K} e^{a_k} \geq \max_k a_k",
    ["a_k real", "at least one term"],
    [_lse_finder("log_sum_exp_at_least_max", _maximum)], "log-sum-exp",
    "log-sum-exp is at least the largest of its arguments", aliases=("lse_lower",),
    sites=(sp.Sum,), bound=True)

log_sum_exp_upper_bound = site_rule(
    "log_sum_exp_upper_bound", r"\log\sum_{k=1}^{K} e^{a_k} \leq \max_k a_k + \log K",
    ["a_k real", "at least one term"],
    [_lse_finder("log_sum_exp_at_most_max_plus_log_count", _maximum_plus_log_count)],
    "log-sum-exp", "log-sum-exp is at most the largest argument plus the log of their number",
    aliases=("lse_upper",), sites=(sp.Sum,), bound=True)


def _sum_and_max(node, path: Path, context: Context, target):
    if isinstance(node, sp.Sum) and single_limit(node):
        k, m, n = single_limit(node)
        body = abstract(node.function, [k])
        yield at_site(AXIOMS["sum_at_least_max_term"], path, k=k, m=m, N=n, f=body)
        yield at_site(AXIOMS["sum_at_most_count_times_max"], path, k=k, m=m, N=n, f=body)


sum_and_max_term = site_rule(
    "sum_and_max_term",
    r"\max_k a_k \leq \sum_{k=1}^{K} a_k \leq K \max_k a_k",
    ["a finite sum of at least one term", "at least: nonnegative terms"], [_sum_and_max],
    "finite sum", "a sum lies between its largest term (terms nonnegative) and K times it",
    aliases=("sum_at_least_max_term", "sum_at_most_count_times_max"), sites=(sp.Sum,),
    bound=True)


def _max_of_exp(node, path: Path, context: Context, target):
    found = _maximum(node)
    if found is not None and isinstance(found[3], sp.exp):
        k, m, n, body = found
        yield at_site(AXIOMS["max_of_exp"], path, k=k, m=m, N=n, f=abstract(body.args[0], [k]))


max_of_exp = site_rule(
    "max_of_exp", r"\max_k e^{a_k} = e^{\max_k a_k}", ["a_k real", "at least one term"],
    [_max_of_exp], "max of exponentials", "exp is increasing, so it commutes with max",
    sites=(Maximum,))


def _cauchy_schwarz(node, path: Path, context: Context, target):
    if isinstance(node, sp.Pow) and node.exp == 2 and isinstance(node.base, sp.Sum) \
            and single_limit(node.base):
        k, m, n = single_limit(node.base)
        for left, right in _splits(node.base.function):
            yield at_site(AXIOMS["cauchy_schwarz_finite"], path, k=k, m=m, N=n,
                          f=abstract(left, [k]), g=abstract(right, [k]))
    if isinstance(node, sp.Mul) and len(node.args) == 2 and all(
            isinstance(s, sp.Sum) and single_limit(s) and isinstance(s.function, sp.Pow)
            and s.function.exp == 2 for s in node.args):
        (k, m, n), (j, m2, n2) = (single_limit(s) for s in node.args)
        if (m, n) == (m2, n2):
            left = node.args[0].function.base
            right = node.args[1].function.base.xreplace({j: k})
            yield at_site(AXIOMS["cauchy_schwarz_finite_reversed"], path, k=k, m=m, N=n,
                          f=abstract(left, [k]), g=abstract(right, [k]))


cauchy_schwarz = site_rule(
    "cauchy_schwarz",
    r"\Bigl(\sum_k a_k b_k\Bigr)^2 \leq \Bigl(\sum_k a_k^2\Bigr)\Bigl(\sum_k b_k^2\Bigr)",
    ["a_k, b_k real", "finite sums"], [_cauchy_schwarz], "square of a sum of products",
    "the Cauchy-Schwarz inequality for finite sums", aliases=("Cauchy-Schwarz",),
    sites=(sp.Sum,), bound=True)


# -- bounds where the line written differs -----------------------------------------------

def _differences(before: sp.Basic, after: sp.Basic, path: Path = ()) -> list[Path]:
    """The outermost positions where ``after`` differs from ``before``."""
    if before == after:
        return []
    if (before.func != after.func or len(before.args) != len(after.args) or not before.args
            or kernel.bound_variables(before) != kernel.bound_variables(after)):
        return [path]
    return [p for k, (b, a) in enumerate(zip(before.args, after.args, strict=True))
            for p in _differences(b, a, (*path, k))]


def _bound_at(line, target, path: Path, context: Context) -> Bound | None:
    """A Bound at ``path`` from the line's subterm to the target's, in the direction the
    kernel can show (the difference positive: strict; else nonnegative), or None."""
    old, new = kernel.at(line, path), kernel.at(target, path)
    for kind, below, above in ((cond.positive, Relation.LT, Relation.GT),
                               (cond.nonnegative, Relation.LE, Relation.GE)):
        for relation, difference in ((below, new - old), (above, old - new)):
            if cond.check(kind(difference), context.hypotheses).holds:
                return Bound(new, relation, path)
    return None


def _termwise(before, target, context: Context, what: str,
              allowed: Callable[[sp.Basic, sp.Basic], bool]) -> list[Certificate]:
    if target is None:
        raise RuleDoesNotApply(say("rule.cite_last", rule=what))
    line, certificates = before, []
    for _ in range(20):
        paths = _differences(line, target)
        if not paths:
            break
        path = paths[0]
        if not allowed(kernel.at(line, path), kernel.at(target, path)):
            raise RuleDoesNotApply(say("rule.differ_otherwise", rule=what,
                                       old=kernel.at(line, path), new=kernel.at(target, path)))
        certificate = _bound_at(line, target, path, context)
        if certificate is None:
            raise RuleDoesNotApply(say("rule.sign_unshown", rule=what,
                                       new=kernel.at(target, path), old=kernel.at(line, path)))
        certificates.append(certificate)
        line = kernel.advance(line, certificate)
    if not certificates:
        raise RuleDoesNotApply(say("rule.nothing_bounded", rule=what))
    return certificates


def _is_dropped_terms(old, new) -> bool:
    kept = sp.Add.make_args(new)
    return isinstance(old, sp.Add) and set(kept) < set(old.args)


def _drop_nonnegative_term(before, target, context: Context):
    return _termwise(before, target, context, "drop_nonnegative_term", _is_dropped_terms)


drop_nonnegative_term = register(Rule(
    "drop_nonnegative_term", r"a + b \geq a \quad (b \geq 0)",
    ("the dropped terms are shown nonnegative (or nonpositive: then <=)",),
    _drop_nonnegative_term, "dropping a nonnegative term makes a sum no larger",
    aliases=("drop nonnegative term", "drop_nonpositive_term"), needs_target=True,
    bound=True))


def _termwise_bound(before, target, context: Context):
    return _termwise(before, target, context, "termwise_bound", lambda old, new: True)


termwise_bound = register(Rule(
    "termwise_bound",
    r"a \leq b \;\Rightarrow\; \sum_k a_k \leq \sum_k b_k,\; \int q\,a \leq \int q\,b,"
    r"\; \log[a] \leq \log[b]",
    ("where the lines differ, the difference is shown nonnegative",
     "every position above keeps or reverses the order (sums, positive factors, log, exp, "
     "integrands, finite sums, expectations)"),
    _termwise_bound, "a term replaced by one shown larger (or smaller), under monotone "
    "positions", aliases=("monotonicity", "termwise", "bound"), needs_target=True,
    bound=True))


__all__ = ["cauchy_schwarz", "choose", "drop_nonnegative_term", "exp_bound", "gibbs",
           "jensen", "log_bound", "log_sum_exp_lower_bound", "log_sum_exp_upper_bound",
           "max_of_exp", "reaches", "site_rule", "sum_and_max_term", "termwise_bound"]
