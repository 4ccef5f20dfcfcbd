"""Certificates, and the kernel's judgement of a step from them.

A rule proposes certificates; it never hands the kernel a line to believe. The kernel
interprets each in turn on the line before, computing the line it leads to and every side
condition, then compares the last line with the line written. The closed set:

    Rewrite(schema, path, binding)   a schema's instance at a position (= or a bound)
    Algebra(to)                      the line equals ``to`` (a canonical form of the difference is 0)
    Affine(scale, offset, to)        argmin F = argmin G with F = scale*G + offset, scale > 0,
                                     both free of the optimisation variables, offset real
    Monotone(transform, inverse, to) argmin F = argmin h(F), h strictly increasing on its domain
    Flip()                           argmax F = argmin -F (and back)
    Define(lhs, rhs, fold)           a definition applied everywhere (or folded back): :=
    Reparametrise(old, new, variables)  a modelling substitution under argmin: :=
    Bound(to, relation, path)        the expression there is <= (<, >=, >) ``to``: the kernel
                                     shows the difference nonnegative (positive)
    Converse(certificates)           the line written, under the certificates, reaches the
                                     line so far (equalities read from their other end)

A schema that is a bound (Jensen, log x <= x - 1), or a Bound, applied inside a line bounds
the whole line only through positions that keep or reverse order: a sum's terms, a factor
of known sign, an increasing function's argument, an integrand over ordered bounds, a
finite sum's terms, an expectation's body. The kernel computes that polarity itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.kernel import conditions as cond
from derive.kernel import terms, verdicts
from derive.kernel.equality import cancelled
from derive.kernel.objects import AppliedDensity, ArgMax, ArgMin, Expectation, OptimisationSet, sig
from derive.kernel.schemas import Schema, SchemaError, assumed, instance
from derive.kernel.signs import sign
from derive.kernel.terms import Path, alpha_equal, at, replace_at
from derive.kernel.verdicts import Claim, DeriveError, Relation, Symbolic, SymbolicVerdict, say


class CertificateError(DeriveError):
    """A certificate does not fit the line it is applied to; the message (a key and its
    arguments) says why."""

    def __init__(self, key: str, **args):
        super().__init__(say(key, **args))


@dataclass(frozen=True)
class Rewrite:
    schema: Schema
    path: Path
    binding: tuple  # ((pattern variable, value), ...)


@dataclass(frozen=True)
class Algebra:
    to: sp.Basic | None = None  # None: the line written
    path: Path = ()  # where: the expression there equals ``to`` (the rest is kept)


@dataclass(frozen=True)
class Affine:
    scale: sp.Basic
    offset: sp.Basic
    to: sp.Basic | None = None


@dataclass(frozen=True)
class Monotone:
    transform: str
    inverse: bool = False  # the line before is h of the line after
    to: sp.Basic | None = None


@dataclass(frozen=True)
class Flip:
    pass


@dataclass(frozen=True)
class Define:
    lhs: sp.Basic
    rhs: sp.Basic
    label: str = ""
    fold: sp.Basic | None = None  # the line with the definition folded back into its name


@dataclass(frozen=True)
class Reparametrise:
    old: sp.Symbol
    new: sp.Basic
    variables: tuple


@dataclass(frozen=True)
class Bound:
    to: sp.Basic | None = None  # None: the line written
    relation: Relation = Relation.LE  # the expression at ``path``, relation, ``to``
    path: Path = ()


@dataclass(frozen=True)
class Converse:
    """Equality read from its other end: the line written, under ``certificates`` applied
    to it in turn, reaches the line so far (an integral written on the right evaluated, a
    variance written on the right unfolded, a definition folded back)."""

    certificates: tuple = ()


Certificate = (Rewrite | Algebra | Affine | Monotone | Flip | Define | Reparametrise | Bound
               | Converse)

INCREASING = {"log": (sp.log, cond.positive), "exp": (sp.exp, cond.real)}


def rewrite(schema: Schema, path: Path, binding: dict) -> Rewrite:
    return Rewrite(schema, tuple(path), tuple(binding.items()))


# ---------------------------------------------------------------------------------------
# Definitions.


def defined_function(lhs: sp.Basic, rhs: sp.Basic):
    """``lhs := rhs`` as what it defines: a symbol, or a function of distinct symbols that
    does not occur in its own definition."""
    if isinstance(lhs, sp.Symbol):
        if lhs in rhs.free_symbols:
            raise CertificateError("cert.circular", lhs=lhs, rhs=rhs, name=lhs)
        return lhs
    if not (isinstance(lhs, AppliedUndef) and all(isinstance(a, sp.Symbol) for a in lhs.args)
            and len(set(lhs.args)) == len(lhs.args)):
        raise CertificateError("cert.definition_lhs", lhs=lhs)
    if rhs.has(lhs.func):
        raise CertificateError("cert.circular", lhs=lhs, rhs=rhs, name=lhs.func)
    return lhs.func


def unfold(line: sp.Basic, lhs: sp.Basic, rhs: sp.Basic) -> tuple[sp.Basic, int]:
    """Every occurrence of the defined name replaced by its definition, capture-avoiding."""
    name = defined_function(lhs, rhs)
    if isinstance(name, sp.Symbol):
        return terms.instantiate(line, {name: rhs}), int(name in line.free_symbols)
    body = sp.Lambda(lhs.args, rhs)
    count = sum(1 for n in sp.preorder_traversal(line)
                if isinstance(n, AppliedUndef) and n.func == name)
    return terms.instantiate(line, {name: body}), count


# ---------------------------------------------------------------------------------------
# Interpreting one certificate: (the line it leads to, its conditions, its claim, relation).


def _optimisation(line, what: str) -> OptimisationSet:
    if not isinstance(line, OptimisationSet):
        raise CertificateError("cert.not_optimisation", what=what, line=line)
    return line


def _target(to, line: OptimisationSet, after, what: str) -> OptimisationSet:
    to = after if to is None else to
    if not (isinstance(to, OptimisationSet) and type(to) is type(line)
            and set(to.variables) == set(line.variables)):
        raise CertificateError("cert.other_optimisation", what=what, to=to,
                               variables=", ".join(map(str, line.variables)))
    return to


def _interpret(c: Certificate, line: sp.Basic, after: sp.Basic):
    if isinstance(c, Converse):
        return _converse(c, line, after)
    if isinstance(c, Rewrite):
        new, conditions = instance(c.schema, line, c.path, dict(c.binding))
        if c.schema.relation is Relation.EQUAL:
            return new, conditions, Claim.VALUES, Relation.EQUAL
        relation, more = _through(line, c.path, c.schema.relation,
                                  lambda: _site_after(c, line))
        return new, conditions + more, Claim.BOUND, relation
    if isinstance(c, Bound):
        if c.relation not in _BOUNDS:
            raise CertificateError("cert.not_a_bound", relation=c.relation.value)
        to = after if c.to is None else c.to
        shown = cond.related(at(line, c.path), to, c.relation)
        relation, more = _through(line, c.path, c.relation, lambda: to)
        return replace_at(line, c.path, to), (shown, *more), Claim.BOUND, relation
    if isinstance(c, Algebra):
        to = after if c.to is None else c.to  # at the root (path ()), the whole line
        return (replace_at(line, c.path, to), (cond.equal(at(line, c.path), to),),
                Claim.VALUES, Relation.EQUAL)
    if isinstance(c, Affine):
        line = _optimisation(line, "an affine change of the objective")
        to = _target(c.to, line, after, "an affine change of the objective")
        v = line.variables
        return to, (cond.real(line.objective),
                    cond.equal(line.objective, c.scale * to.objective + c.offset),
                    cond.positive(c.scale), cond.real(c.offset), cond.free_of(c.scale, v),
                    cond.free_of(c.offset, v)), Claim.MINIMISERS, Relation.EQUAL
    if isinstance(c, Monotone):
        if c.transform not in INCREASING:
            raise CertificateError("cert.transform", transform=repr(c.transform),
                                   known=", ".join(INCREASING))
        h, domain = INCREASING[c.transform]
        line = _optimisation(line, "a monotone transform")
        to = _target(c.to, line, after, "a monotone transform")
        inner, outer = (to.objective, line.objective) if c.inverse else (line.objective,
                                                                         to.objective)
        return to, (domain(inner), cond.equal(outer, h(inner))), Claim.MINIMISERS, Relation.EQUAL
    if isinstance(c, Flip):
        line = _optimisation(line, "exchanging argmax and argmin")
        flipped = ArgMin if isinstance(line, ArgMax) else ArgMax
        return (flipped(-line.objective, *line.variables), (cond.real(line.objective),),
                Claim.MINIMISERS, Relation.EQUAL)
    if isinstance(c, Define):
        if c.fold is not None:
            unfolded, count = unfold(c.fold, c.lhs, c.rhs)
            if count == 0 or not alpha_equal(unfolded, line):
                raise CertificateError("cert.fold", fold=c.fold, lhs=c.lhs, rhs=c.rhs,
                                       unfolded=unfolded, line=line)
            return c.fold, (), Claim.DEFINITION, Relation.EQUAL
        unfolded, count = unfold(line, c.lhs, c.rhs)
        if count == 0:
            raise CertificateError("cert.absent", lhs=c.lhs, line=line)
        return unfolded, (), Claim.DEFINITION, Relation.EQUAL
    if isinstance(c, Reparametrise):
        line = _optimisation(line, "a modelling substitution")
        if c.old not in line.variables:
            raise CertificateError("cert.not_optimised", old=c.old)
        # theta_i := f[x_i, phi]: in the i-th term of a sum over i, theta is the i-th
        # observation's parameter, so the substitution reaches inside the sum on purpose.
        objective = line.objective.xreplace({c.old: c.new})
        missing = [v for v in c.variables if v not in objective.free_symbols]
        if missing:
            raise CertificateError("cert.nothing_optimised", missing=", ".join(map(str, missing)))
        taken = set(c.variables) & line.free_symbols  # a parameter made a variable
        if taken:
            raise CertificateError("cert.variable_taken", taken=", ".join(map(str, taken)))
        rest = tuple(v for v in line.variables if v != c.old)
        return (type(line)(objective, *c.variables, *rest), (), Claim.DEFINITION,
                Relation.EQUAL)
    raise CertificateError("cert.unknown", certificate=repr(c))


_CONVERTIBLE = (Rewrite, Algebra, Define)


def _converse(c: Converse, line: sp.Basic, after: sp.Basic):
    """From the line written back to ``line``: equal values (or the same optimisers, or a
    definition) read backwards are the same; a bound read backwards would point the other
    way, so none is taken."""
    if not c.certificates or not all(isinstance(inner, _CONVERTIBLE) for inner in c.certificates):
        raise CertificateError("cert.converse_takes")
    back, conditions, claims = after, [], set()
    for inner in c.certificates:
        back, more, claim, relation = _interpret(inner, back, line)
        if relation is not Relation.EQUAL:
            raise CertificateError("cert.converse_bound")
        conditions.extend(more)
        claims.add(claim)
    claim = Claim.DEFINITION if Claim.DEFINITION in claims else Claim.VALUES
    return after, (*conditions, cond.equal(line, back)), claim, Relation.EQUAL


def _site_after(c: Rewrite, line: sp.Basic) -> sp.Basic:
    """What the schema puts at the position: its right side, instantiated."""
    return instance(c.schema, at(line, c.path), (), dict(c.binding))[0]


def _through(line, path, relation: Relation, replacement) -> tuple[Relation, tuple]:
    """The relation between the line before and after when the expression at ``path`` is
    replaced by one in ``relation`` to it, and the conditions that takes: each position on
    the way keeps the order, reverses it, or cannot tell (then the certificate is refused)."""
    direction, strict = _DIRECTION[relation]
    # an order is between reals: the line before, and the line after
    conditions = [cond.real(line), cond.real(replace_at(line, path, replacement()))]
    node, parent = line, None
    for depth, k in enumerate(path):
        child = node.args[k]
        if isinstance(node, sp.Mul):
            others = sp.Mul(*(a for j, a in enumerate(node.args) if j != k))
            if sign(-others, "positive"):
                direction = -direction
            elif not sign(others, "positive"):
                raise CertificateError("cert.factor_sign", factor=others)
        elif isinstance(node, (sp.log, sp.Pow)) and k == 0 and (
                isinstance(node, sp.log) or sign(node.exp, "positive")):
            # increasing where its argument is positive, before and after
            new_child = replace_at(child, path[depth + 1:], replacement())
            conditions += [cond.positive(child), cond.positive(new_child)]
        elif isinstance(node, sp.Integral) and k == 0 and len(node.limits) == 1:
            _, low, high = node.limits[0]
            if (low, high) != (-sp.oo, sp.oo):
                conditions.append(cond.nonnegative(high - low))
            strict = False
        elif isinstance(node, sp.Sum) and k == 0 and len(node.limits) == 1:
            _, low, high = node.limits[0]  # a sum run backwards is minus a sum (Karr)
            conditions += [cond.finite(low), cond.finite(high), cond.nonnegative(high - low + 1)]
            strict = False
        elif isinstance(node, (sp.exp, sig)):  # increasing along the reals, before and after
            conditions += [cond.real(child), cond.real(replace_at(child, path[depth + 1:],
                                                                  replacement()))]
        elif isinstance(node, Expectation) and k == 0 and node.under_probability_laws:
            strict = False
        elif not (isinstance(node, sp.Add)
                  or isinstance(node, sp.Tuple) and isinstance(parent, Expectation)):
            raise CertificateError("cert.order", head=type(node).__name__)
        node, parent = child, node
    return _RELATION[(direction, strict)], tuple(conditions)


def advance(line: sp.Basic, certificate: Certificate, after: sp.Basic | None = None) -> sp.Basic:
    """The line ``certificate`` leads to from ``line`` (for proposers, which build the next
    certificate on it); its conditions are decided only when the step is judged."""
    return _interpret(certificate, line, after)[0]


# ---------------------------------------------------------------------------------------
# Relations: how they compose along a chain, and which imply which.

_DIRECTION = {Relation.LE: (-1, False), Relation.LT: (-1, True), Relation.GE: (1, False),
              Relation.GT: (1, True), Relation.EQUAL: (0, False), Relation.DEFINE: (0, False)}
_RELATION = {(-1, False): Relation.LE, (-1, True): Relation.LT, (1, False): Relation.GE,
             (1, True): Relation.GT, (0, False): Relation.EQUAL}


def compose(a: Relation, b: Relation) -> Relation | None:
    """``x a y`` and ``y b z`` give ``x (compose) z``; None when they point opposite ways."""
    (da, sa), (db, sb) = _DIRECTION[a], _DIRECTION[b]
    if da and db and da != db:
        return None
    return _RELATION[(da or db, sa or sb)]


def implies(shown: Relation, claimed: Relation) -> bool:
    (ds, ss), (dc, sc) = _DIRECTION[shown], _DIRECTION[claimed]
    if dc == 0:
        return ds == 0
    return (ds == 0 and not sc) or (ds == dc and (ss or not sc))


# ---------------------------------------------------------------------------------------
# Judging a step.


def unknown(key: str, conditions=(), claim: Claim | None = None, **args) -> SymbolicVerdict:
    """Not proved. ``claim`` is what the certificates would establish: the numbers test it."""
    return SymbolicVerdict(Symbolic.UNKNOWN, say(key, **args), tuple(conditions), claim=claim)


def judge(before: sp.Basic, after: sp.Basic, relation: Relation, certificates,
          hypotheses=(), definitions=()) -> SymbolicVerdict:
    """The symbolic verdict of ``before relation after`` from the certificates. A definition
    applied must be one of ``definitions``, the pairs (lhs, rhs) declared before the step
    (each judged by ``judge_definition`` and shown as an assumption): a rule cannot bring
    its own."""
    try:
        terms.refuse_look_alikes(before, after)
        terms.refuse_binders_out_of_range(before, after)
    except DeriveError as e:
        look_alike = isinstance(e, verdicts.LookAlikeSymbols)
        return unknown("judge.look_alike" if look_alike else "judge.binder_range", why=e.args[0])
    if not certificates:
        return unknown("judge.no_certificate")
    # A fact about a variable the lines integrate or optimise over would restrict the values
    # it runs over (z > 0 while z runs over [-2, 1]): it is not taken. (One about a sum's
    # index is a fact of every term, 1 - sig(f[x_i]) > 0; one about a random variable, X > 0,
    # states its law's support: those are.)
    bound = {b for e in (before, after) for n in sp.preorder_traversal(e)
             if isinstance(n, (sp.Integral, OptimisationSet)) for b in terms.bound_variables(n)}
    hypotheses = [h for h in hypotheses if not (isinstance(h, sp.logic.boolalg.Boolean)
                                                and h.free_symbols & bound)]
    for d in (d for c in certificates
              for d in (c.certificates if isinstance(c, Converse) else (c,))):
        if isinstance(d, Define) and (d.lhs, d.rhs) not in definitions:
            return unknown("judge.undeclared", lhs=d.lhs, rhs=d.rhs)
    line, conditions, claims, trace = before, [], set(), []
    shown, numeric_premises = Relation.EQUAL, []
    meeting = []  # where the whole line reached was compared: a closing equality too
    for k, c in enumerate(certificates, 1):
        try:
            line, more, claim, step_relation = _interpret(c, line, after)
        except DeriveError as e:  # the certificate does not fit (a Lambda of another arity...)
            return unknown("judge.does_not_apply", which=k, kind=type(c).__name__, why=e.args[0])
        shown = compose(shown, step_relation)
        if shown is None:
            return unknown("judge.opposite_bounds")
        conditions.extend(more)
        claims.add(claim)
        trace.append((c, line))
        if isinstance(c, Converse) or isinstance(c, Algebra) and not c.path:
            meeting.append(more[-1])  # the whole line reached, compared with another
        numeric_premises += [used.schema.name for used in
                             (c.certificates if isinstance(c, Converse) else (c,))
                             if isinstance(used, Rewrite) and used.schema.trust == "numeric"]
    trace = tuple(trace)
    claim = (Claim.DEFINITION if Claim.DEFINITION in claims else
             Claim.BOUND if shown is not Relation.EQUAL or relation in _BOUNDS else
             Claim.MINIMISERS if Claim.MINIMISERS in claims else Claim.VALUES)
    mismatch = _relation_mismatch(relation, claim, shown)
    if mismatch is not None:
        return SymbolicVerdict(Symbolic.UNKNOWN, mismatch, claim=claim, trace=trace)
    closing = cond.check(cond.equal(line, after), hypotheses)
    results = [cond.check(x, hypotheses) for x in conditions]
    if not (closing.holds and line == after):  # the line reached is the line written
        results.append(closing)
    domain = [cond.check(cond.nonzero(d), hypotheses)
              for d in (*cancelled(before, after), *cancelled(after, before))]
    optimised = set(before.variables) if isinstance(before, OptimisationSet) else set()
    if claim is Claim.MINIMISERS or any(r.condition.subject[0].free_symbols & optimised
                                        for r in domain):
        results.extend(domain)  # a point of the argmin's domain cannot be set aside
        domain = []
    failed = [r for r in results if r.holds is False]
    unshown = [r for r in results if r.holds is None]
    if (len(failed) == 1 and not unshown and shown is Relation.EQUAL and claim is Claim.VALUES
            and (failed[0] is closing or failed[0].condition in meeting)):
        # Everything else holds, so the line compared equals the line before (and, where a
        # converse met it, the other side equals the line written); they differ by a
        # nonzero constant: a symbolic counterexample.
        return SymbolicVerdict(Symbolic.REFUTED, say(
            "judge.refuted", line=failed[0].condition.subject[0], how=failed[0].how),
            tuple(results), claim=claim, trace=trace)
    if failed or unshown:
        parts = tuple(say("judge.part", statement=r.condition.statement, how=r.how)
                      for r in failed) + tuple(r.how for r in unshown)
        key = "judge.condition_fails" if failed else "judge.condition_unshown"
        return dataclasses.replace(unknown(key, results, claim=claim, parts=parts), trace=trace)
    detail = (say("judge.rests_on_numeric", names=", ".join(numeric_premises))
              if numeric_premises else say("judge.proved", count=len(certificates)))
    carried = tuple(str(r.condition.statement) for r in domain if r.holds is not True)
    return SymbolicVerdict(Symbolic.RESTS_ON_NUMERIC if numeric_premises else Symbolic.PROVED,
                           detail, tuple(results), claim=claim, domain=carried, trace=trace)


_BOUNDS = (Relation.LE, Relation.LT, Relation.GE, Relation.GT)


def _relation_mismatch(written: Relation, claim: Claim, shown: Relation):
    if written is Relation.DEFINE and claim is not Claim.DEFINITION:
        return say("relation.define_without_definition", claim=claim.value)
    if written is not Relation.DEFINE and claim is Claim.DEFINITION:
        bound = written in _BOUNDS
        return say("relation.definition_in_bound" if bound else "relation.definition_as_equality")
    if (written in _BOUNDS and not implies(shown, written)) or (
            written in (Relation.EQUAL, Relation.DEFINE) and shown is not Relation.EQUAL):
        return say("relation.shows_other", shown=shown.value, written=written.value)
    return None


# ---------------------------------------------------------------------------------------
# Judging a definition.


def judge_definition(lhs: sp.Basic, rhs: sp.Basic, hypotheses=()) -> SymbolicVerdict:
    """A definition is an assumption, not a claim; the kernel checks it is well formed (a
    new name, not defined in terms of itself, every finite sum's bound an integer, every
    divisor nonzero) and that a density is defined as a nonnegative function."""
    try:
        terms.refuse_look_alikes(lhs, rhs)
        name = defined_function(lhs, rhs)
        # what the name is declared to be (p positive), its body must be: steps rest on it
        conditions = [] if isinstance(lhs, AppliedDensity) else assumed(str(name), lhs, rhs)
    except (CertificateError, SchemaError, verdicts.LookAlikeSymbols) as e:
        return unknown("definition.malformed", why=e.args[0])
    for node in sp.preorder_traversal(rhs):
        if isinstance(node, (sp.Sum, sp.Product)):
            for _, _low, high in node.limits:
                conditions += [cond.integer(high), cond.positive(high)]
        if isinstance(node, sp.Pow) and node.exp.is_negative:
            conditions.append(cond.nonzero(node.base))
    if isinstance(lhs, AppliedDensity):  # a density is positive where it is integrated;
        # one of point masses (an empirical distribution) weighs only under an integral
        conditions.append((cond.nonnegative if rhs.has(sp.DiracDelta) else cond.positive)(rhs))
    results = tuple(cond.check(c, hypotheses) for c in conditions)
    parts = tuple(say("judge.part", statement=r.condition.statement, how=r.how)
                  for r in results if r.holds is not True)
    if parts:
        return unknown("definition.condition", results, parts=parts)
    if isinstance(lhs, AppliedDensity):  # its integral is 1: the kernel never integrates
        return SymbolicVerdict(Symbolic.RESTS_ON_NUMERIC, say("definition.normalised", name=name),
                               results, claim=Claim.DEFINITION)
    return SymbolicVerdict(Symbolic.PROVED, say("definition.well_formed", name=name), results,
                           claim=Claim.DEFINITION)


__all__ = ["Affine", "Algebra", "Bound", "Certificate", "CertificateError", "Converse", "Define",
           "Flip", "INCREASING", "Monotone", "Reparametrise", "Rewrite", "advance",
           "compose", "defined_function", "implies", "judge", "judge_definition", "rewrite",
           "unfold", "unknown"]
