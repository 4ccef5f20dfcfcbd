"""The kernel's table of schemas: the laws it takes as given, each stated with every side
condition it needs. These are trusted: each is a textbook fact, and each is checked on
random instances by ``tests/test_kernel_axioms.py`` with wrong twins beside it.

Schemas a user or a rule pack adds are not here: ``derive.identities`` checks them, on
registration, symbolically and numerically before any step may use them.
"""

from __future__ import annotations

import sympy as sp

from derive.kernel import conditions as cond
from derive.kernel.objects import KL
from derive.kernel.schemas import Schema, admit, make_schema

oo = sp.oo
z, x, c = sp.symbols("z x c", real=True)
k = sp.Symbol("k")  # a constant factor: any complex number
lo, hi = sp.symbols("lo hi", extended_real=True)
a, b = sp.symbols("a b", positive=True)
n = sp.Symbol("n", real=True)
nonzero_a = sp.Symbol("a", real=True, nonzero=True)
i = sp.Symbol("i", integer=True)
first, last = sp.symbols("m N", integer=True)
f, g, h, q, p = (sp.Function(name) for name in "fghqp")


def _axioms() -> dict[str, Schema]:
    laws = [
        # D_KL[q||p] is defined as the expectation under q of log(q/p).
        make_schema("kl_definition", KL(q(z), p(z), z),
                    sp.Integral(q(z) * sp.log(q(z) / p(z)), (z, -oo, oo)),
                    [cond.density(q(z), z), cond.density(p(z), z)]),
        # log is a homomorphism from the positive reals under * to the reals under +.
        make_schema("log_of_product", sp.log(a * b), sp.log(a) + sp.log(b)),
        make_schema("log_of_power", sp.log(a ** n), n * sp.log(a)),
        make_schema("log_of_exp", sp.log(sp.exp(x, evaluate=False), evaluate=False), x),
        make_schema("log_of_finite_product", sp.log(sp.Product(f(i), (i, first, last))),
                    sp.Sum(sp.log(f(i)), (i, first, last)),
                    [cond.positive(f(i)), cond.finite(first), cond.finite(last)]),
        # Linearity of the integral, where each part converges.
        make_schema("integral_of_sum", sp.Integral(f(z) + g(z), (z, lo, hi)),
                    sp.Integral(f(z), (z, lo, hi)) + sp.Integral(g(z), (z, lo, hi)),
                    [cond.integrable(f(z), z, lo, hi), cond.integrable(g(z), z, lo, hi)]),
        make_schema("integral_of_multiple", sp.Integral(k * f(z), (z, lo, hi)),
                    k * sp.Integral(f(z), (z, lo, hi)), [cond.integrable(f(z), z, lo, hi)]),
        # Linearity of a finite sum.
        make_schema("sum_of_sum", sp.Sum(f(i) + g(i), (i, first, last)),
                    sp.Sum(f(i), (i, first, last)) + sp.Sum(g(i), (i, first, last)),
                    [cond.finite(first), cond.finite(last)]),
        make_schema("sum_of_multiple", sp.Sum(k * f(i), (i, first, last)),
                    k * sp.Sum(f(i), (i, first, last)), [cond.finite(first), cond.finite(last)]),
        # A finite sum and an integral commute where each term's integral converges.
        make_schema("swap_sum_integral",
                    sp.Integral(sp.Sum(f(i, z), (i, first, last)) * h(z), (z, lo, hi)),
                    sp.Sum(sp.Integral(f(i, z) * h(z), (z, lo, hi)), (i, first, last)),
                    [cond.finite(first), cond.finite(last),
                     cond.integrable(f(i, z) * h(z), z, lo, hi)]),
        # The delta sifts a function continuous at its point, over the whole line only
        # (at or beyond a finite bound it does not: SymPy issue 27300).
        make_schema("dirac_sifting", sp.Integral(g(z) * sp.DiracDelta(z - c), (z, -oo, oo)),
                    g(c), [cond.continuous(g(z), z)]),
        make_schema("dirac_sifting_reflected",
                    sp.Integral(g(z) * sp.DiracDelta(c - z), (z, -oo, oo)),
                    g(c), [cond.continuous(g(z), z)]),
        # delta(a x) = delta(x) / |a| for a real a != 0.
        make_schema("dirac_scaling", sp.DiracDelta(nonzero_a * x),
                    sp.DiracDelta(x) / sp.Abs(nonzero_a)),
    ]
    from derive.kernel import laws_bounds, laws_calculus  # the table's other sections

    laws += laws_calculus.laws() + laws_bounds.laws()
    names = [law.name for law in laws]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise RuntimeError(f"the kernel's schema table names {duplicated} twice")
    return {law.name: admit(law, axiom=True) for law in laws}


AXIOMS: dict[str, Schema] = _axioms()

__all__ = [
    "AXIOMS",
]
