"""Audit 5: declared definitions, the numeric sampler's wide instances and tie rule, the
LaTeX reader's new conventions, the verdict cache, attacked as a hostile user or rule-pack
author would. Each test is a wrong step derive VERIFIED (or a correct one it REFUTED)
through a public entry point, with the counterexample (checked with mpmath at 50 digits)
in its docstring. Each fails on main's a363c38 and should pass once its hole is closed."""

from __future__ import annotations

import sympy as sp

from derive import Derivation, Status, check_derivation
from derive.rules import substitute

x, y, z = sp.symbols("x y z", real=True)
Q = sp.Q


def statuses(derivation, instances=100):
    return {r.label: r.verdict.status for r in check_derivation(derivation, instances=instances)}


def not_all_verified(derivation, instances=100):
    found = statuses(derivation, instances)
    assert any(s is not Status.VERIFIED for s in found.values()), found


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
