"""Finding display math in a LaTeX or Markdown document, and splitting it into equations.

A display is an ``equation``, ``align``, ``eqnarray``, ``gather`` or ``multline``
environment (starred or not; ``aligned`` and ``split`` inside them), ``\\[...\\]`` or
``$$...$$``; in Markdown also a paragraph that is nothing but one ``$...$``. Everything the
reader must not see (``&``, ``\\\\``, ``\\nonumber``, ``\\label``, ``\\tag``, comments, a
justification or equation number beside a row, a closing full stop) is blanked with spaces,
never deleted, so every position the parser reports is the position in the file.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from derive.latex.reader import LatexError

__all__ = ["Declaration", "Display", "Equation", "Source", "display_chapters", "find_displays",
           "read_source"]

MAX_BYTES = 5_000_000  # a book is about 150 kB; past this, say so instead of grinding

ENVIRONMENTS = ("equation", "align", "eqnarray", "gather", "multline", "flalign", "alignat")
NUMBERED = {e for e in ENVIRONMENTS}


@dataclass(frozen=True)
class Declaration:
    """``% derive: positive sigma; density g``: what the author declares about names."""

    kind: str
    names: tuple[str, ...]
    line: int


@dataclass
class Equation:
    """One equation of a display: ``text`` is the display's content blanked outside the
    equation's rows, ``offset`` where that content starts in the file (a position in
    ``text`` plus ``offset`` is the position in the file); with the rows' justifications
    and ``% by:`` comments by line."""

    text: str
    offset: int
    start_line: int
    justifications: dict[int, str] = field(default_factory=dict)


@dataclass
class Display:
    start_line: int
    end_line: int
    environment: str
    numbered: bool
    tag: str | None
    chapter: int | None
    equations: list[Equation] = field(default_factory=list)
    label: str = ""
    # the prose leading into it: "such that" makes its equations conditions, "where" or
    # "let" definitions; "" for neither (a claim)
    introduced_by: str = ""
    introduction: str = ""


@dataclass
class Source:
    path: Path
    text: str
    markdown: bool
    declarations: list[Declaration] = field(default_factory=list)
    masked: str = ""  # the text with comments (and in Markdown, code) blanked


def read_source(path: Path) -> Source:
    """The document's text, or a clear error for what cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise LatexError(f"{path}: cannot read the file ({e.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise LatexError(f"{path}: the file is {len(raw) // 1_000_000} MB; derive reads "
                         f"documents up to {MAX_BYTES // 1_000_000} MB: split it, or pass one "
                         f"chapter of it")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise LatexError(f"{path}:{line}: the file is not UTF-8 (byte {raw[e.start]:#04x} at "
                         f"offset {e.start}); convert it, e.g. iconv -f latin1 -t utf-8") from None
    if not text.strip():
        raise LatexError(f"{path}: the file is empty: there is nothing to check")
    markdown = path.suffix.lower() in (".md", ".markdown", ".txt")
    return Source(path, text.replace("\r\n", "\n"), markdown)


# ---------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def line_starts(text: str) -> list[int]:
    """The offset where each line of ``text`` starts (for lines of offsets, by bisection)."""
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _line_of(text: str, offset: int) -> int:
    return bisect.bisect_right(line_starts(text), offset)


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_HTML_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_DECLARATION = re.compile(r"derive:\s*(.*)")
_BY = re.compile(r"%\s*by:\s*(.*)")


def _declarations(source: Source, comments: list[tuple[int, str]]) -> None:
    for line, body in comments:
        found = _DECLARATION.match(body.strip())
        if not found:
            continue
        for part in filter(None, (p.strip() for p in found.group(1).split(";"))):
            kind, _, names = part.partition(" ")
            names = tuple(n.strip().lstrip("\\") for n in re.split(r"[,\s]+", names) if n.strip())
            source.declarations.append(Declaration(kind.strip().lower(), names, line))


def _chapters(text: str) -> list[int]:
    """Offsets where each \\chapter starts (chapter k starts at offsets[k-1])."""
    return [m.start() for m in re.finditer(r"(?<!%)\\chapter\*?\s*\{", text)]


def find_displays(source: Source, chapter: int | None = None) -> list[Display]:
    """Every display of the document, in order; with ``chapter``, those of that chapter
    only (numbered within it, as the book numbers them): a book is read one chapter at a
    time, and its other chapters' displays would be built for nothing."""
    text = source.text
    comments, masked, chapters, spans = _scan(text, source.markdown)
    _declarations(source, comments)
    source.masked = masked
    displays = []
    numbers: dict[int | None, int] = {}
    for start, end, environment, numbered in spans:
        in_chapter = bisect.bisect_left(chapters, start) or None
        if chapter is not None and in_chapter != chapter:
            continue  # numbers count within a chapter: the others' change none of these
        display = Display(_line_of(text, start), _line_of(text, end), environment, numbered,
                          None, in_chapter)
        _split_equations(text, start, end, display)
        display.introduced_by, display.introduction = _introduction(masked, start)
        if numbered:
            numbers[in_chapter] = numbers.get(in_chapter, 0) + 1
            display.label = (f"{in_chapter}.{numbers[in_chapter]}" if in_chapter else
                             str(numbers[in_chapter]))
        if display.tag:
            display.label = display.tag
        if not display.label:
            display.label = f"L{display.start_line}"
        displays.append(display)
    return displays


def display_chapters(source: Source) -> set[int | None]:
    """The chapters that hold a display (None for displays before any ``\\chapter``)."""
    _, _, chapters, spans = _scan(source.text, source.markdown)
    return {bisect.bisect_left(chapters, start) or None for start, *_ in spans}


@functools.lru_cache(maxsize=4)
def _scan(text: str, markdown: bool) -> tuple[tuple, str, list[int], list]:
    """What the whole text holds, whichever chapter is read: its comments (by line), the
    text with comments (and Markdown code) blanked, where chapters start, and the display
    spans in order. Kept for the last few texts: a book is read one chapter at a time."""
    # Comments first: they may hold declarations, and nothing inside them is math.
    comments: list[tuple[int, str]] = []
    for m in _HTML_COMMENT.finditer(text) if markdown else ():
        comments.append((_line_of(text, m.start()), m.group(1).strip()))
    for m in _COMMENT.finditer(text):
        comments.append((_line_of(text, m.start()), m.group(0)[1:].strip()))
    if markdown:
        masked = _mask_markdown(text)
    else:
        masked = _COMMENT.sub(lambda m: " " * len(m.group(0)), text)
    chapters = _chapters(masked) if not markdown else []
    return tuple(comments), masked, chapters, sorted(_display_spans(masked, markdown))


_OPENING = re.compile(r"(\$\$?|\\\[|\\begin\{[A-Za-z*]+\}(\{[^}]*\})?)\s*$")
_CONDITION_WORDS = re.compile(
    r"\b(such that|so that|if|iff|when|whenever|satisf(y|ies|ying)|subject to|suppose|"
    r"assume|assuming|given that|provided( that)?|unless|until|solve|solving|requires?|"
    r"need|s\.t\.)\W*$", re.I)
_DEFINITION_WORDS = re.compile(r"\b(where|let|define|defines|defined as|denote|denotes|"
                               r"we write|is given by|written as)\W*$", re.I)


def _introduction(masked: str, start: int) -> tuple[str, str]:
    """What the prose just before a display says of it: ("condition", "such that"),
    ("definition", "where"), or ("", "")."""
    before = _OPENING.sub("", masked[max(0, start - 400):start]).rstrip()
    # the sentence leading in: in Markdown a display is a paragraph of its own, so the
    # paragraph before it; never past another display
    paragraph = re.split(r"\n\s*\n|\$\$|\\end\{[^}]*\}|\\\]", before)[-1]
    words = " ".join(paragraph.split())[-60:]
    for kind, pattern in (("condition", _CONDITION_WORDS), ("definition", _DEFINITION_WORDS)):
        found = pattern.search(words)
        if found:
            return kind, found.group(1)
    return "", ""


def _mask_markdown(text: str) -> str:
    """Blank what is not prose or math in Markdown: front matter, code blocks, inline code."""
    front = re.match(r"---\n.*?\n---\n", text, re.S)
    if front:
        text = _blank(text, 0, front.end())
    for m in re.finditer(r"^(```|~~~).*?^\1", text, re.S | re.M):
        text = _blank(text, m.start(), m.end())
    for m in re.finditer(r"`[^`\n]*`", text):
        text = _blank(text, m.start(), m.end())
    return _HTML_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


_ENV = re.compile(r"\\begin\{(" + "|".join(ENVIRONMENTS) + r")(\*?)\}(\{[^}]*\})?")


def _display_spans(text: str, markdown: bool) -> list[tuple[int, int, str, bool]]:
    """(content start, content end, environment, numbered) of every display."""
    spans = []
    taken: list[tuple[int, int]] = []
    for m in _ENV.finditer(text):
        name, star = m.group(1), m.group(2)
        end = text.find(f"\\end{{{name}{star}}}", m.end())
        if end < 0:
            raise LatexError(f"line {_line_of(text, m.start())}: \\begin{{{name}{star}}} "
                             f"is never closed by \\end{{{name}{star}}}")
        spans.append((m.end(), end, name + star, not star and not markdown))
        taken.append((m.start(), end))
    for m in re.finditer(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]", text, re.S):
        if not any(a <= m.start() < b for a, b in taken):
            group = 1 if m.group(1) is not None else 2
            if markdown and group == 1 and not _on_lines_of_its_own(text, m.start(), m.end()):
                taken.append((m.start(), m.end()))
                continue  # $$...$$ inside a sentence (a blog's inline math): not a display
            spans.append((m.start(group), m.end(group), "$$" if group == 1 else r"\[", False))
            taken.append((m.start(), m.end()))
    if markdown:
        # A paragraph that is nothing but $...$ is displayed math in a blog post.
        for m in re.finditer(r"(?m)^[ \t]*\$(?!\$)([^$\n]+)\$[ \t]*$", text):
            if not any(a <= m.start() < b for a, b in taken):
                spans.append((m.start(1), m.end(1), "$", False))
    return spans


def _on_lines_of_its_own(text: str, start: int, end: int) -> bool:
    """Nothing but spaces before ``start`` on its line, and after ``end`` on its line
    nothing but spaces and punctuation."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:start].strip() and not text[end:line_end].strip(" \t.,;:")


_ROW_BREAK = re.compile(r"\\\\(\s*\[[^\]]*\])?")
_BLANKED = re.compile(r"\\(nonumber|notag)(?![A-Za-z])|\\label\s*\{[^}]*\}|&"
                      r"|\\(begin|end)\s*\{(aligned|split|gathered)\}(\[[a-z]\])?")
_TAG = re.compile(r"\\tag\*?\s*\{([^}]*)\}")
_ROW_TAG = re.compile(r"(\\q?quad|\\hfill)\s*\(\s*([^()\n]*?)\s*\)\s*[.,;]?\s*$")
_ROW_REASON = re.compile(r"(\\q?quad|&&?)\s*\\(?:text|mbox|textrm)\s*\{([^{}]*)\}\s*[.,;]?\s*$")
_END_PUNCTUATION = re.compile(r"[.,;]\s*$")
_RELATION_START = re.compile(r"^(\s|\\[,;:! ]|\\q?quad\b|\\hspace\*?\{[^}]*\}|\\(left|right)\.)*"
                             r"(=|:=|\\coloneqq|\\triangleq|\\approx|\\leq?|\\geq?|<|>)")
_HAS_RELATION = re.compile(r"(?<![<>!:\\])=|:=|\\coloneqq")


def _split_equations(text: str, start: int, end: int, display: Display) -> None:
    """Split the display's rows into equations: a row that starts with a relation continues
    the chain above; a row with a left side of its own starts a new equation; a row with no
    relation continues the expression above."""
    content = text[start:end]
    first_line = _line_of(text, start)

    def line_at(offset: int) -> int:
        return first_line + content.count("\n", 0, offset)

    local = content
    by_line: dict[int, str] = {}
    for m in _COMMENT.finditer(content):
        by = _BY.match(m.group(0))
        if by:
            by_line[line_at(m.start())] = by.group(1).strip()
        local = _blank(local, m.start(), m.end())
    for m in _TAG.finditer(local):
        display.tag = _tag_label(m.group(1))
        local = _blank(local, m.start(), m.end())
    inner = _inner_environments(local)

    def protected(offset: int) -> bool:
        return any(a <= offset < b for a, b in inner)

    for m in _BLANKED.finditer(local):
        if not protected(m.start()):
            local = _blank(local, m.start(), m.end())
    rows: list[tuple[int, int]] = []
    position = 0
    for m in _ROW_BREAK.finditer(local):
        if protected(m.start()):
            continue  # a row of a matrix or of cases, not of the display
        rows.append((position, m.start()))
        local = _blank(local, m.start(), m.end())
        position = m.end()
    rows.append((position, len(local)))
    reasons: dict[int, str] = dict(by_line)
    groups: list[list[tuple[int, int]]] = []
    for row_start, row_end in rows:
        # a justification beside the row, then an equation number: \quad (5.27) \quad \text{..}
        for pattern, is_tag in ((_ROW_REASON, False), (_ROW_TAG, True)):
            m = pattern.search(local, row_start, row_end)
            if m:
                if is_tag:
                    display.tag = display.tag or _tag_label(m.group(2))
                else:
                    reasons.setdefault(line_at(m.start()), m.group(2).strip())
                local = _blank(local, m.start(), m.end())
        row_text = local[row_start:row_end]
        punctuation = _END_PUNCTUATION.search(row_text)
        if punctuation:
            local = _blank(local, row_start + punctuation.start(), row_end)
            row_text = local[row_start:row_end]
        if not row_text.strip():
            continue
        starts_new = (not groups or (not _RELATION_START.match(row_text)
                                     and _HAS_RELATION.search(row_text) is not None))
        if starts_new:
            groups.append([(row_start, row_end)])
        else:
            groups[-1].append((row_start, row_end))
    for group in groups:
        g_start, g_end = group[0][0], group[-1][1]
        text_of_group = _blank(_blank(local, g_end, len(local)), 0, g_start)
        display.equations.append(Equation(text_of_group, start, line_at(g_start), dict(reasons)))


_INNER = re.compile(r"\\begin\{(bmatrix|pmatrix|matrix|vmatrix|Bmatrix|Vmatrix|smallmatrix|"
                    r"cases|dcases|rcases|array|tabular)\}")


def _inner_environments(text: str) -> list[tuple[int, int]]:
    """Spans of the matrices, arrays and case distinctions inside a display: their ``\\\\``
    and ``&`` separate their own rows and cells, not the display's."""
    spans = []
    for m in _INNER.finditer(text):
        close = text.find(f"\\end{{{m.group(1)}}}", m.end())
        if close >= 0:
            spans.append((m.start(), close))
    return spans


def _tag_label(tag: str) -> str:
    number = re.search(r"\d+(\.\d+)*[a-z]?", tag)
    return number.group(0) if number else re.sub(r"\\text\s*\{([^}]*)\}", r"\1", tag).strip()
