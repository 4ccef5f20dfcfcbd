"""The kernel is a leaf: its sources import the standard library, SymPy and the kernel's own
modules, nothing else of derive; importing it loads nothing else of derive."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

KERNEL = Path(__file__).resolve().parents[1] / "derive" / "kernel"
ALLOWED_ROOTS = {"sympy", "derive"} | set(sys.stdlib_module_names)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
    return names


def test_the_kernel_imports_only_the_standard_library_sympy_and_itself():
    sources = sorted(KERNEL.glob("*.py"))
    assert len(sources) >= 8
    for path in sources:
        for name in _imports(path):
            root = name.split(".")[0]
            assert root in ALLOWED_ROOTS, f"{path.name} imports {name}"
            if root == "derive":
                assert name == "derive.kernel" or name.startswith("derive.kernel."), \
                    f"{path.name} imports {name}, which is outside the kernel"


def test_importing_the_kernel_loads_nothing_else_of_derive():
    done = subprocess.run(
        [sys.executable, "-c", "import sys, derive.kernel; print(sorted(m for m in sys.modules "
         "if m.startswith('derive') and not m.startswith('derive.kernel')))"],
        capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['derive']"


def test_every_module_of_derive_imports_first():
    """Each module of derive can be the first one imported (``import derive.identities``
    once failed: the rules package, loading, registered its identities with a function
    that module had not defined yet). The top-level modules and packages, in one
    interpreter: derive is unloaded between imports."""
    package = KERNEL.parent
    modules = sorted(".".join(p.relative_to(package.parent).with_suffix("").parts)
                     for p in [*package.glob("*.py"), *package.glob("*/__init__.py")]
                     if p.name != "__main__.py")
    probe = (
        "import importlib, sys\n"
        f"failed = []\n"
        f"for name in {[m.removesuffix('.__init__') for m in modules]!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'derive' or m.startswith('derive.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as e:\n"
        "        failed.append(f'{name}: {e}')\n"
        "print('\\n'.join(failed))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == ""
