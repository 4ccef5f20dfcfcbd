"""Finding where a rule applies: positions in a line, abstractions for a schema's function
variables, and applying a rule's finders until none fits. Untrusted: what is found here is a
proposal, and the kernel checks each one.

A finder looks at one node and proposes a certificate for it (a schema's rewrite, or an
algebraic step that brings the node into the schema's form), or returns None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import sympy as sp

from derive import kernel
from derive.kernel import Certificate, Message, Path, Schema, say
from derive.rules.base import RuleDoesNotApply

MAX_REWRITES = 200  # a bound on one rule's rewrites of one line: no rule loops

Finder = Callable[[sp.Basic, Path], Certificate | None]


def positions(e: sp.Basic, path: Path = ()) -> Iterator[tuple[Path, sp.Basic]]:
    """Every node of ``e`` with its position, outermost first."""
    yield path, e
    for k, a in enumerate(e.args):
        yield from positions(a, (*path, k))


def abstract(e: sp.Basic, variables: Sequence[sp.Symbol]) -> sp.Lambda:
    """``e`` as a function of ``variables``: the binding of a schema's function variable."""
    fresh = [sp.Dummy(v.name, **v.assumptions0) for v in variables]
    return sp.Lambda(tuple(fresh), e.xreplace(dict(zip(variables, fresh, strict=True))))


def schema_binding(schema: Schema, **values) -> dict:
    """A binding of ``schema``'s pattern variables, named as the schema names them."""
    by_name = {v.name if isinstance(v, sp.Symbol) else v.__name__: v for v in schema.variables}
    unknown = set(values) - set(by_name)
    if unknown:
        raise RuleDoesNotApply(say("rule.no_pattern_variable", schema=schema.name,
                                   names=", ".join(sorted(unknown))))
    return {by_name[name]: value for name, value in values.items()}


def at_site(schema: Schema, path: Path, **values) -> Certificate:
    return kernel.rewrite(schema, path, schema_binding(schema, **values))


def exhaust(line: sp.Basic, finders: Sequence[Finder], what: str,
            limit: int = MAX_REWRITES) -> list[Certificate]:
    """Certificates from ``finders``, applied one at a time at the outermost position one
    fits, until none fits anywhere. RuleDoesNotApply if none ever fits."""
    certificates: list[Certificate] = []
    why: list[Message | str] = []
    while len(certificates) < limit:
        found = _first(line, finders, why)
        if found is None:
            break
        try:
            line = kernel.advance(line, found)
        except (kernel.CertificateError, kernel.SchemaError) as e:
            raise RuleDoesNotApply(say("rule.refused_at", what=what, why=e.args[0])) from None
        certificates.append(found)
    if not certificates:
        raise RuleDoesNotApply(why[0] if why else say("rule.nothing_to_rewrite", what=what))
    return certificates


def _first(line: sp.Basic, finders: Sequence[Finder], why: list[Message | str]
           ) -> Certificate | None:
    """The first certificate a finder proposes, outermost first; a finder that sees why the
    rule cannot apply at a node says so (RuleDoesNotApply), and the search goes on."""
    for path, node in positions(line):
        for finder in finders:
            try:
                found = finder(node, path)
            except RuleDoesNotApply as e:
                why.append(e.reason)
                continue
            if found is not None:
                return found
    return None


def factors(e: sp.Basic) -> list[sp.Basic]:
    return list(e.args) if isinstance(e, sp.Mul) else [e]


def single_limit(node: sp.Basic) -> tuple | None:
    """The one limit (variable, low, high) of a sum, product or definite integral."""
    if isinstance(node, (sp.Sum, sp.Product, sp.Integral)) and len(node.limits) == 1 \
            and len(node.limits[0]) == 3:
        return tuple(node.limits[0])
    return None
