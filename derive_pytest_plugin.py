"""pytest plugin of derive: every step of every derivation in the proof files is a test item.

Registered through the ``pytest11`` entry point as ``derive``. It is a top-level module, not
part of the ``derive`` package (as Hypothesis's ``_hypothesis_pytestplugin`` is), and it
imports derive (and SymPy) only when it collects a proof file: a pytest run without proofs
pays nothing for derive being installed.

Which files are proof files: the ``.py`` files under the folders named by the ini option
``derive_proof_paths`` (default ``proofs``, relative to the rootdir), except ``_*.py``,
``conftest.py`` and files named like test modules (``test_*.py``, ``*_test.py``): those stay
pytest's. A file named on the command line is a proof file wherever it is, if it is a
``.py`` file that imports derive (and is not named like a test module), or a LaTeX or
Markdown document (``.tex``, ``.md``, ``.markdown``): so the replay command
``pytest FILE::DERIVATION::LABEL`` that derive prints works for every file it checks. Every
module-level ``Derivation`` in a proof file (every chain in a document) is collected, one
item per step and per definition, with node ids ``<file>::<derivation>::<label>``.

An item passes when its step is VERIFIED. REFUTED and UNPROVEN fail, with the step's label,
the line that wrote it, the rule, both sides as text and LaTeX, the symbolic detail and side
conditions, the counterexample and its seed, and the commands that replay it. A wrong twin
(``expect="refuted"``) is an xfail while it is REFUTED and fails otherwise (strict xfail).

Options: ``--derive-seed``, ``--derive-instances``, ``--derive-timeout``,
``--derive-no-cache`` (verdicts are otherwise read from and written to ``.derive_cache`` in
the rootdir, as ``derive check`` does).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

PROOF_PATHS_INI = "derive_proof_paths"
CACHE_DIR_NAME = ".derive_cache"  # as derive.cache names it; not imported, to stay light
DEFAULT_PROOF_PATHS = ("proofs",)
# Documents derive reads, collected when named on the command line (derive.loader also reads
# .txt as Markdown, but pytest's doctest plugin owns test*.txt: not collected here).
DOCUMENT_SUFFIXES = (".tex", ".md", ".markdown")
_IMPORTS_DERIVE = re.compile(rb"^[ \t]*(from|import)[ \t]+derive\b", re.M)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("derive", "derive: derivations as tests")
    group.addoption("--derive-seed", type=int, default=None, metavar="SEED",
                    help="seed of every random instance (default: derive's, 20231205)")
    group.addoption("--derive-instances", type=int, default=None, metavar="N",
                    help="random instances per step (default: derive's, 1000)")
    group.addoption("--derive-timeout", type=float, default=None, metavar="SECONDS",
                    help="time limit of each step's symbolic check (default 30)")
    group.addoption("--derive-no-cache", action="store_true",
                    help="check every step afresh: neither read nor write .derive_cache")
    parser.addini(PROOF_PATHS_INI, type="paths", default=list(DEFAULT_PROOF_PATHS),
                  help="folders whose .py files are derive proof files (default: proofs)")


_proof_roots_key = pytest.StashKey[list[Path]]()


def _proof_roots(config: pytest.Config) -> list[Path]:
    if _proof_roots_key not in config.stash:
        config.stash[_proof_roots_key] = [(config.rootpath / p).resolve()
                                          for p in config.getini(PROOF_PATHS_INI)]
    return config.stash[_proof_roots_key]


_named_key = pytest.StashKey[set[Path]]()


def _named_on_command_line(config: pytest.Config) -> set[Path]:
    """The files the command line names (``FILE`` or ``FILE::node``), resolved."""
    if _named_key not in config.stash:
        here = config.invocation_params.dir
        config.stash[_named_key] = {(here / str(arg).split("::", 1)[0]).resolve()
                                    for arg in config.args}
    return config.stash[_named_key]


def is_proof_file(config: pytest.Config, path: Path) -> bool:
    """A .py file under a configured proof folder that is not private, a conftest, or
    named like a test module; or a file named on the command line that is a document, or
    a .py file (not named like a test module) that imports derive."""
    named = path.resolve() in _named_on_command_line(config)
    if path.suffix.lower() in DOCUMENT_SUFFIXES:
        return named
    if path.suffix != ".py" or path.name.startswith("_") or path.name == "conftest.py":
        return False
    test_patterns = config.getini("python_files") or ["test_*.py", "*_test.py"]
    if any(fnmatch.fnmatch(path.name, pattern) for pattern in test_patterns):
        return False
    if any(path.resolve().is_relative_to(root) for root in _proof_roots(config)):
        return True
    try:
        return named and _IMPORTS_DERIVE.search(path.read_bytes()) is not None
    except OSError:
        return False


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ProofFile | None:
    if is_proof_file(parent.config, file_path):
        return ProofFile.from_parent(parent, path=file_path)
    return None


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector,
                                 ) -> pytest.File | None:
    # A proof file named on the command line is also offered to pytest's Python collector;
    # it is collected here alone, so that it is imported once.
    if is_proof_file(parent.config, module_path):
        return _NothingToCollect.from_parent(parent, path=module_path)
    return None


class _NothingToCollect(pytest.File):
    def collect(self) -> list[pytest.Item]:
        return []


class _Settings:
    """The run's check settings and cache, made once per session, on first use."""

    key = pytest.StashKey["_Settings"]()

    def __init__(self, config: pytest.Config) -> None:
        from derive.cache import CACHE_DIR_NAME, VerdictCache
        from derive.checker import DEFAULT_INSTANCES, DEFAULT_SEED
        from derive.runner import Settings

        option = config.option
        seed = option.derive_seed if option.derive_seed is not None else DEFAULT_SEED
        instances = (option.derive_instances if option.derive_instances is not None
                     else DEFAULT_INSTANCES)
        timeout = option.derive_timeout if option.derive_timeout is not None else 30.0
        self.settings = Settings(seed, instances, timeout)
        self.cache = None if option.derive_no_cache else VerdictCache(
            config.rootpath / CACHE_DIR_NAME)

    @classmethod
    def of(cls, config: pytest.Config) -> _Settings:
        if cls.key not in config.stash:
            config.stash[cls.key] = cls(config)
        return config.stash[cls.key]


class ProofFile(pytest.File):
    """A proof module (or a document): one collector per derivation."""

    def collect(self) -> Iterator[DerivationNode]:
        from derive.kernel import DeriveError
        from derive.loader import load_file

        try:
            self.derivations = load_file(self.path)
        except DeriveError as e:
            raise self.CollectError(f"derive could not load this proof file:\n{e}") from None
        for derivation in self.derivations:
            if not derivation.entries:
                raise self.CollectError(
                    f"{derivation.location or self.path}: derivation {derivation.name} has no "
                    f"steps; add one with .eq(..., by=...) or remove it")
            yield DerivationNode.from_parent(self, name=derivation.name, derivation=derivation)


class DerivationNode(pytest.Collector):
    """One derivation: an item per step and per definition, in the order written."""

    def __init__(self, *, derivation, **kwargs) -> None:
        super().__init__(**kwargs)
        self.derivation = derivation

    def collect(self) -> Iterator[StepItem]:
        for entry in self.derivation.entries:
            yield StepItem.from_parent(self, name=entry.label, derivation=self.derivation,
                                       entry=entry)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        location = self.derivation.location
        if location is None:
            return self.path, None, f"derivation {self.derivation.name}"
        return Path(location.file), location.line - 1, f"derivation {self.derivation.name}"


class StepNotAsExpected(Exception):
    """A step that is not VERIFIED (or a wrong twin that is not REFUTED)."""

    def __init__(self, report: str) -> None:
        super().__init__(report)
        self.report = report


class StepItem(pytest.Item):
    """One step (or definition) of a derivation, checked by derive."""

    def __init__(self, *, derivation, entry, **kwargs) -> None:
        super().__init__(**kwargs)
        self.derivation, self.entry = derivation, entry
        if entry.expect == "refuted":
            self.add_marker(pytest.mark.derive_wrong_twin)

    def runtest(self) -> None:
        from derive.explain import failure_report
        from derive.kernel import Status
        from derive.runner import check_one

        session = _Settings.of(self.config)
        checked = check_one(self._display_path(), self.derivation, self.entry,
                            session.settings, session.cache)
        for warning in session.cache.warnings if session.cache is not None else ():
            self.warn(pytest.PytestWarning(f"derive: {warning}"))
        if session.cache is not None:
            session.cache.warnings.clear()
        result = checked.result
        self.user_properties.append(("derive_status", result.verdict.status.value))
        self.user_properties.append(("derive_cached", checked.cached))
        if self.entry.expect == "refuted" and result.verdict.status is Status.REFUTED:
            evidence = result.verdict.numeric.detail or result.verdict.symbolic.detail
            pytest.xfail(f"wrong twin, refuted as expected: {evidence}")
        if not result.expected:
            raise StepNotAsExpected(failure_report(
                result, self._display_path(), session.settings.seed,
                session.settings.instances, self.parent.parent.derivations))

    def _display_path(self) -> str:
        return self.nodeid.split("::", 1)[0]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None):
        if isinstance(excinfo.value, StepNotAsExpected):
            return excinfo.value.report
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        location = self.entry.location
        what = f"{self.derivation.name}, step {self.entry.label}"
        if location is None:
            return self.path, None, what
        return Path(location.file), location.line - 1, what


def pytest_configure(config: pytest.Config) -> None:
    option = config.option
    if option.derive_instances is not None and option.derive_instances < 1:
        raise pytest.UsageError(f"--derive-instances must be at least 1, "
                                f"not {option.derive_instances}")
    if option.derive_timeout is not None and not option.derive_timeout > 0:
        raise pytest.UsageError(f"--derive-timeout must be positive, "
                                f"not {option.derive_timeout}")
    config.addinivalue_line(
        "markers", "derive_wrong_twin: a derive step expected to be REFUTED (a wrong twin); "
        "it is an xfail while refuted and fails otherwise")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line: how many steps were checked, and how many verdicts came from the cache."""
    steps = cached = 0
    for reports in terminalreporter.stats.values():
        for report in reports:
            properties = dict(getattr(report, "user_properties", ()) or ())
            if getattr(report, "when", None) == "call" and "derive_cached" in properties:
                steps += 1
                cached += bool(properties["derive_cached"])
    if steps:
        tail = (f", {cached} read from {CACHE_DIR_NAME}/ (--derive-no-cache: check all afresh)"
                if cached else "")
        terminalreporter.write_line(f"derive: {steps} steps{tail}")
