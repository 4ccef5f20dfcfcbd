"""Audit 5: declared definitions, the numeric sampler's wide instances and tie rule, the
LaTeX reader's new conventions, the verdict cache, attacked as a hostile user or rule-pack
author would. Each test is a wrong step derive VERIFIED (or a correct one it REFUTED)
through a public entry point, with the counterexample (checked with mpmath at 50 digits)
in its docstring. Each failed on main's a363c38, before its hole was closed."""

from __future__ import annotations

import sympy as sp
from helpers import document_statuses, not_all_verified

from derive import Derivation, Status
from derive.rules import substitute

x, y, z = sp.symbols("x y z", real=True)
Q = sp.Q


def test_a_symbol_cannot_be_defined_against_its_own_assumptions():
    """x is declared positive, and step 1 (sqrt(x^2) = x) rests on it; then x := -1.
    Every entry is VERIFIED, and the chain concludes sqrt(x^2) = -1 assuming x := -1:
    at x = -1 that is 1 = -1. judge_definition never asks whether the body of a symbol
    definition has the symbol's assumptions (here positive)."""
    p = sp.Symbol("p", positive=True)
    d = Derivation("against_its_assumptions", sp.sqrt(p ** 2))
    d.eq(p, by="algebra", label="1")
    minus_one = d.let(p, -1, label="pdef")
    d.define(-1, by=substitute(minus_one), label="2")
    not_all_verified(d)


def test_the_first_term_peeled_off_a_sum_is_not_refuted(tmp_path):
    r"""$$\sum_{i=1}^{n} x_i = x_1 + \sum_{i=2}^{n} x_i$$ holds for every n >= 1 (the
    first term peeled off; at n = 1 the sum from 2 is empty). It is REFUTED ("the two
    sides differ: -3.0 vs 3.0"): the reader takes x_i inside the sum as x[i], but x_1
    outside it as a symbol x_1 of its own, so the numbers draw x_1 apart from x[1]."""
    found = document_statuses(tmp_path, "$$\\sum_{i=1}^{n} x_i = x_1 + \\sum_{i=2}^{n} x_i$$\n")
    assert found and Status.REFUTED not in found.values(), found
