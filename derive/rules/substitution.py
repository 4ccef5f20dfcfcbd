"""Rules that apply a definition or a modelling substitution (relation ``:=``).

They are not proved equalities: they are assumptions, checked to be applied exactly and
everywhere, and shown as such.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from derive.kernel import Claim, Justification, fact
from derive.notation import OptimisationSet
from derive.rules.base import Context, Rule, RuleDoesNotApply


def substitute(definition) -> Rule:
    """Replace every application of a defined function by its definition:
    ``substitute(d)`` for ``d = derivation.let(q(y), rhs, label="5.28")``."""
    function, body = definition.as_function()

    def propose(before, target, context: Context) -> Justification:
        count = sum(1 for node in sp.preorder_traversal(before)
                    if isinstance(node, sp.core.function.AppliedUndef) and node.func == function)
        if count == 0:
            raise RuleDoesNotApply(f"substitute {definition.label}: {function} does not occur "
                                   f"in {before}")
        result = before.replace(lambda n: isinstance(n, sp.core.function.AppliedUndef)
                                and n.func == function, lambda n: body(*n.args))
        left = [n for n in sp.preorder_traversal(result)
                if isinstance(n, sp.core.function.AppliedUndef) and n.func == function]
        return Justification(
            f"substitute({definition.label})", result, Claim.DEFINITION,
            (fact(f"every {function} replaced", not left, f"{count} occurrence(s) replaced"),),
            f"substituted {definition.lhs} := {definition.rhs} ({definition.label})")

    return Rule(f"substitute({definition.label})",
                rf"{sp.latex(definition.lhs)} := {sp.latex(definition.rhs)}",
                ("every occurrence replaced",), propose,
                f"substitute the definition {definition.label}", origin="definition")


def reparametrise(old: sp.Symbol, new: sp.Expr, variables: Sequence[sp.Symbol]) -> Rule:
    """The modelling substitution ``old -> new`` with the optimisation moved to ``variables``:
    ``reparametrise(theta, f(x[i], phi), [phi])`` turns argmin over theta of F(theta) into
    argmin over phi of F(f[x_i, phi]). An assumption about the model, not a proved equality."""
    variables = tuple(variables)
    name = f"reparametrise({old} -> {new})"

    def propose(before, target, context: Context) -> Justification:
        if not isinstance(before, OptimisationSet) or old not in before.variables:
            raise RuleDoesNotApply(f"{name}: the line before must optimise over {old}")
        rest = tuple(v for v in before.variables if v != old)
        objective = before.objective.subs(old, new)
        result = type(before)(objective, *variables, *rest)
        return Justification(
            name, result, Claim.DEFINITION,
            (fact(f"every {old} replaced by {new}", old not in objective.free_symbols,
                  "none is left" if old not in objective.free_symbols else f"{old} is left"),
             fact(f"the objective depends on {', '.join(map(str, variables))}",
                  all(v in objective.free_symbols for v in variables),
                  "it does" if all(v in objective.free_symbols for v in variables)
                  else "the new variables do not occur: nothing is optimised")),
            f"modelling substitution {old} := {new}, optimising over "
            f"{', '.join(map(str, variables))}", substitution=((old, new),))

    return Rule(name, rf"{sp.latex(old)} := {sp.latex(new)}", ("every occurrence replaced",),
                propose, "a modelling substitution of the parameters", origin="modelling")


__all__ = ["reparametrise", "substitute"]
