"""Parsing LaTeX math into a syntax tree of the notation: what is written, not yet what it
means (``derive.latex.reader`` gives the meaning, once the document's roles are known).

The tree keeps what a reading depends on: a name with its font, accents, primes and
subscript (``\\hat{\\mathbf{x}}'_{t-1}``); a name followed by parentheses, which may be an
application or a product (``Juxtaposed``, decided by the name's role); the reach of each
operator, by the conventions of textbooks:

- juxtaposition binds tighter than ``/``: ``x^2/2\\sigma^2`` is x^2/(2 sigma^2);
- an unbracketed function takes the juxtaposed factors that follow: ``\\log 2\\pi\\sigma^2``
  is log(2 pi sigma^2), ``\\log x^2`` is log(x^2); ``\\sin^2 x`` is sin(x)^2;
- a sum or product takes the product that follows, and every following term that mentions
  its index (``\\sum_i a_i + b_i`` sums both; ``\\sum_i a_i + b`` does not take b);
- an integral runs to its differential (``dz``, ``d\\mathbf{z}``, ``\\mathrm{d}z``);
- a derivative operator (``\\frac{d}{dx}``, ``\\partial_x``, ``\\nabla_x``) takes the whole
  product that follows (``\\frac{d}{dx} \\sin x \\cos x`` is of the product), and is refused
  where texts differ: a bracket after it followed by more factors (``\\frac{d}{dx}(x^2)\\,x``),
  or a product continued by ``\\cdot``, ``\\times``, ``/``.

What derive has no reading for is refused here by name, with a stable reason code
(``Unreadable.code``): ``cases``, ``matrix``, ``ellipsis``, ``set``, ``limit``, ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from derive.latex.tokens import Token

__all__ = ["Node", "Unreadable", "parse_display"]

MAX_DEPTH = 150  # brackets inside brackets; past this a display is refused, never a crash


class Unreadable(Exception):
    """What cannot be read: ``code`` (stable, for counting), a message saying what and what
    to do, and the offset in the file of the fault."""

    def __init__(self, code: str, message: str, pos: int):
        super().__init__(message)
        self.code, self.pos = code, pos


def _star_refused(pos: int) -> Unreadable:
    """``f * g`` between two operands: a convolution in signal processing and CNN texts, a
    product in others. No reading is safe, so none is guessed."""
    return Unreadable("ambiguous-operator", "is * a product or a convolution? write \\cdot "
                      "or \\times for a product; a convolution has no reading", pos)


# ---------------------------------------------------------------------------------------
# The tree.

@dataclass(eq=False)
class Node:
    pos: int

    def children(self) -> list[Node]:
        found = []
        for value in vars(self).values():
            if isinstance(value, Node):
                found.append(value)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, Node):
                        found.append(item)
                    elif isinstance(item, (tuple, list)):
                        found.extend(i for i in item if isinstance(i, Node))
        return found

    def walk(self):
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(node.children())


@dataclass(eq=False)
class Number(Node):
    text: str


@dataclass(eq=False)
class Constant(Node):
    """``\\pi``, ``\\infty``, ``e`` (decided by the reader: e may be declared a symbol)."""

    which: str


@dataclass(eq=False)
class Subscript(Node):
    """A subscript as written: ``text`` (normalised source) and, where it parses as a list
    of expressions, ``items``; the reader decides index or label."""

    text: str
    items: list[Node] | None


@dataclass(eq=False)
class Name(Node):
    """A name: ``letter`` is x, theta, ell, or a word (softmax); ``font`` '', bold, cal, bb,
    sf, frak or word; ``accents`` innermost first (hat, bar, tilde, check, dot, ...)."""

    letter: str
    font: str = ""
    accents: tuple[str, ...] = ()
    primes: int = 0
    star: bool = False
    sub: Subscript | None = None
    sample: Subscript | None = None  # x^{(i)}: a superscript index
    label: str = ""  # a superscript that names rather than raises: V^\pi, f^{-1} applied

    def plain(self) -> bool:
        return (not self.font and not self.accents and not self.primes and not self.star
                and self.sub is None and self.sample is None and not self.label)


@dataclass(eq=False)
class Group(Node):
    """Brackets around a list: ``open`` is (, [, \\{, or \\langle; ``items`` split at commas;
    ``condition`` the items after a conditioning bar; ``divergence`` the side after ||."""

    open: str
    items: list[Node]
    condition: list[Node] | None = None
    divergence: Node | None = None
    semicolon: list[Node] | None = None


@dataclass(eq=False)
class Juxtaposed(Node):
    """A name followed by brackets: an application or a product, by the name's role. A
    superscript before the brackets (``f^{-1}(x)``, ``V^\\pi(s)``) is ``power``."""

    name: Name
    group: Group
    power: Node | None = None


@dataclass(eq=False)
class Sum(Node):
    terms: list[tuple[int, Node]]  # (+1 or -1, term)


@dataclass(eq=False)
class Product(Node):
    factors: list[tuple[str, Node]]  # ('' first, 'implicit', 'cdot', 'times', 'div')


@dataclass(eq=False)
class Power(Node):
    base: Node
    exponent: Node


@dataclass(eq=False)
class Transpose(Node):
    base: Node


@dataclass(eq=False)
class Factorial(Node):
    base: Node


@dataclass(eq=False)
class Frac(Node):
    numerator: Node
    denominator: Node


@dataclass(eq=False)
class Root(Node):
    radicand: Node
    degree: Node | None = None


@dataclass(eq=False)
class Call(Node):
    """``\\log``, ``\\exp``, ``\\sin``, ...: ``power`` is ``\\sin^2``'s 2, ``base`` \\log_2's 2."""

    function: str
    argument: Node
    power: Node | None = None
    base: Node | None = None


@dataclass(eq=False)
class BigOp(Node):
    """``\\sum``/``\\prod`` over ``indices`` (each a Name with optional low and high)."""

    kind: str
    indices: list[tuple[Name, Node | None, Node | None]]
    body: Node
    over: Name | None = None  # \\sum_{i \\in \\mathcal{V}}: the finite set its one index runs over


@dataclass(eq=False)
class Integral(Node):
    low: Node | None
    high: Node | None
    body: Node
    variables: list[Name]
    whole: bool = False  # over every value of the variables (\\int_x, \\int_{\\mathbb{R}})


@dataclass(eq=False)
class Derivative(Node):
    """``\\frac{d}{dx} body``, ``\\frac{df}{dx}``, ``\\frac{\\partial^2 f}{\\partial x^2}``,
    ``\\partial_x f``, ``\\nabla_w L``: ``of`` is what is differentiated, ``named`` says it
    is a bare name (a quantity that depends on the variables), ``at`` where it is taken."""

    of: Node
    variables: list[tuple[Name, int]]
    named: bool = False
    partial: bool = False
    at: Group | None = None
    shorthand: bool = False  # \\partial_x f, \\partial_i f: the variable as a subscript
    operator: str = "\\partial"  # the shorthand's operator (\\partial_x f, Euler's D_x f)


@dataclass(eq=False)
class Optimum(Node):
    """argmin/argmax (``kind``) over ``variables`` of ``body``."""

    kind: str
    variables: list[Node]
    body: Node


@dataclass(eq=False)
class EulerD(Node):
    """``D f(x)``, ``D_x f``: Euler's notation for the derivative, or D times f. Written
    alike; the reader decides by the roles of D and of f."""

    operator: Name
    operand: Node


@dataclass(eq=False)
class Extremum(Node):
    """``\\max(a, b)``, ``\\min(a, b)``: of a list."""

    kind: str
    items: list[Node]


@dataclass(eq=False)
class Bars(Node):
    """``|x|`` (``double`` False) or ``\\|x\\|`` with an optional subscript."""

    body: Node
    double: bool
    sub: Subscript | None = None


@dataclass(eq=False)
class Matrix(Node):
    rows: list[list[Node]]


@dataclass(eq=False)
class Chain(Node):
    """``sides[0] rel[0] sides[1] ...``; ``relations`` are (relation, offset)."""

    sides: list[Node]
    relations: list[tuple[str, int]]
    conditional: bool = False  # prose after it ("for x > 0") restricts it: not a claim


# ---------------------------------------------------------------------------------------
# Token classes.

GREEK = frozenset("""alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota
kappa lambda mu nu xi omicron pi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega""".split())
VARIANTS = {"varepsilon": "epsilon", "vartheta": "theta", "varphi": "phi", "varrho": "rho",
            "varsigma": "sigma"}
BOLD = frozenset({r"\mathbf", r"\boldsymbol", r"\bm", r"\mathbfit", r"\textbf", r"\pmb",
                  r"\vb", r"\bf"})
FONTS = {r"\mathcal": "cal", r"\mathscr": "cal", r"\mathbb": "bb", r"\mathsf": "sf",
         r"\mathfrak": "frak", r"\mathit": "", r"\textit": "", r"\mathnormal": ""}
WORDS = frozenset({r"\mathrm", r"\textrm", r"\text", r"\mbox", r"\operatorname",
                   r"\textup", r"\mathtt", r"\texttt", r"\textsf", r"\rm"})
ACCENTS = {r"\hat": "hat", r"\widehat": "hat", r"\bar": "bar", r"\overline": "bar",
           r"\tilde": "tilde", r"\widetilde": "tilde", r"\check": "check", r"\dot": "dot",
           r"\ddot": "ddot", r"\breve": "breve", r"\acute": "acute", r"\grave": "grave",
           r"\mathring": "mathring", r"\vec": "vec"}
FUNCTIONS = frozenset({"log", "ln", "exp", "sin", "cos", "tan", "sinh", "cosh", "tanh",
                       "arcsin", "arccos", "arctan", "cot", "sec", "csc", "lg"})
SPACES = frozenset({r"\,", r"\;", r"\:", r"\!", r"\ ", r"\>", r"\thinspace", r"\medspace",
                    r"\thickspace", r"\negthinspace", r"\enspace", r"\displaystyle",
                    r"\textstyle", r"\scriptstyle", r"\limits", r"\nolimits", r"\left",
                    r"\right", r"\bigl", r"\bigr", r"\Bigl", r"\Bigr", r"\biggl", r"\biggr",
                    r"\Biggl", r"\Biggr", r"\big", r"\Big", r"\bigg", r"\Bigg", r"\middle",
                    r"\bigm", r"\Bigm", r"\begingroup", r"\endgroup", r"\relax", r"\allowbreak",
                    r"\nobreak", r"\/", r"\-", r"\strut", r"\mathstrut", r"\notag",
                    r"\nonumber", r"\centering"})
SEPARATORS = frozenset({r"\quad", r"\qquad", r"\hfill", r"\hspace", r"\hskip"})
RELATIONS = {
    "=": "=", ":=": ":=", r"\coloneqq": ":=", r"\triangleq": ":=", r"\defeq": ":=",
    r"\doteq": ":=", r"\equiv": r"\equiv",
    r"\approx": r"\approx", r"\simeq": r"\approx", r"\propto": r"\propto",
    r"\le": r"\leq", r"\leq": r"\leq", r"\leqslant": r"\leq", "<": "<", r"\lt": "<",
    r"\ge": r"\geq", r"\geq": r"\geq", r"\geqslant": r"\geq", ">": ">", r"\gt": ">",
    r"\neq": r"\neq", r"\ne": r"\neq", r"\sim": r"\sim", r"\leftarrow": r"\leftarrow",
    r"\gets": r"\leftarrow", r"\longleftarrow": r"\leftarrow", r"\ll": r"\ll", r"\gg": r"\gg",
    r"\lessapprox": r"\lessapprox", r"\gtrapprox": r"\gtrapprox",
}
REFUSED_RELATIONS = {
    r"\in": ("set", "membership in a set (\\in)"), r"\notin": ("set", "membership (\\notin)"),
    r"\subset": ("set", "a subset (\\subset)"), r"\subseteq": ("set", "a subset"),
    r"\cup": ("set", "a union of sets"), r"\cap": ("set", "an intersection of sets"),
    r"\to": ("limit", "a limit or a map (\\to)"), r"\rightarrow": ("limit", "a limit or map"),
    r"\longrightarrow": ("limit", "a limit or map"), r"\mapsto": ("limit", "a map (\\mapsto)"),
    r"\implies": ("logic", "an implication"), r"\Rightarrow": ("logic", "an implication"),
    r"\iff": ("logic", "an equivalence of statements"), r"\Leftrightarrow": ("logic", "an "
    "equivalence of statements"), r"\forall": ("logic", "a quantifier (\\forall)"),
    r"\exists": ("logic", "a quantifier (\\exists)"), r"\ni": ("set", "membership (\\ni)"),
    r"\perp": ("logic", "independence (\\perp)"), r"\mid": ("logic", "a bar outside a "
    "probability"),
}
ELLIPSES = frozenset({r"\ldots", r"\cdots", r"\dots", r"\vdots", r"\ddots", r"\hdots",
                      r"\dotsc", r"\dotsb", r"\dotsm"})
REFUSED = {
    r"\lim": ("limit", "a limit (\\lim): derive has no reading for limits"),
    r"\liminf": ("limit", "a limit"), r"\limsup": ("limit", "a limit"),
    r"\sup": ("supremum", "a supremum (\\sup): derive has no reading for it"),
    r"\inf": ("supremum", "an infimum (\\inf): derive has no reading for it"),
    r"\det": ("linear-algebra", "a determinant (\\det): derive has no object for it"),
    r"\odot": ("linear-algebra", "an elementwise product (\\odot): derive has no object "
               "for it"),
    r"\otimes": ("linear-algebra", "a tensor product (\\otimes)"),
    r"\oplus": ("linear-algebra", "a direct sum (\\oplus)"),
    r"\circ": ("composition", "a composition of functions (\\circ)"),
    r"\star": ("convolution", "a convolution (\\star)"), r"\ast": ("convolution",
                                                                      "a convolution (\\ast)"),
    r"\pm": ("plus-minus", "\\pm: two equations in one"), r"\mp": ("plus-minus", "\\mp"),
    r"\lfloor": ("rounding", "a floor (\\lfloor): derive has no reading for it"),
    r"\lceil": ("rounding", "a ceiling (\\lceil)"),
    r"\binom": ("binomial", "a binomial coefficient"), r"\choose": ("binomial",
                                                                   "a binomial coefficient"),
    r"\int": ("integral", "an integral"),  # only where an integral cannot start
    r"\oint": ("integral", "a contour integral"), r"\iint": ("integral", "a double integral "
                                                              "sign (write \\int\\int)"),
    r"\bullet": ("placeholder", "a placeholder argument (\\bullet)"),
    r"\cdot": ("syntax", "\\cdot with nothing before it"),
    r"\langle": ("inner-product", "an inner product or a sequence (\\langle...\\rangle)"),
    r"\overrightarrow": ("accent", "an arrow over a name"),
    r"\overleftarrow": ("accent", "an arrow over a name"),
    r"\backslash": ("set", "a set difference (\\backslash)"),
    r"\emptyset": ("set", "the empty set"), r"\varnothing": ("set", "the empty set"),
    r"\setminus": ("set", "a set difference"),
    r"\wedge": ("logic", "a conjunction (\\wedge)"), r"\vee": ("logic", "a disjunction"),
    r"\neg": ("logic", "a negation"), r"\lnot": ("logic", "a negation"),
    r"\arg": ("syntax", "\\arg without \\min or \\max"),
}
ENVIRONMENTS = {"cases": "cases", "dcases": "cases", "rcases": "cases",
                "bmatrix": "matrix", "pmatrix": "matrix", "matrix": "matrix",
                "vmatrix": "matrix", "Bmatrix": "matrix", "Vmatrix": "matrix",
                "smallmatrix": "matrix", "array": "matrix", "tabular": "table"}
# The relations of a condition written beside an equation (``|x| = -x, \\quad x < 0``).
CONDITION_RELATIONS = frozenset({"<", ">", r"\leq", r"\geq", r"\neq"})
PROSE_CONDITIONS = re.compile(
    r"^(for|if|when|whenever|provided|unless|otherwise|given|as|while|such\s+that|s\.t\.|"
    r"with\s+probability|iff|only\s+if|for\s+all|for\s+each|for\s+every|for\s+any)\b", re.I)
PROSE_WORDS = frozenset("""and or where with then so thus hence therefore since because
also let is are be we have has that the a an of by to in on at which i.e. e.g. else
otherwise for if when as given while via using from such s.t. respectively all each every
any iff only def""".split())


# what _skip_spaces skips once sizes and thin spaces are gone (see _meaningful)
_SKIPPED = SEPARATORS | SPACES | {r"\color", r"\label", r"\index", r"\tag", r"\vphantom",
                                  r"\phantom", r"\hphantom", r"\mystrut", r"\vrule",
                                  r"\hrule"}


# ---------------------------------------------------------------------------------------

@dataclass
class _Context:
    bar: bool = False  # a conditioning bar may end the current item
    divergence: bool = False  # || separates the two sides of a divergence
    integrals: int = 0  # open integrals waiting for their differential
    subscript: bool = False  # inside a subscript: an ellipsis is part of a label
    closing_bar: bool = False  # inside |...|: a | closes it


class Parser:
    """Recursive descent over the tokens of one display."""

    def __init__(self, tokens: list[Token], source: str):
        self.tokens = tokens
        self.source = source
        self.k = 0
        self.depth = 0
        self.context = _Context()

    # -- tokens -----------------------------------------------------------------------

    def _skip_spaces(self) -> bool:
        """Skip what means nothing; return whether a wide space (\\quad) was skipped."""
        wide = False
        while True:
            t = self.tokens[self.k]
            if t.kind == "cmd" and t.text in SPACES:
                self.k += 1
                if t.text in (r"\left", r"\right") and self.tokens[self.k].text == ".":
                    self.k += 1  # \left. : an invisible delimiter
                continue
            if t.text == "~":
                self.k += 1
                continue
            if t.kind == "cmd" and t.text in (r"\color", r"\label", r"\index", r"\tag",
                                              r"\vphantom", r"\phantom", r"\hphantom",
                                              r"\mystrut"):
                self.k += 1
                self._skip_group()
                continue
            if t.kind == "cmd" and t.text in (r"\vrule", r"\hrule"):
                self.k += 1
                while (self.tokens[self.k].kind == "letter"
                       and self._word_ahead() in ("width", "height", "depth")):
                    self.k += len(self._word_ahead())
                    while self.tokens[self.k].kind in ("number", "char") and \
                            self.tokens[self.k].text not in ("{", "}", "="):
                        self.k += 1
                    if self._word_ahead()[:2] in ("pt", "em", "ex", "cm", "mm", "in"):
                        self.k += 2
                continue
            if t.kind == "cmd" and t.text in SEPARATORS:
                wide = True
                self.k += 1
                if t.text in (r"\hspace", r"\hskip"):
                    if self.tokens[self.k].text == "*":
                        self.k += 1
                    self._skip_group()
                continue
            return wide

    def _after(self, j: int) -> Token:
        """The first token after offset ``j`` in the token list that means something."""
        j += 1
        while self.tokens[j].kind == "cmd" and self.tokens[j].text in SPACES:
            j += 1
        return self.tokens[j]

    def _word_ahead(self) -> str:
        letters = []
        j = self.k
        while self.tokens[j].kind == "letter":
            letters.append(self.tokens[j].text)
            j += 1
        return "".join(letters)

    def _skip_group(self) -> None:
        if self.tokens[self.k].text == "{":
            self._raw_group()

    def peek(self) -> Token:
        """The next token that means something. A wide space (\\quad) is one outside
        brackets: it may end an equation, and only the chain level skips it."""
        t = self.tokens[self.k]
        if t.kind == "cmd" and t.text in _SKIPPED and (
                t.text not in SEPARATORS or self.context.bar):
            self._skip_spaces()
            t = self.tokens[self.k]
        return t

    def next(self) -> Token:
        t = self.peek()
        self.k += 1
        return t

    def at(self, *texts: str) -> bool:
        return self.peek().text in texts

    def expect(self, text: str, what: str = "") -> Token:
        t = self.peek()
        if t.text != text:
            raise self.error("syntax", f"expected {text}{' ' + what if what else ''}, found "
                             f"{self.describe(t)}", t)
        self.k += 1
        return t

    def describe(self, t: Token) -> str:
        if t.kind == "end":
            return "the end of the math"
        if t.kind == "cmd":
            return f"the command {t.text}"
        return repr(t.text)

    def error(self, code: str, message: str, token: Token | None = None) -> Unreadable:
        token = token or self.tokens[self.k]
        return Unreadable(code, message, token.pos)

    def _raw_group(self) -> tuple[int, int, list[Token]]:
        """The tokens of the braced group at the cursor, consumed; returns (start, end) of
        its text in the source and its tokens."""
        open_token = self.expect("{")
        depth, start = 1, self.k
        while True:
            t = self.tokens[self.k]
            if t.kind == "end":
                raise self.error("syntax", "a { is never closed", open_token)
            if t.text == "{":
                depth += 1
            elif t.text == "}":
                depth -= 1
                if depth == 0:
                    inner = self.tokens[start:self.k]
                    self.k += 1
                    return open_token.pos + 1, t.pos, inner
            self.k += 1

    def _text_of(self, tokens: list[Token]) -> str:
        """The letters of a text argument (``{\\bf sa}`` is sa); None-like '' if it holds
        anything but letters, digits and spaces."""
        out = []
        for t in tokens:
            if t.text in ("{", "}") or t.text in (r"\bf", r"\rm", r"\it", r"\sf", r"\bfseries"):
                continue
            if t.kind in ("letter", "number"):
                out.append(t.text)
            elif t.text in ("-", "'", ".", ","):
                out.append(t.text)
            else:
                return ""
        return "".join(out)

    def _enter(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("too-deep", f"the math is nested too deeply (more than "
                             f"{MAX_DEPTH} levels): split it", token)

    def _leave(self) -> None:
        self.depth -= 1

    # -- displays and chains ------------------------------------------------------------

    def display(self) -> list[Chain]:
        chains: list[Chain] = []
        while True:
            self._skip_spaces()
            t = self.tokens[self.k]
            if t.kind == "end":
                return chains
            if self._prose_ahead():
                words = self._prose()
                if PROSE_CONDITIONS.match(words):
                    if chains:
                        chains[-1].conditional = True
                    self._skip_condition()
                continue
            if t.text in (",", ";", ".") and chains:
                self.k += 1
                continue
            if t.text == r"\forall" or t.text == r"\exists":
                if chains:
                    chains[-1].conditional = True
                self._skip_condition()
                continue
            if chains and self._after_separation() and self._condition():
                chains[-1].conditional = True  # |x| = -x, \quad x < 0: a case, not two claims
                continue
            chains.append(self.chain())

    def _after_separation(self) -> bool:
        """Is the cursor after the comma or the wide space (``\\quad``) that ended the
        equation before? (The thin spaces of ``,\\;`` are gone before parsing.)"""
        return self.k > 0 and (self.tokens[self.k - 1].text == "," or
                               self.tokens[self.k - 1].text in SEPARATORS)

    def _condition(self) -> bool:
        """A chain of inequalities only (``x < 0``, ``0 < p \\leq 1``, ``x \\neq 0``) at the
        cursor: consumed, True (the condition of the equation before); else nothing
        consumed."""
        save = self.k
        try:
            chain = self.chain()
        except Unreadable:
            self.k = save
            return False
        if chain.sides[0] is not None and chain.relations and all(
                r in CONDITION_RELATIONS for r, _ in chain.relations):
            return True
        self.k = save
        return False

    def _skip_condition(self) -> None:
        """A condition runs to the next wide space or prose (or the end of the row)."""
        depth = 0
        while True:
            t = self.tokens[self.k]
            if t.kind == "end":
                return
            if t.text in ("{", "(", "["):
                depth += 1
            elif t.text in ("}", ")", "]"):
                depth -= 1
            elif depth <= 0 and (t.text in SEPARATORS or (t.text in WORDS and self._prose_at(self.k))):
                return
            self.k += 1

    def _prose_at(self, k: int) -> bool:
        t = self.tokens[k]
        if t.kind != "cmd" or t.text not in WORDS or t.text == r"\rm" \
                or self.tokens[k + 1].text != "{":
            return False
        depth, j = 0, k + 1
        inner = []
        while self.tokens[j].kind != "end":
            if self.tokens[j].text == "{":
                depth += 1
            elif self.tokens[j].text == "}":
                depth -= 1
                if depth == 0:
                    break
            inner.append(self.tokens[j])
            j += 1
        raw = self.source[self.tokens[k + 1].pos + 1:self.tokens[j].pos]
        words = re.sub(r"\\(bf|rm|it|sf|bfseries)(?![A-Za-z])|[{}]", "", raw).strip()
        if not words:
            return True
        if "$" in raw or re.search(r"\s", words) or re.search(r"[^A-Za-z0-9]", words):
            return bool(re.search(r"[A-Za-z]{2,}|\$", words)) or words in (",", ";", ".")
        return len(words) > 1 and words.lower().rstrip(".,;:") in PROSE_WORDS

    def _prose_ahead(self) -> bool:
        return self._prose_at(self.k)

    def _prose(self) -> str:
        self.k += 1
        start, end, _ = self._raw_group()
        return self.source[start:end].strip().strip(",.;: ")

    def chain(self) -> Chain:
        """``a = b = c``; a chain that starts with its relation (``= c``) continues the
        display before it, and its first side is None."""
        start = self.peek()
        relations: list[tuple[str, int]] = []
        relation = self._relation()
        if relation is not None:
            relations.append((relation, start.pos))
            sides: list[Node | None] = [None, self.expression()]
        else:
            sides = [self.expression()]
        while True:
            wide = self._skip_spaces()
            t = self.tokens[self.k]
            relation = self._relation()
            if relation is not None:
                relations.append((relation, t.pos))
                sides.append(self.expression())
                continue
            if t.text == r"\in" and self._space_annotation():
                continue  # x \in \mathbb{R}^d: the shape of what is written, not a claim
            if t.text in (r"\forall", r"\exists") and wide:
                break  # a = b \quad \forall i: the display reads the condition
            if t.kind == "cmd" and t.text in REFUSED_RELATIONS:
                code, what = REFUSED_RELATIONS[t.text]
                raise self.error(code, f"{what}: derive reads = and := (and skips \\leq, "
                                 f"\\approx, ...), not this", t)
            if t.kind == "end" or self._prose_ahead() or t.text in (r"\forall", r"\exists"):
                break
            if t.text in (",", ";", "."):
                if self._comma_separates(relations):
                    break
                if self.tokens[self.k + 1].kind == "end":
                    self.k += 1
                    break
                if not relations and self._no_relation_ahead():
                    break  # a list of expressions, none of them a claim: each read alone
                raise self.error("list", "a list of expressions separated by commas: derive "
                                 "reads one equation, or equations separated by prose "
                                 "(\\quad\\text{and}\\quad)", t)
            if wide and relations:
                break  # a = b \quad c = d: two equations
            raise self.error("syntax", f"cannot read {self.describe(t)} here; expected an "
                             f"operator (+, -, \\cdot), a relation (=) or the end of the "
                             f"equation", t)
        return Chain(start.pos, sides, relations)

    def _no_relation_ahead(self) -> bool:
        return not any(t.text in RELATIONS or t.text in (r"\stackrel", r"\overset")
                       for t in self.tokens[self.k:])

    def _space_annotation(self) -> bool:
        """``\\in \\mathbb{R}^{n \\times d}`` closing an equation: consumed, True; else
        nothing consumed."""
        j = self.k + 1
        texts = [x.text for x in self.tokens[j:j + 4]]
        if texts[:2] == [r"\mathbb", "{"] and texts[2] in ("R", "N", "Z", "C") and \
                texts[3] == "}":
            j += 4
        elif texts[0] == r"\mathbb" and texts[1] in ("R", "N", "Z", "C"):
            j += 2
        else:
            return False
        while self.tokens[j].text in ("^", "_"):
            j += 1
            if self.tokens[j].text == "{":
                depth = 0
                while self.tokens[j].kind != "end":
                    if self.tokens[j].text == "{":
                        depth += 1
                    elif self.tokens[j].text == "}":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
            j += 1
        after = self.tokens[j]
        if after.kind == "end" or after.text in (",", ".", ";") or after.text in SEPARATORS \
                or self._prose_at(j):
            self.k = j
            return True
        return False

    def _comma_separates(self, relations) -> bool:
        """``a = b, \\; c = d``: a comma between two equations separates them."""
        if not relations:
            return False
        depth = 0
        for t in self.tokens[self.k + 1:]:
            if t.kind == "end":
                return False
            if t.text in ("{", "(", "["):
                depth += 1
            elif t.text in ("}", ")", "]"):
                depth -= 1
            elif depth == 0 and (t.text in RELATIONS or t.text in (r"\stackrel", r"\overset")):
                return True
            elif depth == 0 and t.text in (",", ";"):
                return False
        return False

    def _relation(self) -> str | None:
        t = self.tokens[self.k]
        if t.text == ":" and self.tokens[self.k + 1].text == "=":
            self.k += 2
            return ":="
        if t.text in ("<", ">") and self.tokens[self.k + 1].text == "=":
            self.k += 2
            return r"\leq" if t.text == "<" else r"\geq"
        if t.text in (r"\stackrel", r"\overset"):
            save = self.k
            self.k += 1
            _, _, above = self._raw_group()
            below = self.peek()
            if below.text == "{":
                _, _, inner = self._raw_group()
                symbol = "".join(x.text for x in inner)
            else:
                self.k += 1
                symbol = below.text
            label = self._text_of([x for x in above if x.kind != "cmd"])
            if symbol == "=" and label.lower() in ("def", "d", "defn", "\u0394"):
                return ":="
            if symbol == "=" and not label:
                self.k = save
                return None
            if symbol in RELATIONS:
                return f"{RELATIONS[symbol]}?"  # =^{?}: a relation the author questions
            self.k = save
            return None
        if t.text in RELATIONS and t.text not in ("<", ">"):
            self.k += 1
            return RELATIONS[t.text]
        if t.text in ("<", ">"):
            self.k += 1
            return t.text
        return None

    # -- expressions --------------------------------------------------------------------

    def expression(self) -> Node:
        start = self.peek()
        self._enter(start)
        terms: list[tuple[int, Node]] = []
        sign = 1
        if start.text in ("+", "-"):
            sign = -1 if start.text == "-" else 1
            self.k += 1
        open_ops: list[BigOp] = []
        while True:
            term = self.term()
            placed = False
            if open_ops:
                home = next((op for op in reversed(open_ops) if _mentions(term, op)), None)
                if home is not None:
                    home.body = _joined(home.body, sign, term)
                    placed = True
                else:
                    open_ops = []
            if not placed:
                terms.append((sign, term))
                open_ops = _trailing_bigops(term)
            t = self.peek()
            if t.text in ("+", "-"):
                sign = -1 if t.text == "-" else 1
                self.k += 1
                continue
            if t.text in (r"\pm", r"\mp"):
                code, what = REFUSED[t.text]
                raise self.error(code, f"{what}: write the two equations apart", t)
            break
        self._leave()
        if len(terms) == 1 and terms[0][0] == 1:
            return terms[0][1]
        return Sum(start.pos, terms)

    def term(self) -> Node:
        """Products: juxtaposition first (``2\\sigma^2``), then ``\\cdot``, ``\\times``, ``/``
        left to right: ``x^2/2\\sigma^2`` is x^2 / (2 sigma^2)."""
        start = self.peek()
        factors: list[tuple[str, Node]] = [("", self.juxtaposition())]
        while True:
            t = self.peek()
            if t.text == "*":
                raise _star_refused(t.pos)
            if t.text in (r"\cdot", r"\times", "/"):
                self.k += 1
                op = {r"\cdot": "cdot", r"\times": "times", "/": "div"}[t.text]
                factors.append((op, self.juxtaposition()))
                continue
            break
        if len(factors) == 1:
            return factors[0][1]
        return Product(start.pos, factors)

    def juxtaposition(self) -> Node:
        start = self.peek()
        factors: list[tuple[str, Node]] = [("", self.factor())]
        while self._starts_factor():
            factor = self.factor()
            if _is_euler_d(factors[-1][1]) and _is_letter_operand(factor) and \
                    not self.context.subscript:
                factors[-1] = (factors[-1][0], EulerD(factors[-1][1].pos, factors[-1][1], factor))
                continue
            factors.append(("implicit", factor))
        if len(factors) == 1:
            return factors[0][1]
        return Product(start.pos, factors)

    def _starts_factor(self) -> bool:
        if self.tokens[self.k].text in SEPARATORS:
            return False  # a = b \quad c = d: a wide space ends the expression
        t = self.peek()
        if t.kind in ("letter", "number"):
            if self.context.integrals and self._differential_ahead():
                return False
            return True
        if t.kind == "char":
            if t.text == "|":
                if self._after(self.k).text == "|" and not self.context.divergence \
                        and not self.context.closing_bar:
                    return True  # ||x||: a norm, never a conditioning bar
                return not self.context.bar and not self.context.closing_bar and \
                    not (self.context.divergence and self._after(self.k).text == "|")
            return t.text in ("(", "[", "{")
        if t.kind == "cmd":
            if t.text in WORDS:
                return not self._prose_ahead()
            if t.text in (r"\|", r"\lVert", r"\Vert"):
                return not self.context.divergence and not self.context.closing_bar
            if t.text in (r"\rVert", r"\rangle", r"\}") or t.text in SEPARATORS:
                return False
            if self.context.integrals and self._differential_ahead():
                return False
            return not (t.text in RELATIONS or t.text in REFUSED_RELATIONS
                        or t.text in (r"\cdot", r"\times", r"\pm", r"\mp", r"\mid", r"\stackrel",
                                      r"\overset", r"\end", r"\\", r"\forall", r"\exists",
                                      r"\right"))
        return False

    def _differential_ahead(self) -> bool:
        """At ``dz``, ``d\\mathbf{z}``, ``\\mathrm{d}z``: the differential of an integral."""
        t = self.tokens[self.k]
        j = self.k
        if t.text == "d" and t.kind == "letter":
            j += 1
        elif t.text in (r"\mathrm", r"\operatorname", r"\text", r"\textrm") and \
                self.tokens[j + 1].text == "{" and self.tokens[j + 2].text == "d" and \
                self.tokens[j + 3].text == "}":
            j += 4
        else:
            return False
        while self.tokens[j].kind == "cmd" and self.tokens[j].text in SPACES:
            j += 1
        nxt = self.tokens[j]
        return nxt.kind == "letter" or (nxt.kind == "cmd" and (
            nxt.text[1:] in GREEK or nxt.text in BOLD or nxt.text in ACCENTS
            or nxt.text == r"\ell"))

    # -- factors ------------------------------------------------------------------------

    def factor(self) -> Node:
        t = self.peek()
        self._enter(t)
        node = self._postfix(self.primary())
        self._leave()
        return node

    def _postfix(self, node: Node) -> Node:
        while True:
            t = self.tokens[self.k]
            if t.text == "!":
                self.k += 1  # n! = 120: in LaTeX a ! is a factorial, never half of !=
                node = Factorial(node.pos, node)
                continue
            if t.text == "^":
                node = self._superscript(node)
                continue
            if t.text == "'" and not isinstance(node, Name):
                raise self.error("syntax", "a prime after something that is not a name", t)
            if t.text == "_" and isinstance(node, Grouped) and node.bracket == "{" and \
                    isinstance(node.inner, Name) and node.inner.sub is None:
                self.k += 1  # {\mathbf{v}}_i
                node.inner.sub = self._subscript()
                node = node.inner
                continue
            if t.text == "_" and isinstance(node, Power) and isinstance(node.base, Bars) and \
                    node.base.double and node.base.sub is None:
                self.k += 1  # \|x\|^2_2: TeX takes the scripts in either order
                node.base.sub = self._subscript()
                continue
            if t.text == "_":
                raise self.error("subscript", "a subscript after brackets (an entry of a "
                                 "vector or matrix expression): derive has no reading for it",
                                 t)
            return node

    def _superscript(self, base: Node) -> Node:
        caret = self.tokens[self.k]
        self.k += 1
        mark = self._superscript_mark()
        if mark == "transpose":
            return Transpose(base.pos, base)
        if mark == "star" or mark == "prime":
            raise self.error("syntax", f"a {mark} on something that is not a name", caret)
        if mark == "sample":
            raise self.error("subscript", "a superscript index on something that is not a "
                             "name", caret)
        exponent = self._script_argument()
        return Power(base.pos, base, exponent)

    def _superscript_mark(self) -> str | None:
        """``^\\top``, ``^*``, ``^\\prime``, ``^{(k)}``: a mark, not a power (consumed)."""
        t = self.tokens[self.k]
        inner = [t]
        braced = t.text == "{"
        if braced:
            depth, j = 0, self.k
            while self.tokens[j].kind != "end":
                if self.tokens[j].text == "{":
                    depth += 1
                elif self.tokens[j].text == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            inner = [x for x in self.tokens[self.k + 1:j] if x.text not in SPACES]
            after = j + 1
        else:
            after = self.k + 1
        texts = [x.text for x in inner]
        if texts in ([r"\top"], [r"\intercal"], [r"\mathsf", "{", "T", "}"], [r"\mathsf", "T"],
                     [r"\mathrm", "{", "T", "}"], [r"\rm", "T"], [r"\textsf", "{", "T", "}"],
                     ):
            self.k = after
            return "transpose"
        if texts in (["*"], [r"\star"], [r"\ast"]):
            self.k = after
            return "star"
        if texts in ([r"\prime"], [r"\prime", r"\prime"], ["'"], ["'", "'"]):
            self.k = after
            return "prime" if len(texts) == 1 else "prime2"
        if braced and texts and texts[0] == "(" and texts[-1] == ")" and _balanced(texts[1:-1]):
            return "sample"
        return None

    def _script_argument(self) -> Node:
        """The argument of ^ or _: a braced expression or a single token."""
        t = self.tokens[self.k]
        if t.text == "{":
            self.k += 1
            saved = self.context
            self.context = _Context(integrals=0, subscript=self.context.subscript)
            inner = self.expression()
            self.context = saved
            self.expect("}", "to close the superscript")
            return inner
        if t.kind == "number":
            self.k += 1
            if len(t.text) > 1 and "." not in t.text:
                # x^23 is x^{2}3: TeX takes one token
                self.tokens.insert(self.k, Token("number", t.text[1:], t.pos + 1))
                return Number(t.pos, t.text[0])
            return Number(t.pos, t.text)
        if t.kind == "letter":
            self.k += 1
            return Name(t.pos, t.text)
        if t.text in ("-", "+") and self.tokens[self.k + 1].kind in ("number", "letter"):
            raise self.error("syntax", f"x^{t.text}... without braces: write x^{{{t.text}...}}",
                             t)
        return self.primary()

    # -- primaries ----------------------------------------------------------------------

    def primary(self) -> Node:
        t = self.peek()
        if t.kind == "number":
            self.k += 1
            return Number(t.pos, t.text)
        if t.kind == "letter":
            if self.context.integrals and self._differential_ahead():
                raise self.error("syntax", "a differential where an expression was expected", t)
            return self._name_or_application()
        if t.kind == "char":
            return self._char_primary(t)
        if t.kind == "cmd":
            return self._command_primary(t)
        if t.kind == "end":
            raise self.error("syntax", "the math ends where an expression was expected", t)
        raise self.error("syntax", f"cannot read {self.describe(t)}", t)

    def _char_primary(self, t: Token) -> Node:
        if t.text in ("(", "["):
            group = self.group()
            if len(group.items) != 1 or group.condition is not None or group.divergence:
                raise self.error("list", f"a bracketed list {t.text}...: a vector, an interval "
                                 f"or a tuple, which derive has no reading for", t)
            return Grouped(t.pos, group.items[0], t.text)
        if t.text == "{":
            self.k += 1
            saved = self.context
            self.context = _Context(integrals=saved.integrals)
            inner = self.expression()
            self.context = saved
            self.expect("}")
            return Grouped(t.pos, inner, "{")
        if t.text == "|":
            if self.tokens[self.k + 1].text == "|":
                self.k += 2
                return self._bars(t, double=True, closer=("|", "|"))
            self.k += 1
            return self._bars(t, double=False, closer=("|",))
        if t.text == "'":
            raise self.error("syntax", "a prime with no name before it", t)
        raise self.error("syntax", f"cannot read {self.describe(t)} here; expected an "
                         f"expression", t)

    def _bars(self, opener: Token, double: bool, closer: tuple[str, ...]) -> Node:
        saved = self.context
        self.context = _Context(integrals=0, closing_bar=True)
        body = self.expression()
        self.context = saved
        for c in closer:
            t = self.peek()
            if t.text == c or (c == "|" and t.text in (r"\rVert", r"\|", r"\Vert") and double):
                self.k += 1
                if t.text != "|":
                    break
            else:
                raise self.error("syntax", f"expected a closing {''.join(closer)}, found "
                                 f"{self.describe(t)}", t)
        sub = None
        if self.tokens[self.k].text == "_":
            self.k += 1
            sub = self._subscript()
        return Bars(opener.pos, body, double, sub)

    def group(self) -> Group:
        """``( ... )`` or ``[ ... ]`` (either may close either, as textbooks write
        intervals): items at commas, a conditioning bar, a divergence's ||."""
        opener = self.next()
        self._enter(opener)
        closers = {"(": (")", "]"), "[": ("]", ")"), r"\{": (r"\}",), r"\langle": (r"\rangle",)}
        saved = self.context
        self.context = _Context(bar=True, divergence=saved.divergence, integrals=0)
        items: list[Node] = []
        condition = None
        divergence = None
        semicolon = None
        target = items
        while True:
            if self.peek().text in closers[opener.text] and not target and target is items \
                    and not items:
                break  # f(): no arguments
            target.append(self._item())
            t = self.peek()
            if t.text == ",":
                self.k += 1
                continue
            if t.text in ("|", r"\mid", r"\vert") and not (
                    self.context.divergence and self._after(self.k).text == "|"):
                if condition is not None:
                    raise self.error("syntax", "two conditioning bars", t)
                self.k += 1
                condition = []
                target = condition
                continue
            if t.text == ";" and semicolon is None:
                self.k += 1
                semicolon = []
                target = semicolon
                continue
            if self.context.divergence and divergence is None and (
                    t.text in (r"\|", r"\Vert", r"\parallel") or (
                    t.text == "|" and self._after(self.k).text == "|")):
                self.k += 1
                if t.text == "|":
                    self.peek()
                    self.k += 1
                divergence = self._item()
            break
        self.context = saved
        t = self.peek()
        if t.text not in closers[opener.text]:
            raise self.error("syntax", f"expected {closers[opener.text][0]} to close the "
                             f"{opener.text} opened before, found {self.describe(t)}", t)
        self.k += 1
        self._leave()
        return Group(opener.pos, opener.text, items, condition, divergence, semicolon)

    def _item(self) -> Node:
        """One item of a bracketed list: an expression, or an event ``X = 1`` (a Chain)."""
        t = self.peek()
        if t.kind == "cmd" and t.text in ELLIPSES:
            raise self.error("ellipsis", f"{t.text} in a list: derive reads no sequences "
                             f"written with an ellipsis", t)
        node = self.expression()
        relation_token = self.peek()
        if relation_token.text == "=":
            self.k += 1
            return Chain(node.pos, [node, self.expression()], [("=", relation_token.pos)])
        if self._relation() is not None or (relation_token.text in REFUSED_RELATIONS
                                            and relation_token.text != r"\mid"):
            raise self.error("probability-of-event", "a relation inside brackets (an event "
                             "like P(X > 1), or a condition): derive reads densities "
                             "p(x|y) and probabilities of values P(X = x)", relation_token)
        return node

    # -- names --------------------------------------------------------------------------

    def _name_or_application(self) -> Node:
        start = self.tokens[self.k]
        name, power, transpose = self.name()
        if name.font == "word" and name.letter in FUNCTIONS and name.sub is None \
                and not name.primes and not transpose:
            return self._word_call(start, name.letter, power)  # \textrm{cos}(x) is cos(x)
        if name.font == "word" and name.letter in ("max", "min") and not name.primes \
                and not name.accents and not name.star and name.sample is None:
            # \mathrm{min}(1, \theta/\|g\|): the same minimum as \min(...), never a function
            # named min
            if name.sub is not None:
                raise self.error("optimum-value", f"\\{name.letter} over a variable or an "
                                 f"index: the {name.letter}imum value, which derive has no "
                                 f"object for (it reads \\{name.letter}(a, b) of a list)", start)
            if power is not None or transpose:
                raise self.error("syntax", f"a superscript on {name.letter} before its "
                                 f"arguments: write \\{name.letter}(a, b)^2", start)
            return self._after_max_or_min(start, name.letter)
        if name.font == "cal" and name.letter == "O" and not name.sub:
            raise self.error("order", "big-O notation (\\mathcal{O}): derive has no reading "
                             "for it", start)
        nxt = self.peek()
        if nxt.text in ("(", "[") and not transpose:
            if _is_divergence_name(name):
                saved = self.context
                self.context = _Context(divergence=True)
                group = self.group()
                self.context = saved
            else:
                group = self.group()
            node: Node = Juxtaposed(name.pos, name, group, power)
            return node
        node = name
        if transpose:
            node = Transpose(name.pos, node)
        if power is not None:
            node = Power(name.pos, node, power)
        return node

    def name(self) -> tuple[Name, Node | None, bool]:
        """A name with its decorations, then its subscript, superscripts and primes in any
        order; returns (name, power, transposed)."""
        name = self._name_core()
        power, transpose = None, False
        while True:
            t = self.tokens[self.k]
            if t.text == "'":
                name.primes += 1
                self.k += 1
                continue
            if t.text == "_":
                if name.sub is not None:
                    raise self.error("subscript", "a double subscript", t)
                self.k += 1
                name.sub = self._subscript()
                continue
            if t.text == "^":
                self.k += 1
                mark = self._superscript_mark()
                if mark == "transpose":
                    transpose = True
                elif mark == "star":
                    name.star = True
                elif mark in ("prime", "prime2"):
                    name.primes += 1 if mark == "prime" else 2
                elif mark == "sample":
                    if name.sample is not None:
                        raise self.error("subscript", "two superscript indices", t)
                    self.k += 1  # {
                    self.expect("(")
                    name.sample = self._subscript_items(")")
                    self.expect(")")
                    self.expect("}")
                else:
                    if power is not None:
                        raise self.error("syntax", "a double superscript: write braces", t)
                    power = self._script_argument()
                continue
            return name, power, transpose

    def _name_core(self) -> Name:
        t = self.next()
        if t.kind == "letter":
            if t.text == "P" and self.tokens[self.k].text == "r" and \
                    self._after(self.k).text in ("(", "["):
                self.k += 1  # Pr(y|x): the probability of the books that write it so
                return Name(t.pos, "Pr")
            return Name(t.pos, t.text)
        if t.kind != "cmd":
            raise self.error("syntax", f"expected a name, found {self.describe(t)}", t)
        command = t.text
        if command[1:] in GREEK:
            return Name(t.pos, VARIANTS.get(command[1:], command[1:]))
        if command in (r"\ell", r"\imath", r"\jmath", r"\hbar", r"\aleph"):
            return Name(t.pos, command[1:])
        if command == r"\Pr":
            return Name(t.pos, "Pr")
        if command in ACCENTS:
            inner = self._font_argument(t)
            inner.accents = (*inner.accents, ACCENTS[command])
            inner.pos = t.pos
            return inner
        if command in BOLD:
            inner = self._font_argument(t, bold=True)
            inner.font = "bold" if inner.font in ("", "word") or len(inner.letter) == 1 else inner.font
            inner.pos = t.pos
            return inner
        if command in FONTS:
            inner = self._font_argument(t)
            inner.font = FONTS[command] or inner.font
            inner.pos = t.pos
            return inner
        if command in WORDS:
            return self._word(t)
        raise self.error("syntax", f"expected a name, found {self.describe(t)}", t)

    def _font_argument(self, command: Token, bold: bool = False) -> Name:
        """The name inside ``\\mathbf{...}``, ``\\hat{...}``: one letter, a Greek letter, a
        word (``\\mathbf{sa}``), or a decorated name (``\\hat{\\boldsymbol\\theta}``)."""
        t = self.tokens[self.k]
        if t.text != "{":
            if t.kind == "letter" or t.kind == "cmd":
                return self._name_core()
            if t.kind == "number" and bold:
                self.k += 1
                if len(t.text) > 1:
                    self.tokens.insert(self.k, Token("number", t.text[1:], t.pos + 1))
                return Name(t.pos, t.text[0], font="number")
            raise self.error("syntax", f"{command.text} of {self.describe(t)}", t)
        self.k += 1
        inner = [x for x in self.tokens[self.k:] if x.kind != "end"]
        letters = []
        for x in inner:
            if x.kind == "letter":
                letters.append(x.text)
            else:
                break
        if len(letters) > 1 and self.tokens[self.k + len(letters)].text == "}":
            word = "".join(letters)
            self.k += len(letters) + 1
            return Name(t.pos, word, font="word")
        if self.tokens[self.k].kind == "number" and self.tokens[self.k + 1].text == "}":
            number = self.tokens[self.k]
            self.k += 2
            return Name(t.pos, number.text, font="number")  # \mathbf{1}: the vector of ones
        name, power, transpose = self.name()
        if power is not None or transpose:
            raise self.error("syntax", f"a superscript inside {command.text}{{...}}: write it "
                             f"outside", t)
        self.expect("}", f"to close {command.text}")
        return name

    def _word(self, command: Token) -> Name:
        if command.text == r"\rm":
            t = self.next()
            if t.kind != "letter":
                raise self.error("syntax", "\\rm before something that is not a letter", t)
            letters = [t.text]
            while self.tokens[self.k].kind == "letter":
                letters.append(self.tokens[self.k].text)
                self.k += 1
            word = "".join(letters)
            return Name(command.pos, word, font="word" if len(word) > 1 else "")
        star = self.tokens[self.k].text == "*"
        if star:
            self.k += 1
        if self.tokens[self.k].text != "{":
            raise self.error("syntax", f"{command.text} without braces", command)
        start, end, inner = self._raw_group()
        bold = any(x.text in (r"\bf", r"\bfseries") for x in inner)
        word = self._text_of(inner)
        written = re.sub(r"\\(bf|rm|it|sf|bfseries)(?![A-Za-z])|[{}]", "", self.source[start:end])
        if word and not re.fullmatch(r"\s*[A-Za-z][A-Za-z0-9]*\s*", written):
            raise self.error("text", f"{command.text}{{{written.strip()}}}: prose or text "
                             f"derive cannot read as a name", command)
        if not word:
            raw = self.source[start:end].strip()
            if raw.startswith("\\") and re.fullmatch(r"\\[A-Za-z]+", raw) and raw[1:] in GREEK:
                return Name(command.pos, VARIANTS.get(raw[1:], raw[1:]), font="bold" if bold
                            else "")
            raise self.error("text", f"{command.text}{{{raw}}}: text derive cannot read as a "
                             f"name", command)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", word):
            raise self.error("text", f"{command.text}{{{word}}}: text derive cannot read as a "
                             f"name", command)
        font = "bold" if bold else ("word" if len(word) > 1 else "")
        return Name(command.pos, word, font=font)

    def _subscript(self) -> Subscript:
        t = self.tokens[self.k]
        if t.text == "{":
            self.k += 1
            sub = self._subscript_items("}")
            self.expect("}", "to close the subscript")
            return sub
        if t.kind == "number":
            self.k += 1
            if len(t.text) > 1 and "." not in t.text:
                self.tokens.insert(self.k, Token("number", t.text[1:], t.pos + 1))
            return Subscript(t.pos, t.text[0], [Number(t.pos, t.text[0])])
        if t.kind == "letter":
            self.k += 1
            return Subscript(t.pos, t.text, [Name(t.pos, t.text)])
        if t.text == r"\infty":
            self.k += 1
            return Subscript(t.pos, t.text, [Constant(t.pos, "oo")])
        if t.text == "*":
            self.k += 1
            return Subscript(t.pos, "*", None)
        if t.kind == "cmd":
            node = self._subscript_atom()
            return Subscript(t.pos, self.source[t.pos:self.tokens[self.k].pos].strip(), [node])
        raise self.error("subscript", f"a subscript of {self.describe(t)}", t)

    def _subscript_atom(self) -> Node:
        return self._name_core()  # x_\theta^2: the square is x_theta's, not theta's

    def _subscript_items(self, closer: str) -> Subscript:
        """The items of a subscript up to ``closer`` (not consumed): expressions at commas,
        or, failing that, a label (``1\\ldots T``, ``\\textrm{area}``, ``1:3``)."""
        start = self.k
        start_pos = self.tokens[start].pos
        depth = 0
        j = self.k
        while True:
            x = self.tokens[j]
            if x.kind == "end":
                raise self.error("subscript", "a subscript that is never closed", self.tokens[start])
            if x.text in ("{", "(", "["):
                depth += 1
            elif x.text in ("}", ")", "]"):
                if depth == 0 and x.text == closer:
                    break
                depth -= 1
            j += 1
        end = j
        if any(self.tokens[x].text == r"\bullet" for x in range(start, end)):
            raise self.error("placeholder", "a placeholder (\\bullet) in a subscript: every "
                             "index at once, which derive has no reading for", self.tokens[start])
        if any(self.tokens[x].text in (r"\in", r"\subset", r"\notin") for x in range(start, end)):
            raise self.error("set", "a subscript over a set (x_{m \\in S}): derive has no reading "
                             "for families indexed by sets", self.tokens[start])
        text = re.sub(r"\s+", " ", self.source[start_pos:self.tokens[end].pos]).strip()
        saved_k, saved_context = self.k, self.context
        self.context = _Context(subscript=True)
        items: list[Node] | None = []
        try:
            while self.k < end:
                items.append(self._subscript_expression())
                if self.k < end and self.tokens[self.k].text == ",":
                    self.k += 1
                    continue
                self._skip_spaces()
                if self.k != end:
                    raise Unreadable("subscript", "", self.tokens[self.k].pos)
        except Unreadable:
            items = None
        self.context = saved_context
        self.k = end
        if not text:
            raise self.error("subscript", "an empty subscript", self.tokens[saved_k])
        return Subscript(start_pos, text, items)

    def _subscript_expression(self) -> Node:
        """One item of a subscript: an expression, or ``x \\sim p`` (an expectation's)."""
        t = self.peek()
        if t.kind == "cmd" and t.text in ELLIPSES:
            raise Unreadable("subscript", "", t.pos)
        item = self.expression()
        relation = self.peek()
        if relation.text in (r"\sim", "="):
            self.k += 1
            return Chain(item.pos, [item, self.expression()], [(relation.text, relation.pos)])
        return item

    # -- commands -----------------------------------------------------------------------

    def _command_primary(self, t: Token) -> Node:
        command = t.text
        name = command[1:]
        if command in (r"\frac", r"\dfrac", r"\tfrac", r"\cfrac"):
            return self._fraction()
        if command == r"\sqrt":
            return self._root()
        if name in FUNCTIONS:
            return self._call()
        if command in (r"\sum", r"\prod"):
            return self._bigop()
        if command in (r"\int", r"\intop"):
            return self._integral()
        if command == r"\partial":
            return self._partial()
        if command == r"\nabla":
            return self._gradient()
        if command in (r"\max", r"\min"):
            return self._max_or_min()
        if command in (r"\argmin", r"\argmax"):
            self.k += 1
            return self._optimum(name, self._optimum_variables())
        if command == r"\arg":
            nxt = self.tokens[self.k + 1]
            if nxt.text in (r"\min", r"\max"):
                self.k += 2
                return self._optimum("arg" + nxt.text[1:], self._optimum_variables())
        if command == r"\mathop":
            return self._mathop()
        if command in (r"\operatorname", r"\mathrm", r"\text", r"\textrm", r"\mbox") and \
                self._optimum_word_ahead():
            return self._word_optimum()
        if command in (r"\underset", r"\overset") and command == r"\underset":
            return self._underset()
        if command == r"\pi":
            after = self.tokens[self.k + 1]
            if self._applied_ahead(self.k + 1) or after.text in ("_", "'") or (
                    after.text == "^" and self.tokens[self.k + 2].text in ("*", r"\star")):
                return self._name_or_application()  # pi(a|s): a policy, not the number
            self.k += 1
            return Constant(t.pos, "pi")
        if command == r"\infty":
            self.k += 1
            return Constant(t.pos, "oo")
        if command in (r"\underbrace", r"\overbrace", r"\boxed", r"\textcolor", r"\colorbox"):
            return self._annotated(command)
        if command in (r"\|", r"\lVert", r"\Vert"):
            self.k += 1
            return self._bars(t, double=True, closer=("|",))
        if command in (r"\lvert", r"\vert"):
            self.k += 1
            return self._bars(t, double=False, closer=("|",))
        if command == r"\begin":
            return self._environment(t)
        if command in ELLIPSES:
            raise self.error("ellipsis", f"{command}: derive reads no sequences written with "
                             f"an ellipsis", t)
        if command in REFUSED:
            code, what = REFUSED[command]
            raise self.error(code, what, t)
        if command == r"\{":
            raise self.error("set", "a set written with braces \\{...\\}", t)
        if command[1:] in GREEK or command in BOLD or command in FONTS or command in ACCENTS \
                or command in WORDS or command in (r"\ell", r"\imath", r"\jmath", r"\hbar",
                                                   r"\Pr"):
            return self._name_or_application()
        if command in REFUSED_RELATIONS:
            code, what = REFUSED_RELATIONS[command]
            raise self.error(code, f"{what}, where an expression was expected", t)
        if command in (r"\\", r"\cr"):
            raise self.error("syntax", "a row break where an expression was expected", t)
        raise self.error("unknown-command", f"the command {command}, which derive does not "
                         f"know (if it is the document's own macro, pass its definition with "
                         f"--macros FILE)", t)

    def _applied_ahead(self, j: int) -> bool:
        """Is the name ending before ``j`` applied: brackets after its scripts and primes?"""
        while True:
            t = self.tokens[j]
            if t.kind == "cmd" and t.text in SPACES:
                j += 1
            elif t.text == "'":
                j += 1
            elif t.text in ("_", "^"):
                j += 1
                if self.tokens[j].text == "{":
                    depth = 0
                    while self.tokens[j].kind != "end":
                        if self.tokens[j].text == "{":
                            depth += 1
                        elif self.tokens[j].text == "}":
                            depth -= 1
                            if depth == 0:
                                break
                        j += 1
                j += 1
            else:
                return t.text in ("(", "[")

    def _annotated(self, command: str) -> Node:
        t = self.next()
        if command == r"\textcolor" or command == r"\colorbox":
            self._raw_group()
        self.expect("{")
        saved = self.context
        self.context = _Context(integrals=saved.integrals, bar=saved.bar)
        inner = self.expression()
        self.context = saved
        self.expect("}")
        if command in (r"\underbrace", r"\overbrace"):
            mark = self.tokens[self.k].text
            if mark in ("_", "^"):
                self.k += 1
                if self.tokens[self.k].text == "{":
                    self._raw_group()
                else:
                    self.k += 1
        return Grouped(t.pos, inner, "{")

    def _environment(self, t: Token) -> Node:
        self.k += 1
        start, end, inner = self._raw_group()
        environment = self.source[start:end].strip()
        code = ENVIRONMENTS.get(environment.rstrip("*"), "environment")
        if environment in ("bmatrix", "pmatrix", "matrix", "Bmatrix"):
            return self._matrix(t, environment)
        what = {"cases": "a case distinction (\\begin{cases})",
                "matrix": f"a matrix written with \\begin{{{environment}}} (a determinant or an "
                          f"array)",
                "table": "a table"}.get(code, f"the environment {environment}")
        raise self.error(code, f"{what}: derive has no reading for it", t)

    def _matrix(self, t: Token, environment: str) -> Node:
        """``\\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}``: rows of cells."""
        rows: list[list[Node]] = [[]]
        saved = self.context
        self.context = _Context()
        while True:
            nxt = self.peek()
            if nxt.text == r"\end":
                self.k += 1
                _, _, closing = self._raw_group()
                if "".join(x.text for x in closing) != environment:
                    raise self.error("syntax", f"\\begin{{{environment}}} closed by "
                                     f"\\end{{{''.join(x.text for x in closing)}}}", nxt)
                break
            if nxt.kind == "end":
                raise self.error("syntax", f"\\begin{{{environment}}} is never closed", t)
            if nxt.kind == "cmd" and nxt.text in ELLIPSES:
                raise self.error("ellipsis", f"{nxt.text} in a matrix: derive reads matrices "
                                 f"whose every entry is written", nxt)
            rows[-1].append(self.expression())
            sep = self.peek()
            if sep.text == "&":
                self.k += 1
            elif sep.text == r"\\":
                self.k += 1
                if self.peek().text != r"\end":
                    rows.append([])
            elif sep.text != r"\end":
                raise self.error("syntax", f"a matrix entry followed by {self.describe(sep)}",
                                 sep)
        self.context = saved
        if len({len(r) for r in rows}) != 1 or not rows[0]:
            raise self.error("matrix", "a matrix whose rows have different lengths", t)
        return Matrix(t.pos, rows)

    def _fraction(self) -> Node:
        t = self.next()
        numerator_tokens = self._peek_group_tokens()
        if numerator_tokens is None:
            # \frac12: two single-token arguments
            a = self._single_token_argument()
            b = self._single_token_argument()
            return Frac(t.pos, a, b)
        derivative = self._derivative_fraction(t)
        if derivative is not None:
            return derivative
        numerator = self._braced_expression()
        denominator = self._braced_expression() if self.peek().text == "{" else \
            self._single_token_argument()
        return Frac(t.pos, numerator, denominator)

    def _single_token_argument(self) -> Node:
        t = self.peek()
        if t.text == "{":
            return self._braced_expression()
        if t.kind == "number":
            self.k += 1
            if len(t.text) > 1 and "." not in t.text:
                self.tokens.insert(self.k, Token("number", t.text[1:], t.pos + 1))
            return Number(t.pos, t.text[0])
        if t.kind == "letter":
            self.k += 1
            return Name(t.pos, t.text)
        if t.kind == "cmd" and (t.text[1:] in GREEK):
            self.k += 1
            return Name(t.pos, VARIANTS.get(t.text[1:], t.text[1:]))
        raise self.error("syntax", f"a fraction's argument {self.describe(t)}", t)

    def _peek_group_tokens(self) -> list[Token] | None:
        if self.peek().text != "{":
            return None
        depth, j = 0, self.k
        while self.tokens[j].kind != "end":
            if self.tokens[j].text == "{":
                depth += 1
            elif self.tokens[j].text == "}":
                depth -= 1
                if depth == 0:
                    return self.tokens[self.k + 1:j]
            j += 1
        return None

    def _braced_expression(self) -> Node:
        self.expect("{")
        saved = self.context
        self.context = _Context()
        inner = self.expression()
        self.context = saved
        self.expect("}")
        return inner

    def _derivative_fraction(self, frac: Token) -> Node | None:
        """``\\frac{d}{dx}``, ``\\frac{df}{dx}``, ``\\frac{d^2 f}{dx^2}``,
        ``\\frac{\\partial^2 f}{\\partial x \\partial y}``, or None for a plain fraction."""
        save = self.k
        self.expect("{")
        kind = self._differential_symbol()
        if kind is None:
            self.k = save
            return None
        order = 1
        if self.tokens[self.k].text == "^":
            self.k += 1
            order_node = self._script_argument()
            if not isinstance(order_node, Number):
                self.k = save
                return None
            order = int(order_node.text)
        body: Node | None = None
        named = False
        self._skip_spaces()
        if self.tokens[self.k].text != "}":
            if kind == "d" and self.tokens[self.k].kind not in ("letter", "cmd") and \
                    self.tokens[self.k].text not in ("(", "["):
                self.k = save
                return None
            saved = self.context
            self.context = _Context()
            try:
                body = self.expression()
            except Unreadable:
                self.k = save
                self.context = saved
                return None
            self.context = saved
            named = isinstance(body, Name)
        if self.peek().text != "}":
            self.k = save
            return None
        self.k += 1
        if self.peek().text != "{":
            self.k = save
            return None
        self.k += 1
        variables: list[tuple[Name, int]] = []
        while self.peek().text != "}":
            symbol = self._differential_symbol()
            if symbol is None or symbol != kind:
                if variables or kind == "partial":
                    raise self.error("derivative", "a derivative whose denominator is not a "
                                     "product of differentials (\\partial x, dx)", self.peek())
                self.k = save
                return None
            variable, power, transpose = self.name()
            if transpose:
                raise self.error("derivative", "a transposed differential", self.peek())
            exponent = 1
            if power is not None:
                if not isinstance(power, Number):
                    raise self.error("derivative", "a differential raised to something that "
                                     "is not a number", self.peek())
                exponent = int(power.text)
            variables.append((variable, exponent))
        self.k += 1
        if sum(e for _, e in variables) != order:
            raise self.error("derivative", f"a derivative of order {order} with respect to "
                             f"{sum(e for _, e in variables)} variable(s): the orders above "
                             f"and below differ", frac)
        at = None
        if body is None:
            body = self._derivative_operand(frac)
            named = isinstance(body, Name)  # \frac{d}{dx} f: f is a quantity depending on x
        elif named and self.peek().text == "(":
            at = self._evaluation_point(frac, variables)
        return Derivative(frac.pos, body, variables, named, kind == "partial", at)

    def _evaluation_point(self, frac: Token, variables: list[tuple[Name, int]]) -> Group | None:
        """The brackets after ``\\frac{dF}{du}``: the point the derivative is taken at
        (``\\frac{dg}{dx}(x)``, ``\\frac{\\partial u}{\\partial a}(a, b)``; d2l's chain rule
        ``\\frac{dF}{du}(u(x))``, at u = u(x)), a factor (None, nothing consumed: UDL's
        ``\\frac{\\partial h}{\\partial f}(\\frac{\\partial f}{\\partial h} ...)``), or
        refused where the notation does not say which (``\\frac{df}{dx}(x - x_0)``)."""
        if self._names_in_brackets():
            return self.group()
        save = self.k
        opener = self.peek()
        group = self.group()
        if any(isinstance(n, Derivative) for item in group.items for n in item.walk()):
            self.k = save  # a product of derivatives (the chain rule written out)
            return None
        (variable, _), *others = variables
        item = group.items[0] if len(group.items) == 1 else None
        if not others and isinstance(item, Juxtaposed) and item.name.letter == \
                variable.letter and item.name.plain() and variable.plain() and \
                item.power is None and group.condition is None:
            return group  # the variable u as a function, u(x): the derivative at u = u(x)
        raise self.error("ambiguous-application", "is \\frac{d...}{d...}(...) the derivative "
                         "at the point in brackets, or the derivative times the bracket? write "
                         "\\cdot before the bracket for a product, or f'(...) for the value at "
                         "a point", opener)

    def _names_in_brackets(self) -> bool:
        """Do the brackets ahead hold a list of names only (``(x)``, ``(a, b)``)?"""
        j = self.k + 1
        while True:
            t = self.tokens[j]
            if t.kind == "letter" or (t.kind == "cmd" and (t.text[1:] in GREEK or t.text in BOLD)):
                j += 1
            elif t.text in ("_", "'", ",", "{", "}") or t.kind == "number":
                j += 1
            else:
                return t.text == ")"

    def _differential_symbol(self) -> str | None:
        t = self.peek()
        if t.text == r"\partial":
            self.k += 1
            return "partial"
        if t.text == "d" and t.kind == "letter":
            self.k += 1
            return "d"
        if t.text in (r"\mathrm", r"\operatorname", r"\text", r"\textrm") and \
                self.tokens[self.k + 1].text == "{" and self.tokens[self.k + 2].text == "d" \
                and self.tokens[self.k + 3].text == "}":
            self.k += 4
            return "d"
        return None

    def _argument_reach(self, operator: Token) -> Node:
        """The argument of an unbracketed function (``\\log 2\\pi\\sigma^2``,
        ``\\log x^2``): the juxtaposed factors that follow, up to an operator, a
        function, a big operator, or brackets after the first factor."""
        t = self.peek()
        if t.kind == "end" or not self._starts_factor():
            raise self.error("syntax", f"{self.describe(operator)} without an argument", t)
        start = t
        factors: list[tuple[str, Node]] = [("", self.factor())]
        while self._starts_factor():
            nxt = self.peek()
            if nxt.text in ("(", "[", "|") or (nxt.kind == "cmd" and (
                    nxt.text[1:] in FUNCTIONS or nxt.text in (r"\sum", r"\prod", r"\int",
                                                              r"\frac", r"\partial", r"\nabla",
                                                              r"\max", r"\min", r"\mathop",
                                                              r"\dfrac", r"\tfrac")
                    or self._optimum_word_ahead() or self._is_known_operator_word())):
                break
            factors.append(("implicit", self.factor()))
        if len(factors) == 1:
            return factors[0][1]
        return Product(start.pos, factors)

    def _derivative_operand(self, operator: Token) -> Node:
        """What a derivative operator (``\\frac{d}{dx}``, ``\\partial_x``, ``\\nabla_x``)
        applies to: the whole product juxtaposed after it, up to a +, a -, a relation or a
        closing bracket, as textbooks mean (``\\frac{d}{dx} \\sin x \\cos x`` and
        ``\\frac{d}{dx} f(x) g(x)`` are of the product; ``\\frac{\\partial}{\\partial w}
        \\frac{1}{2}(y - wx)^2`` of all of it). Refused where texts differ: a bracket right
        after the operator with more factors after it (``\\frac{d}{dx}(x^2)\\,x``: the
        bracket's derivative times x, as ``\\cos(x)\\,y`` is y cos x, or the product's?),
        and a product continued by \\cdot, \\times or /."""
        t = self.peek()
        if t.kind == "end" or not self._starts_factor():
            raise self.error("syntax", f"{self.describe(operator)} without an argument", t)
        operand = self.juxtaposition()
        if isinstance(operand, Product):
            first = operand.factors[0][1]
            bracket = first.base if isinstance(first, Power) else first
            if isinstance(bracket, Grouped) and bracket.bracket in ("(", "["):
                raise Unreadable("ambiguous-application", "is the derivative of the bracket "
                                 "only, times what follows, or of the whole product? write "
                                 "the factor before the derivative, or bracket the whole "
                                 "product", operand.factors[1][1].pos)
        after = self.peek()
        if after.text in (r"\cdot", r"\times", "/"):
            raise self.error("ambiguous-application", f"is the derivative of the product "
                             f"before {after.text} only, or of all of it? bracket what is "
                             f"differentiated", after)
        return operand

    def _is_known_operator_word(self) -> bool:
        t = self.peek()
        if t.text not in WORDS or self.tokens[self.k + 1].text != "{":
            return False
        j = self.k + 2
        letters = []
        while self.tokens[j].kind == "letter":
            letters.append(self.tokens[j].text)
            j += 1
        return "".join(letters) in ("Var", "Cov", "E", "softmax", "sig", "sigmoid", "tanh",
                                    "ReLU")

    def _call(self) -> Node:
        t = self.next()
        function = t.text[1:]
        power = base = None
        while self.tokens[self.k].text in ("^", "_"):
            mark = self.tokens[self.k].text
            self.k += 1
            if mark == "^":
                power = self._script_argument()
            else:
                base = self._script_argument()
        nxt = self.peek()
        if nxt.text in ("(", "["):
            group = self.group()
            if len(group.items) != 1 or group.condition is not None:
                raise self.error("syntax", f"{t.text} of a list", nxt)
            argument = Grouped(nxt.pos, group.items[0], nxt.text)
            return self._postfix_call(Call(t.pos, function, argument, power, base))
        if nxt.text == "{":
            argument = self._braced_expression()
            return Call(t.pos, function, argument, power, base)
        argument = self._argument_reach(t)
        return Call(t.pos, function, argument, power, base)

    def _word_call(self, start: Token, function: str, power: Node | None) -> Node:
        nxt = self.peek()
        if nxt.text in ("(", "["):
            group = self.group()
            if len(group.items) != 1 or group.condition is not None:
                raise self.error("syntax", f"{function} of a list", nxt)
            argument: Node = Grouped(nxt.pos, group.items[0], nxt.text)
            return self._postfix_call(Call(start.pos, function, argument, power))
        return Call(start.pos, function, self._argument_reach(start), power)

    def _postfix_call(self, call: Call) -> Node:
        if self.tokens[self.k].text == "^":
            if call.power is not None:
                raise self.error("syntax", "a power on a function already raised to one",
                                 self.tokens[self.k])
            self.k += 1
            call.power = self._script_argument()
        return call

    def _root(self) -> Node:
        t = self.next()
        degree = None
        if self.peek().text == "[":
            self.k += 1
            degree = self.expression()
            self.expect("]")
        if self.peek().text == "{":
            radicand = self._braced_expression()
        else:
            radicand = self._single_token_argument()
        return Root(t.pos, radicand, degree)

    def _bigop(self) -> Node:
        t = self.next()
        kind = t.text[1:]
        high = None
        spec_node = None
        over = None
        while self.tokens[self.k].text in ("_", "^") or self.tokens[self.k].text == r"\limits":
            mark = self.tokens[self.k].text
            self.k += 1
            if mark == r"\limits":
                continue
            if mark == "^":
                high = self._script_argument()
            else:
                tokens = self._limit_tokens()
                over = self._set_of_index(tokens)
                spec_node = self._index_spec(tokens[:-len(over[1])] if over else tokens, t)
        if spec_node is None:
            raise self.error("sum", f"\\{kind} without an index (\\{kind}_{{i=1}}^{{n}})", t)
        indices = spec_node
        if over is not None and (high is not None or len(indices) != 1 or
                                 indices[0][0].sub is not None or indices[0][0].font):
            raise self.error("sum", f"\\{kind} over a set with an upper bound, or with an "
                             f"index that is not one letter", t)
        if high is not None:
            if len(indices) != 1:
                raise self.error("sum", f"\\{kind} over several indices with one upper bound", t)
            indices = [(indices[0][0], indices[0][1], high)]
        body_start = self.peek()
        if body_start.kind == "end" or body_start.text in ("}", ")", "]", "=", ",") or \
                body_start.text in RELATIONS:
            raise self.error("sum", f"\\{kind} without a body", body_start)
        if kind == "prod":
            body = self._bigop_body({index.letter for index, _, _ in indices})
        else:
            body = self._bigop_body(None)
        return BigOp(t.pos, kind, indices, body, over[0] if over else None)

    def _set_of_index(self, tokens: list[Token]) -> tuple[Name, list[Token]] | None:
        """``i \\in \\mathcal{V}``, ``i \\in \\mathcal{B}_t`` under a sum: the set, a
        calligraphic letter (optionally subscripted), and its tokens with the \\in. Any other
        set or condition is left to ``_index_spec``, which refuses it."""
        texts = [x.text for x in tokens]
        if texts.count(r"\in") != 1:
            return None
        at = texts.index(r"\in")
        if not (tokens[0].kind == "letter" and all(x == "'" for x in texts[1:at])):
            return None  # (u, i) \in \mathcal{K}: a pair, refused below
        written = tokens[at + 1:]
        sub = Parser([*written, Token("end", "", tokens[-1].pos + 1)], self.source)
        try:
            name, power, transpose = sub.name()
        except Unreadable:
            return None
        if name.font != "cal" or name.accents or name.primes or name.star or name.sample \
                or name.label or power is not None or transpose or sub.peek().kind != "end":
            return None
        return name, tokens[at:]

    def _bigop_body(self, letters: set[str] | None) -> Node:
        """The body of a sum or product: the factor that follows, then every factor after
        it; for a product (``letters``, its indices) only those that mention an index:
        ``\\prod_i p(x_i|y) p(y)`` is (prod_i p(x_i|y)) p(y). (For a sum the two readings
        are equal, and the whole product is what is written.)"""
        start = self.peek()
        sign = 1
        if start.text in ("-", "+"):
            self.k += 1  # \sum_i -x_i: the body is -x_i
            sign = -1 if start.text == "-" else 1
        factors: list[tuple[str, Node]] = [("", self.factor())]
        while True:
            save = self.k
            t = self.peek()
            if t.text == "*":
                raise _star_refused(t.pos)
            if t.text in (r"\cdot", r"\times", "/"):
                self.k += 1
                op = {r"\cdot": "cdot", r"\times": "times", "/": "div"}[t.text]
                factor = self.juxtaposition()
            elif self._starts_factor():
                op, factor = "implicit", self.factor()
            else:
                break
            if letters is not None and not _mentions_letters(factor, letters):
                self.k = save
                break
            factors.append((op, factor))
        body = factors[0][1] if len(factors) == 1 else Product(start.pos, factors)
        return Sum(start.pos, [(-1, body)]) if sign < 0 else body

    def _limit_tokens(self) -> list[Token]:
        t = self.tokens[self.k]
        if t.text == "{":
            _, _, inner = self._raw_group()
            return inner
        self.k += 1
        if t.kind == "cmd" and self.tokens[self.k].text == "{":
            _, _, inner = self._raw_group()
            return [t, Token("char", "{", t.pos), *inner, Token("char", "}", t.pos)]
        return [t]

    def _index_spec(self, tokens: list[Token], op: Token) -> list[tuple[Name, Node | None,
                                                                      Node | None]]:
        """``i=1``, ``i``, ``j,k``, ``jk``: the indices of a sum and their lower bounds."""
        sub = Parser([*tokens, Token("end", "", tokens[-1].pos + 1 if tokens else op.pos)],
                     self.source)
        texts = [x.text for x in tokens]
        if any(x in (r"\in", r"\sim", r"\neq", r"\ne", r"\notin", "<", ">", r"\leq", r"\le",
                     r"\geq", r"\subset", r":", r"\mid") for x in texts):
            raise self.error("sum", f"\\{op.text[1:]} over a set or a condition "
                             f"({' '.join(texts)}): derive reads \\sum_{{i=1}}^{{n}}", op)
        if "=" in texts:
            name, power, transpose = sub.name()
            if power is not None or transpose or name.sub is not None:
                raise self.error("sum", "the index of a sum is one letter", op)
            sub.expect("=")
            low = sub.expression()
            if sub.peek().kind != "end":
                raise self.error("sum", f"\\{op.text[1:]}_{{{' '.join(texts)}}}: several "
                                 f"conditions under the sum", op)
            return [(name, low, None)]
        if all(x.kind == "letter" or x.text == "," for x in tokens) and tokens:
            letters = [x for x in tokens if x.kind == "letter"]
            return [(Name(x.pos, x.text), None, None) for x in letters]
        name, power, transpose = sub.name()
        if power is not None or transpose or sub.peek().kind != "end":
            raise self.error("sum", f"\\{op.text[1:]}_{{{' '.join(texts)}}}: derive reads "
                             f"\\sum_{{i=1}}^{{n}} or \\sum_i", op)
        return [(name, None, None)]

    def _integral(self) -> Node:
        """``\\int_a^b ... dx``; ``\\int ... dx``; ``\\int_x ... dx`` and ``\\int_{x,y} ...
        dx dy`` (over every value of the variables named); ``\\int_{\\mathbb{R}^n}``."""
        t = self.next()
        low = high = None
        region: list[Token] | None = None
        while self.tokens[self.k].text in ("_", "^", r"\limits"):
            mark = self.tokens[self.k].text
            self.k += 1
            if mark == r"\limits":
                continue
            if mark == "_":
                if self.tokens[self.k].text == "{":
                    start = self.k
                    _, _, region = self._raw_group()
                    self.k = start
                    low = self._script_argument_or_none()
                else:
                    region = [self.tokens[self.k]]
                    low = self._script_argument()
            else:
                high = self._script_argument()
        if high is None and region is not None:
            low = None  # a region, checked against the differentials below
        elif (low is None) != (high is None):
            raise self.error("integral", "an integral with an upper limit and no lower one", t)
        else:
            region = None
        self.context.integrals += 1
        try:
            self._skip_spaces()
            if self._differential_ahead():
                variables = self._differentials(greedy=self.context.integrals == 1)
                body = self.term()
            else:
                body = self.expression()
                self._skip_spaces()
                if not self._differential_ahead():
                    raise self.error("integral", "an integral without its differential (dx)",
                                     self.peek())
                variables = self._differentials(greedy=self.context.integrals == 1)
        finally:
            self.context.integrals -= 1
        if region is not None and not self._whole_space(region, variables):
            raise self.error("integral", "an integral over a region or a set (\\int_U, "
                             "\\int_{[a,b]}): derive reads \\int_a^b ... dx, and \\int_x, "
                             "\\int_{\\mathbb{R}} over every value", t)
        whole = region is not None
        return Integral(t.pos, None if whole else low, None if whole else high, body,
                        variables, whole)

    def _script_argument_or_none(self) -> Node | None:
        start = self.k
        try:
            return self._script_argument()
        except Unreadable:
            self.k = start
            self._raw_group()
            return None

    def _whole_space(self, region: list[Token], variables: list[Name]) -> bool:
        """``\\int_x`` with dx, ``\\int_{x, y}`` with dx dy, ``\\int_{\\mathbb{R}^2}``."""
        texts = [x.text for x in region if x.text not in SPACES]
        if texts[:3] == [r"\mathbb", "{", "R"] and texts[3:4] == ["}"]:
            rest = texts[4:]
            return not rest or rest in (["^", str(len(variables))], ["^", "{",
                                                                    str(len(variables)), "}"])
        names = [x for x in texts if x != ","]
        written = [v.letter for v in variables if v.plain()]
        return len(written) == len(variables) and sorted(names) == sorted(written)

    def _differentials(self, greedy: bool) -> list[Name]:
        variables = []
        while True:
            self._skip_spaces()
            if not self._differential_ahead():
                return variables
            if self.tokens[self.k].text == "d":
                self.k += 1
            else:
                self.k += 4
            name, power, transpose = self.name()
            if power is not None or transpose:
                raise self.error("integral", "a differential with a superscript",
                                 self.tokens[self.k])
            variables.append(name)
            if not greedy:
                return variables

    def _partial(self) -> Node:
        """``\\partial_x f`` or ``\\partial f / \\partial x``."""
        t = self.next()
        if self.tokens[self.k].text == "_":
            self.k += 1
            variable = self._subscript()
            if variable.items is None or len(variable.items) != 1 or \
                    not isinstance(variable.items[0], Name):
                raise self.error("derivative", "\\partial_{...} with a subscript that is not "
                                 "one variable", t)
            body = self._derivative_operand(t)
            return Derivative(t.pos, body, [(variable.items[0], 1)], isinstance(body, Name),
                              True, shorthand=True)
        name, power, transpose = self.name()
        if power is not None or transpose:
            raise self.error("derivative", "\\partial of a power: write \\frac{\\partial}{...}",
                             t)
        self.expect("/", "(\\partial f / \\partial x)")
        self.expect(r"\partial")
        variable, power, transpose = self.name()
        if power is not None or transpose:
            raise self.error("derivative", "a differential with a superscript", t)
        return Derivative(t.pos, name, [(variable, 1)], True, True)

    def _gradient(self) -> Node:
        t = self.next()
        if self.tokens[self.k].text == "^":
            raise self.error("derivative", "\\nabla^2 (a Hessian or Laplacian): derive has no "
                             "reading for it", t)
        if self.tokens[self.k].text != "_":
            # \nabla f(\mathbf{x}): the gradient of the function f, at x; what follows is
            # a factor (\nabla f(\mathbf{x}_0) \cdot (\mathbf{x} - \mathbf{x}_0))
            if not self._starts_factor():
                raise self.error("syntax", "\\nabla without an argument", self.peek())
            body = self.factor()
            if isinstance(body, Juxtaposed) and len(body.group.items) == 1 and \
                    isinstance(body.group.items[0], Name) and body.group.condition is None:
                # \nabla f(\mathbf{x}): the gradient with respect to f's one argument
                return Derivative(t.pos, body, [(body.group.items[0], 1)], False, True)
            raise self.error("derivative", "\\nabla without a subscript: with respect to "
                             "what? write \\nabla_{\\mathbf{w}}", t)
        self.k += 1
        variable = self._subscript()
        if variable.items is None or len(variable.items) != 1 or \
                not isinstance(variable.items[0], Name):
            raise self.error("derivative", "\\nabla_{...} with respect to something that is "
                             "not one variable", t)
        body = self._derivative_operand(t)
        return Derivative(t.pos, body, [(variable.items[0], 1)], isinstance(body, Name), True)

    # -- optimisation -------------------------------------------------------------------

    def _optimum_word_ahead(self) -> bool:
        t = self.tokens[self.k]
        if t.text not in (r"\operatorname", r"\mathrm", r"\text", r"\textrm", r"\mbox"):
            return False
        j = self.k + 1
        if self.tokens[j].text == "*":
            j += 1
        if self.tokens[j].text != "{":
            return False
        j += 1
        letters = []
        while self.tokens[j].kind == "letter" or self.tokens[j].text in (r"\rm", r"\,"):
            if self.tokens[j].kind == "letter":
                letters.append(self.tokens[j].text)
            j += 1
        return self.tokens[j].text == "}" and "".join(letters) in ("argmin", "argmax")

    def _word_optimum(self) -> Node:
        self.k += 1
        if self.tokens[self.k].text == "*":
            self.k += 1
        start, end, inner = self._raw_group()
        word = self._text_of(inner)
        return self._optimum(word, self._optimum_variables())

    def _mathop(self) -> Node:
        t = self.next()
        start, end, inner = self._raw_group()
        word = self._text_of([x for x in inner if x.text not in WORDS and x.text != "~"])
        if word in ("argmin", "argmax"):
            return self._optimum(word, self._optimum_variables())
        if word in ("max", "min"):
            return self._after_max_or_min(t, word)
        if word in ("minimize", "maximize", "min", "max", "sgn", "sign"):
            raise self.error("optimum-value", f"\\mathop{{{word}}}: derive reads argmin and "
                             f"argmax", t)
        raise self.error("unknown-command", f"\\mathop{{{self.source[start:end]}}}", t)

    def _underset(self) -> Node:
        t = self.next()
        _, _, below = self._raw_group()
        self._skip_spaces()
        if self.tokens[self.k].text == "{":
            start, end, above = self._raw_group()
            word = self._text_of([x for x in above if x.text not in WORDS and x.text != "*"])
        else:
            word = self.next().text
        word = word.lstrip("\\")
        if word not in ("argmin", "argmax", "min", "max"):
            raise self.error("syntax", f"\\underset{{...}}{{{word}}}: derive reads it for "
                             f"argmin and argmax", t)
        sub = Parser([*below, Token("end", "", t.pos)], self.source)
        variables = sub._variable_list()
        if word in ("min", "max"):
            raise self.error("optimum-value", f"the {word}imum value over "
                             f"{' '.join(x.text for x in below)}: derive has an object for "
                             f"argmin and argmax, not for the value", t)
        return self._optimum(word, variables)

    def _optimum_variables(self) -> list[Node]:
        t = self.tokens[self.k]
        if t.text == r"\limits":
            self.k += 1
        if self.tokens[self.k].text != "_":
            raise self.error("optimum", "argmin/argmax without its variables in a subscript",
                             self.tokens[self.k])
        self.k += 1
        if self.tokens[self.k].text == "{":
            _, _, inner = self._raw_group()
        else:
            inner = self._limit_tokens()
        sub = Parser([*inner, Token("end", "", t.pos)], self.source)
        return sub._variable_list()

    def _variable_list(self) -> list[Node]:
        variables = []
        while True:
            t = self.peek()
            if t.kind == "end":
                return variables
            name, power, transpose = self.name()
            if transpose:
                raise self.error("optimum", "a transposed optimisation variable", t)
            variables.append(Power(name.pos, name, power) if power is not None else name)
            t = self.peek()
            if t.text == ",":
                self.k += 1
                continue
            if t.kind != "end":
                raise self.error("optimum", f"the variables of an argmin or argmax, then "
                                 f"{self.describe(t)}: derive reads a list of names "
                                 f"(\\theta, \\sigma^2)", t)

    def _optimum(self, word: str, variables: list[Node]) -> Node:
        t = self.peek()
        if t.text in ("(", "["):
            group = self.group()
            if len(group.items) != 1 or group.condition is not None:
                raise self.error("optimum", "argmin/argmax of a list", t)
            body = group.items[0]
        elif t.text == "{":
            body = self._braced_expression()
        else:
            body = self.term()
        return Optimum(t.pos, word, variables, body)

    def _max_or_min(self) -> Node:
        t = self.next()
        return self._after_max_or_min(t, t.text[1:])

    def _after_max_or_min(self, t: Token, word: str) -> Node:
        if self.tokens[self.k].text in ("_", r"\limits"):
            raise self.error("optimum-value", f"\\{word} over a variable or an index: the "
                             f"{word}imum value, which derive has no object for (it reads "
                             f"argmin, argmax, and \\{word}(a, b) of a list)", t)
        nxt = self.peek()
        if nxt.text not in ("(", "[", r"\{"):
            raise self.error("optimum-value", f"\\{word} of what? derive reads \\{word}(a, b)",
                             nxt)
        group = self.group()
        if group.condition is not None or len(group.items) < 2:
            raise self.error("optimum-value", f"\\{word} of one expression (over what?): "
                             f"derive reads \\{word}(a, b)", nxt)
        return Extremum(t.pos, word, group.items)


@dataclass(eq=False)
class Grouped(Node):
    """Brackets around one expression, as written (kept so a bracket after a name is seen
    to be the name's argument, and so reports can say what was bracketed)."""

    inner: Node
    bracket: str = "("



def _balanced(texts: list[str]) -> bool:
    depth = 0
    for x in texts:
        if x in ("(", "{", "["):
            depth += 1
        elif x in (")", "}", "]"):
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _is_divergence_name(name: Name) -> bool:
    if name.letter == "KL" and name.sub is None:
        return True
    return name.letter == "D" and name.sub is not None and re.sub(
        r"\\(mathrm|text|textrm|rm|mbox|operatorname)\b|[{}\s]", "", name.sub.text) in (
        "KL", "\\mathrm{KL}")


def _is_euler_d(node: Node) -> bool:
    """A plain D, or D with a one-name subscript (``D_x``, ``D_{x_i}``)."""
    return isinstance(node, Name) and node.letter == "D" and not node.font and \
        not node.accents and not node.primes and not node.star and node.sample is None and \
        not node.label and (node.sub is None or (
            node.sub.items is not None and len(node.sub.items) == 1
            and isinstance(node.sub.items[0], Name)))


def _is_letter_operand(node: Node) -> bool:
    """A Latin letter, alone or applied (``f``, ``f(x)``): what Euler's D may apply to."""
    name = node.name if isinstance(node, Juxtaposed) and node.power is None else node
    return isinstance(name, Name) and len(name.letter) == 1 and name.letter.isascii() and \
        name.letter.isalpha() and name.letter != "D" and not name.font and \
        not name.accents and not name.primes and not name.star and name.sample is None \
        and name.sub is None and not name.label


def _trailing_bigops(term: Node) -> list[BigOp]:
    """The big operators at the end of a term, outermost first: they may take more terms."""
    found = []
    node = term
    while True:
        if isinstance(node, Product):
            node = node.factors[-1][1]
            continue
        if isinstance(node, BigOp):
            found.append(node)
            node = node.body
            if isinstance(node, Sum):
                node = node.terms[-1][1]
            continue
        return found


def _mentions(term: Node, op: BigOp) -> bool:
    return _mentions_letters(term, {index.letter for index, _, _ in op.indices})


def _mentions_letters(node: Node, letters: set[str]) -> bool:
    """Does ``node`` use one of the index letters, free? The walk goes into subscripts
    (x_i mentions i); a sum over k inside does not mention an outer k, but its limits may."""
    if isinstance(node, BigOp):
        if any(_mentions_letters(limit, letters) for _, low, high in node.indices
               for limit in (low, high) if limit is not None):
            return True
        inner = letters - {index.letter for index, _, _ in node.indices}
        return bool(inner) and _mentions_letters(node.body, inner)
    if isinstance(node, Name) and node.letter in letters and not node.font and not node.accents:
        return True
    return any(_mentions_letters(child, letters) for child in node.children())


def _joined(body: Node, sign: int, term: Node) -> Node:
    if isinstance(body, Sum):
        return Sum(body.pos, [*body.terms, (sign, term)])
    return Sum(body.pos, [(1, body), (sign, term)])


def parse_display(tokens: list[Token], source: str) -> list[Chain]:
    """The equations of one display (prose, ``\\quad`` and commas between equations
    separate them), or Unreadable."""
    return Parser(_meaningful(tokens), source).display()


def _meaningful(tokens: list[Token]) -> list[Token]:
    """The tokens without the sizes and spaces that mean nothing (``\\left``, ``\\,``,
    ``\\left.``): the parser then sees each token's neighbours as the reader does."""
    kept: list[Token] = []
    skip_dot = False
    for t in tokens:
        if skip_dot:
            skip_dot = False
            if t.text == ".":
                continue
        if t.kind == "cmd" and t.text in SPACES:
            skip_dot = t.text in (r"\left", r"\right")
            continue
        if t.text == "~":
            continue
        kept.append(t)
    return kept


__all__ += ["Bars", "BigOp", "Call", "Chain", "Constant", "Derivative", "EulerD", "Extremum",
            "Frac", "Factorial", "Group", "Grouped", "Integral", "Juxtaposed", "Matrix", "Name", "Number",
            "Optimum", "Power", "Product", "Root", "Subscript", "Sum", "Transpose"]
