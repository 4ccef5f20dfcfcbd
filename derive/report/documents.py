"""What a report takes from the document a derivation was read from: its title, and the names
the author gave its lines (``\\hat\\theta = ...``), so that the report prints them as written.

A Markdown post's title is its front matter's ``title:`` (Jekyll's), else its first heading;
a LaTeX document's is its ``\\title{...}``, else its first ``\\chapter``/``\\section``.
"""

from __future__ import annotations

import re
from pathlib import Path

import sympy as sp

from derive.derivation import Derivation
from derive.loader import is_document

__all__ = ["document_title", "named_sides"]

_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---\n(.*?)\n---\n", re.S)
_YAML_TITLE = re.compile(r"^title:[ \t]*(.*?)[ \t]*$", re.M)
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
_TEX_TITLE = re.compile(r"\\(?:title|chapter|section)\*?\s*\{([^{}]*)\}")


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else inner.replace('\\"', '"')
    return value


def document_title(path: Path) -> str:
    """The document's own title, or "" if it has none (or cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return ""
    if path.suffix.lower() == ".tex":
        found = _TEX_TITLE.search(text)
        return found.group(1).strip() if found else ""
    front = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if front:
        title = _YAML_TITLE.search(front.group(1))
        if title and _unquote(title.group(1)).strip():
            return _unquote(title.group(1)).strip()
        text = text[front.end():]
    heading = _HEADING.search(re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.S | re.M))
    return heading.group(1).strip() if heading else ""


def named_sides(derivation: Derivation) -> dict[str, sp.Expr]:
    """label -> the name the author wrote before that line (the derivation's own label for
    its first line), for a derivation read from a document; {} for a Python proof."""
    location = derivation.location
    if location is None or not is_document(location.file):
        return {}
    from derive.latex import document_report

    report = document_report(location.file)
    if report is None:
        return {}
    return {label: name for (owner, label), name in report.names.items()
            if owner == derivation.name}
