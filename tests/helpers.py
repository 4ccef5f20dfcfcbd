"""Shared test helpers: one-step derivations, and the symbols of the UDL chain."""

from __future__ import annotations

import sympy as sp

from derive import Derivation, check_derivation, data, density, model
from derive.checker import StepResult

z, y, x = sp.symbols("z y x", real=True)
theta, phi = sp.symbols("theta phi", real=True)
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)
c = sp.Symbol("c", real=True)  # of unknown sign
k = sp.Symbol("k", positive=True)
q, p = density("q"), density("p")
Pr = density("Pr", conditional=True)
f = model("f")
Y, X = data("y"), data("x")
oo = sp.oo


# The first lines of the small proof files that the command-line and plugin tests write.
PROOF_HEADER = """\
import sympy as sp
from derive import Derivation
from derive.rules import algebra, drop_constant, log_of_product

x = sp.Symbol("x", real=True)
u, v = sp.symbols("u v", positive=True)
"""


def integral(integrand, variable=y, low=-oo, high=oo):
    return sp.Integral(integrand, (variable, low, high))


def one_step(before, after, by, relation="=", instances=300, seed=1,
             hypotheses=()) -> StepResult:
    """Check the single step before -> after, as a derivation of one step."""
    d = Derivation("t", before)
    (d.eq if relation == "=" else d.define)(after, by=by, label="s", hypotheses=hypotheses)
    *definitions, result = check_derivation(d, seed=seed, instances=instances)
    assert all(r.entry.rule_names == "definition" for r in definitions)  # the step applies
    return result


def rewritten(rule, before, target=None):
    """The line the certificates ``rule`` proposes lead to, as the kernel computes it, and
    the certificates."""
    from derive import kernel

    certificates = rule(before, target)
    line = before
    for certificate in certificates:
        line = kernel.advance(line, certificate, target)
    return line, certificates


def document_verdicts(tmp_path, *lines: str) -> dict:
    """The verdict of every step of a Markdown document made of ``lines`` (one paragraph
    each), by the line it was written on; every display must be read."""
    from derive.latex import load_document

    path = tmp_path / "notes.md"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    document = load_document(path, search_budget=100)
    assert not document.report.unread, document.report.unread
    return {r.entry.location.line: r.verdict.status for d in document.derivations
            for r in check_derivation(d, instances=200)}


def statuses(derivation, instances=100) -> dict:
    """The verdict of every entry of a derivation, by its label."""
    return {r.label: r.verdict.status for r in check_derivation(derivation, instances=instances)}


def not_all_verified(derivation, instances=100) -> None:
    from derive import Status

    found = statuses(derivation, instances)
    assert any(s is not Status.VERIFIED for s in found.values()), found


def document_statuses(tmp_path, text: str) -> dict:
    """The verdict of every step of a Markdown document, by the line it was written on."""
    from derive.latex import load_document

    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    document = load_document(path, search_budget=100)
    return {r.entry.location.line: r.verdict.status for d in document.derivations
            for r in check_derivation(d, instances=100)}
