"""Splitting LaTeX math into tokens, and expanding the author's macros (``\\newcommand``,
``\\def``, ``\\DeclareMathOperator``) into them.

A token keeps the offset in the file where it was written; a token a macro produced keeps
the offset of the macro's name, so that an error inside an expansion points at the macro.
Expansion is bounded (depth and total size): a macro that expands forever is an error, never
a hang. Nothing here gives a token a meaning: that is ``derive.latex.syntax``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["Macro", "Macros", "Token", "TokenError", "tokenize"]

MAX_EXPANSION_DEPTH = 40
MAX_TOKENS = 50_000  # one display; a book's longest is about 1,500


class TokenError(Exception):
    """What cannot be tokenized or expanded: ``code`` is a stable reason, ``pos`` where."""

    def __init__(self, code: str, message: str, pos: int):
        super().__init__(message)
        self.code, self.pos = code, pos


class Token(NamedTuple):
    """``kind`` is ``cmd`` (``\\frac``, ``\\,``), ``letter``, ``number``, ``char`` (any other
    single character) or ``end``; ``text`` is as written; ``pos`` the offset in the file.
    A named tuple: a display is tens of thousands of tokens, and a tuple is the cheapest
    immutable record to make."""

    kind: str
    text: str
    pos: int

    def is_(self, *texts: str) -> bool:
        return self.text in texts


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<cmd>\\(?:[A-Za-z]+|.))      # a command: a backslash and letters, or one character
    | (?P<number>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)
    | (?P<letter>[A-Za-z])
    | (?P<char>\S)
    )
""", re.X | re.S)


def _raw_tokens(text: str, start: int, end: int) -> list[Token]:
    end = start + len(text[start:end].rstrip())  # trailing spaces would match nothing, slowly
    return [Token(m.lastgroup, m.group(m.lastgroup), m.start(m.lastgroup))
            for m in _TOKEN.finditer(text, start, end)]


@dataclass(frozen=True)
class Macro:
    """``\\newcommand{\\name}[arity][default]{body}``: the body's tokens, with ``#1``...
    as parameters; ``default`` is the optional first argument's default, if it has one."""

    name: str
    arity: int
    body: tuple[Token, ...]
    default: tuple[Token, ...] | None = None


@dataclass
class Macros:
    """The author's macros, by name (``\\R`` -> ``\\mathbb{R}``)."""

    by_name: dict[str, Macro] = field(default_factory=dict)

    def define(self, macro: Macro) -> None:
        self.by_name[macro.name] = macro

    def __bool__(self) -> bool:
        return bool(self.by_name)

    def scan(self, text: str) -> None:
        """Record every macro ``text`` defines (comments already blanked)."""
        for m in _DEFINITION.finditer(text):
            try:
                self._read_definition(text, m)
            except TokenError:
                continue  # a definition derive cannot follow (a \def with delimiters): skip

    def _read_definition(self, text: str, m: re.Match) -> None:
        kind = m.group("kind")
        at = m.end()
        if kind == "def":
            name_match = re.compile(r"\s*(\\[A-Za-z]+)").match(text, at)
            if name_match is None:
                return
            name, at = name_match.group(1), name_match.end()
            params = re.compile(r"((?:#[1-9])*)\s*\{").match(text, at)
            if params is None:
                raise TokenError("macro", f"\\def{name}: only \\def\\name#1#2{{...}} is read", at)
            arity = len(params.group(1)) // 2
            body_start = params.end() - 1
            body, _ = _braced(text, body_start)
            self.define(Macro(name, arity, tuple(_raw_tokens(text, body_start + 1,
                                                             body_start + 1 + len(body)))))
            return
        name_group, at = _name_argument(text, at)
        if kind == "DeclareMathOperator":
            body, _ = _braced(text, _skip_space(text, at))
            operator = f"\\operatorname{{{body.strip()}}}"
            self.define(Macro(name_group, 0, tuple(_raw_tokens(operator, 0, len(operator)))))
            return
        arity, default = 0, None
        at = _skip_space(text, at)
        if text.startswith("[", at):
            close = text.index("]", at)
            arity = int(text[at + 1:close].strip())
            at = _skip_space(text, close + 1)
            if text.startswith("[", at):
                close = text.index("]", at)
                default = tuple(_raw_tokens(text, at + 1, close))
                at = _skip_space(text, close + 1)
        body, body_start = _braced(text, at)
        self.define(Macro(name_group, arity,
                          tuple(_raw_tokens(text, body_start, body_start + len(body))), default))


_DEFINITION = re.compile(r"\\(?P<kind>newcommand|renewcommand|providecommand|def|"
                         r"DeclareMathOperator)\*?")


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _name_argument(text: str, at: int) -> tuple[str, int]:
    at = _skip_space(text, at)
    if text.startswith("{", at):
        inner, start = _braced(text, at)
        return inner.strip(), start + len(inner) + 1
    m = re.compile(r"\\[A-Za-z]+|\\.").match(text, at)
    if m is None:
        raise TokenError("macro", "a macro definition without a name", at)
    return m.group(), m.end()


def _braced(text: str, at: int) -> tuple[str, int]:
    """The text inside the braces that open at ``at``, and where it starts."""
    if not text.startswith("{", at):
        raise TokenError("macro", "expected { in a macro definition", at)
    depth, k = 0, at
    while k < len(text):
        c = text[k]
        if c == "\\":
            k += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[at + 1:k], at + 1
        k += 1
    raise TokenError("macro", "a macro definition whose braces are never closed", at)


# ---------------------------------------------------------------------------------------

def tokenize(text: str, start: int = 0, end: int | None = None,
             macros: Macros | None = None) -> list[Token]:
    """The tokens of ``text[start:end]``, the author's macros expanded, ending in ``end``."""
    end = len(text) if end is None else end
    tokens = _raw_tokens(text, start, end)
    if macros:
        tokens = _expand(tokens, macros, 0)
    if len(tokens) > MAX_TOKENS:
        raise TokenError("too-long", f"the math is {len(tokens)} tokens long; derive reads "
                         f"displays up to {MAX_TOKENS}: split it", tokens[0].pos)
    tokens.append(Token("end", "", end))
    return tokens


def _expand(tokens: list[Token], macros: Macros, depth: int) -> list[Token]:
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        token = tokens[k]
        macro = macros.by_name.get(token.text) if token.kind == "cmd" else None
        if macro is None:
            out.append(token)
            k += 1
            continue
        if depth >= MAX_EXPANSION_DEPTH:
            raise TokenError("macro", f"the macro {token.text} expands into itself more than "
                             f"{MAX_EXPANSION_DEPTH} times: it never ends", token.pos)
        k += 1
        arguments: list[list[Token]] = []
        if macro.default is not None:
            if k < len(tokens) and tokens[k].text == "[":
                close = next((j for j in range(k, len(tokens)) if tokens[j].text == "]"), None)
                if close is None:
                    raise TokenError("macro", f"the optional argument of {token.text} is "
                                     f"never closed", token.pos)
                arguments.append(tokens[k + 1:close])
                k = close + 1
            else:
                arguments.append(list(macro.default))
        while len(arguments) < macro.arity:
            argument, k = _argument(tokens, k, token)
            arguments.append(argument)
        body = [Token(t.kind, t.text, token.pos) for t in macro.body]
        body = _substitute(body, arguments, token)
        out.extend(_expand(body, macros, depth + 1))
        if len(out) > MAX_TOKENS:
            raise TokenError("too-long", f"the macro {token.text} expands past {MAX_TOKENS} "
                             f"tokens", token.pos)
    return out


def _argument(tokens: list[Token], k: int, macro: Token) -> tuple[list[Token], int]:
    if k >= len(tokens):
        raise TokenError("macro", f"the macro {macro.text} is missing an argument", macro.pos)
    if tokens[k].text != "{":
        return [tokens[k]], k + 1
    depth = 0
    for j in range(k, len(tokens)):
        if tokens[j].text == "{":
            depth += 1
        elif tokens[j].text == "}":
            depth -= 1
            if depth == 0:
                return tokens[k + 1:j], j + 1
    raise TokenError("macro", f"an argument of {macro.text} is never closed", macro.pos)


def _substitute(body: list[Token], arguments: list[list[Token]], macro: Token) -> list[Token]:
    out: list[Token] = []
    k = 0
    while k < len(body):
        token = body[k]
        if token.text == "#" and k + 1 < len(body) and body[k + 1].kind == "number":
            digits = body[k + 1].text
            number = int(digits[0])
            if not 1 <= number <= len(arguments):
                raise TokenError("macro", f"the macro {macro.text} uses #{number} but takes "
                                 f"{len(arguments)} argument(s)", macro.pos)
            out.extend(Token(t.kind, t.text, macro.pos) for t in arguments[number - 1])
            if len(digits) > 1:  # #12 is #1 then the digit 2
                out.append(Token("number", digits[1:], macro.pos))
            k += 2
            continue
        out.append(token)
        k += 1
    return out
