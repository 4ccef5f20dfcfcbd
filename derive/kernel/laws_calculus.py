"""The kernel's schema table, continued: calculus, expectations, and the algebra of
logs, exponentials and densities.

Trusted, like derive/kernel/axioms.py: each law a textbook fact stated with every side
condition it needs, each checked on random instances (with a wrong twin) by
tests/test_kernel_axioms_calculus.py.

Calculus. Derivatives the kernel takes itself (its canonical form), except through an
integral that depends on the variable: that is the fundamental theorem's, stated here with
its continuity condition. It never integrates: a definite integral is F(b) - F(a) for an
antiderivative F that a rule proposes and the kernel differentiates back. Integrals are
oriented (from ``lo`` to ``hi``, either way).

Expectations. ``E``, ``Var`` and ``Cov`` over one random variable or two, with no law stated
(an unstated joint law) or a density per variable (their product: the variables are then
independent by construction). As for integrals against a density, every expectation
written is assumed to exist (finite moments): that is the regularity assumption every step
with expectations rests on, as every step with integrals rests on its integrals converging.
Independence is never assumed: the laws that need it say so, and the kernel finds it only
among the step's hypotheses (``kernel.Independent(X, Y)``).
"""

from __future__ import annotations

import sympy as sp

from derive.kernel import conditions as cond
from derive.kernel.objects import Covariance, Expectation, NormalDensity, Variance, sig

oo = sp.oo
x, t, m = sp.symbols("x t m", real=True)
k = sp.Symbol("k")  # a constant factor: any complex number
nonzero_k = sp.Symbol("k", real=True, nonzero=True)
lo, hi = sp.symbols("lo hi", extended_real=True)
a, b = sp.symbols("a b", real=True)
v = sp.Symbol("v", positive=True)
X, Y = sp.symbols("X Y", real=True)
f, g, F, p, q = (sp.Function(name) for name in ("f", "g", "F", "p", "q"))


def _calculus() -> list:
    from derive.kernel.schemas import make_schema

    d = sp.Derivative
    return [
        # The fundamental theorem, both halves, where the integrand is continuous.
        make_schema("fundamental_theorem", d(sp.Integral(f(t), (t, a, x)), x), f(x),
                    [cond.continuous(f(t), t), cond.free_of(a, [x]),
                     cond.free_of(f(t), [x])]),
        make_schema("integral_of_derivative", sp.Integral(d(F(x), x), (x, a, b)),
                    F(b) - F(a), [cond.continuous_on(d(F(x), x), x, a, b)]),
        # Improper: F's value at an infinite bound, as SymPy's extended arithmetic gives it,
        # is its limit there when it is a finite number (else it is nan, infinite, or an
        # interval of values, never shown finite), and the integral converges to it.
        *(make_schema(f"integral_of_derivative_{name}", sp.Integral(d(F(x), x), (x, low, high)),
                      F(high) - F(low), [cond.continuous_on(d(F(x), x), x, low, high),
                                         cond.finite(F(low)), cond.finite(F(high))])
          for name, low, high in (("on_the_line", -oo, oo), ("to_infinity", a, oo),
                                  ("from_minus_infinity", -oo, b))),
        # An oriented integral changes sign with its bounds (a convention, which makes the
        # change of variables hold for a negative slope).
        make_schema("integral_reversed_bounds", sp.Integral(f(x), (x, lo, hi)),
                    -sp.Integral(f(x), (x, hi, lo))),
        # u = k x + m: du = k dx, and u runs from k lo + m to k hi + m as x runs from lo
        # to hi (over the whole line, either way: |k|).
        make_schema("linear_change_of_variable",
                    sp.Integral(f(nonzero_k * x + m) * nonzero_k, (x, lo, hi)),
                    sp.Integral(f(x), (x, nonzero_k * lo + m, nonzero_k * hi + m))),
        make_schema("linear_change_of_variable_on_the_line",
                    sp.Integral(f(nonzero_k * x + m) * sp.Abs(nonzero_k), (x, -oo, oo)),
                    sp.Integral(f(x), (x, -oo, oo))),
        # Integration by parts, for f and g continuously differentiable on [a, b].
        make_schema("integration_by_parts", sp.Integral(f(x) * d(g(x), x), (x, a, b)),
                    f(b) * g(b) - f(a) * g(a) - sp.Integral(d(f(x), x) * g(x), (x, a, b)),
                    [cond.continuous_on(d(f(x), x), x, a, b),
                     cond.continuous_on(d(g(x), x), x, a, b)]),
    ]


# The forms an average takes: its random variables and their laws (none, or one each).
FORMS = {"": ((X,), ()), "_under_law": ((X,), (p(X),)),
         "_joint": ((X, Y), ()), "_joint_under_laws": ((X, Y), (p(X), q(Y)))}


def _averages() -> list:
    from derive.kernel.schemas import make_schema

    laws = []
    for suffix, (variables, densities) in FORMS.items():
        def E(body, variables=variables, densities=densities):  # noqa: N802
            return Expectation(body, variables, densities)

        fv, gv = f(*variables), g(*variables)
        normalised = [cond.density(law, law.args[0]) for law in densities]
        laws += [
            make_schema(f"expectation_of_sum{suffix}", E(fv + gv), E(fv) + E(gv)),
            make_schema(f"expectation_of_multiple{suffix}", E(k * fv), k * E(fv)),
            make_schema(f"expectation_of_constant{suffix}", E(k), k, normalised),
            make_schema(f"variance_definition{suffix}", Variance(fv, variables, densities),
                        E((fv - E(fv)) ** 2)),
            make_schema(f"covariance_definition{suffix}",
                        Covariance((fv, gv), variables, densities),
                        E((fv - E(fv)) * (gv - E(gv)))),
        ]
    independent = [cond.independent(X, Y)]
    laws += [
        # Independence factorises: declared, never assumed.
        make_schema("expectation_of_independent_product",
                    Expectation(f(X) * g(Y), (X, Y)),
                    Expectation(f(X), (X,)) * Expectation(g(Y), (Y,)), independent),
        # The product of the laws given per variable is their joint law (Fubini).
        make_schema("expectation_of_product_under_laws",
                    Expectation(f(X) * g(Y), (X, Y), (p(X), q(Y))),
                    Expectation(f(X), (X,), (p(X),)) * Expectation(g(Y), (Y,), (q(Y),))),
        # A variable the body does not mention averages out (its marginal).
        make_schema("expectation_of_the_first", Expectation(f(X), (X, Y)),
                    Expectation(f(X), (X,))),
        make_schema("expectation_of_the_second", Expectation(g(Y), (X, Y)),
                    Expectation(g(Y), (Y,))),
        make_schema("expectation_of_the_first_under_laws",
                    Expectation(f(X), (X, Y), (p(X), q(Y))), Expectation(f(X), (X,), (p(X),)),
                    [cond.density(q(Y), Y)]),
        make_schema("expectation_of_the_second_under_laws",
                    Expectation(g(Y), (X, Y), (p(X), q(Y))), Expectation(g(Y), (Y,), (q(Y),)),
                    [cond.density(p(X), X)]),
        # An expectation under a density is the integral against it.
        make_schema("expectation_as_integral", Expectation(f(X), (X,), (p(X),)),
                    sp.Integral(f(X) * p(X), (X, -oo, oo)), [cond.density(p(X), X)]),
    ]
    return laws


def _densities() -> list:
    from derive.kernel.schemas import make_schema

    return [
        # N(x | m, v) for a variance v > 0.
        make_schema("normal_density_definition", NormalDensity(x, m, v),
                    sp.exp(-(x - m) ** 2 / (2 * v)) / sp.sqrt(2 * sp.pi * v)),
        make_schema("sigmoid_definition", sig(x), 1 / (1 + sp.exp(-x))),
    ]


def laws() -> list:
    return _calculus() + _averages() + _densities()
