"""Rules of expectations: E is linear, E[c] = c, Var and Cov are expectations, independence
factorises (only where a hypothesis declares it), and an expectation under a density is the
integral against it. Each proposes instances of the laws in derive/kernel/laws_calculus.py;
the kernel checks every one, independence included.
"""

from __future__ import annotations

import sympy as sp

from derive import kernel
from derive.kernel import AXIOMS, Algebra, Converse, Path, say
from derive.kernel.laws_calculus import FORMS
from derive.kernel.objects import Covariance, Expectation, Independent, Variance, _Average
from derive.rules.base import Context, Rule, RuleDoesNotApply, register
from derive.rules.sites import Finder, abstract, at_site, exhaust, factors


def _form(node: _Average) -> tuple[str, dict] | None:
    """Which of the laws' forms an average takes (one or two variables; no law, or one
    density per variable, in order), and the binding of its variables and laws."""
    variables, laws = node.variables, node.laws
    if len(variables) > 2 or (laws and (len(laws) != len(variables) or any(
            len(law.args) < 1 or law.args[0] != v for law, v in zip(laws, variables,
                                                                        strict=True)))):
        return None
    suffix = next(s for s, (vs, ls) in FORMS.items()
                  if len(vs) == len(variables) and len(ls) == len(laws))
    binding = dict(zip(("X", "Y"), variables, strict=False))
    binding.update({name: abstract(law, [v]) for name, law, v
                    in zip(("p", "q"), laws, variables, strict=False)})
    return suffix, binding


def _body_path(path: Path, k: int = 0) -> Path:
    return (*path, 0, k)  # an average's args: (Tuple(bodies), Tuple(variables), Tuple(laws))


def _expanded(node: _Average, path: Path, k: int = 0):
    body = node.bodies[k]
    expanded = sp.expand(body)
    if expanded != body:
        return Algebra(expanded, _body_path(path, k))
    return None


def _linearity(node, path: Path):
    if not isinstance(node, Expectation) or (form := _form(node)) is None:
        return None
    suffix, binding = form
    variables, body = node.variables, node.body
    mentioned = body.free_symbols & set(variables)
    if not mentioned:
        return at_site(AXIOMS[f"expectation_of_constant{suffix}"], path, k=body, **binding)
    if isinstance(body, sp.Add):
        first, *rest = body.args
        return at_site(AXIOMS[f"expectation_of_sum{suffix}"], path,
                       f=abstract(first, variables), g=abstract(sp.Add(*rest), variables),
                       **binding)
    constant = [f for f in factors(body) if not f.free_symbols & set(variables)]
    if constant:
        rest = sp.Mul(*(f for f in factors(body) if f.free_symbols & set(variables)))
        return at_site(AXIOMS[f"expectation_of_multiple{suffix}"], path, k=sp.Mul(*constant),
                       f=abstract(rest, variables), **binding)
    if len(variables) == 2 and len(mentioned) == 1:
        return _marginal(node, path, binding)
    return _expanded(node, path)


def _marginal(node: Expectation, path: Path, binding: dict):
    """E over (X, Y) of a body that mentions one of them: its marginal expectation."""
    first, second = node.variables
    which = "first" if first in node.body.free_symbols else "second"
    laws = "_under_laws" if node.laws else ""
    kept = first if which == "first" else second
    return at_site(AXIOMS[f"expectation_of_the_{which}{laws}"], path,
                   **{"f" if which == "first" else "g": abstract(node.body, [kept])},
                   **binding)


def _independence(node, path: Path):
    """E over (X, Y) of a product of a factor in X and one in Y (constants pulled out
    first): the product of the expectations, if X and Y are independent."""
    if not (isinstance(node, Expectation) and len(node.variables) == 2
            and (form := _form(node)) is not None):
        return None
    binding = form[1]
    first, second = node.variables
    parts = factors(node.body)
    in_first = [f for f in parts if f.free_symbols & {first, second} == {first}]
    in_second = [f for f in parts if f.free_symbols & {first, second} == {second}]
    if not in_first or not in_second or len(in_first) + len(in_second) != len(parts):
        return None
    law = ("expectation_of_product_under_laws" if node.laws else
           "expectation_of_independent_product")
    return at_site(AXIOMS[law], path, f=abstract(sp.Mul(*in_first), [first]),
                   g=abstract(sp.Mul(*in_second), [second]), **binding)


def _definition(node, path: Path):
    if not isinstance(node, (Variance, Covariance)) or (form := _form(node)) is None:
        return None
    suffix, binding = form
    variables = node.variables
    if isinstance(node, Variance):
        return at_site(AXIOMS[f"variance_definition{suffix}"], path,
                       f=abstract(node.body, variables), **binding)
    a, b = node.bodies
    return at_site(AXIOMS[f"covariance_definition{suffix}"], path,
                   f=abstract(a, variables), g=abstract(b, variables), **binding)


def _as_integral(node, path: Path):
    if not isinstance(node, Expectation) or (form := _form(node)) is None:
        return None
    suffix, binding = form
    if suffix != "_under_law":
        return None
    return at_site(AXIOMS["expectation_as_integral"], path,
                   f=abstract(node.body, node.variables), **binding)


def _rule(name: str, statement: str, side_conditions, finders: list[Finder], what: str,
          summary: str, aliases=(), sites=(Expectation,)) -> Rule:
    def propose(before, target, context: Context):
        return exhaust(before, finders, what)

    return register(Rule(name, statement, tuple(side_conditions), propose, summary,
                         tuple(aliases), sites=tuple(sites)))


expectation_linearity = _rule(
    "expectation_linearity",
    r"\mathbb{E}\bigl[a\,f(X) + b\,g(X) + c\bigr] = a\,\mathbb{E}[f(X)] + b\,\mathbb{E}[g(X)] + c",
    ["a, b, c free of the random variables", "the expectations exist",
     "a law given: a density"], [_linearity], "expectation",
    "linearity of expectation: split sums, pull out constants, E[c] = c, average out a "
    "variable the body does not mention",
    aliases=("linearity of expectation", "linearity of E"))

variance_definition = _rule(
    "variance_definition",
    r"\mathrm{Var}[f] = \mathbb{E}\bigl[(f - \mathbb{E}[f])^2\bigr], \quad "
    r"\mathrm{Cov}[f, g] = \mathbb{E}\bigl[(f - \mathbb{E}[f])(g - \mathbb{E}[g])\bigr]",
    [], [_definition], "variance or covariance",
    "the definitions of the variance and the covariance",
    aliases=("covariance_definition", "definition of the variance"),
    sites=(Variance, Covariance))

independence = _rule(
    "independence",
    r"\mathbb{E}_{X,Y}\bigl[f(X)\,g(Y)\bigr] = \mathbb{E}_X[f(X)]\;\mathbb{E}_Y[g(Y)]",
    ["X and Y independent (declared: kernel.Independent(X, Y)), or each with its own law"],
    [_independence], "expectation of a product",
    "the expectation of a product of independent factors is the product of expectations",
    aliases=("independent", "expectation of independent product"))

expectation_as_integral = _rule(
    "expectation_as_integral",
    r"\mathbb{E}_{x \sim p}\bigl[f(x)\bigr] = \int_{-\infty}^{\infty} f(x)\,p(x)\,dx",
    ["p a density of x"], [_as_integral], "expectation under a density",
    "an expectation under a density is the integral against it",
    aliases=("expectation under a density",))


# -- both lines to the same expectations ---------------------------------------------------

_UNFOLD = [_definition, _linearity]


def _normal_form(line: sp.Basic, finders: list[Finder]) -> tuple[list, sp.Basic]:
    """Certificates taking ``line`` to expectations of single terms (none if it has none)."""
    try:
        certificates = exhaust(line, finders, "expectation")
    except RuleDoesNotApply:
        return [], line
    for certificate in certificates:
        line = kernel.advance(line, certificate)
    return certificates, line


def _declared_independent(context: Context) -> bool:
    return any(isinstance(h, Independent) for h in context.hypotheses)


def _expectation_algebra(before, target, context: Context):
    if target is None:
        raise RuleDoesNotApply(say("rule.expectation_last"))
    attempts = [_UNFOLD, [*_UNFOLD, _independence]]
    if _declared_independent(context):
        attempts.reverse()
    for finders in attempts:
        forward, reached = _normal_form(before, finders)
        backward, written = _normal_form(target, finders)
        if not forward and not backward:
            continue
        with kernel.cheaply():
            closes = kernel.equal_values(reached, written)[0]
        if closes or finders is attempts[-1]:
            # the last attempt is proposed even if it does not close: the kernel then
            # says what is missing (an independence not declared, a term that differs)
            return [*forward, Converse(tuple(backward))] if backward else forward
    raise RuleDoesNotApply(say("rule.no_expectation"))


expectation_algebra = register(Rule(
    "expectation_algebra",
    r"\mathrm{Var}[X] = \mathbb{E}\bigl[(X - \mathbb{E}[X])^2\bigr] = \mathbb{E}[X^2] - \mathbb{E}[X]^2",
    ("the expectations exist", "independence only where declared"), _expectation_algebra,
    "both lines unfolded to expectations of single terms (variance and covariance "
    "definitions, linearity, independence where declared) and compared",
    aliases=("variance identity", "variance_identity", "covariance identity"),
    needs_target=True, sites=(_Average,)))

__all__ = ["expectation_algebra", "expectation_as_integral", "expectation_linearity",
           "independence", "variance_definition"]
