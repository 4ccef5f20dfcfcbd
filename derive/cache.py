"""The verdict cache: a step's verdict stored under a key made of everything it depends on.

A key is the SHA-256 of: both sides of the step (SymPy's ``srepr``, plus the classes and
assumptions ``srepr`` leaves out: a density's class, an undefined function's or an
``IndexedBase``'s assumptions), its relation, expectation, label and derivation name (the
numeric instances are drawn from a generator seeded with them), its hypotheses, the
certificates its rules proposed (what the kernel judged, digest from
``kernel.fingerprint``), the seed, the number of instances, the time limit, the versions of
derive, SymPy, NumPy and Python, and a hash of derive's own source files (so a change to the
kernel or the numeric checker invalidates every verdict; the modules that only show or
schedule verdicts are left out). Anything the key cannot describe faithfully makes the step
uncacheable: it is then always checked afresh.

What a hit gives is numeric evidence, never a verdict to believe: the rules propose and the
kernel judges afresh on every run (that is cheap), and the stored numeric verdict takes the
place of the numeric check only; the kernel must then reach the stored status again.

Only VERIFIED and REFUTED verdicts are stored: UNPROVEN may be a timeout, which depends on
the machine, and it is what the author is working on, so it is always re-checked.

The folder (``.derive_cache/`` in the project, like ``.pytest_cache/``, with a ``.gitignore``
of ``*`` so it is never committed) holds one JSON file per verdict. A file is trusted only
if it parses, carries its own key, its digest (an HMAC-SHA256 under a secret of this user's
kept outside the project: ``derive.warm.user_secret``, so that no one who can only edit the
project's files can forge one) matches, and the kernel, from its own symbolic verdict and
the stored numeric evidence, reaches the stored status; anything else is a corrupt entry:
reported, ignored, and rewritten.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import hmac
import inspect
import json
import os
import platform
import re
import shutil
import tempfile
import types
from collections.abc import Callable
from pathlib import Path

import sympy as sp
from sympy.core.function import AppliedUndef

from derive import kernel
from derive.derivation import Definition, Derivation, Entry
from derive.kernel import (
    Claim,
    Condition,
    ConditionResult,
    Message,
    Numeric,
    NumericVerdict,
    Status,
    Symbolic,
    SymbolicVerdict,
    Verdict,
)
from derive.warm import CACHE_DIR_NAME, NoSecret, find_project_root, mac

__all__ = ["CACHE_DIR_NAME", "Uncacheable", "VerdictCache", "decode_verdict", "encode_verdict",
           "find_project_root", "step_key"]  # the folder's name and root: derive.warm's

FORMAT = 3  # bump when the layout of an entry changes (2: the digest is a keyed MAC; 3: a
# message is its key and arguments, its words made again)
CACHED_STATUSES = (Status.VERIFIED, Status.REFUTED)
# derive's modules (and packages, ending in /) that only show or schedule verdicts: editing
# them keeps the cache valid. Every other source file of derive is part of every key.
NOT_IN_VERDICTS = ("cli.py", "explain.py", "notebook.py", "pytest_plugin.py", "runner.py",
                   "warm.py", "report/")


class Uncacheable(Exception):
    """The key or the verdict of a step cannot be written down faithfully; the step is
    checked afresh every time (never a wrong hit)."""


# ---------------------------------------------------------------------------------------
# Keys.


def _file_digest(filename: str) -> str:
    try:
        stat = os.stat(filename)
    except OSError as e:
        raise Uncacheable(f"cannot read {filename}: {e}") from None
    # Remembered per version of the file: a file edited while the process runs (a test
    # session) is read again.
    return _file_digest_of_version(filename, stat.st_mtime_ns, stat.st_size)


@functools.cache
def _file_digest_of_version(filename: str, mtime_ns: int, size: int) -> str:
    try:
        return hashlib.sha256(Path(filename).read_bytes()).hexdigest()
    except OSError as e:
        raise Uncacheable(f"cannot read {filename}: {e}") from None


def verdict_sources() -> list[Path]:
    """derive's source files a verdict can depend on (the kernel, the rules, the numbers, the
    reader, ...): every one but those that only show or schedule verdicts."""
    package = Path(__file__).resolve().parent  # derive/, not derive/kernel/: the numbers too
    return [source for source in sorted(package.rglob("*.py"))
            if not source.relative_to(package).as_posix().startswith(NOT_IN_VERDICTS)]


@functools.cache
def derive_fingerprint() -> str:
    """The versions the verdicts depend on, and a hash of derive's own source files."""
    from importlib.metadata import version  # NumPy's version without importing NumPy

    from derive import __version__

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for source in verdict_sources():
        digest.update(str(source.relative_to(package)).encode())
        digest.update(source.read_bytes())
    versions = (f"derive {__version__}; sympy {sp.__version__}; numpy {version('numpy')}; "
                f"python {platform.python_version()}; cache format {FORMAT}")
    return f"{versions}; source {digest.hexdigest()}"


def _is_lossy_in_srepr(node: sp.Basic) -> bool:
    # srepr prints Function('q') for a density and drops an undefined function's and an
    # IndexedBase's assumptions; classes defined outside SymPy may carry more of the same.
    return (isinstance(node, (AppliedUndef, sp.IndexedBase, sp.Indexed))
            or not (type(node).__module__ or "").startswith("sympy"))


def _class_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def expression_key(expr: sp.Basic) -> str:
    """``srepr`` of ``expr``, and the classes and assumptions that ``srepr`` leaves out."""
    extras = set()
    for node in sp.preorder_traversal(expr):
        if _is_lossy_in_srepr(node):
            cls = type(node)
            facts = dict(getattr(cls, "default_assumptions", {}) or {})
            facts.update(node.assumptions0)
            mro = ",".join(_class_name(c) for c in cls.__mro__)
            extras.add(f"{mro}{sorted(facts.items())}")
    # order="none": the arguments in SymPy's own canonical order, without sorting them for
    # display (the slow part of srepr); SymPy's version is in every key.
    return f"{sp.srepr(expr, order='none')} | {sorted(extras)}"


_MAX_DEPTH = 8


def describe(value: object, depth: int = 0, seen: tuple[int, ...] = ()) -> str:
    """A text that differs whenever ``value`` could make a rule behave differently: its
    fields, its code (by the source of the defining module), what a function closes over.
    A reference back to an object being described (an identity and its rule) is written
    as which one it is. Raises Uncacheable for what it cannot describe (too deep)."""
    if id(value) in seen:
        return f"<a reference back to the object at depth {seen.index(id(value))}>"
    if depth > _MAX_DEPTH:
        raise Uncacheable(f"cannot describe {type(value).__name__} faithfully for a cache key")
    seen = (*seen, id(value))

    def inner(v: object) -> str:
        return describe(v, depth + 1, seen)

    if value is None or isinstance(value, (bool, int, float, str, bytes)):
        return repr(value)
    if isinstance(value, enum.Enum):
        return f"{_class_name(type(value))}.{value.name}"
    if isinstance(value, sp.Basic):
        return expression_key(value)
    if isinstance(value, Verdict):
        # A verdict a rule keeps about itself (an identity's own check) is derived from
        # what the rule is, which the rest of the key holds; whether it was reached yet
        # must not change the key.
        return "a verdict"
    if isinstance(value, (tuple, list)):
        return f"{type(value).__name__}[{', '.join(inner(v) for v in value)}]"
    if isinstance(value, (set, frozenset)):
        return f"set[{', '.join(sorted(inner(v) for v in value))}]"
    if isinstance(value, dict):
        return f"dict[{', '.join(sorted(f'{inner(k)}: {inner(v)}' for k, v in value.items()))}]"
    if isinstance(value, type):
        # A class made at run time (density("q")) has no source: its bases and assumptions
        # say what it is.
        mro = ",".join(_class_name(c) for c in value.__mro__)
        facts = sorted(dict(getattr(value, "default_assumptions", {}) or {}).items())
        return f"class {mro}{facts} in {_source_digest(value)}"
    if isinstance(value, types.MethodType):
        return f"method {inner(value.__func__)} of {inner(value.__self__)}"
    if isinstance(value, types.FunctionType):
        return _describe_function(value, inner)
    if isinstance(value, functools.partial):
        return f"partial({inner(value.func)}, {inner(value.args)}, {inner(value.keywords)})"
    if dataclasses.is_dataclass(value):
        # A field typed as a verdict (an identity's own check, None until it runs) is a
        # memo of a check of the rest: left out, as a verdict met elsewhere is.
        fields = ", ".join(f"{f.name}={inner(getattr(value, f.name))}"
                           for f in dataclasses.fields(value) if "Verdict" not in str(f.type))
        return f"{_class_name(type(value))} in {_source_digest(type(value))}({fields})"
    if isinstance(value, types.ModuleType):
        return f"module {value.__name__}"
    if hasattr(value, "__dict__"):
        return (f"{_class_name(type(value))} in {_source_digest(type(value))}"
                f"({inner(dict(vars(value)))})")
    raise Uncacheable(f"cannot describe a {type(value).__name__} for a cache key")


def _source_digest(obj: object) -> str:
    try:
        filename = inspect.getsourcefile(obj)  # type: ignore[arg-type]
    except TypeError:
        return "built in"
    return _file_digest(filename) if filename else "no source"


def _describe_function(fn: types.FunctionType, inner: Callable[[object], str]) -> str:
    code = fn.__code__
    closure = [cell.cell_contents for cell in fn.__closure__ or ()]
    # Module-level data the function reads directly (a registry, a table): its value now,
    # not only the source that filled it. Functions, classes and modules are covered by
    # the digest of their source file.
    names = set()
    pending = [code]
    while pending:
        c = pending.pop()
        names.update(c.co_names)
        pending.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    data = {name: fn.__globals__[name] for name in sorted(names)
            if name in fn.__globals__ and not callable(fn.__globals__[name])
            and not isinstance(fn.__globals__[name], types.ModuleType)}
    # The code itself (bytecode is stable for one Python version, which is in the key),
    # and the file it came from.
    code_digest = hashlib.sha256(_code_text(code).encode()).hexdigest()
    return (f"function {fn.__module__}.{fn.__qualname__} code {code_digest} "
            f"in {_file_digest(code.co_filename)}"
            f"(closure={inner(closure)}, defaults={inner(fn.__defaults__)}, "
            f"kwdefaults={inner(fn.__kwdefaults__)}, globals={inner(data)})")


def _code_text(code: types.CodeType) -> str:
    def const(c: object) -> str:
        if isinstance(c, types.CodeType):
            return _code_text(c)
        if isinstance(c, frozenset):  # its repr's order follows string hashing, per process
            return f"frozenset({sorted(map(const, c))})"
        if isinstance(c, tuple):
            return f"({', '.join(map(const, c))})"
        return repr(c)

    return (f"{code.co_code.hex()} {[const(c) for c in code.co_consts]} {code.co_names} "
            f"{code.co_varnames} {code.co_freevars} {code.co_cellvars}")


def certificate_fingerprint(certificates) -> str:
    """A digest of exactly what the certificates say, the same in every process (for the
    verdict cache's key): bound variables named canonically, no run-time counters."""
    def part(x):
        if isinstance(x, kernel.Schema):
            return (f"schema {x.name} {x.trust} {part(x.lhs)} {part(x.rhs)} "
                    f"{part(x.variables)}")
        if isinstance(x, tuple):
            return "(" + ",".join(part(y) for y in x) + ")"
        if isinstance(x, sp.Basic):
            return sp.srepr(kernel.alpha_normal(x))
        return repr(x)
    text = ";".join(f"{type(c).__name__}{part(tuple(vars(c).values()))}" for c in certificates)
    text = re.sub(r"(dummy_index|derive_pattern)=\d+", "", text)
    return hashlib.sha256(text.encode()).hexdigest()


def step_key(derivation: Derivation, entry: Entry, seed: int, instances: int,
             time_limit: float, certificates: str = "") -> str:
    """The cache key of one step (or definition) checked with these settings, whose rules
    proposed the certificates with fingerprint ``certificates``."""
    if isinstance(entry, Definition):
        sides = ("definition", expression_key(entry.lhs), expression_key(entry.rhs), "")
    else:
        sides = ("step", expression_key(entry.before), expression_key(entry.after),
                 f"certificates {certificates}")
    # whether the step can be refuted (a candidate link, or a step resting on the text's
    # words, cannot: the kernel's verdict on it differs)
    refutable = (f"candidate {getattr(entry, 'candidate', False)}",
                 f"rests on the text {getattr(entry, 'rests_on_text', '')}")
    parts = (derive_fingerprint(), derivation.name, entry.label, entry.relation.value,
             entry.expect, *sides, *refutable, describe(tuple(entry.hypotheses)),
             f"seed {seed}", f"instances {instances}", f"time limit {time_limit!r}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


# ---------------------------------------------------------------------------------------
# Verdicts as JSON, and back.

_DATACLASSES = {c.__name__: c for c in (Verdict, SymbolicVerdict, NumericVerdict,
                                        ConditionResult, Condition)}
_ENUMS = {c.__name__: c for c in (Status, Symbolic, Numeric, Claim)}
# Never shown, and SymPy objects of classes made at run time do not round-trip: a cached
# Condition keeps its kind, statement and reason, with an empty subject; a cached symbolic
# verdict keeps what it concluded, not the kernel's working (its trace: a report checks afresh).
_DROPPED_FIELDS = {"Condition": {"subject"},
                   "SymbolicVerdict": {"trace"}}


def encode_verdict(value: object) -> object:
    """A verdict as plain JSON data; raises Uncacheable for what JSON cannot hold."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        if type(value).__name__ not in _ENUMS:
            raise Uncacheable(f"unknown enum {type(value).__name__}")
        return {"__enum__": type(value).__name__, "name": value.name}
    if isinstance(value, Message):  # its words are made from its key and arguments
        return {"__message__": value.key,
                "args": [[name, _message_argument(arg)] for name, arg in value.args]}
    if dataclasses.is_dataclass(value) and type(value).__name__ in _DATACLASSES:
        name = type(value).__name__
        dropped = _DROPPED_FIELDS.get(name, set())
        return {"__dataclass__": name,
                **{f.name: encode_verdict(getattr(value, f.name))
                   for f in dataclasses.fields(value) if f.name not in dropped}}
    if isinstance(value, tuple):
        return {"__tuple__": [encode_verdict(v) for v in value]}
    if isinstance(value, list):
        return [encode_verdict(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        if {"__enum__", "__dataclass__", "__tuple__", "__message__"} & set(value):
            raise Uncacheable("a dict whose keys look like the cache's own markers")
        return {k: encode_verdict(v) for k, v in value.items()}
    raise Uncacheable(f"cannot store a {type(value).__name__} in the cache")


def _message_argument(value: object) -> object:
    """A message's argument as the cache keeps it: a message (or a tuple of them) as such, so
    that its words are made again; anything else as the text it prints."""
    if isinstance(value, Message):
        return encode_verdict(value)
    if isinstance(value, tuple):
        return {"__tuple__": [_message_argument(v) for v in value]}
    return str(value)


def decode_verdict(data: object) -> object:
    """The inverse of ``encode_verdict``; raises ValueError (or KeyError, TypeError) on
    anything it did not write."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode_verdict(v) for v in data]
    if not isinstance(data, dict):
        raise ValueError(f"unexpected {type(data).__name__}")
    if "__enum__" in data:
        return _ENUMS[data["__enum__"]][data["name"]]
    if "__message__" in data:
        return Message(data["__message__"],
                       tuple((name, decode_verdict(arg)) for name, arg in data["args"]))
    if "__tuple__" in data:
        return tuple(decode_verdict(v) for v in data["__tuple__"])
    if "__dataclass__" in data:
        cls = _DATACLASSES[data["__dataclass__"]]
        values = {k: decode_verdict(v) for k, v in data.items() if k != "__dataclass__"}
        if cls is Condition:
            values["subject"] = ()
        return cls(**values)
    return {k: decode_verdict(v) for k, v in data.items()}


def _digest(key: str, payload: object) -> str:
    """The entry's MAC: HMAC-SHA256 under the user's secret (``derive.warm.user_secret``),
    which no one who can only edit the project's files knows."""
    return mac("verdict", key, json.dumps(payload, sort_keys=True, allow_nan=True))



# ---------------------------------------------------------------------------------------
# The folder.


_README = """# derive verdict cache

This folder is written by `derive check` and by `pytest` with derive's plugin: each file is
the verdict of one step, under a key made of everything the verdict depends on. Delete it
at will (`derive check --clear-cache`); do not commit it.
"""


class VerdictCache:
    """Verdicts in ``folder`` (``<project>/.derive_cache``), one JSON file per step."""

    def __init__(self, folder: Path, read: bool = True) -> None:
        self.folder = Path(folder)
        self.read = read  # False: every lookup misses (check afresh), verdicts are still stored
        self.warnings: list[str] = []  # corrupt entries met, unwritable folder: for the user
        self._writable = True

    def _path(self, key: str) -> Path:
        return self.folder / "verdicts" / key[:2] / f"{key}.json"

    def get(self, key: str, symbolic: SymbolicVerdict, same_claim: bool = True,
            unrefutable: object = "") -> tuple[Verdict, float] | None:
        """The verdict the kernel reaches from ``symbolic`` (its own, reached afresh) and the
        stored numeric evidence, with the seconds the check took; None if there is no entry,
        or a corrupt one (then a warning names the file, and the next ``put`` rewrites it),
        or one whose stored status the kernel does not reach again. ``same_claim`` is what
        the checker passes to ``kernel.decide`` (False for a definition), and ``unrefutable``
        why the step cannot be refuted, if it cannot (a candidate link)."""
        if not self.read:
            return None
        path = self._path(key)
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as e:
            self.warnings.append(f"{path}: cannot read the cache entry ({e}); checking afresh")
            return None
        try:
            entry = json.loads(text)
            if entry["format"] != FORMAT or entry["key"] != key:
                raise ValueError("it belongs to another key or format")
            expected = _digest(key, [entry["verdict"], entry["seconds"]])
            if not hmac.compare_digest(str(entry["digest"]), expected):
                raise ValueError("its digest does not match its contents (edited, or "
                                 "written under another user's secret)")
            verdict = decode_verdict(entry["verdict"])
            seconds = float(entry["seconds"])
            if not isinstance(verdict, Verdict) or verdict.status not in CACHED_STATUSES:
                raise ValueError("it does not hold a verdict derive stores")
            verdict = kernel.decide(symbolic, verdict.numeric, same_claim, unrefutable)
            if verdict.status is not decode_verdict(entry["verdict"]).status:
                raise ValueError("the kernel does not reach the stored verdict from its own "
                                 "symbolic verdict and the stored numeric evidence")
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            self.warnings.append(f"{path}: corrupt cache entry ignored ({e}); the step was "
                                 f"checked afresh and the entry rewritten")
            return None
        except NoSecret as e:
            self.warnings.append(f"{e}; checking afresh")
            return None
        return verdict, seconds

    def put(self, key: str, verdict: Verdict, seconds: float, what: str = "") -> bool:
        """Store a VERIFIED or REFUTED verdict (atomically: concurrent writers, as under
        pytest-xdist or ``-j``, never leave a half-written file). False if not stored."""
        if verdict.status not in CACHED_STATUSES or not self._writable:
            return False
        try:
            payload = [encode_verdict(verdict), float(seconds)]
            digest = _digest(key, payload)
        except (Uncacheable, NoSecret):
            return False
        entry = {"format": FORMAT, "key": key, "step": what, "verdict": payload[0],
                 "seconds": payload[1], "digest": digest}
        path = self._path(key)
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(entry, out, allow_nan=True)
            os.replace(temporary, path)
        except OSError as e:
            self._writable = False
            self.warnings.append(f"{self.folder}: cannot write the verdict cache ({e}); "
                                 f"continuing without it (or pass --no-cache)")
            return False
        return True

    def _prepare(self) -> None:
        if (self.folder / "README.md").exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / ".gitignore").write_text("# written by derive\n*\n")
        (self.folder / "CACHEDIR.TAG").write_text(
            "Signature: 8a477f597d28d172789f06886806bc55\n# the derive verdict cache\n")
        (self.folder / "README.md").write_text(_README)

    def clear(self) -> None:
        """Remove every stored verdict."""
        if self.folder.exists():
            shutil.rmtree(self.folder)
