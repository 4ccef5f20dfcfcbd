"""Print the trusted base: the modules a skeptic must read to trust a VERIFIED, with their
lines of code (not blank, not comments, not docstrings) and the schema table's size.

    python bench/trusted_base.py

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
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNEL = sorted((ROOT / "derive" / "kernel").glob("*.py"))
WIRING = [ROOT / "derive" / "checker.py", ROOT / "derive" / "derivation.py"]
TABLE = {"axioms", "laws_bounds", "laws_calculus"}  # the schema table: laws, not machinery


def code_lines(path: Path) -> int:
    """Lines holding code: docstrings, comments and blank lines left out."""
    source = path.read_text()
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


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from derive.kernel import AXIOMS

    total = 0
    print("the kernel (decides every verdict):")
    for path in KERNEL:
        n = code_lines(path)
        total += n
        print(f"  {n:5d}  {path.relative_to(ROOT)}")
    table = sum(code_lines(path) for path in KERNEL if path.stem in TABLE)
    print(f"  {total:5d}  in all; {total - table} without the schema table "
          f"({', '.join(sorted(TABLE))}: {len(AXIOMS)} schemas, {table} lines)")
    wiring = 0
    print("the wiring that hands the kernel each step (read it too):")
    for path in WIRING:
        n = code_lines(path)
        wiring += n
        print(f"  {n:5d}  {path.relative_to(ROOT)}")
    print(f"  {total + wiring:5d}  trusted in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
