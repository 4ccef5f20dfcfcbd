"""Reading one chain of LaTeX math (``a = b = c``) into derive's own SymPy expressions.

The grammar is ``notation.lark`` (LALR(1), refused at build time if it has a conflict); the
``Reader`` transformer below has one method per grammar rule. Nothing read is ever evaluated:
every name becomes a Symbol, a data array, a density or a model through a ``SymbolTable``
that fixes its assumptions, never through ``eval`` or ``sympify`` of a string.
"""

from __future__ import annotations

import functools
import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import lark
import sympy as sp
from lark import Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

from derive.kernel import DeriveError
from derive.notation import KL, ArgMax, ArgMin, data, density, model, model_output, sig

__all__ = ["Chain", "LatexError", "SymbolTable", "parse_chain", "read_chain", "roles_of"]

GRAMMAR = Path(__file__).with_name("notation.lark")

DEFAULT_DENSITIES = ("Pr", "P", "p", "q")
DEFAULT_FUNCTIONS = ("f", "g", "h")
# sigma is a standard deviation in every ML text: positive, so sigma^2 is a variance > 0.
DEFAULT_POSITIVE = ("sigma",)


class LatexError(DeriveError):
    """LaTeX that derive cannot read: the message gives file:line:column, the source line
    with a caret under the fault, and what was expected there. Fix the LaTeX, or declare
    the names it uses in a ``% derive:`` comment (see derive.latex)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line, self.column = line, column


# ---------------------------------------------------------------------------------------
# The parser, built once per set of declared density and function names.

_CONFLICT_LOG = logging.getLogger("lark")


@functools.lru_cache(maxsize=16)
def parser_for(densities: tuple[str, ...], functions: tuple[str, ...]) -> lark.Lark:
    """The LALR parser of the notation; it refuses a grammar with a conflict (lark would
    silently resolve a shift/reduce conflict as a shift: a second reading nobody chose)."""
    def alternatives(names: Iterable[str]) -> str:
        # longest first, so Pr is tried before P
        return "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))

    text = GRAMMAR.read_text(encoding="utf-8")
    text = text.replace("@DENSITY_NAMES@", alternatives(densities))
    text = text.replace("@FUNCTION_NAMES@", alternatives(functions) or "(?!)")
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    _CONFLICT_LOG.addHandler(handler)
    try:
        parser = lark.Lark(text, parser="lalr", lexer="contextual", propagate_positions=True,
                           debug=True, maybe_placeholders=False)
    finally:
        _CONFLICT_LOG.removeHandler(handler)
    conflicts = [line for line in log.getvalue().splitlines() if "conflict" in line.lower()]
    if conflicts:
        raise DeriveError("the LaTeX grammar has conflicts (a string with two readings): "
                          + "; ".join(conflicts))
    return parser


# ---------------------------------------------------------------------------------------
# Names and their assumptions.

_GREEK = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi"}


@dataclass
class SymbolTable:
    """Every name read, with the assumptions it gets (documented defaults, then what a
    ``% derive:`` declaration says). One table per document, so a name is one object."""

    densities: set[str] = field(default_factory=lambda: set(DEFAULT_DENSITIES))
    functions: set[str] = field(default_factory=lambda: set(DEFAULT_FUNCTIONS))
    indices: set[str] = field(default_factory=set)  # summation indices: positive integers
    counts: set[str] = field(default_factory=set)  # summation bounds: positive integers
    positive: set[str] = field(default_factory=lambda: set(DEFAULT_POSITIVE))
    nonnegative: set[str] = field(default_factory=set)
    integer: set[str] = field(default_factory=set)
    symbols: set[str] = field(default_factory=set)  # declared plain symbols (e.g. e)
    created: dict[str, dict[str, bool]] = field(default_factory=dict)  # name -> assumptions

    def parser(self) -> lark.Lark:
        return parser_for(tuple(sorted(self.densities)), tuple(sorted(self.functions)))

    def assumptions(self, name: str) -> dict[str, bool]:
        if name in self.indices or name in self.counts:
            return {"integer": True, "positive": True}
        found: dict[str, bool] = {"real": True}
        if name in self.integer:
            found["integer"] = True
        if name in self.positive:
            found["positive"] = True
        elif name in self.nonnegative:
            found["nonnegative"] = True
        return found

    def symbol(self, name: str) -> sp.Symbol:
        """The symbol ``name``, with the same assumptions every time it is read: a name read
        as a real number and later as a summation index would be two different symbols."""
        assumptions = self.assumptions(name)
        first = self.created.setdefault(name, assumptions)
        if first != assumptions:
            raise LatexError(f"{name} was read with the assumptions {first} and is now a "
                             f"summation index or bound ({assumptions}); declare it once, "
                             f"e.g. Symbols(index=\"{name}\") or `% derive: index {name}`")
        return sp.Symbol(name, **assumptions)

    def data(self, name: str) -> sp.IndexedBase:
        return data(name)

    def density(self, name: str, conditional: bool):
        return density(name, conditional=conditional)

    def model(self, name: str):
        return model(name)


def roles_of(tree: lark.Tree, table: SymbolTable) -> None:
    """Record in ``table`` the names a parse tree uses as summation indices and bounds,
    so that they are positive integers wherever they occur in the document."""
    for limits in tree.find_pred(lambda t: t.data in ("sum_limits", "sum_limits_swapped")):
        index = str(next(limits.find_data("index_name")).children[0])
        table.indices.add(index)
        bounds = [c for c in limits.children if isinstance(c, lark.Tree)
                  and c.data in ("sup_arg", "sup_symbol", "sup_digit")]
        if not bounds:
            table.counts.add(index.upper())  # \sum_d runs over d = 1..D
        for bound in bounds:
            leaves = list(bound.scan_values(lambda v: isinstance(v, Token)))
            if len(leaves) == 1 and leaves[0].type in ("LETTER", "GREEK"):
                table.counts.add(_plain_name(leaves[0]))
    for sub in tree.find_data("subscript"):
        for item in sub.children:
            if isinstance(item, lark.Tree):
                token = item.children[0]
                if token.type == "LETTER":
                    table.indices.add(str(token))


def _plain_name(token: Token) -> str:
    text = str(token)
    if token.type == "GREEK":
        name = text[1:].rstrip("'")
        return _GREEK.get(name, name) + text[len(text.rstrip("'")):]
    if token.type == "WORD":
        inner = text[text.index("{") + 1:text.rindex("}")]
        return re.sub(r"^\s*\\(bf|rm)\s+", "", inner).strip()
    return text


# ---------------------------------------------------------------------------------------
# The transformer: one method per rule.

@dataclass
class OpenBigOp:
    """A sum or product whose body may still grow: ``\\sum_i a_i + b_i`` sums both terms
    (every following term that mentions the index joins the body; see derive.latex)."""

    kind: type  # sp.Sum or sp.Product
    index: sp.Symbol
    low: sp.Expr
    high: sp.Expr
    body: list  # signed terms: sympy expressions or nested OpenBigOp
    prefix: sp.Expr = sp.Integer(1)

    def innermost_chain(self) -> list[OpenBigOp]:
        chain: list[OpenBigOp] = [self]
        while isinstance(chain[-1].body[-1], OpenBigOp):
            chain.append(chain[-1].body[-1])
        return chain


def close(term) -> sp.Expr:
    if not isinstance(term, OpenBigOp):
        return term
    body = sp.Add(*[close(t) for t in term.body])
    return term.prefix * term.kind(body, (term.index, term.low, term.high))


def _mentions(term, index: sp.Symbol) -> bool:
    return index in close(term).free_symbols


def _scale(term, factor: sp.Expr):
    if isinstance(term, OpenBigOp):
        return OpenBigOp(term.kind, term.index, term.low, term.high, term.body,
                         factor * term.prefix)
    return factor * term


class _ReadFault(Exception):
    """Raised inside the transformer: what cannot be read; the caller adds where."""


@dataclass(frozen=True)
class Chain:
    """A chain as read: sides[k] related to sides[k+1] by relations[k]; lines[k] is the
    source line of side k (for a later side, the line of the relation before it)."""

    sides: tuple[sp.Expr, ...]
    relations: tuple[str, ...]
    lines: tuple[int, ...]


_KL_VARIABLE = sp.Symbol("_kl_variable", real=True)


@v_args(inline=True)
class Reader(Transformer):
    """Parse tree -> SymPy. Each method is one rule of notation.lark."""

    def __init__(self, table: SymbolTable):
        super().__init__()
        self.table = table

    # chain and relations
    @v_args(meta=True, inline=False)
    def chain(self, meta, children):
        sides, relations, lines = [children[0]], [], [meta.line]
        for k in range(1, len(children), 2):
            relation, side = children[k], children[k + 1]
            relations.append(str(relation[0]))
            lines.append(relation[0].line)
            sides.append(side)
        kinds = {"=": "=", ":=": ":=", r"\coloneqq": ":=", r"\triangleq": ":="}
        return Chain(tuple(sides), tuple(kinds.get(r, r) for r in relations), tuple(lines))

    def relation(self, token):
        return (token,)

    def start(self, chain):
        return chain

    # sums of terms, and the reach of a big operator
    @v_args(inline=False)
    def additive(self, children):
        terms, sign = [], 1
        for child in children:
            if isinstance(child, int):
                sign = child
                continue
            terms.append(_scale(child, sp.Integer(sign)) if sign == -1 else child)
            sign = 1
        result: list = []
        open_op: OpenBigOp | None = None
        for term in terms:
            if open_op is not None:
                home = next((op for op in reversed(open_op.innermost_chain())
                             if _mentions(term, op.index)), None)
                if home is not None:
                    home.body.append(term)
                    continue
                open_op = None
            result.append(term)
            if isinstance(term, OpenBigOp):
                open_op = term
        return sp.Add(*[close(t) for t in result])

    def sign(self, token):
        return -1 if str(token) == "-" else 1

    @v_args(inline=False)
    def term(self, children):
        if len(children) == 1:
            return children[0]
        prefix, bigop = children
        return _scale(bigop, close(prefix))

    def factor_list(self, power):
        return power

    def implicit_product(self, left, right):
        return close(left) * right

    def explicit_product(self, left, right):
        return close(left) * right

    def quotient(self, left, right):
        return close(left) / right

    # sums and products
    def bigop(self, op, limits, body):
        kind = sp.Sum if str(op) == r"\sum" else sp.Product
        index, low, high = limits
        return OpenBigOp(kind, index, low, high, [body])

    @v_args(inline=False)
    def bigop_body(self, children):
        if len(children) == 2:
            return _scale(children[1], sp.Integer(children[0]))
        return children[0]

    @v_args(inline=False)
    def sum_limits(self, children):
        return self._limits(*children)

    def sum_limits_swapped(self, high, spec):
        return self._limits(spec, high)

    def _limits(self, spec, high=None):
        index, low = spec
        if high is None:
            # \sum_d: over d = 1..D, the textbooks' convention for an unbounded index
            high = self.table.symbol(str(index).upper())
        return index, sp.Integer(1) if low is None else low, high

    def index_spec(self, name):
        return name, None

    def index_from(self, name, equals, low):
        return name, low

    def index_name(self, token):
        return self.table.symbol(str(token))

    # powers
    def power(self, base, exponent):
        return close(base) ** exponent

    def power_then_subscript(self, base, exponent, subscript):
        if not isinstance(base, sp.Symbol):
            raise _ReadFault(f"a subscript after the power of {base}: write it on the name")
        return self._subscripted(base.name, subscript) ** exponent

    def factorial(self, base):
        return sp.factorial(base)

    def sup_arg(self, expr):
        return expr

    def sup_digit(self, digit):
        return sp.Integer(int(digit))

    def sup_symbol(self, name):
        return self._named(name)

    # atoms
    def number(self, token):
        return sp.Rational(str(token))

    def infinity(self, token):
        return sp.oo

    def pi(self, token):
        return sp.pi

    def group(self, expr):
        return expr

    # names
    @v_args(inline=False)
    def symbol_name(self, children):
        token = children[-1]
        return token if isinstance(token, str) and not isinstance(token, Token) else \
            _plain_name(token)

    def hatted(self, hat, name):
        return f"{name}hat"

    @v_args(inline=False)
    def symbol(self, children):
        if len(children) == 1:
            return self._named(children[0])
        return self._subscripted(children[0], children[1])

    def _named(self, name: str) -> sp.Expr:
        if name == "e" and "e" not in self.table.symbols:
            return sp.E  # Euler's number, as in e^{-\lambda}; declare `symbol e` to change
        return self.table.symbol(name)

    def _subscripted(self, name: str, subscript: list) -> sp.Expr:
        if all(isinstance(s, int) for s in subscript):
            return self.table.symbol(f"{name}_{''.join(map(str, subscript))}")
        if any(isinstance(s, int) for s in subscript):
            raise _ReadFault(f"the subscript of {name} mixes digits and indices")
        return self.table.data(name)[tuple(subscript)]

    @v_args(inline=False)
    def subscript(self, items):
        return items

    def sub_item(self, token):
        if token.type == "DIGIT":
            return int(token)
        return self.table.symbol(str(token))

    # applications
    @v_args(inline=False)
    def application(self, children):
        name, *rest = children
        subscript = rest[0] if len(rest) == 2 else []
        args = rest[-1]
        if name == "delta" and not subscript:
            if len(args) != 1:
                raise _ReadFault(f"\\delta[...] takes one argument, not {len(args)}")
            return sp.DiracDelta(args[0])
        digits = [s for s in subscript if isinstance(s, int)]
        indices = [s for s in subscript if not isinstance(s, int)]
        if digits:
            name = f"{name}_{''.join(map(str, digits))}"
        if name == "sig" and not indices and len(args) == 1:
            return sig(args[0])  # the book's logistic sigmoid, positive
        if len(indices) == 1:
            return model_output(name)(indices[0], *args)  # f_k[x, phi]: the k-th output
        return self.table.model(name)(*indices, *args)

    @v_args(inline=False)
    def expr_list(self, items):
        return items

    def density(self, token, args):
        return self.table.density(str(token), False)(*args)

    def conditional_density(self, token, variable, condition):
        if len(variable) != 1:
            raise _ReadFault(f"{token}(...|...) takes one variable before the bar")
        return self.table.density(str(token), True)(*variable, *condition)

    def function_call(self, token, args):
        return self.table.model(str(token))(*args)

    # operators with arguments
    def frac(self, token, numerator, denominator):
        return numerator / denominator

    def sqrt(self, token, radicand):
        return sp.sqrt(radicand)

    def root(self, token, degree, radicand):
        return sp.root(radicand, degree)

    _FUNCTIONS = {"log": sp.log, "ln": sp.log, "exp": sp.exp, "cos": sp.cos, "sin": sp.sin,
                  "tan": sp.tan, "tanh": sp.tanh, "cosh": sp.cosh, "sinh": sp.sinh}

    def call(self, token, argument):
        # \log is the natural logarithm (never base 10)
        return self._FUNCTIONS[str(token)[1:]](argument)

    def call_power(self, token, exponent, argument):
        return self.call(token, argument) ** exponent

    def argument(self, expr):
        return expr

    def number_argument(self, token):
        return sp.Rational(str(token))

    def integral(self, token, *rest):
        limits = rest[0] if len(rest) == 3 else None
        body, differential = rest[-2], rest[-1]
        variable = self.table.symbol(_differential_name(differential))
        if limits is None:
            return sp.Integral(body, variable)
        return sp.Integral(body, (variable, *limits))

    def int_limits(self, low, high):
        return low, high

    def int_limits_swapped(self, high, low):
        return low, high

    # argmin, argmax
    def argopt(self, token, variables, objective):
        return self._optimisation(token, variables, objective)

    def argopt_underset(self, underset, variables, token, objective):
        return self._optimisation(token, variables, objective)

    def _optimisation(self, token, variables, objective):
        kind = ArgMax if "max" in str(token) else ArgMin
        return kind(objective, *[self._named(v) for v in variables])

    @v_args(inline=False)
    def opt_vars(self, children):
        return children[0] if isinstance(children[0], list) else [children[0]]

    @v_args(inline=False)
    def opt_var_list(self, names):
        return names

    # KL divergence
    def kl(self, token, q, p):
        variable = _KL_VARIABLE
        for side in (q, p):
            if not isinstance(side, str) and len(side.args) == 1 and isinstance(
                    side.args[0], sp.Symbol):
                variable = side.args[0]
        q = q if not isinstance(q, str) else self.table.density(q, False)(variable)
        p = p if not isinstance(p, str) else self.table.density(p, False)(variable)
        return KL(q, p, variable)

    def kl_bare(self, token):
        return str(token)

    def kl_applied(self, applied):
        return applied


def _differential_name(token: Token) -> str:
    text = re.sub(r"^(\\mathrm\s*\{\s*d\s*\}|\\operatorname\s*\{\s*d\s*\}|d)\s*", "", str(token))
    return _GREEK.get(text[1:], text[1:]) if text.startswith("\\") else text


def resolve_kl_variable(expr: sp.Expr, variable: sp.Symbol) -> sp.Expr:
    """``D_KL[q||p]`` with bare densities: they are functions of the integration variable of
    the equation they appear in (the book's 5.27); ``variable`` is that one."""
    if _KL_VARIABLE not in expr.free_symbols and not expr.has(_KL_VARIABLE):
        return expr
    return expr.xreplace({_KL_VARIABLE: variable})


# ---------------------------------------------------------------------------------------
# Entry points.

_EXPECTED = {
    "_LPAR": "(", "_RPAR": ")", "_LSQB": "[", "_RSQB": "]", "_LBRACE": "{", "_RBRACE": "}",
    "_COMMA": ",", "_SUB": "_", "_SUP": "^", "_BAR": "|", "_DBAR": "||", "_BANG": "!",
    "_SLASH": "/", "_CDOT": r"\cdot", "EQ": "=", "DEFEQ": ":=", "PLUS": "+", "MINUS": "-",
    "OTHER_RELATION": r"a relation (\leq, \approx, ...)",
    "DIFF": "a differential (dz)", "LETTER": "a letter", "GREEK": "a Greek letter",
    "NUMBER": "a number", "DIGIT": "a digit", "WORD": r"\mbox{name}", "FONT": r"\mathbf",
    "HAT": r"\hat", "FRAC": r"\frac", "SQRT": r"\sqrt", "FUNC_OP": r"\log or \exp",
    "SUM_OP": r"\sum", "PROD_OP": r"\prod", "INT": r"\int", "ARGOPT": "argmin or argmax",
    "UNDERSET": r"\underset", "KL": "D_{KL}", "DENSITY": "a density like Pr(",
    "FUNCTION": "a function like f(", "PI": r"\pi", "INFTY": r"\infty", "$END": "the end",
}


def _describe_expected(names: Iterable[str]) -> str:
    described = sorted({_EXPECTED.get(n, n) for n in names})
    return ", ".join(described) if described else "nothing more"


def source_context(source: str, line: int, column: int) -> str:
    """The source line and a caret under ``column`` (1-based)."""
    lines = source.splitlines()
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    caret_pad = "".join("\t" if c == "\t" else " " for c in text[:max(column - 1, 0)])
    return f"{text}\n{caret_pad}^"


def parse_chain(text: str, table: SymbolTable, source: str | None = None,
                filename: str = "<latex>") -> lark.Tree:
    """Parse ``text`` (positions are those of ``source``, which defaults to ``text``)."""
    source = text if source is None else source
    try:
        return table.parser().parse(text)
    except UnexpectedInput as e:
        line, column = e.line, e.column
        if isinstance(e, UnexpectedEOF):
            found, expected = "the end of the math", e.expected
        elif isinstance(e, UnexpectedCharacters):
            command = re.match(r"\\([A-Za-z]+|.)", text[e.pos_in_stream:])
            found = (f"the command {command.group(0)}" if command
                     else repr(text[e.pos_in_stream]))
            expected = e.allowed
        else:
            token = e.token
            found = "the end of the math" if token.type == "$END" else repr(str(token))
            expected = e.expected
            if line in (None, -1):
                line, column = _end_position(text)
        if line in (None, -1):
            line, column = _end_position(text)
        context = source_context(source, line, column)
        raise LatexError(f"{filename}:{line}:{column}: cannot read {found} here; expected "
                         f"{_describe_expected(expected)}\n{context}", line, column) from None


def _end_position(text: str) -> tuple[int, int]:
    stripped = text.rstrip()
    line = stripped.count("\n") + 1
    column = len(stripped) - (stripped.rfind("\n") + 1) + 1
    return line, column


def transform(tree: lark.Tree, table: SymbolTable, source: str,
              filename: str = "<latex>") -> Chain:
    try:
        return Reader(table).transform(tree)
    except RecursionError:
        raise LatexError(f"{filename}: the math is nested too deeply to read (thousands of "
                         f"brackets inside one another): split it") from None
    except VisitError as e:
        fault = e.orig_exc
        meta = getattr(e.obj, "meta", None)
        line = getattr(meta, "line", None)
        column = getattr(meta, "column", None)
        if isinstance(fault, RecursionError):
            raise LatexError(f"{filename}:{line}: the math is nested too deeply to read: "
                             f"split it") from None
        if not isinstance(fault, (_ReadFault, TypeError, ValueError, DeriveError)):
            raise
        where = f"{filename}:{line}:{column}: " if line else f"{filename}: "
        context = ("\n" + source_context(source, line, column)) if line else ""
        raise LatexError(f"{where}cannot read this: {fault}{context}", line, column) from None


def read_chain(text: str, table: SymbolTable | None = None) -> Chain:
    """Read a chain ``a = b = ...`` from a LaTeX string (no document around it)."""
    table = table or SymbolTable()
    tree = parse_chain(text, table)
    roles_of(tree, table)
    return transform(tree, table, text)
