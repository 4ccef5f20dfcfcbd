"""Rules that apply a definition (or fold one back) or a modelling substitution (relation
``:=``).

They are not proved equalities: they are assumptions, which the kernel applies exactly and
everywhere itself (capture-avoiding), and which are shown as such.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from derive.kernel import Define, Reparametrise, say
from derive.kernel.objects import OptimisationSet
from derive.rules.base import Context, Rule, RuleDoesNotApply


def substitute(definition) -> Rule:
    """Replace every occurrence of a defined name by its definition:
    ``substitute(d)`` for ``d = derivation.let(q(y), rhs, label="5.28")``."""
    lhs, rhs, label = definition.lhs, definition.rhs, definition.label

    def propose(before, target, context: Context):
        name = lhs if isinstance(lhs, sp.Symbol) else lhs.func
        if not before.has(name):
            raise RuleDoesNotApply(say("rule.absent", label=label, name=name, line=before))
        return [Define(lhs, rhs, label)]

    return Rule(f"substitute({label})", rf"{sp.latex(lhs)} := {sp.latex(rhs)}",
                ("every occurrence replaced",), propose,
                f"substitute the definition {label}", origin="definition",
                definitions=(definition,))


def fold(definition) -> Rule:
    """Give an expression its defined name: ``fold(d)`` for ``d = derivation.let(ELBO(theta,
    phi), rhs, label="17.16")`` turns the line that is ``rhs`` into ``ELBO(theta, phi)``;
    the kernel checks that unfolding the line written gives the line before."""
    lhs, rhs, label = definition.lhs, definition.rhs, definition.label

    def propose(before, target, context: Context):
        if target is None:
            raise RuleDoesNotApply(say("rule.cite_last", rule=f"fold {label}"))
        return [Define(lhs, rhs, label, fold=target)]

    return Rule(f"fold({label})", rf"{sp.latex(rhs)} =: {sp.latex(lhs)}",
                ("the line written, unfolded, is the line before",), propose,
                f"name an expression by the definition {label}", origin="definition",
                definitions=(definition,),
                needs_target=True)


def reparametrise(old: sp.Symbol, new: sp.Expr, variables: Sequence[sp.Symbol]) -> Rule:
    """The modelling substitution ``old -> new`` with the optimisation moved to ``variables``:
    ``reparametrise(theta, f(x[i], phi), [phi])`` turns argmin over theta of F(theta) into
    argmin over phi of F(f[x_i, phi]). An assumption about the model, not a proved equality."""
    variables = tuple(variables)
    name = f"reparametrise({old} -> {new})"

    def propose(before, target, context: Context):
        if not isinstance(before, OptimisationSet) or old not in before.variables:
            raise RuleDoesNotApply(say("rule.not_optimised", rule=name, old=old))
        return [Reparametrise(old, new, variables)]

    return Rule(name, rf"{sp.latex(old)} := {sp.latex(new)}", ("every occurrence replaced",),
                propose, "a modelling substitution of the parameters", origin="modelling")


__all__ = ["fold", "reparametrise", "substitute"]
