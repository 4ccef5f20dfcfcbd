"""One checked step as text: both sides, the rule, each side condition, the evidence, a replay.

The command line (``derive check`` for steps not as expected, ``derive explain`` for any
step) and the pytest plugin (a failing item) print the same words, from here.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from pathlib import Path

import sympy as sp

from derive import kernel
from derive.checker import DEFAULT_INSTANCES, StepResult
from derive.derivation import Definition, Derivation, Entry, Location, Step
from derive.kernel import ConditionResult, Numeric, NumericVerdict, Status, Symbolic
from derive.messages import rests_on

__all__ = ["describe", "explanation", "failure_report", "headline", "latex", "numeric_summary",
           "replay_commands", "sides", "text", "trace_lines", "where"]

INDENT = "  "


def where(location: Location) -> str:
    """``file:line``, the file relative to the working folder when it is under it."""
    try:
        return f"{Path(location.file).resolve().relative_to(Path.cwd())}:{location.line}"
    except ValueError:
        return str(location)


def latex(e: sp.Basic) -> str:
    """``e`` in the book's notation, as the author wrote it (the reports' printer); a printer
    that fails (a notation class's bug) gives a note instead of a crash, so that a failure
    report is never lost to its own printing."""
    from derive.report.printer import to_latex  # only failures and explain print LaTeX

    try:
        return to_latex(e)
    except Exception as error:
        return f"(LaTeX printing failed: {type(error).__name__}: {error})"


def text(e: sp.Basic) -> str:
    """``str(e)``, with the same safety as ``latex``."""
    try:
        return str(e)
    except Exception as error:
        return f"(printing failed: {type(error).__name__}: {error}; srepr: {sp.srepr(e)})"


def sides(entry: Entry) -> tuple[sp.Expr, sp.Expr]:
    """The line before and the line written (for a definition: its two sides)."""
    if isinstance(entry, Definition):
        return entry.lhs, entry.rhs
    return entry.before, entry.after


def headline(result: StepResult) -> str:
    """``step 5.30b of kl_to_nll: REFUTED (expected VERIFIED)``, and for a wrong twin that
    is no longer refuted, what that means."""
    entry, status = result.entry, result.verdict.status
    what = f"step {entry.label} of {result.derivation.name}"
    if entry.expect == "refuted":
        if status is Status.REFUTED:
            return f"{what}: refuted as expected (a wrong twin)"
        return (f"{what}: {status.value}, but it is a wrong twin (expect=\"refuted\"): it must "
                f"be REFUTED. Either derive accepts a wrong step, or the twin is not wrong")
    if status is Status.VERIFIED:
        return f"{what}: VERIFIED"
    why = " (UNPROVEN is never a pass)" if status is Status.UNPROVEN else ""
    return f"{what}: {status.value} (expected VERIFIED){why}"


def numeric_summary(n: NumericVerdict) -> str:
    if n.status is Numeric.PASSED:
        worst = f", worst error {n.max_error:.1e}" if n.max_error is not None else ""
        return f"passed ({n.instances} instances{worst})"
    if n.status is Numeric.COUNTEREXAMPLE:
        return f"counterexample (seed {n.seed})"
    return "not applicable"


def replay_commands(path: Path | str, derivation: Derivation, entry: Entry, seed: int,
                    instances: int, neighbours: Sequence[Derivation] = ()) -> list[str]:
    """The command line and the pytest invocation that check this step again, alone.
    ``neighbours``: the derivations in the same file; where one of them uses the same
    label, ``--only`` names the derivation too."""
    others = [d for d in neighbours if d is not derivation]
    shared = any(e.label == entry.label for d in others for e in d.entries)
    only = f"{derivation.name}::{entry.label}" if shared else entry.label
    extra = f" --instances {instances}" if instances != DEFAULT_INSTANCES else ""
    derive = (f"derive check {shlex.quote(str(path))} --only {shlex.quote(only)} "
              f"--seed {seed}{extra}")
    node = shlex.quote(f"{path}::{derivation.name}::{entry.label}")
    pytest_extra = f" --derive-instances {instances}" if extra else ""
    return [derive, f"pytest {node} --derive-seed {seed}{pytest_extra}"]


def _condition_line(r: ConditionResult) -> str:
    mark = {True: "shown", False: "FAILS", None: "NOT SHOWN"}[r.holds]
    return f"[{mark}] {r.condition.statement}: {r.how}"


def _evidence_lines(result: StepResult, path: Path | str, seed: int, instances: int,
                    neighbours: Sequence[Derivation]) -> list[str]:
    v = result.verdict
    lines = [f"symbolic: {v.symbolic.status.value}; {v.symbolic.detail}"]
    lines += [INDENT + _condition_line(r) for r in v.symbolic.conditions]
    n = v.numeric
    lines.append(f"numeric:  {n.status.value}; {n.detail}" if n.detail
                 else f"numeric:  {n.status.value}")
    if n.status is Numeric.PASSED:
        lines.append(INDENT + numeric_summary(n))
    if n.counterexample:
        ce = n.counterexample
        lines.append(INDENT + f"counterexample: {json.dumps(ce.get('instance'))}")
        if "values" in ce:
            lines.append(INDENT + f"values: {json.dumps(ce['values'])}")
        lines.append(INDENT + f"seed: {ce.get('seed', n.seed)}")
    if v.status is Status.REFUTED:
        by = [what for what, holds in (
            ("a numeric counterexample", n.status is Numeric.COUNTEREXAMPLE),
            ("the symbolic check", v.symbolic.status is Symbolic.REFUTED)) if holds]
        lines.append(f"refuted by: {' and '.join(by)}")
    else:
        lines.append(f"rests on: {rests_on(v)}")
    lines += [f"note: {note}" for note in v.notes]
    replay_seed = n.seed if n.seed is not None else seed
    first, *rest = replay_commands(path, result.derivation, result.entry, replay_seed, instances,
                                   neighbours)
    lines.append(f"replay: {first}")
    lines += [f"        {command}" for command in rest]
    return lines


def _sides_lines(entry: Entry) -> list[str]:
    left, right = sides(entry)
    relation = entry.relation.value
    if isinstance(entry, Definition):
        return [f"definition: {text(left)} := {text(right)}",
                f"LaTeX:      {latex(left)} := {latex(right)}"]
    return [f"before:   {text(left)}", f"after:    {relation} {text(right)}",
            f"LaTeX:    {latex(left)}", f"          {relation} {latex(right)}"]


def failure_report(result: StepResult, path: Path | str, seed: int, instances: int,
                   neighbours: Sequence[Derivation] = ()) -> str:
    """What a failing step (not as expected) shows: where, the rule, both sides as text and
    LaTeX, the symbolic detail and side conditions, the counterexample, and a replay.
    ``neighbours``: the derivations in the same file (see ``replay_commands``)."""
    entry = result.entry
    lines = [headline(result)]
    if entry.location is not None:
        lines.append(f"written at {where(entry.location)}")
    lines.append(f"rule:     {entry.rule_names}")
    lines += _sides_lines(entry)
    lines += _evidence_lines(result, path, seed, instances, neighbours)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# ``derive explain``: what each rule of the step rewrote.


def describe(certificate) -> str:
    """A certificate in words, for the reader (the kernel interprets it; this only tells)."""
    if isinstance(certificate, kernel.Rewrite):
        return f"schema {certificate.schema.name} at position {list(certificate.path)}"
    if isinstance(certificate, kernel.Algebra):
        where_ = f" at position {list(certificate.path)}" if certificate.path else ""
        return f"algebra{where_}: equal by a canonical form of the difference"
    if isinstance(certificate, kernel.Affine):
        return (f"affine change of the objective: scale {text(certificate.scale)}, "
                f"offset {text(certificate.offset)}")
    if isinstance(certificate, kernel.Monotone):
        way = "back from" if certificate.inverse else "through"
        return f"strictly increasing transform: {way} {certificate.transform}"
    if isinstance(certificate, kernel.Flip):
        return "argmax F = argmin -F"
    if isinstance(certificate, kernel.Define):
        how = "folded back into its name" if certificate.fold is not None else "applied"
        label = f" ({certificate.label})" if certificate.label else ""
        return f"definition {text(certificate.lhs)} := {text(certificate.rhs)}{label} {how}"
    if isinstance(certificate, kernel.Reparametrise):
        return (f"modelling substitution {text(certificate.old)} := {text(certificate.new)}, "
                f"optimising over {', '.join(map(text, certificate.variables))}")
    return type(certificate).__name__


def trace_lines(result: StepResult) -> list[str]:
    """What each rule of the step proposed, certificate by certificate, with the line each
    led to (as the kernel computed it), or why the rule did not apply."""
    step = result.entry
    lines_by_certificate = dict(result.verdict.symbolic.trace)
    lines, current = [], step.before
    for name, certificates in result.proposals:
        rule = next((r for r in step.rules if r.name == name), None)
        lines.append(f"{INDENT}{name}: {rule.statement if rule else ''}")
        lines.append(f"{INDENT * 2}from: {text(current)}")
        for c in certificates:
            lines.append(f"{INDENT * 2}- {describe(c)}")
            if c in lines_by_certificate:
                current = lines_by_certificate[c]
        lines.append(f"{INDENT * 2}to:   {text(current)}")
    if len(result.proposals) < len(step.rules):
        missing = step.rules[len(result.proposals)]
        lines.append(f"{INDENT}{missing.name}: {missing.statement}")
        lines.append(f"{INDENT * 2}did not apply: {result.verdict.symbolic.detail}")
    return lines


def explanation(result: StepResult, path: Path | str, seed: int, instances: int,
                neighbours: Sequence[Derivation] = ()) -> str:
    """One step in full: where, both sides, what each rule rewrote, every side condition
    and how it was shown, the numeric evidence, and how to replay it."""
    entry = result.entry
    lines = [headline(result), f"derivation: {result.derivation.name}"
             + (f" ({result.derivation.title})" if result.derivation.title else "")]
    if entry.location is not None:
        lines.append(f"written at {where(entry.location)}")
    lines.append(f"relation: {entry.relation.value}   rule: {entry.rule_names}")
    if entry.note:
        lines.append(f"note:     {entry.note}")
    if entry.hypotheses:
        lines.append(f"hypotheses: {', '.join(map(str, entry.hypotheses))}")
    lines += _sides_lines(entry)
    if isinstance(entry, Step):
        lines.append("rules, in order (each proposes certificates; the kernel checks them):")
        lines += trace_lines(result)
    lines.append(f"checked in {result.seconds:.2f}s")
    lines += _evidence_lines(result, path, seed, instances, neighbours)
    return "\n".join(lines)
