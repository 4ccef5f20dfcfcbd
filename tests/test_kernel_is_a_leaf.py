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


# What a SymPy class can say that the kernel would believe: its signs, its derivative, its
# value. Only the kernel's own classes may say it (derive.kernel.objects).
_SEMANTIC = ("_eval_is_", "is_", "fdiff", "_eval_derivative", "doit", "eval", "_eval_rewrite",
             "_eval_expand", "_eval_simplify", "_eval_subs", "_eval_nseries")


def test_no_class_outside_the_kernel_gives_sympy_a_meaning():
    """A SymPy class outside the kernel that told SymPy a sign (``is_positive = True``), a
    derivative or a value would be trusted code the kernel does not hold: the norm's signs
    once lived in derive/notation.py."""
    offending = []
    for path in sorted(KERNEL.parent.rglob("*.py")):
        if KERNEL in path.parents:
            continue
        tree = ast.parse(path.read_text(), str(path))
        sympy_names = {"sp", "sympy"} | {  # SymPy's classes and the kernel's, as imported
            alias.asname or alias.name for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("sympy", "derive.kernel")) for alias in node.names}
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef) or not any(
                    ast.unparse(b).split(".")[0] in sympy_names for b in node.bases):
                continue
            sympy_names.add(node.name)  # a subclass of it is SymPy's too
            for item in node.body:
                names = ([item.name] if isinstance(item, ast.FunctionDef) else
                         [t.id for t in item.targets if isinstance(t, ast.Name)]
                         if isinstance(item, ast.Assign) else [])
                offending += [f"{path.name}: {node.name}.{n}" for n in names
                              if n.startswith(_SEMANTIC)]
    assert offending == []
