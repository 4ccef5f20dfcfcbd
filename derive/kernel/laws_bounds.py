"""The kernel's schema table, continued: bounds (Jensen, Gibbs, log x <= x - 1, ...)
and the rules of probability.

Trusted, like derive/kernel/axioms.py: each law a textbook fact stated with every side
condition it needs, each checked on random instances (with a wrong twin) by
tests/test_kernel_axioms_bounds.py.

A bound is stated in both directions (``log E[h] >= E[log h]`` and ``E[log h] <= log
E[h]``): a schema rewrites its left side into its right, so a line that holds either side
can be bounded. The laws of probability are stated for zero, one and two conditions after
the bar (``Pr(x, z)``, ``Pr(x, z|phi)``, ``Pr(x, z|phi, theta)``): a conditional density
is one joint law applied to the variables its arguments name (objects.py).
"""

from __future__ import annotations

import sympy as sp

from derive.kernel import conditions as cond
from derive.kernel.objects import KL, AppliedConditionalDensity, Expectation, Maximum
from derive.kernel.schemas import Schema, make_schema
from derive.kernel.verdicts import Relation

oo = sp.oo
LE, GE = Relation.LE, Relation.GE
k = sp.Symbol("k", integer=True)
first, last = sp.symbols("m N", integer=True)
z = sp.Symbol("z", real=True)
t = sp.Symbol("t", real=True)
x = sp.Symbol("x", positive=True)
a_, b_, c1, c2 = sp.symbols("a b c1 c2")
w, y, f, g, h, p, q = (sp.Function(name) for name in ("w", "y", "f", "g", "h", "p", "q"))
Pr = sp.core.function.UndefinedFunction("Pr", bases=(AppliedConditionalDensity,))


def _sum(body):
    return sp.Sum(body, (k, first, last))


def _finite():
    return [cond.finite(first), cond.finite(last)]


def _integral(body):
    return sp.Integral(body, (z, -oo, oo))


def _both_ways(name: str, lhs, rhs, relation: Relation, conditions) -> list[Schema]:
    """``lhs relation rhs``, and the same fact read from its right side."""
    reverse = LE if relation is GE else GE
    return [make_schema(name, lhs, rhs, conditions, relation),
            make_schema(f"{name}_reversed", rhs, lhs, conditions, reverse)]


# Jensen's inequality: g(E[y]) >= E[g(y)] for a concave g, <= for a convex one, where y
# lies in g's domain. (-log is convex: the log's bound reversed by the factor -1.)
_JENSEN = [  # (name, g, concave?, y's domain)
    ("log", sp.log, True, cond.positive),
    ("sqrt", sp.sqrt, True, cond.nonnegative),
    ("exp", sp.exp, False, cond.real),
    ("square", lambda u: u ** 2, False, cond.real),
]


def _jensen() -> list[Schema]:
    laws = []
    for name, g_, concave, domain in _JENSEN:
        relation = GE if concave else LE
        # Finite: nonnegative weights summing to one.
        weights = [cond.nonnegative(w(k)), cond.equal(_sum(w(k)), 1), *_finite()]
        laws += _both_ways(f"jensen_{name}_finite", g_(_sum(w(k) * y(k))),
                           _sum(w(k) * g_(y(k))), relation, [domain(y(k)), *weights])
        # Integral: against a density of z, where both integrals converge.
        laws += _both_ways(f"jensen_{name}_integral", g_(_integral(p(z) * h(z))),
                           _integral(p(z) * g_(h(z))), relation,
                           [cond.density(p(z), z), domain(h(z)),
                            cond.integrable(p(z) * h(z), z, -oo, oo),
                            cond.integrable(p(z) * g_(h(z)), z, -oo, oo)])
        # Expectation: over any law of z (the book's 17.10-17.11).
        laws += _both_ways(f"jensen_{name}_expectation", g_(Expectation(h(z), [z])),
                           Expectation(g_(h(z)), [z]), relation, [domain(h(z))])
    return laws


def _gibbs() -> list[Schema]:
    # Gibbs' inequality: D_KL[q||p] >= 0 for densities, and for distributions on m..N.
    return [
        make_schema("kl_nonnegative", KL(q(z), p(z), z), sp.Integer(0),
                    [cond.density(q(z), z), cond.density(p(z), z)], GE),
        make_schema("gibbs_finite", _sum(p(k) * sp.log(p(k) / q(k))), sp.Integer(0),
                    [cond.positive(p(k)), cond.positive(q(k)), cond.equal(_sum(p(k)), 1),
                     cond.equal(_sum(q(k)), 1), *_finite()], GE),
    ]


def _elementary() -> list[Schema]:
    count = last - first + 1
    nonempty = [cond.nonnegative(last - first), *_finite()]
    return [
        # log x <= x - 1 (the tangent at 1 lies above the concave log).
        *_both_ways("log_at_most_x_minus_1", sp.log(x), x - 1, LE, []),
        # e^t >= 1 + t (the tangent at 0 lies below the convex exp).
        *_both_ways("exp_at_least_1_plus_x", sp.exp(t), 1 + t, GE, []),
        # max_k a_k <= log sum_k e^{a_k} <= max_k a_k + log K.
        *_both_ways("log_sum_exp_at_least_max", sp.log(_sum(sp.exp(f(k)))),
                    Maximum(f(k), (k, first, last)), GE, [cond.real(f(k)), *nonempty]),
        *_both_ways("log_sum_exp_at_most_max_plus_log_count", sp.log(_sum(sp.exp(f(k)))),
                    Maximum(f(k), (k, first, last)) + sp.log(count), LE,
                    [cond.real(f(k)), *nonempty]),
        # A sum of nonnegative terms is at least its largest; any sum is at most the count
        # of its terms times the largest; exp, increasing, commutes with max.
        make_schema("sum_at_least_max_term", _sum(f(k)), Maximum(f(k), (k, first, last)),
                    [cond.nonnegative(f(k)), *nonempty], GE),
        make_schema("sum_at_most_count_times_max", _sum(f(k)),
                    count * Maximum(f(k), (k, first, last)), [cond.real(f(k)), *nonempty],
                    LE),
        make_schema("max_of_exp", Maximum(sp.exp(f(k)), (k, first, last)),
                    sp.exp(Maximum(f(k), (k, first, last))), [cond.real(f(k)), *nonempty]),
        # Cauchy-Schwarz: (sum a_k b_k)^2 <= (sum a_k^2)(sum b_k^2).
        *_both_ways("cauchy_schwarz_finite", _sum(f(k) * g(k)) ** 2,
                    _sum(f(k) ** 2) * _sum(g(k) ** 2), LE,
                    [cond.real(f(k)), cond.real(g(k)), *_finite()]),
    ]


_CONDITIONS = {"": (), "_given_1": (c1,), "_given_2": (c1, c2)}


def _probability() -> list[Schema]:
    """The product rule, Bayes' rule and marginalisation, after each number of conditions;
    a density integrates to one; the KL divergence read back from its integral."""
    laws = []
    for suffix, given in _CONDITIONS.items():
        joint = Pr(sp.Tuple(a_, b_), *given)
        laws += [
            # Pr(a, b|C) = Pr(b|a, C) Pr(a|C), and in the other order.
            make_schema(f"product_rule{suffix}", joint, Pr(b_, a_, *given) * Pr(a_, *given)),
            make_schema(f"product_rule_other_order{suffix}", joint,
                        Pr(a_, b_, *given) * Pr(b_, *given)),
            # Pr(a|b, C) = Pr(b|a, C) Pr(a|C) / Pr(b|C).
            make_schema(f"bayes_rule{suffix}", Pr(a_, b_, *given),
                        Pr(b_, a_, *given) * Pr(a_, *given) / Pr(b_, *given)),
            # Pr(a|C) = int Pr(a, z|C) dz, read either way, with z first or second.
            make_schema(f"marginalisation{suffix}", _integral(Pr(sp.Tuple(a_, z), *given)),
                        Pr(a_, *given)),
            make_schema(f"marginalisation_first{suffix}",
                        _integral(Pr(sp.Tuple(z, a_), *given)), Pr(a_, *given)),
            make_schema(f"marginal_as_integral{suffix}", Pr(a_, *given),
                        _integral(Pr(sp.Tuple(a_, z), *given))),
        ]
        if len(given) == 1:  # Pr(a|b) = Pr(a): a independent of b. With more conditions
            # it would take a independent of b given the rest, which no hypothesis states.
            laws.append(make_schema(f"drop_independent_condition{suffix}_1", Pr(a_, *given),
                                    Pr(a_), [cond.independent(a_, given[0])]))
    densities = [cond.density(q(z), z), cond.density(p(z), z)]
    laws += [
        make_schema("density_integrates_to_one", _integral(p(z)), sp.Integer(1),
                    [cond.density(p(z), z)]),
        make_schema("kl_from_integral", _integral(q(z) * sp.log(q(z) / p(z))),
                    KL(q(z), p(z), z), densities),
        make_schema("negative_kl_from_integral", _integral(q(z) * sp.log(p(z) / q(z))),
                    -KL(q(z), p(z), z), densities),
    ]
    return laws


def laws() -> list[Schema]:
    return _jensen() + _gibbs() + _elementary() + _probability()
