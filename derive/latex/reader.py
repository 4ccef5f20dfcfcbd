"""Reading the syntax tree of a display (``derive.latex.syntax``) into derive's own SymPy
expressions, exactly as written: nothing is simplified while it is read (every ``Add``,
``Mul`` and ``Pow`` is built with ``evaluate=False``), so the line checked and the line
rendered back are the author's.

What a name means comes from its role in the whole document (``Roles``, collected before
any display is read) and from the declarations (``% derive: function sigma``): a name
applied to brackets is a function, a density or a product, and where neither the notation
nor the document says which, the display is refused with what to declare. Nothing read is
ever evaluated as code: every name becomes a Symbol, a data array, a density or a model
through the ``SymbolTable``, never through ``eval`` or ``sympify`` of a string.

The reach of a derivative operator is the parser's (``syntax.Parser._derivative_operand``):
``\\frac{d}{dx}`` applies to the whole product after it, up to a +, a -, a relation or a
closing bracket, and is refused where texts differ (``\\frac{d}{dx}(x^2)\\,x``). Here, a
variable differentiated by stays that variable (never x(y) inside d/dx d/dy), and a sum
written without bounds (``\\sum_i``) runs over the range its display writes for the index,
or to a count of its own (``\\sum_d`` to D), noted so that a step whose sides differ in it
rests on the text.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from derive.kernel import DeriveError
from derive.latex import syntax as S
from derive.latex.tokens import Macros, TokenError, tokenize
from derive.notation import (
    KL,
    ArgMax,
    ArgMin,
    Covariance,
    DataLabel,
    Expectation,
    FrobeniusNorm,
    Norm,
    NormalDensity,
    SampleIndexed,
    SetElement,
    Variance,
    density,
    mass_function,
    model,
    model_output,
    sig,
)

__all__ = ["Chain", "LatexError", "Roles", "SymbolTable", "read_chain", "read_display",
           "parse_display_text", "resolve_kl_variable"]

DEFAULT_DENSITIES = ("Pr", "P", "p", "q")
DEFAULT_FUNCTIONS = ("f", "g", "h")
# sigma is a standard deviation in every ML text: positive, so sigma^2 is a variance > 0.
DEFAULT_POSITIVE = ("sigma",)
# Names every ML text applies to arguments: functions whatever the document says.
KNOWN_FUNCTIONS = frozenset({"sigma", "H", "softmax", "sigmoid", "relu", "ReLU", "tanh",
                             "KL", "sig", "Softmax", "sign", "sgn", "erf", "Gamma"})
MAX_NUMBER_DIGITS = 60  # a literal longer than this is not part of a derivation
MAX_MAGNITUDE = 10_000  # decimal digits of a number built from literals (10^{10^{10}})
MAX_FACTORIAL = 1000


class LatexError(DeriveError):
    """LaTeX that derive cannot read: the message gives file:line:column, the source line
    with a caret under the fault, and what was expected there or what to declare. ``code``
    is a stable reason (``syntax``, ``ambiguous-application``, ``cases``, ...)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None,
                 code: str = "syntax", detail: str = ""):
        super().__init__(message)
        self.line, self.column, self.code = line, column, code
        self.detail = detail or message  # what is wrong, without where


class _Refused(Exception):
    """Raised while building: what cannot be read here (code, message, offset)."""

    def __init__(self, code: str, message: str, pos: int):
        super().__init__(message)
        self.code, self.pos = code, pos


# ---------------------------------------------------------------------------------------
# Names, their roles and their assumptions.

def role_key(name: S.Name) -> str:
    """The key a role or declaration is about: the letter with its accents and font
    (``sigma``, ``phat``, ``fbold``), not its subscript or primes."""
    key = name.letter + "".join(name.accents)
    if name.font == "bold":
        key += "bold"
    elif name.font in ("cal", "bb", "frak", "sf"):
        key = f"{name.font}{key}"
    return key


@dataclass
class Roles:
    """What the document says each name is, collected from every display before any is
    read: defined as ``name(args) = ...``, applied with a bar or to several arguments
    (a function or density), or used alone (a value)."""

    defined: set[str] = field(default_factory=set)
    applied: set[str] = field(default_factory=set)  # with a bar, or several arguments
    conditioned: set[str] = field(default_factory=set)  # with a bar
    alone: set[str] = field(default_factory=set)  # keys used as a value
    alone_letters: set[str] = field(default_factory=set)  # letters used free, as values
    counts: set[str] = field(default_factory=set)  # names bounding a sum: positive integers
    applications: Counter = field(default_factory=Counter)  # key -> times applied to (...)
    signatures: dict = field(default_factory=dict)  # key -> the names u(a, b) = ... defines it of
    differentiated: set[str] = field(default_factory=set)  # d ell/d phi: ell depends on phi
    # names written with an index a sum binds (x_i under sum_i): data, whose x_1 in the same
    # display is its entry (read per display: another display's z_1 may be a name of its own)
    summed: set[tuple] = field(default_factory=set)

    def only_applied(self, key: str) -> bool:
        """A name the document applies to brackets again and again and never uses alone:
        a function, consistently (reading it so can make no true line false, nor a false
        one true: what holds for every function holds for a product with it too)."""
        return self.applications[key] >= 2 and key not in self.alone

    def collect(self, chains: Iterable[S.Chain]) -> None:
        for chain in chains:
            first = chain.sides[0]
            if isinstance(first, S.Juxtaposed) and chain.relations and chain.relations[0][0] in (
                    "=", ":=") and all(isinstance(i, S.Name) for i in first.group.items) \
                    and first.group.condition is None:
                self.defined.add(role_key(first.name))
                self.signatures.setdefault(role_key(first.name), first.group.items)
            for side in chain.sides:
                if side is not None:
                    self._walk(side, frozenset())

    def _walk(self, node: S.Node, bound: frozenset[str]) -> None:
        if isinstance(node, S.BigOp):
            inner = bound | {index.letter for index, _, _ in node.indices}
            for _, low, high in node.indices:
                if isinstance(high, S.Name) and not high.accents and high.font in ("", "word"):
                    self.counts.add(high.letter if high.sub is None else
                                    f"{high.letter}_{_label(high.sub.text)}")
                for limit in (low, high):
                    if limit is not None:
                        self._walk(limit, bound)
            self._walk(node.body, inner)
            return
        if isinstance(node, S.Juxtaposed):
            key = role_key(node.name)
            group = node.group
            self.applications[key] += 1
            if group.condition is not None or group.semicolon is not None:
                self.conditioned.add(key)
                self.applied.add(key)
            elif len(group.items) > 1 or group.divergence is not None:
                self.applied.add(key)
            self._walk_name_scripts(node.name, bound)
            for child in group.children():
                self._walk(child, bound)
            if node.power is not None:
                self._walk(node.power, bound)
            return
        if isinstance(node, S.Derivative):
            if not node.named:
                self._walk(node.of, bound)
            elif isinstance(node.of, S.Name):
                self.differentiated.add(role_key(node.of))
                self._walk_name_scripts(node.of, bound)
            for variable, _ in node.variables:
                # a variable of differentiation is not a use as a value: \partial_i f
                # must not make i a variable
                self._walk_name_scripts(variable, bound)
            if node.at is not None:
                self._walk(node.at, bound)
            return
        if isinstance(node, S.EulerD):
            # D f(x): D is an operator or a factor, which its other uses decide; here it is
            # neither a value nor a function
            self._walk_name_scripts(node.operator, bound)
            self._walk(node.operand, bound)
            return
        if isinstance(node, S.Name):
            if node.sub is not None and any(isinstance(i, S.Name) and i.plain() and i.letter
                                            in bound for i in node.sub.items or ()):
                self.summed.add(_array_key(node))
            self.alone.add(role_key(node))
            if node.plain() and len(node.letter) == 1 and node.letter not in bound:
                self.alone_letters.add(node.letter)
            self._walk_name_scripts(node, bound)
            return
        for child in node.children():
            self._walk(child, bound)

    def _walk_name_scripts(self, name: S.Name, bound: frozenset[str]) -> None:
        for script in (name.sub, name.sample):
            if script is not None and script.items:
                for item in script.items:
                    if not (isinstance(item, S.Name) and item.plain()
                            and len(item.letter) == 1):
                        self._walk_value_parts(item, bound)

    def _walk_value_parts(self, node: S.Node, bound: frozenset[str]) -> None:
        # letters inside a subscript expression (t-1, i+j) are indices there, not values
        for child in node.children():
            if not isinstance(child, S.Name):
                self._walk_value_parts(child, bound)


@dataclass
class SymbolTable:
    """Every name read, with the assumptions it gets (documented defaults, then what a
    ``% derive:`` declaration says), and the document's roles. One table per document, so
    a name is one object everywhere in it."""

    densities: set[str] = field(default_factory=lambda: set(DEFAULT_DENSITIES))
    functions: set[str] = field(default_factory=lambda: set(DEFAULT_FUNCTIONS))
    indices: set[str] = field(default_factory=set)  # declared summation indices
    counts: set[str] = field(default_factory=set)  # summation bounds: positive integers
    # bounds of sums written without them (\sum_i to I) that the text never writes itself
    unwritten_counts: set[str] = field(default_factory=set)
    positive: set[str] = field(default_factory=lambda: set(DEFAULT_POSITIVE))
    nonnegative: set[str] = field(default_factory=set)
    nonzero: set[str] = field(default_factory=set)  # declared real and nonzero (a divisor)
    integer: set[str] = field(default_factory=set)
    symbols: set[str] = field(default_factory=set)  # declared plain symbols (e.g. e)
    random: set[str] = field(default_factory=set)  # declared random variables
    roles: Roles = field(default_factory=Roles)
    macros: Macros = field(default_factory=Macros)
    created: dict[str, dict[str, bool]] = field(default_factory=dict)  # name -> assumptions
    classes: dict = field(default_factory=dict)  # (kind, name, conditional) -> class

    def assumptions(self, name: str, letter: str) -> dict[str, bool]:
        if name in self.indices or name in self.counts or letter in self.indices or \
                name in self.roles.counts:
            return {"integer": True, "positive": True}
        found: dict[str, bool] = {"real": True}
        if name in self.integer or letter in self.integer:
            found["integer"] = True
        if name in self.positive or letter in self.positive:
            found["positive"] = True
        elif name in self.nonnegative or letter in self.nonnegative:
            found["nonnegative"] = True
        if name in self.nonzero or letter in self.nonzero:
            found["nonzero"] = True
        return found

    def symbol(self, name: str, letter: str | None = None, bold: bool = False) -> sp.Symbol:
        """The symbol ``name``, with the same assumptions every time it is read free: a name
        read as a real number and later as a summation bound would be two symbols."""
        if bold:
            return sp.Symbol(name, commutative=False)
        assumptions = self.assumptions(name, letter or name)
        first = self.created.setdefault(name, assumptions)
        if first != assumptions:
            raise _Refused("assumptions", f"{name} was read with the assumptions {first} and "
                           f"is now a summation index or bound ({assumptions}); declare it "
                           f"once, e.g. `% derive: index {name}`", -1)
        return sp.Symbol(name, **assumptions)

    def index(self, name: str, nonnegative: bool = False) -> sp.Symbol:
        """A summation index: an integer, positive (from 1) or nonnegative (from 0)."""
        if nonnegative:
            return sp.Symbol(name, integer=True, nonnegative=True)
        return sp.Symbol(name, integer=True, positive=True)

    def function_class(self, kind: str, name: str, conditional: bool = False):
        """The class of the named density, mass function, model or function, made once:
        SymPy's assumption machinery makes building one slow, and one name is one class."""
        if kind == "density":
            conditional = True  # one name is one law: Pr(z) and Pr(x|z) are one class
        found = self.classes.get((kind, name, conditional))
        if found is None:
            found = self.classes[(kind, name, conditional)] = _function_class(
                kind, name, conditional)
        return found

    def is_function(self, key: str, letter: str) -> bool:
        return (key in self.functions or letter in self.functions or key in self.densities
                or key in self.roles.defined or key in self.roles.applied
                or letter in KNOWN_FUNCTIONS or self.roles.only_applied(key))

    def is_value(self, key: str) -> bool:
        return key in self.symbols or key in self.roles.alone

    def is_density(self, key: str) -> bool:
        return key in self.densities


@functools.lru_cache(maxsize=1024)
def _function_class(kind: str, name: str, conditional: bool):
    """A class is a pure function of what it is named and of what kind: made once for
    every document (SymPy prepares a new class's assumptions, slowly)."""
    make = {"density": lambda: density(name, conditional=conditional),
            "mass": lambda: mass_function(name, conditional=conditional),
            "model": lambda: model(name),
            "output": lambda: model_output(name),
            "function": lambda: sp.Function(name, real=True),
            "bold function": lambda: sp.Function(name, commutative=False)}[kind]
    return make()


# ---------------------------------------------------------------------------------------
# Building without evaluating.

def _is_matrix(e: sp.Basic) -> bool:
    return isinstance(e, (sp.MatrixBase, sp.MatrixExpr))


def add(terms: list[sp.Expr]) -> sp.Expr:
    if len(terms) == 1:
        return terms[0]
    if any(_is_matrix(t) for t in terms):
        return sp.MatAdd(*terms, evaluate=False)
    return sp.Add(*terms, evaluate=False)


def mul(factors: list[sp.Expr]) -> sp.Expr:
    """The product as written; a product inside it is spliced in (products are associative,
    and brackets around one carry nothing a reader or a rule should see)."""
    flat: list[sp.Expr] = []
    for factor in factors:
        flat.extend(factor.args if isinstance(factor, sp.Mul) else (factor,))
    if len(flat) == 1:
        return flat[0]
    if any(_is_matrix(f) for f in flat):
        return sp.MatMul(*flat, evaluate=False)
    return sp.Mul(*flat, evaluate=False)


def negate(e: sp.Expr) -> sp.Expr:
    if e.is_Number:
        return -e
    if isinstance(e, sp.Mul) and e.args and e.args[0].is_Number:
        return sp.Mul(-e.args[0], *e.args[1:], evaluate=False)
    return mul([sp.Integer(-1), e])


def power(base: sp.Expr, exponent: sp.Expr) -> sp.Expr:
    if _is_matrix(base):
        return sp.MatPow(base, exponent, evaluate=False)
    return sp.Pow(base, exponent, evaluate=False)


def divide(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    if numerator.is_Integer and denominator.is_Integer and denominator != 0:
        return sp.Rational(numerator, denominator)  # \frac{1}{2}: the number one half
    reciprocal = power(denominator, sp.Integer(-1))
    if numerator == 1:
        return reciprocal
    return mul([numerator, reciprocal])


def _magnitude(e: sp.Expr) -> float:
    """An upper estimate of the decimal digits of the number ``e`` built from literals, or
    0 if it is not a number; never computes the number itself."""
    if e.is_Integer or e.is_Rational:
        p, q = sp.fraction(e)
        return max(len(str(abs(int(p)))), len(str(abs(int(q))))) if abs(int(p)) < 10 ** 80 \
            else float(MAX_MAGNITUDE + 1)
    if isinstance(e, sp.Pow) and not e.free_symbols:
        base = _magnitude(e.base)
        exponent = _value_bound(e.exp)
        return base * abs(exponent) if exponent is not None else float(MAX_MAGNITUDE + 1)
    if isinstance(e, sp.factorial) and not e.free_symbols:
        n = _value_bound(e.args[0])
        return float(MAX_MAGNITUDE + 1) if n is None or n > MAX_FACTORIAL else n * math.log10(
            max(n, 2))
    if isinstance(e, (sp.Add, sp.Mul)) and not e.free_symbols:
        return sum(_magnitude(a) for a in e.args)
    return 0.0


_MEASURED = (sp.Rational, sp.Pow, sp.factorial, sp.Add, sp.Mul)  # what _magnitude sizes
_GENERIC_IS_NUMBER = sp.Expr.is_number  # the property: all arguments are numbers


def _array_key(name: S.Name) -> tuple:
    """A name as an array (its letter and decorations, not its subscript)."""
    return (name.letter, name.font, tuple(name.accents), name.primes, name.star)


def _value_bound(e: sp.Expr) -> float | None:
    """|e| for a number built from literals, if it is small enough to know."""
    digits = _magnitude(e)
    if digits > 300:
        return None
    try:
        return abs(float(e.evalf(15))) if digits <= 300 else None
    except (TypeError, ValueError, OverflowError):
        return None


# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Chain:
    """A chain as read: sides[k] related to sides[k+1] by relations[k]; lines[k] is the
    source line of side k (for a later side, the line of the relation before it).
    ``continues`` says the first side is the previous display's last (``= ...``);
    ``conditional`` that prose after it restricts it (``for x > 0``): not a claim."""

    sides: tuple[sp.Expr, ...]
    relations: tuple[str, ...]
    lines: tuple[int, ...]
    continues: bool = False
    conditional: bool = False


_KL_VARIABLE = sp.Symbol("_kl_variable", real=True)


class Reader:
    """Syntax tree -> SymPy, one method per kind of node."""

    def __init__(self, table: SymbolTable, source: str, offset: int = 0,
                 file_text: str | None = None):
        self.table = table
        self.source = source  # the display's text; a position plus offset is the file's
        self.offset = offset
        self.file_text = source if file_text is None else file_text
        # summation indices in scope, by letter (an element of a set, over a set)
        self.bound: dict[str, sp.Expr] = {}
        self.bound_names: dict[tuple, sp.Symbol] = {}  # \sum_{a_t}: by the name written
        self.differentiating: list[sp.Expr] = []  # the variables of enclosing derivatives
        # the ranges the display writes for each summation index (\sum_{i=1}^{n}), by letter
        self.written_ranges: dict[str, list[tuple[S.Node | None, S.Node] | None]] = {}
        self.summed: set[tuple] = set()  # the display's names written with a summed index
        # what is known of each expression built, found once: every node's value is asked
        # both, and asking SymPy walks the whole subtree again at every level above it
        self._numbers: dict[sp.Basic, bool] = {}
        self._entries: dict[sp.Basic, frozenset[sp.Indexed]] = {}
        self.first_line = bisect.bisect_right(_line_starts(self.file_text), offset)

    def line_of(self, pos: int) -> int:
        return self.first_line + self.source.count("\n", 0, pos)

    def chain(self, node: S.Chain) -> Chain:
        continues = node.sides[0] is None
        sides = [self.value(s) for s in node.sides if s is not None]
        relations = tuple(r for r, _ in node.relations)
        lines = [self.line_of(node.pos)] if not continues else []
        lines += [self.line_of(p) for _, p in node.relations]
        return Chain(tuple(sides), relations, tuple(lines), continues, node.conditional)

    # -- dispatch -------------------------------------------------------------------

    def value(self, node: S.Node) -> sp.Expr:
        method = getattr(self, "_" + type(node).__name__)
        result = method(node)
        # only what _magnitude measures: asking a sum or an integral is_number walks it
        if isinstance(result, _MEASURED) and self.is_number(result) and \
                _magnitude(result) > MAX_MAGNITUDE:
            raise _Refused("huge-number", "a number with more than "
                           f"{MAX_MAGNITUDE} digits: derive never computes it", node.pos)
        return result

    def is_number(self, e: sp.Basic) -> bool:
        """``e.is_number`` (no free symbol, no undefined function), each subexpression
        asked once: where SymPy's test is the generic one (all arguments numbers), it is
        made here from the arguments' answers, kept."""
        known = self._numbers.get(e)
        if known is None:
            if type(e).is_number is _GENERIC_IS_NUMBER:
                known = all(self.is_number(a) for a in e.args)
            else:
                known = bool(e.is_number)
            self._numbers[e] = known
        return known

    def entries(self, e: sp.Basic) -> frozenset[sp.Indexed]:
        """``e.atoms(sp.Indexed)``, from the arguments' entries, each subexpression once."""
        known = self._entries.get(e)
        if known is None:
            known = frozenset().union(*(self.entries(a) for a in e.args))
            if isinstance(e, sp.Indexed):
                known |= {e}
            self._entries[e] = known
        return known

    def _Number(self, node: S.Number) -> sp.Expr:
        digits = node.text.replace(".", "")
        if len(digits) > MAX_NUMBER_DIGITS:
            raise _Refused("huge-number", f"a number with {len(digits)} digits", node.pos)
        return sp.Rational(node.text) if "." in node.text else sp.Integer(node.text)

    def _Constant(self, node: S.Constant) -> sp.Expr:
        return {"pi": sp.pi, "oo": sp.oo}[node.which]

    def _Grouped(self, node: S.Grouped) -> sp.Expr:
        return self.value(node.inner)

    def _Sum(self, node: S.Sum) -> sp.Expr:
        terms = []
        for sign, term in node.terms:
            value = self.value(term)
            terms.append(negate(value) if sign < 0 else value)
        return add(terms)

    def _Product(self, node: S.Product) -> sp.Expr:
        result = None
        pending: list[sp.Expr] = []
        previous: S.Node | None = None
        for op, factor in node.factors:
            if op in ("implicit", "cdot", "times") and previous is not None:
                self._check_vector_product(previous, factor, op)
            value = self.value(factor)
            if op == "div":
                result = divide(mul(pending), value)
                pending = [result]
            elif op == "cdot" and _is_vector(previous) and _is_vector(factor):
                # u \cdot v of two vectors: their dot product u^T v
                pending[-1] = sp.transpose(pending[-1], evaluate=False)
                pending.append(value)
            else:
                pending.append(value)
            previous = factor
        self._check_contraction(pending, node)
        return mul(pending)

    def _check_contraction(self, factors: list[sp.Expr], node: S.Node) -> None:
        """``x_i a_{ij} x_j`` with no sum: Einstein's convention (summed) or entries
        multiplied? A free index shared by two factors, one of them a matrix entry."""
        bound = set(self.bound.values()) | set(self.bound_names.values())
        seen: dict[sp.Symbol, int] = {}
        matrix_indices: set[sp.Symbol] = set()
        for factor in factors:
            indices = set()
            for entry in self.entries(factor):
                free = {i for i in entry.indices if isinstance(i, sp.Symbol) and i not in bound}
                indices |= free
                if len(entry.indices) >= 2:
                    matrix_indices |= free
            for index in indices:
                seen[index] = seen.get(index, 0) + 1
        shared = sorted((i for i, n in seen.items() if n >= 2 and i in matrix_indices), key=str)
        if shared:
            raise _Refused("repeated-index", f"the index {shared[0]} appears in two factors of "
                           f"a product with no sum over it: Einstein's convention (a sum) or "
                           f"entries multiplied? write the sum", node.pos)

    def _check_vector_product(self, left: S.Node, right: S.Node, op: str) -> None:
        if op == "times" and _is_bold(left) and _is_bold(right):
            raise _Refused("linear-algebra", "a cross product of two vectors (\\times): derive "
                           "has no object for it", right.pos)
        if op == "implicit" and _is_vector(left) and _is_vector(right):
            raise _Refused("linear-algebra", "two vectors side by side: an outer product "
                           "(u v^T) or a dot product (u^T v)? write the transpose", right.pos)

    def _Power(self, node: S.Power) -> sp.Expr:
        if isinstance(node.base, S.Juxtaposed) and self._is_product(node.base):
            # \theta^8(1-\theta)^3: the power is the bracket's, as for any bracket
            grouped = S.Grouped(node.base.group.pos, node.base.group.items[0], "(")
            return mul([self._product_name(node.base),
                        self.value(S.Power(node.pos, grouped, node.exponent))])
        if isinstance(node.base, S.Name) and node.base.plain() and node.base.letter == "e" \
                and "e" not in self.table.symbols:
            return sp.exp(self.value(node.exponent), evaluate=False)  # e^{x}: exp(x)
        base = self.value(node.base)
        if isinstance(node.exponent, S.Name) and node.exponent.plain() and \
                node.exponent.letter == "T" and not base.is_commutative:
            return sp.transpose(base, evaluate=False)  # \mathbf{A}^T: the transpose
        exponent = self.value(node.exponent)
        if not base.free_symbols and not exponent.free_symbols:
            digits = _magnitude(base) * (abs(_value_bound(exponent) or MAX_MAGNITUDE))
            if digits > MAX_MAGNITUDE:
                raise _Refused("huge-number", "a power with more than "
                               f"{MAX_MAGNITUDE} digits: derive never computes it", node.pos)
        return power(base, exponent)

    def _Transpose(self, node: S.Transpose) -> sp.Expr:
        base = self.value(node.base)
        if base.is_commutative:
            raise _Refused("transpose", "the transpose of something not written in bold: is it "
                           "a vector or a matrix? write \\mathbf{x}", node.pos)
        return sp.transpose(base, evaluate=False)

    def _Factorial(self, node: S.Factorial) -> sp.Expr:
        n = self.value(node.base)
        if not n.free_symbols and (_value_bound(n) or MAX_FACTORIAL + 1) > MAX_FACTORIAL:
            raise _Refused("huge-number", f"the factorial of a number above {MAX_FACTORIAL}: "
                           f"derive never computes it", node.pos)
        return sp.factorial(n, evaluate=False)

    def _Frac(self, node: S.Frac) -> sp.Expr:
        return divide(self.value(node.numerator), self.value(node.denominator))

    def _Root(self, node: S.Root) -> sp.Expr:
        radicand = self.value(node.radicand)
        if node.degree is None:
            return power(radicand, sp.Rational(1, 2))
        return power(radicand, power(self.value(node.degree), sp.Integer(-1)))

    _CALLS = {"log": sp.log, "ln": sp.log, "exp": sp.exp, "sin": sp.sin, "cos": sp.cos,
              "tan": sp.tan, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
              "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan, "cot": sp.cot,
              "sec": sp.sec, "csc": sp.csc}

    def _Call(self, node: S.Call) -> sp.Expr:
        if node.function == "lg":
            raise _Refused("log-base", "\\lg: base 2 or base 10? write \\log_2 or \\log_{10}",
                           node.pos)
        argument = self.value(node.argument)
        if node.base is not None:
            if node.function != "log":
                raise _Refused("syntax", f"\\{node.function} with a subscript", node.pos)
            result = mul([sp.log(argument, evaluate=False),
                          power(sp.log(self.value(node.base), evaluate=False), sp.Integer(-1))])
        else:
            result = self._CALLS[node.function](argument, evaluate=False)
        if node.power is not None:
            exponent = self.value(node.power)
            if exponent == -1 and node.function in ("sin", "cos", "tan", "sinh", "cosh", "tanh"):
                raise _Refused("convention", f"\\{node.function}^{{-1}}: the inverse function "
                               f"or 1/\\{node.function}? write \\arc{node.function[:3]} or "
                               f"the fraction", node.pos)
            result = power(result, exponent)
        return result

    # -- names ------------------------------------------------------------------------

    def _Name(self, node: S.Name) -> sp.Expr:
        if node.font in ("cal", "bb", "frak") and not (node.font == "cal" and node.letter == "L"):
            raise _Refused("set", f"\\math{node.font}{{{node.letter}}} used as a number: "
                           f"derive reads calligraphic and blackboard letters as sets or "
                           f"operators, not numbers", node.pos)
        if node.font == "number":
            raise _Refused("linear-algebra", f"\\mathbf{{{node.letter}}}: a vector of "
                           f"{node.letter}s, which derive has no object for", node.pos)
        if node.plain() and node.letter == "e" and "e" not in self.table.symbols:
            return sp.E  # Euler's number, as in e^{-\lambda}; declare `symbol e` to change
        if node.plain() and node.letter in self.bound:
            return self.bound[node.letter]
        primed = node.letter + "'" * node.primes
        if node.primes and primed in self.bound and node.sub is None and not node.font \
                and not node.accents and not node.star and node.sample is None:
            return self.bound[primed]  # \sum_{k'} ... z_{k'}
        if self.bound_names and _written(node) in self.bound_names:
            return self.bound_names[_written(node)]
        if self.differentiating and role_key(node) in self.table.roles.differentiated and \
                node.sample is None:
            # d/dphi sum_i ell_i, where the text writes d ell_i/d phi: ell_i depends on phi;
            # but a variable differentiated by is held apart from the others (d/dx d/dy of
            # x^2 y^2 is 4xy whatever dy/dx the text writes elsewhere)
            return self._dependent(node, list(self.differentiating), own_variable=True)
        bold = node.font == "bold"
        base_name = self.base_name(node)
        if node.sub is not None and not bold and not node.accents and \
                f"{node.letter}_{_label(node.sub.text)}" in self.table.roles.counts:
            # D_h bounding a sum: a count of its own, not the h-th entry of D
            name = f"{node.letter}_{_label(node.sub.text)}"
            return self.table.symbol(name, node.letter)
        indices, label = self.subscript(node)
        if node.sample is not None:
            sample_indices, sample_label = self.script_items(node.sample, node)
            if sample_indices is None:
                base_name = f"{base_name}^({sample_label})"
            else:
                return self.sample_entry(base_name, sample_indices, indices, label, bold, node)
        name = base_name
        if node.star:
            name += "^*"
        if label:
            name += f"_{label}"
        if indices:
            return self.entry(name, indices, bold)
        return self.table.symbol(name, node.letter, bold)

    def base_name(self, node: S.Name) -> str:
        """The SymPy name of a decorated letter: its printer turns ``xboldhat`` back into
        ``\\hat{\\boldsymbol{x}}`` and ``hprime`` into ``h'``."""
        name = node.letter
        if node.font == "bold":
            name += "bold"
        for accent in node.accents:
            name += accent
        name += "prime" * node.primes
        return name

    def subscript(self, node: S.Name) -> tuple[list[sp.Expr], str]:
        """(indices, label) of a name's subscript: ``x_i`` is an entry of the data x,
        ``x_1`` the symbol x_1, ``w_{\\textrm{area}}`` the symbol w_area, ``\\mu_x`` (x a
        variable of the document) the symbol mu_x."""
        if node.sub is None:
            return [], ""
        indices, label = self.script_items(node.sub, node)
        if indices is None:
            self._check_label(node.sub, node)
        return (indices, "") if indices is not None else ([], label)

    def script_items(self, sub: S.Subscript, owner: S.Name) -> tuple[list[sp.Expr] | None, str]:
        label = _label(sub.text)
        items = sub.items
        if not items:
            return None, label
        if len(items) == 1 and isinstance(items[0], S.Product):
            parts = [f for _, f in items[0].factors]
            if all(_is_index_atom(p) for p in parts) and all(
                    isinstance(p, S.Number) or (self._is_index_letter(p.letter + "'" * p.primes)
                                                and not p.letter.isupper())
                    for p in parts):
                items = parts  # x_{ij}: indices i and j; y^{(FM)}, y_{DNN} are labels
            else:
                return None, label
        if all(isinstance(i, S.Number) for i in items):
            if _array_key(owner) in self.summed:  # x_1 beside sum_i x_i
                return [self._Number(i) for i in items], label
            return None, label  # x_1, phi_{10}: names of their own
        values = []
        for item in items:
            if not _is_index_expression(item):
                return None, label
            letters = [n.letter + "'" * n.primes for n in item.walk() if isinstance(n, S.Name)]
            if any(not self._is_index_letter(letter) for letter in letters):
                return None, label
            values.append(self._index_value(item))
        return values, label

    def _check_label(self, sub: S.Subscript, owner: S.Name) -> None:
        """A name's subscript read as a label must hold no index a sum around it binds: in
        ``\\sum_{ij} b_{ijk}`` (k a value of the document) a name b_ijk would be one number
        for every i and j, and in ``\\sum_k \\gamma^k r_{t+k+1}`` r_{t+k+1} one for every k."""
        bound = sorted({n.letter for item in sub.items or () for n in item.walk()
                        if isinstance(n, S.Name) and n.plain() and n.letter in self.bound})
        if bound:
            raise _Refused("subscript", f"{_display_name(owner)}: the subscript {sub.text} "
                           f"holds {', '.join(bound)}, summed here, beside what the document "
                           f"uses as a value: an entry or a name? declare the indices "
                           f"(`% derive: index ...`)", owner.pos)

    def _is_index_letter(self, letter: str) -> bool:
        """A subscript letter is an index unless the document uses it as a value
        (``\\mu_x`` where x is a variable) and no sum binds it here."""
        return letter in self.bound or letter in self.table.indices or (
            "'" not in letter and letter not in self.table.roles.alone_letters)

    def _index_value(self, item: S.Node) -> sp.Expr:
        if isinstance(item, S.Name):
            primed = item.letter + "'" * item.primes
            if primed in self.bound:
                return self.bound[primed]
            return self.table.index(item.letter)
        if isinstance(item, S.Number):
            return self._Number(item)
        if isinstance(item, S.Sum):
            return add([negate(self._index_value(t)) if s < 0 else self._index_value(t)
                        for s, t in item.terms])
        if isinstance(item, S.Product):
            return mul([self._index_value(f) for _, f in item.factors])
        if isinstance(item, S.Grouped):
            return self._index_value(item.inner)
        raise _Refused("subscript", "a subscript derive cannot read as an index", item.pos)

    def entry(self, name: str, indices: list[sp.Expr], bold: bool) -> sp.Expr:
        return _entry(name, tuple(indices), bold)

    def sample_entry(self, name, sample_indices, indices, label, bold, node) -> sp.Expr:
        """``x^{(i)}`` (sample i), ``x_j^{(i)}`` (its j-th coordinate)."""
        if label:
            name = f"{name}_{label}"
        return SampleIndexed(_data(name, bold), *sample_indices, *indices)

    # -- applications -----------------------------------------------------------------

    def _Juxtaposed(self, node: S.Juxtaposed) -> sp.Expr:
        name, group = node.name, node.group
        key = role_key(name)
        special = self._special_application(node)
        if special is not None:
            return special
        if group.open == "[":
            return self._bracket_application(node)
        is_function = self.table.is_function(key, name.letter) or (
            name.letter == "pi" and group.condition is not None)
        several = len(group.items) != 1 or group.condition is not None or \
            group.semicolon is not None or group.divergence is not None
        if not is_function and not several:
            if self.table.is_value(key) and not isinstance(group.items[0], S.Number):
                return self._product(node)
            where = _display_name(name)
            raise _Refused("ambiguous-application", f"is {where}(...) a function applied to "
                           f"its argument, or {where} times a bracket? declare it: "
                           f"`% derive: function {key}` or `% derive: symbol {key}`", node.pos)
        return self._application(node)

    def _is_product(self, node: S.Juxtaposed) -> bool:
        """Is ``name(...)`` a product (a value times a bracket), by the name's role?"""
        name, group = node.name, node.group
        if group.open != "(" or len(group.items) != 1 or group.condition is not None or \
                group.semicolon is not None or group.divergence is not None:
            return False
        if self._special_application(node, probe=True):
            return False
        key = role_key(name)
        return not self.table.is_function(key, name.letter) and self.table.is_value(key) \
            and not (name.letter == "pi" and group.condition is not None)

    def _product_name(self, node: S.Juxtaposed) -> sp.Expr:
        if node.power is not None:
            return self._Power(S.Power(node.pos, node.name, node.power))
        return self._Name(node.name)

    def _product(self, node: S.Juxtaposed) -> sp.Expr:
        return mul([self._product_name(node), self.value(node.group.items[0])])

    def _arguments(self, group: S.Group) -> list[sp.Expr]:
        return [self.value(i) for i in group.items]

    def _application(self, node: S.Juxtaposed) -> sp.Expr:
        name, group = node.name, node.group
        key = role_key(name)
        if name.sample is not None:
            # d2l writes both: f^{(n)}(x) = d^n f/dx^n, and l^{(i)}(w, b) the loss on the
            # i-th example; read as f(x), the superscript was lost
            where = _display_name(name)
            raise _Refused("ambiguous-superscript", f"is {where}^{{({name.sample.text})}}(...) "
                           f"a derivative of {where} of order {name.sample.text}, or the "
                           f"function of the {name.sample.text}-th example? derive reads "
                           f"neither: write \\frac{{d^n {where}}}{{dx^n}}, or name it "
                           f"{where}_{{{name.sample.text}}}", node.pos)
        if node.power is not None:
            label = _label(_power_text(self.source, node.power))
        else:
            label = ""
        if group.divergence is not None:
            raise _Refused("divergence", f"{_display_name(name)}(p||q): a divergence derive "
                           f"does not know (it reads D_KL)", node.pos)
        function_name = self.function_name(name, label)
        if self.table.is_density(key) and name.primes == 0 and not label:
            return self._density(node, function_name)
        if name.letter == "pi" and group.condition is not None:
            return self._density(node, function_name)
        if group.condition is not None or group.semicolon is not None:
            raise _Refused("conditional-function", f"{_display_name(name)}(...|...) with a "
                           f"bar: declare it a density (`% derive: density {key}`)", node.pos)
        arguments = self._arguments(group)
        if name.primes:
            return self._prime_derivative(node, function_name, arguments)
        return self._function(function_name, name)(*arguments)

    def function_name(self, name: S.Name, label: str = "") -> str:
        base = name.letter + ("bold" if name.font == "bold" else "") + "".join(name.accents)
        if name.star:
            base += "^*"
        if label:
            base += f"^{label}"
        if name.sub is not None:
            label = _label(name.sub.text)
            base += f"_{label}" if len(label) == 1 else f"_{{{label}}}"
        return base

    def _function(self, function_name: str, name: S.Name):
        if name.font == "bold":
            return self.table.function_class("bold function", function_name)
        return self.table.function_class("function", function_name)

    def _prime_derivative(self, node: S.Juxtaposed, function_name: str,
                          arguments: list[sp.Expr]) -> sp.Expr:
        """``f'(x)``: the derivative of f at x (of order the number of primes)."""
        if len(arguments) != 1:
            raise _Refused("derivative", f"{_display_name(node.name)}(...) of several "
                           f"arguments with a prime: with respect to which?", node.pos)
        (argument,) = arguments
        function = self._function(function_name, node.name)
        order = node.name.primes
        if isinstance(argument, sp.Symbol):
            return sp.Derivative(function(argument), (argument, order), evaluate=False)
        dummy = sp.Symbol("_t", real=True)
        return sp.Subs(sp.Derivative(function(dummy), (dummy, order), evaluate=False),
                       dummy, argument)

    def _density(self, node: S.Juxtaposed, function_name: str) -> sp.Expr:
        group = node.group
        condition = group.condition if group.condition is not None else group.semicolon
        items = [*group.items, *(condition or [])]
        if any(isinstance(i, S.Chain) for i in items):
            return self._probability_of_values(node, function_name, condition)
        variables = self._arguments(group)
        if len(variables) != 1:
            # Pr(x, z|phi), Pr(x, z): the density of the pair (x, z)
            variables = [sp.Tuple(*variables)]
        given = [self.value(c) for c in condition] if condition is not None else []
        # One name is one law, with or without conditions (the book's Pr(z) is the
        # marginal of the Pr(x, z|phi) beside it): one class, whose arguments after the
        # first are the conditions.
        return self.table.function_class("density", function_name)(*variables, *given)

    def _probability_of_values(self, node: S.Juxtaposed, function_name: str,
                               condition: list[S.Node] | None) -> sp.Expr:
        """``P(X = 1)``, ``Pr(y = k|\\mathbf{x})``, ``P(D_1 = 1 \\mid H = 0)``: the mass
        function of the variables named, at the values given (``P_{X}(1)``,
        ``Pr_{y}(k|x)``, ``P_{D_1|H}(1|0)``)."""
        def split(items: list[S.Node]) -> tuple[list[str], list[sp.Expr]]:
            names, values = [], []
            for item in items:
                if isinstance(item, S.Chain):
                    variable = item.sides[0]
                    if not isinstance(variable, S.Name):
                        raise _Refused("probability-of-event", "an event whose left side is "
                                       "not a variable (P(X + Y = 1))", item.pos)
                    names.append(sp.sstr(self.value(variable)))
                    values.append(self.value(item.sides[1]))
                else:
                    values.append(self.value(item))
            return names, values

        variables, values = split(node.group.items)
        if len(variables) != len(values):
            raise _Refused("probability-of-event", "some values before the bar are events "
                           "(X = 1) and some are not", node.pos)
        given_names, given = split(condition or [])
        label = ",".join(variables) + (f"|{','.join(given_names)}" if given_names else "")
        name = f"{function_name}_{{{label}}}"
        if condition is None:
            return self.table.function_class("mass", name)(*values)
        if len(values) != 1:
            raise _Refused("joint-conditional", f"{_display_name(node.name)}(X = a, Y = b|...):"
                           f" derive reads one variable before the bar", node.pos)
        return self.table.function_class("mass", name, True)(*values, *given)

    def _bracket_application(self, node: S.Juxtaposed) -> sp.Expr:
        """``f[x_i, \\phi]``, ``L[\\phi]``, ``\\mbox{a}[z]``, ``\\delta[y - y_i]``: square
        brackets after a name apply it (Prince's convention)."""
        name, group = node.name, node.group
        if group.divergence is not None:
            raise _Refused("divergence", f"{_display_name(name)}[p||q]: a divergence derive "
                           f"does not know (it reads D_KL)", node.pos)
        if group.condition is not None:
            # q[s, a|\pi], \pi[a|s]: in square brackets a bar reads "given", of a function
            # (Prince writes densities with parentheses): a function of everything in them
            function = self._function(self.function_name(name), name)
            return function(*self._arguments(group), *[self.value(c) for c in group.condition])
        if node.power is not None:
            raise _Refused("syntax", f"{_display_name(name)}^...[...]: a superscript before "
                           f"the brackets", node.pos)
        arguments = self._arguments(group)
        if name.letter == "delta" and name.plain():
            if len(arguments) != 1:
                raise _Refused("syntax", f"\\delta[...] takes one argument, not "
                               f"{len(arguments)}", node.pos)
            return sp.DiracDelta(arguments[0], evaluate=False)
        if name.primes:
            return self._prime_derivative(node, self.function_name(name), arguments)
        model_name = name.letter + "".join(name.accents)
        indices, label = ([], "")
        if name.sub is not None:
            found, label = self.script_items(name.sub, name)
            items = name.sub.items or []
            if found is None and len(items) == 1 and isinstance(items[0], S.Name) and \
                    items[0].sub is not None and not items[0].font:
                found = [self.value(items[0])]  # softmax_{y_i}[z]: the y_i-th output
            if found is not None and len(found) == 1 and not all(
                    isinstance(i, S.Number) for i in items):
                # f_k[x, phi]: the k-th output
                return self.table.function_class("output", model_name)(found[0], *arguments)
            model_name += f"_{label}"
        if model_name == "sig" and len(arguments) == 1:
            return sig(arguments[0])  # the book's logistic sigmoid
        return self.table.function_class("model", model_name)(*indices, *arguments)

    def _special_application(self, node: S.Juxtaposed, probe: bool = False):
        """E[...], Var, Cov, N(x|mu, sigma^2), D_KL, delta(...): the value, or None; with
        ``probe``, only whether it is one of them."""
        name, group = node.name, node.group
        letter = name.letter
        if probe:
            return (letter == "E" and name.font in ("", "bb", "word")) or letter in (
                "Var", "var", "Cov", "cov") or (letter == "N" and name.font == "cal") or \
                letter == "Norm" or S._is_divergence_name(name) or letter == "delta"
        if letter == "E" and name.font in ("", "bb", "word") and not name.accents \
                and not name.primes and "E" not in self.table.functions \
                and "E" not in self.table.symbols:
            return self._average(node, Expectation)  # E[X]: declare E a function otherwise
        if letter in ("Var", "var", "Cov", "cov", "V") and name.font in ("word", "", "bb") \
                and (letter != "V" or name.font == "bb"):
            kind = Covariance if letter.lower() == "cov" else Variance
            return self._average(node, kind)
        if (letter == "N" and name.font == "cal") or (letter == "Norm" and name.font == "word"):
            return self._normal(node)
        if S._is_divergence_name(name):
            return self._kl(node)
        if letter == "delta" and name.plain() and group.open == "(" and len(group.items) == 1 \
                and group.condition is None and not self.table.is_value("delta"):
            return sp.DiracDelta(self.value(group.items[0]), evaluate=False)
        return None

    def _normal(self, node: S.Juxtaposed) -> sp.Expr:
        """``\\mathcal{N}(x|\\mu,\\sigma^2)``, ``\\mathcal{N}(x;\\mu,\\sigma^2)``,
        ``\\mbox{Norm}_{x}[\\mu,\\sigma^2]``: the normal density of x."""
        group = node.group
        if node.name.sub is not None:
            sub = node.name.sub
            if not sub.items or len(sub.items) != 1:
                raise _Refused("normal", "\\mbox{Norm}_{...}: the subscript is the variable",
                               node.pos)
            variable = self.value(sub.items[0])
            parameters = self._arguments(group)
        else:
            condition = group.condition if group.condition is not None else group.semicolon
            if condition is None:
                raise _Refused("distribution", "\\mathcal{N}(\\mu, \\sigma^2): a distribution, "
                               "not a density of a variable; write \\mathcal{N}(x|\\mu,"
                               "\\sigma^2)", node.pos)
            if len(group.items) != 1:
                raise _Refused("normal", "\\mathcal{N}(x|...) of several variables", node.pos)
            variable = self.value(group.items[0])
            parameters = [self.value(c) for c in condition]
        if len(parameters) != 2:
            raise _Refused("normal", f"a normal density with {len(parameters)} parameters "
                           f"(its mean and variance)", node.pos)
        return NormalDensity(variable, *parameters, evaluate=False)

    def _kl(self, node: S.Juxtaposed) -> sp.Expr:
        group = node.group
        if group.divergence is None or len(group.items) != 1 or group.condition is not None:
            raise _Refused("divergence", "D_KL[q||p]: two densities separated by ||", node.pos)
        q, p = group.items[0], group.divergence
        sides = []
        variable = _KL_VARIABLE
        for side in (q, p):
            if isinstance(side, S.Name) and side.sub is None and not side.accents:
                sides.append(side.letter)
            else:
                value = self.value(side)
                if not isinstance(value, AppliedUndef) and not isinstance(value, NormalDensity):
                    raise _Refused("divergence", "D_KL of something that is not a density",
                                   side.pos)
                sides.append(value)
                if len(value.args) >= 1 and isinstance(value.args[0], sp.Symbol):
                    variable = value.args[0]
        q_value, p_value = (s if not isinstance(s, str) else
                            self.table.function_class("density", s)(variable) for s in sides)
        return KL(q_value, p_value, variable)

    def _average(self, node: S.Juxtaposed, kind: type) -> sp.Expr:
        """``\\mathbb{E}_{x \\sim p}[f(x)]``, ``E[X]``, ``\\mathrm{Var}[X]``,
        ``\\mathrm{Cov}(X, Y)``: averages over random variables."""
        group = node.group
        if group.condition is not None:
            raise _Refused("conditional-expectation", "a conditional expectation or variance "
                           "(E[Y|X]): derive has no object for it", node.pos)
        bodies = self._arguments(group)
        if kind is Covariance:
            if len(bodies) != 2:
                raise _Refused("average", "Cov(...) of two expressions", node.pos)
            body_value: object = tuple(bodies)
        else:
            if len(bodies) != 1:
                raise _Refused("average", f"{node.name.letter}[...] of one expression",
                               node.pos)
            body_value = bodies[0]
        variables, laws = self._average_variables(node, bodies)
        return kind(body_value, variables, laws)

    def _average_variables(self, node: S.Juxtaposed, bodies: list[sp.Expr]):
        sub = node.name.sub
        if sub is not None:
            if not sub.items:
                raise _Refused("average", f"the subscript {sub.text} of an expectation: derive "
                               f"reads x, x \\sim p, or a density p(x)", node.pos)
            variables, laws = [], []
            for item in sub.items:
                if isinstance(item, S.Chain):
                    variable = self.value(item.sides[0])
                    law = self._law(item.sides[1], variable)
                    variables.append(variable)
                    laws.append(law)
                    continue
                value = self.value(item)
                if isinstance(value, AppliedUndef) and value.args and \
                        isinstance(value.args[0], sp.Symbol):
                    variables.append(value.args[0])  # E_{Pr(x)}: over x, under Pr(x)
                    laws.append(value)
                elif isinstance(value, sp.Symbol):
                    variables.append(value)
                else:
                    raise _Refused("average", f"the subscript {sub.text}: derive reads x, "
                                   f"x \\sim p, or a density p(x)", node.pos)
            if any(not isinstance(v, sp.Symbol) for v in variables):
                raise _Refused("average", "an expectation over something that is not a "
                               "variable", node.pos)
            if laws and len(laws) != len(variables):
                raise _Refused("average", "some variables of the expectation have a law and "
                               "some do not", node.pos)
            return variables, laws
        free = {s for b in bodies for s in b.free_symbols if isinstance(s, sp.Symbol)}
        declared = [s for s in free if s.name in self.table.random
                    or _variable_name(s) in self.table.random]
        if declared:
            return sorted(declared, key=str), []
        capitals = [s for s in free if re.fullmatch(r"[A-Z]", s.name) and not s.is_integer
                    and s.is_commutative]
        if capitals:
            return sorted(capitals, key=str), []  # E[aX + b]: X is the random variable
        names = ", ".join(sorted({_variable_name(s) for s in free if not s.is_integer})) or "x"
        raise _Refused("average", f"an expectation or variance over what? no subscript says, "
                       f"and no capital letter (X) is a random variable in it: write "
                       f"\\mathbb{{E}}_{{x}}[...] or declare `% derive: random {names}`",
                       node.pos)

    def _law(self, node: S.Node, variable: sp.Expr) -> sp.Expr:
        if isinstance(node, S.Name) and node.sub is None and not node.accents:
            return self.table.function_class("density", node.letter)(variable)
        if isinstance(node, S.Juxtaposed) and node.name.font == "cal" and \
                node.name.letter == "N" and node.group.condition is None and \
                len(node.group.items) == 2:
            return NormalDensity(variable, *self._arguments(node.group), evaluate=False)
        value = self.value(node)
        if isinstance(value, AppliedUndef) and value.args and value.args[0] == variable:
            return value
        raise _Refused("average", "the law of an expectation's variable: derive reads "
                       "x \\sim p, x \\sim p(x), x \\sim \\mathcal{N}(\\mu, \\sigma^2)", node.pos)

    # -- operators --------------------------------------------------------------------

    def _BigOp(self, node: S.BigOp) -> sp.Expr:
        kind = sp.Sum if node.kind == "sum" else sp.Product
        limits = []
        saved, saved_names = dict(self.bound), dict(self.bound_names)
        try:
            for index, low, high in node.indices:
                if node.over is not None:
                    # \sum_{i \in \mathcal{V}} f(i): over the elements V_1..V_|V| of the set
                    position = self.table.index(index.letter + "prime" * index.primes)
                    self.bound[index.letter + "'" * index.primes] = SetElement(
                        self._set(node.over), position)
                    limits.append((position, sp.Integer(1), self._set_size(node.over)))
                    continue
                if index.font not in ("", "bold") or index.sample is not None or (
                        low is not None and (index.sub or index.accents or index.star)):
                    raise _Refused("sum", "the index of a sum is a letter, or a variable summed "
                                   "over every value (\\sum_{a_t})", index.pos)
                if not index.plain() and not (index.primes and index.sub is None):
                    # \sum_{s_{t+1}} Pr(s_{t+1}|...): over every value of the variable named
                    name = self.base_name(index) + (f"_{{{_label(index.sub.text)}}}"
                                                     if index.sub is not None else "")
                    symbol = self.table.index(name)
                    self.bound_names[_written(index)] = symbol
                    limits.append((symbol, sp.Integer(1),
                                   self.table.symbol(self._count_of(index.letter))))
                    continue
                written = self._written_range(index) if low is None and high is None \
                    else None
                if written is not None:
                    low_value, high_value = written  # \sum_i, where \sum_{i=1}^n is written
                else:
                    low_value = self.value(low) if low is not None else sp.Integer(1)
                    high_value = self.value(high) if high is not None else \
                        self.table.symbol(self._count_of(index.letter))
                name = index.letter + "prime" * index.primes
                nonnegative = low_value.is_nonnegative and not low_value.is_positive
                symbol = self.table.index(name, nonnegative=bool(nonnegative))
                self.bound[index.letter + "'" * index.primes] = symbol
                limits.append((symbol, low_value, high_value))
            body = self.value(node.body)
        finally:
            self.bound, self.bound_names = saved, saved_names
        return kind(body, *limits)

    def _written_range(self, index: S.Name) -> tuple[sp.Expr, sp.Expr] | None:
        """The range a sum written without bounds (``\\sum_i``) runs over when the
        display writes one for its index (``\\sum_{i=1}^{n} x_i = \\sum_i x_i``: the same
        n terms), or None when it writes none; refused when it writes several."""
        letter = index.letter + "'" * index.primes
        written = self.written_ranges.get(letter, [])
        ranges = {(self.value(low) if low is not None else sp.Integer(1), self.value(high))
                  for low, high in filter(None, written)}
        if len(ranges) > 1 or None in written:
            raise _Refused("sum", f"\\sum_{{{letter}}} without bounds, in a display that "
                           f"writes other bounds for {letter} (several, or bounds depending "
                           f"on another index): over which? write its bounds", index.pos)
        return next(iter(ranges), None)

    def _set(self, name: S.Name) -> sp.Symbol:
        """A finite set named by a calligraphic letter: a symbol of no number kind."""
        sub = f"_{_label(name.sub.text)}" if name.sub is not None else ""
        return sp.Symbol(f"{name.letter}cal{sub}")

    def _set_size(self, name: S.Name) -> sp.Symbol:
        """``|\\mathcal{V}|``: the number of elements of the set, a count."""
        size = f"N_{self._set(name).name}"
        self.table.counts.add(size)
        return self.table.symbol(size)

    def _count_of(self, letter: str) -> str:
        """The upper bound of ``\\sum_d`` (over every d): D, the textbooks' count of d's,
        unless the document uses D for something else than a count; then N_d."""
        upper = letter.upper()
        roles = self.table.roles
        name = upper if upper in roles.counts or (upper != letter and upper not in roles.alone
                                                  and upper not in roles.applications) \
            else f"N_{letter}"
        self.table.counts.add(name)
        if name not in roles.counts and name not in roles.alone:
            self.table.unwritten_counts.add(name)
        return name

    def _Integral(self, node: S.Integral) -> sp.Expr:
        body = self.value(node.body)
        variables = [self._Name(v) for v in node.variables]
        for v in variables:
            if not isinstance(v, sp.Symbol):
                raise _Refused("integral", "an integral over something that is not a variable",
                               node.pos)
        if node.low is not None:
            low, high = self.value(node.low), self.value(node.high)
            if len(variables) != 1:
                raise _Refused("integral", "limits for an integral over several variables",
                               node.pos)
            return sp.Integral(body, (variables[0], low, high))
        if node.whole or _has_density(body):
            # \int_x ..., or \int p(x) ... dx without limits: over every value, as
            # probability texts mean
            return sp.Integral(body, *[(v, -sp.oo, sp.oo) for v in variables])
        return sp.Integral(body, *variables)

    def _Derivative(self, node: S.Derivative) -> sp.Expr:
        variables = []
        for variable, order in node.variables:
            if node.shorthand and variable.plain() and len(variable.letter) == 1 and \
                    variable.letter not in self.table.roles.alone_letters and \
                    variable.letter not in self.bound:
                raise _Refused("derivative", f"{node.operator}_{variable.letter}: with respect "
                               f"to {variable.letter}, which the document only uses as an "
                               f"index, or to x_{variable.letter}? write {node.operator}_{{x_"
                               f"{variable.letter}}}", variable.pos)
            value = self.value(variable)
            if not isinstance(value, (sp.Symbol, sp.Indexed)):
                raise _Refused("derivative", "a derivative with respect to something that is "
                               "not a variable", variable.pos)
            variables.append((value, order))
        plain = [v for v, _ in variables]
        outer = [v for v in self.differentiating if v not in plain]
        if node.named and isinstance(node.of, S.Name) and node.at is None:
            # d/dx_i (d/dx_j f): f depends on x_i too, or the outer derivative would be 0
            quantity = self._dependent(node.of, [*plain, *outer])
            return sp.Derivative(quantity, *variables, evaluate=False)
        if node.named and isinstance(node.of, S.Name) and node.at is not None:
            # \frac{\partial u}{\partial a}(a, b): u is a function of (a, b)
            points = self._arguments(node.at)
            if set(plain) <= set(points) and all(isinstance(p, sp.Symbol) for p in points):
                quantity = self._dependent(node.of, points)
                return sp.Derivative(quantity, *variables, evaluate=False)
        if node.named and isinstance(node.of, S.Name):
            quantity = self._dependent(node.of, plain)
        else:
            self.differentiating.extend(plain)
            try:
                quantity = self.value(node.of)
            finally:
                del self.differentiating[len(self.differentiating) - len(plain):]
        derivative = sp.Derivative(quantity, *variables, evaluate=False)
        if node.at is None:
            return derivative
        points = self._arguments(node.at)
        if points == plain[:len(points)] and len(points) == len(set(plain)):
            return derivative
        if len(points) != len(plain):
            raise _Refused("derivative", "a derivative taken at a point with another number "
                           "of coordinates than its variables", node.pos)
        return sp.Subs(derivative, tuple(plain), tuple(points))

    def _dependent(self, name: S.Name, variables: list[sp.Expr],
                   own_variable: bool = False) -> sp.Expr:
        """``\\frac{\\partial L}{\\partial w}``: L is a quantity that depends on w, read as a
        function of it (a symbol would differentiate to 0). With ``own_variable``, a name
        that is one of ``variables`` is that variable, a function of none of the others."""
        if name.sample is not None:
            raise _Refused("derivative", "the derivative of a superscripted quantity", name.pos)
        # the variable itself is the variable: d/dx f(x) is never of f(x(x)), dx/dx is 1
        enclosing, self.differentiating = self.differentiating, []
        try:
            itself = self._Name(name)
        finally:
            self.differentiating = enclosing
        if own_variable and itself in variables:
            return itself
        variables = [v for v in variables if v != itself]
        if not variables or (role_key(name) in self.table.symbols and name.sub is None):
            return itself  # declared a plain symbol (`% derive: symbol C`): a constant
        extra: list[sp.Expr] = []
        label = ""
        if name.sub is not None:
            indices, label = self.script_items(name.sub, name)
            if indices is not None:
                extra = indices  # d ell_i / d f: ell(i, f), a quantity per i
                label = ""
        function_name = name.letter + ("bold" if name.font == "bold" else "") + "".join(
            name.accents) + "prime" * name.primes + (f"_{label}" if label else "")
        signature = self.table.roles.signatures.get(role_key(name)) if not extra else None
        variables = sorted(dict.fromkeys(variables), key=str)  # one order: f(x_i, x_j)
        if signature is not None:
            arguments = [self.value(a) for a in signature]
            if set(variables) <= set(arguments):
                variables = arguments  # u(a, b) = ... above: du/da is of u(a, b)
        return self._function(function_name, name)(*extra, *variables)

    def _Optimum(self, node: S.Optimum) -> sp.Expr:
        kind = ArgMax if node.kind == "argmax" else ArgMin
        if node.kind in ("min", "max"):
            raise _Refused("optimum-value", f"the {node.kind}imum value: derive reads argmin and "
                           f"argmax", node.pos)
        body = self.value(node.body)
        variables = []
        for v in node.variables:
            if isinstance(v, S.Power):
                raise _Refused("optimum", "an optimisation over a power (\\sigma^2): the "
                               "optimisers of sigma^2 are not those of sigma; write the "
                               "variable", v.pos)
            value = self.value(v)
            if not isinstance(value, sp.Symbol):
                raise _Refused("optimum", "an optimisation over something that is not a "
                               "variable", v.pos)
            if value not in body.free_symbols and isinstance(v, S.Name):
                twin = self._font_twin(v, body)
                if twin is not None:
                    value = twin  # argmin_theta of a function of bold theta: the same theta
            variables.append(value)
        return kind(body, *variables)

    def _font_twin(self, name: S.Name, body: sp.Expr) -> sp.Symbol | None:
        """The same letter in the other font (bold or plain), if the objective has it and
        not the written one: the book writes argmin_theta[... Pr(y|bold theta)]."""
        other = S.Name(name.pos, name.letter, "" if name.font == "bold" else "bold",
                       name.accents, name.primes, name.star, name.sub, name.sample)
        try:
            twin = self._Name(other)
        except _Refused:
            return None
        return twin if isinstance(twin, sp.Symbol) and twin in body.free_symbols else None

    def _Extremum(self, node: S.Extremum) -> sp.Expr:
        items = [self.value(i) for i in node.items]
        if any(not item.is_commutative or _is_matrix(item) for item in items):
            raise _Refused("linear-algebra", f"\\{node.kind} of a vector or matrix: elementwise "
                           f"or of the entries? derive reads \\{node.kind}(a, b) of numbers",
                           node.pos)
        kind = sp.Max if node.kind == "max" else sp.Min
        return kind(*items, evaluate=False)

    def _EulerD(self, node: S.EulerD) -> sp.Expr:
        """``D f(x)`` (f' at x), ``D_x f(x)``, ``D_x f`` (df/dx): Euler's derivative, where
        f is a function and the document uses D for nothing else; D times f where f is a
        value; refused where D is also a value (a dimension, a data set) and f a function."""
        operator, operand = node.operator, node.operand
        applied = isinstance(operand, S.Juxtaposed)
        name = operand.name if applied else operand
        key = role_key(name)
        roles = self.table.roles
        is_function = self.table.is_function(key, name.letter) if applied else (
            key in self.table.functions or key in self.table.densities or key in roles.defined
            or key in roles.applied or roles.only_applied(key))
        if not is_function:
            return mul([self._Name(operator), self.value(operand)])  # D_h x: a product
        if self.table.is_value("D") or "D" in self.table.functions or roles.applications["D"] \
                or any(c == "D" or c.startswith("D_") for c in (*roles.counts, *self.table.counts)):
            raise _Refused("ambiguous-operator", f"is {_display_name(operator)} "
                           f"{_display_name(name)} Euler's derivative of "
                           f"{_display_name(name)}, or D times it? the document uses D as a "
                           f"value too: write \\frac{{d{name.letter}}}{{dx}}, or "
                           f"D \\cdot {_display_name(name)} for a product", node.pos)
        if operator.sub is not None:
            (variable,) = operator.sub.items
            return self._Derivative(S.Derivative(node.pos, operand, [(variable, 1)],
                                                 named=not applied, shorthand=True,
                                                 operator="D"))
        if not applied or len(operand.group.items) != 1 or operand.group.condition is not None \
                or operand.group.open != "(":
            raise _Refused("derivative", f"D {_display_name(name)}: Euler's derivative with "
                           f"respect to what? write D_x {name.letter} or "
                           f"\\frac{{d{name.letter}}}{{dx}}", node.pos)
        primed = S.Name(name.pos, name.letter, primes=1)
        return self._application(S.Juxtaposed(operand.pos, primed, operand.group))

    def _Bars(self, node: S.Bars) -> sp.Expr:
        if node.double:
            return self._norm(node)
        inner = node.body.inner if isinstance(node.body, S.Grouped) else node.body
        if isinstance(inner, S.Name) and inner.font == "cal":
            if inner.accents or inner.primes or inner.star or inner.sample or inner.label:
                raise _Refused("set", "the size of a set |...| with a mark on its name",
                               node.pos)
            return self._set_size(inner)
        body = self.value(node.body)
        if not body.is_commutative:
            raise _Refused("linear-algebra", "|...| of a vector or matrix: a norm or a "
                           "determinant? derive has no object for either", node.pos)
        if node.sub is not None:
            raise _Refused("evaluation", "|...|_{...}: a value at a point, which derive does "
                           "not read", node.pos)
        return sp.Abs(body, evaluate=False)

    def _norm(self, node: S.Bars) -> sp.Expr:
        """``\\|x\\|`` (the norm the text means), ``\\|x\\|_2``, ``\\|x\\|_p``,
        ``\\|x\\|_\\infty``, ``\\|A\\|_F``: opaque norms, one per order written."""
        body = self.value(node.body)
        if node.sub is None:
            return Norm(body)
        if _label(node.sub.text) == "F":
            return FrobeniusNorm(body)
        items = node.sub.items or []
        if len(items) == 1 and isinstance(items[0], (S.Number, S.Constant, S.Name)) and (
                not isinstance(items[0], S.Name) or items[0].plain()):
            order = self.value(items[0])
            if order.is_Integer and order.is_positive or order is sp.oo or \
                    isinstance(order, sp.Symbol):
                return Norm(body, order)
        raise _Refused("norm", f"a norm with the subscript {node.sub.text}: derive reads "
                       f"\\|x\\|, \\|x\\|_2, \\|x\\|_p, \\|x\\|_\\infty and \\|A\\|_F",
                       node.pos)

    def _Matrix(self, node: S.Matrix) -> sp.Expr:
        return sp.ImmutableMatrix([[self.value(cell) for cell in row] for row in node.rows])

    def _Chain(self, node: S.Chain) -> sp.Expr:
        raise _Refused("syntax", "a relation where an expression was expected", node.pos)


# ---------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def _label(text: str) -> str:
    """A subscript's text as part of a SymPy name: ``\\textrm{area}`` is area, ``\\theta_1``
    is theta_1, ``1\\ldots T`` is 1...T."""
    text = re.sub(r"\\(textrm|mathrm|text|mbox|operatorname|mathit|textit|rm|it)\s*", "", text)
    text = re.sub(r"\\(ldots|cdots|dots)", "...", text)
    text = re.sub(r"\\(mathbf|boldsymbol|bm)\s*", "", text)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    text = text.replace("{", "").replace("}", "").replace("\\", "")
    return re.sub(r"\s+", "", text)


def _written(name: S.Name) -> tuple:
    """What identifies a name as written: two occurrences are the same variable."""
    return (name.letter, name.font, name.accents, name.primes, name.star,
            name.sub.text if name.sub else None, name.sample.text if name.sample else None)


def _variable_name(s: sp.Symbol) -> str:
    return s.name.split("_")[0].replace("bold", "").replace("prime", "")


def _power_text(source: str, node: S.Node) -> str:
    if isinstance(node, S.Number):
        return node.text
    if isinstance(node, S.Name):
        return node.letter
    if isinstance(node, S.Sum) and len(node.terms) == 1 and node.terms[0][0] == -1 and \
            isinstance(node.terms[0][1], S.Number):
        return f"-{node.terms[0][1].text}"
    raise _Refused("syntax", "a superscript on a function name derive cannot read", node.pos)


def _display_name(name: S.Name) -> str:
    text = name.letter if len(name.letter) == 1 else (
        f"\\{name.letter}" if name.letter in S.GREEK or name.letter == "ell"
        else f"\\mathrm{{{name.letter}}}")
    if name.font == "bold":
        text = f"\\mathbf{{{text}}}"
    for accent in name.accents:
        text = f"\\{accent}{{{text}}}"
    if name.sub is not None:
        text += f"_{{{name.sub.text}}}"
    return text + "'" * name.primes


@functools.lru_cache(maxsize=4096)
def _data(name: str, bold: bool) -> sp.IndexedBase:
    """The data array ``name`` (made once: building an IndexedBase merges its assumptions
    anew each time, the dearest step of reading a subscripted name)."""
    if bold:
        return sp.IndexedBase(DataLabel(name, commutative=False), commutative=False)
    return sp.IndexedBase(DataLabel(name, real=True), real=True)


@functools.lru_cache(maxsize=4096)
def _entry(name: str, indices: tuple[sp.Expr, ...], bold: bool) -> sp.Indexed:
    """``x_i``, made once (SymPy deduces an entry's assumptions anew each time)."""
    return _data(name, bold)[indices]


def _is_index_atom(node: S.Node) -> bool:
    return isinstance(node, S.Number) or (
        isinstance(node, S.Name) and len(node.letter) == 1 and not node.font
        and not node.accents and not node.star and node.sub is None and node.sample is None)


def _is_index_expression(node: S.Node) -> bool:
    if _is_index_atom(node):
        return True
    if isinstance(node, S.Sum):
        return all(_is_index_expression(t) for _, t in node.terms)
    if isinstance(node, S.Product):
        return all(op in ("implicit", "cdot") and _is_index_expression(f)
                   for op, f in node.factors)
    if isinstance(node, S.Grouped):
        return _is_index_expression(node.inner)
    return False


def _is_bold(node: S.Node | None) -> bool:
    if isinstance(node, S.Name):
        return node.font == "bold"
    if isinstance(node, S.Power):
        return _is_bold(node.base)
    return False


def _is_vector(node: S.Node | None) -> bool:
    """A lowercase bold name, not transposed: a column vector by the books' convention."""
    return isinstance(node, S.Name) and node.font == "bold" and node.letter[:1].islower() \
        and node.letter not in ("a", "f", "g") and not node.sample


def _has_density(e: sp.Expr) -> bool:
    from derive.notation import AppliedProbability
    return any(isinstance(n, (AppliedProbability, NormalDensity)) for n in sp.preorder_traversal(e))


def resolve_kl_variable(expr: sp.Expr, variable: sp.Symbol) -> sp.Expr:
    """``D_KL[q||p]`` with bare densities: they are functions of the integration variable of
    the equation they appear in (the book's 5.27); ``variable`` is that one."""
    if not expr.has(_KL_VARIABLE):
        return expr
    return expr.xreplace({_KL_VARIABLE: variable})


# ---------------------------------------------------------------------------------------
# Entry points.

CONTEXT = 160  # characters of a long line shown around the fault


def source_context(source: str, line: int, column: int, pos: int | None = None) -> str:
    """The source line (a window of it, if it is long) and a caret under ``column``."""
    text = _line_text(source, line) if pos is None else _line_at(source, pos)
    start = max(0, column - 1 - CONTEXT // 2) if len(text) > CONTEXT else 0
    shown = text[start:start + CONTEXT] if len(text) > CONTEXT else text
    prefix = "..." if start else ""
    caret_pad = " " * len(prefix) + "".join(
        "\t" if c == "\t" else " " for c in text[start:max(column - 1, 0)])
    suffix = "..." if start + CONTEXT < len(text) and len(text) > CONTEXT else ""
    return f"{prefix}{shown}{suffix}\n{caret_pad}^"


def _line_text(source: str, line: int) -> str:
    at = 0
    for _ in range(line - 1):
        at = source.find("\n", at) + 1
        if at == 0:
            return ""
    end = source.find("\n", at)
    return source[at:] if end < 0 else source[at:end]


def _line_at(source: str, pos: int) -> str:
    start = source.rfind("\n", 0, pos) + 1
    end = source.find("\n", pos)
    return source[start:] if end < 0 else source[start:end]


@functools.lru_cache(maxsize=8)
def _line_starts(source: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", source)]


def _position(source: str, pos: int) -> tuple[int, int]:
    pos = max(0, min(pos, len(source)))
    line = bisect.bisect_right(_line_starts(source), pos)
    column = pos - (source.rfind("\n", 0, pos) + 1) + 1
    return line, column


def located(code: str, message: str, pos: int, source: str, filename: str) -> LatexError:
    """A LatexError naming file:line:column, with the source line and a caret."""
    if not message.startswith("cannot"):
        message = f"cannot read this: {message}"
    if pos < 0:
        return LatexError(f"{filename}: {message}", code=code, detail=message)
    line, column = _position(source, pos)
    return LatexError(f"{filename}:{line}:{column}: {message}\n"
                      f"{source_context(source, line, column, pos)}", line, column, code,
                      message)


def parse_display_text(text: str, table: SymbolTable, filename: str = "<latex>",
                       offset: int = 0, file_text: str | None = None) -> list[S.Chain]:
    """The syntax trees of the equations in ``text`` (a position in it plus ``offset`` is
    the position in ``file_text``), or a LatexError saying what could not be read, where."""
    file_text = text if file_text is None else file_text
    try:
        tokens = tokenize(text, 0, len(text), table.macros)
        return S.parse_display(tokens, text)
    except (S.Unreadable, TokenError) as e:
        raise located(e.code, str(e), e.pos + offset, file_text, filename) from None
    except RecursionError:
        raise located("too-deep", "the math is nested too deeply to read: split it",
                      offset + len(text) - len(text.lstrip()), file_text, filename) from None


def read_display(trees: list[S.Chain], table: SymbolTable, source: str,
                 filename: str = "<latex>", offset: int = 0,
                 file_text: str | None = None) -> list[Chain]:
    """The chains of one display, read with the document's roles."""
    file_text = source if file_text is None else file_text
    reader = Reader(table, source, offset, file_text)
    reader.written_ranges = _written_ranges(trees)
    display_roles = Roles()
    display_roles.collect(trees)
    reader.summed = display_roles.summed
    first = trees[0].pos if trees else 0
    try:
        return [reader.chain(tree) for tree in trees]
    except _Refused as e:
        raise located(e.code, str(e), (e.pos if e.pos >= 0 else first) + offset, file_text,
                      filename) from None
    except RecursionError:
        raise located("too-deep", "the math is nested too deeply to read: split it",
                      first + offset, file_text, filename) from None
    except Exception as e:  # noqa: BLE001
        # SymPy refusing a combination (a noncommutative factor in a matrix product): a
        # display derive cannot build is unread, with what SymPy said, never a traceback
        raise located("sympy", f"SymPy cannot build it: {type(e).__name__}: {e}",
                      first + offset, file_text, filename) from None


def _written_ranges(trees: list[S.Chain]) -> dict[str, list[tuple[S.Node | None, S.Node] | None]]:
    """The bounds written for each index of the sums and products of a display, by the
    index as written (``k``, ``k'``), for the sums over the same index written without
    them; None for bounds that depend on an index (``\\sum_{j=1}^{i}``), which are no
    range of the whole display."""
    bigops = [node for tree in trees for node in tree.walk()
              if isinstance(node, S.BigOp) and node.over is None]
    indices = {index.letter for node in bigops for index, _, _ in node.indices}
    found: dict[str, list[tuple[S.Node | None, S.Node] | None]] = {}
    for node in bigops:
        for index, low, high in node.indices:
            if high is None or index.sub is not None or index.accents or index.font or \
                    index.star or index.sample is not None or index.label:
                continue
            depends = any(isinstance(n, S.Name) and n.letter in indices
                          for limit in (low, high) if limit is not None for n in limit.walk())
            found.setdefault(index.letter + "'" * index.primes, []).append(
                None if depends else (low, high))
    return found


def read_chain(text: str, table: SymbolTable | None = None) -> Chain:
    """Read one chain ``a = b = ...`` from a LaTeX string (no document around it)."""
    table = table or SymbolTable()
    trees = parse_display_text(text, table)
    if len(trees) != 1:
        raise LatexError(f"{text!r} holds {len(trees)} equations, not one chain",
                         code="list")
    table.roles.collect(trees)
    (chain,) = read_display(trees, table, text)
    return chain
