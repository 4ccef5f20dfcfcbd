"""Schemas: a law ``lhs = rhs`` (or ``lhs <= rhs``) with pattern variables and side
conditions, and its instance at a position of an expression, under a binding.

Pattern variables are the free symbols of ``lhs`` (scalars: any expression), the variables
its binders (and binders only the right side has) bind (bound: a symbol), its undefined
functions and its data arrays (functions: a ``Lambda`` of as many variables), and its
conditional densities (laws: a conditional density such as ``Pr``, itself, because one law
is applied with different arguments: Pr(x, z|phi), Pr(z|x, phi), Pr(x|phi)). Each is
replaced, when the schema is made, by an object of the kernel's own that no expression can
contain, so a binding never confuses a pattern variable with a symbol of the line. A
binding is proposed (by untrusted code); the kernel instantiates both sides, requires the
left to be the expression at the position, and returns the rewritten line with the
instantiated conditions.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef, UndefinedFunction

from derive.kernel import conditions as cond
from derive.kernel import terms
from derive.kernel.objects import AppliedConditionalDensity
from derive.kernel.terms import Path, alpha_equal, at, bound_variables, instantiate, replace_at
from derive.kernel.verdicts import DeriveError, Relation, say

TRUST = ("axiom", "symbolic", "numeric")
_pattern_ids = itertools.count()


class SchemaError(DeriveError):
    """A schema is malformed (the right side has a pattern variable the left lacks, a
    binding misses one, ...). The message (a key and its arguments) names the schema and
    what to change."""

    def __init__(self, key: str, **args):
        super().__init__(say(key, **args))


@dataclass(frozen=True)
class Schema:
    name: str
    lhs: sp.Basic
    rhs: sp.Basic
    relation: Relation
    conditions: tuple  # Condition over the pattern variables
    scalars: tuple  # Dummy
    bound: tuple  # Dummy
    functions: tuple  # UndefinedFunction
    trust: str = "axiom"  # axiom (the kernel's table), symbolic, or numeric (author's word)
    written: tuple = ()  # (lhs, rhs) as written, in ordinary symbols: what admission proves
    laws: tuple = ()  # UndefinedFunction, bound to a conditional density function

    @property
    def variables(self) -> tuple:
        return (*self.scalars, *self.bound, *self.functions, *self.laws)


def make_schema(name: str, lhs, rhs, conditions=(), relation: Relation = Relation.EQUAL,
                trust: str = "axiom") -> Schema:
    """A schema from expressions in ordinary symbols; ``conditions`` are Conditions over
    them; each symbol's declared assumptions are side conditions too."""
    if trust not in TRUST:
        raise SchemaError("schema.trust", name=name, known=", ".join(TRUST), trust=repr(trust))
    if relation is Relation.DEFINE:  # a law states equal values or a bound, never a definition
        raise SchemaError("schema.define", name=name)
    lhs, rhs = sp.sympify(lhs, strict=True), sp.sympify(rhs, strict=True)
    bound = {b for n in sp.preorder_traversal(lhs) for b in bound_variables(n)}
    # A binder only the right side has (an integral introduced) binds the variable the
    # binding names, so the line reads as its author wrote it.
    bound |= {b for n in sp.preorder_traversal(rhs) for b in bound_variables(n)} - \
        lhs.free_symbols
    arrays = {n.base for n in sp.preorder_traversal(lhs) if isinstance(n, sp.Indexed)}
    scalars = {s for s in lhs.free_symbols if isinstance(s, sp.Symbol)} - bound - {
        a.label for a in arrays}
    functions = {n.func for n in sp.preorder_traversal(lhs) if isinstance(n, AppliedUndef)}
    laws = {f for f in functions if issubclass(f, AppliedConditionalDensity)}
    functions -= laws
    rhs_names = ({s for s in rhs.free_symbols if isinstance(s, sp.Symbol)}
                 | {n.func for n in sp.preorder_traversal(rhs) if isinstance(n, AppliedUndef)})
    missing = rhs_names - scalars - functions - laws - {a.label for a in arrays} - set(arrays)
    if missing:
        raise SchemaError("schema.right_only", name=name, missing=", ".join(sorted(map(str, missing))))
    renaming: dict = {s: sp.Dummy(s.name, **s.assumptions0) for s in scalars | bound}
    for f in functions | laws:
        renaming[f] = UndefinedFunction(f.__name__, derive_pattern=next(_pattern_ids))
    for a in arrays:
        renaming[a] = UndefinedFunction(str(a.label), derive_pattern=next(_pattern_ids))
    own = tuple(_rename(c, renaming) for c in conditions)
    # An array declared real holds real entries: whatever an entry matches must be real.
    own += tuple(cond.real(_rename(n, renaming)) for n in sorted(
        {n for n in sp.preorder_traversal(lhs) if isinstance(n, sp.Indexed)
         and n.base.label.is_real}, key=str))
    # What a pattern matches must have each assumption its symbol, or its function, is
    # declared with (the proof at admission may use them): a condition each.
    applied = {n for n in sp.preorder_traversal(sp.Tuple(lhs, rhs))
               if isinstance(n, AppliedUndef) and n.func in functions}
    as_declared = tuple(c for x in sorted(scalars, key=str) + sorted(applied, key=str)
                        for c in assumed(name, x, _rename(x, renaming), trust))
    return Schema(name, _rename(lhs, renaming), _rename(rhs, renaming), relation,
                  as_declared + own, tuple(renaming[s] for s in sorted(scalars, key=str)),
                  tuple(renaming[b] for b in sorted(bound, key=str)),
                  tuple(renaming[f] for f in sorted(functions | arrays, key=str)), trust,
                  (lhs, rhs), tuple(renaming[f] for f in sorted(laws, key=str)))


# Each assumption a pattern can carry, as the condition on what it matches.
_KINDS = (("positive", cond.positive, 1), ("negative", cond.positive, -1),
          ("nonnegative", cond.nonnegative, 1), ("nonpositive", cond.nonnegative, -1),
          ("nonzero", cond.nonzero, 1), ("integer", cond.integer, 1), ("real", cond.real, 1))


def assumed(name: str, x: sp.Basic, pattern: sp.Basic, trust: str = "symbolic") -> list:
    """The conditions on what ``pattern`` (``x`` renamed, or a definition's body) stands
    for: one per assumption of x, without those the others imply. An author's schema (or a
    definition) whose symbol has an assumption no condition states (even, prime, ...) is
    refused: nothing would check it."""
    covered, conditions = {}, []
    for kind, condition, orientation in _KINDS:
        if getattr(x, f"is_{kind}") and not sp.Dummy(**covered).assumptions0.get(kind):
            conditions.append(condition(orientation * pattern))
            covered[kind] = True
    if isinstance(x, sp.Symbol) and trust != "axiom":
        implied = {k for k, v in sp.Dummy(**covered).assumptions0.items() if v}
        unchecked = sorted(k for k, v in x.assumptions0.items() if v and k not in implied)
        if unchecked:
            raise SchemaError("schema.assumption", name=name, symbol=x,
                              facts=", ".join(unchecked))
    return conditions


def _rename(x, renaming: dict):
    """Ordinary symbols, functions and arrays to the schema's own pattern variables."""
    if isinstance(x, cond.Condition):
        return cond.Condition(x.kind, tuple(_rename(s, renaming) for s in x.subject),
                              x.statement)
    if isinstance(x, tuple):
        return tuple(_rename(s, renaming) for s in x)
    if not isinstance(x, sp.Basic):
        return x
    if x in renaming and isinstance(x, sp.Symbol):
        return renaming[x]
    if isinstance(x, AppliedUndef) and x.func in renaming:
        return renaming[x.func](*(_rename(a, renaming) for a in x.args), evaluate=False)
    if isinstance(x, sp.Indexed) and x.base in renaming:
        return renaming[x.base](*(_rename(i, renaming) for i in x.indices))
    if not x.args:
        return x
    return terms.rebuild(x, [_rename(a, renaming) for a in x.args], evaluate=False)


_admitted: dict[int, Schema] = {}


def admit(schema: Schema, axiom: bool = False) -> Schema:
    """Let certificates use ``schema``. The kernel's own table is admitted as axioms; any
    other schema only if the kernel shows its two sides equal under its assumptions
    (trust "symbolic"), or as resting on its author's numeric evidence (trust "numeric":
    every step using it then rests on numeric evidence, never on a proof)."""
    if schema.trust == "axiom" and not axiom:
        raise SchemaError("schema.axiom", name=schema.name)
    if schema.trust == "symbolic":
        result = cond.check(cond.related(*schema.written, schema.relation))
        if result.holds is not True:
            raise SchemaError("schema.not_proved", name=schema.name, how=result.how)
    _admitted[id(schema)] = schema
    return schema


def instance(schema: Schema, line: sp.Basic, path: Path, binding: dict
             ) -> tuple[sp.Basic, tuple]:
    """The line with the schema's left side at ``path`` replaced by its right side, and the
    instantiated side conditions. Refused (SchemaError) unless the binding binds exactly the
    schema's pattern variables, each bound one to a symbol that no other value mentions,
    and the instantiated left side is the expression at ``path``."""
    if _admitted.get(id(schema)) is not schema:
        raise SchemaError("schema.not_admitted", name=schema.name)
    if set(binding) != set(schema.variables):
        raise SchemaError("schema.binding", name=schema.name,
                          variables=", ".join(map(str, schema.variables)))
    renames = {b: binding[b] for b in schema.bound}
    if not all(isinstance(v, sp.Symbol) for v in renames.values()):
        raise SchemaError("schema.bound_to_symbol", name=schema.name)
    if len(set(renames.values())) != len(renames):  # one would capture the other
        raise SchemaError("schema.bound_distinct", name=schema.name)
    values = {k: v for k, v in binding.items() if k not in renames}
    for k, v in values.items():
        if not isinstance(v, (sp.Basic, UndefinedFunction)):  # a Python 2, say: sympify it
            raise SchemaError("schema.value", name=schema.name, variable=k, value=repr(v))
    for f in schema.functions:
        if not isinstance(values[f], sp.Lambda):
            raise SchemaError("schema.lambda", name=schema.name, f=f)
    for f in schema.laws:
        if not (isinstance(values[f], UndefinedFunction)
                and issubclass(values[f], AppliedConditionalDensity)):
            raise SchemaError("schema.law", name=schema.name, f=f, value=values[f])
    escaping = set(renames.values()) & set().union(
        *(v.free_symbols for v in values.values() if isinstance(v, sp.Basic)))
    if escaping:
        raise SchemaError("schema.escape", name=schema.name,
                          escaping=", ".join(map(str, escaping)))
    site = at(line, path)
    left = instantiate(schema.lhs, values, renames)
    if not (alpha_equal(left, site) or alpha_equal(left, terms.evaluated(site))):
        raise SchemaError("schema.mismatch", name=schema.name, left=left, site=site)
    right = instantiate(schema.rhs, values, renames)
    # In a condition a bound variable stands alone, outside its binder: it is renamed too;
    # a binder of the condition's own (the weights' sum) binds the author's variable.
    everything = {**values, **renames}
    conditions = tuple(cond.condition(c.kind, *(_instantiate_subject(s, everything, renames)
                                                for s in c.subject))
                       for c in schema.conditions)
    return replace_at(line, path, right), conditions


def _instantiate_subject(s, values, renames):
    if isinstance(s, tuple):
        return tuple(_instantiate_subject(x, values, renames) for x in s)
    return instantiate(s, values, dict(renames)) if isinstance(s, sp.Basic) else s

__all__ = [
    "Schema", "SchemaError", "admit", "assumed", "instance", "make_schema",
]
