"""Print the trusted base: the modules a skeptic must read to trust a VERIFIED, with their
lines of code (not blank, not comments, not docstrings) and the schema table's size.

    python bench/trusted_base.py                # by module
    python bench/trusted_base.py --by-definition  # and each module's definitions, largest first

The kernel package decides every verdict; around it, only the wiring that hands it each
step's two lines (the chain in derive/derivation.py, the orchestration in derive/checker.py)
must be read too, and it is counted apart. Rules, the search, the numeric checker, the
LaTeX reader, reports and the cache propose, test or show: none of them can make a step
VERIFIED (the numbers can only refute or fail to support a proof).
"""

from __future__ import annotations

import ast
import io
import sys
import textwrap
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNEL = sorted((ROOT / "derive" / "kernel").glob("*.py"))
# The wiring: the functions that hand the kernel each step's two lines and its certificates
# (a skeptic reads these; the rest of those modules schedules, times and reports). Not in
# it: ``checker.propose``, which runs the rules and so proposes, like them (the kernel judges
# whatever certificates it hands over); ``checker._why_stopped``, which words why a check
# stopped (its verdict is the kernel's ``unknown``); ``checker.unrefutable``, which can
# only turn a REFUTED into an UNPROVEN.
WIRING = {
    ROOT / "derive" / "derivation.py": ["Derivation.last", "Derivation._step", "Derivation._add",
                                        "Derivation.declared"],
    ROOT / "derive" / "checker.py": ["check_symbolic", "result_of", "check_entry"],
}
TABLE = {"axioms", "laws_bounds", "laws_calculus"}  # the schema table: laws, not machinery


def code_lines(path: Path) -> int:
    """Lines holding code: docstrings, comments and blank lines left out."""
    return code_lines_of(path.read_text())


def code_lines_of(source: str) -> int:
    docstrings = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                          tokenize.DEDENT, tokenize.ENDMARKER):
            continue
        lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - docstrings)


def function_lines(path: Path, names: list[str]) -> int:
    """Lines of code of the named functions (``Class.method`` for a method) in ``path``."""
    tree = ast.parse(path.read_text())
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                        f"{node.name}.{item.name}" in names:
                    spans.append(item)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
            if node.col_offset == 0:
                spans.append(node)
    source = path.read_text().splitlines(keepends=True)
    total = 0
    for node in spans:
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        text = "".join(source[start - 1:node.end_lineno])
        total += code_lines_of(textwrap.dedent(text))
    return total


def definition_lines(path: Path) -> list[tuple[int, str]]:
    """Lines of code of each top-level definition of ``path`` (function, class or
    assignment; imports and ``__all__`` together as "exports"), largest first."""
    source = path.read_text()
    lines = source.splitlines(keepends=True)
    sizes: dict[str, int] = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) or (
                isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__"):
            name = "imports and exports"
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            name = node.name
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            name = ast.unparse(target)
        else:
            continue  # the module's docstring
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        text = textwrap.dedent("".join(lines[start - 1:node.end_lineno]))
        sizes[name] = sizes.get(name, 0) + code_lines_of(text)
    return sorted(((n, name) for name, n in sizes.items()), reverse=True)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from derive.kernel import AXIOMS

    by_definition = "--by-definition" in sys.argv[1:]

    total = 0
    print("the kernel (decides every verdict):")
    for path in KERNEL:
        n = code_lines(path)
        total += n
        print(f"  {n:5d}  {path.relative_to(ROOT)}")
        if by_definition and path.stem not in TABLE:
            for size, name in definition_lines(path):
                print(f"  {'':5s}  {size:5d}  {name}")
    table = sum(code_lines(path) for path in KERNEL if path.stem in TABLE)
    print(f"  {total:5d}  in all; {total - table} without the schema table "
          f"({', '.join(sorted(TABLE))}: {len(AXIOMS)} schemas, {table} lines)")
    wiring = 0
    print("the wiring that hands the kernel each step (read it too):")
    for path, names in WIRING.items():
        n = function_lines(path, names)
        wiring += n
        print(f"  {n:5d}  {path.relative_to(ROOT)}: {', '.join(names)}")
    print(f"  {total + wiring:5d}  trusted in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
