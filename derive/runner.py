"""Running checks: which steps, from the cache or checked afresh, in one process or in N.

The command line and the pytest plugin both check steps through here, so a verdict means the
same in both and the cache is shared. Results always come back in the order the steps are
written (file, derivation, step), whatever order the worker processes finish them in.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from derive import guard, kernel
from derive.cache import (
    Uncacheable,
    VerdictCache,
    certificate_fingerprint,
    decode_verdict,
    encode_verdict,
    step_key,
)
from derive.checker import (
    DEFAULT_INSTANCES,
    DEFAULT_SEED,
    StepResult,
    check_entry,
    check_symbolic,
    unrefutable,
)
from derive.derivation import Definition, Derivation, Entry
from derive.kernel import (
    DeriveError,
    Numeric,
    NumericVerdict,
    Symbolic,
    SymbolicVerdict,
)
from derive.loader import load_file

__all__ = ["Checked", "Settings", "check_one", "matches", "run", "select"]

Loaded = Sequence[tuple[Path, Sequence[Derivation]]]
Task = tuple[int, int, int]  # file, derivation, entry: indices into what was loaded


@dataclass(frozen=True)
class Settings:
    seed: int = DEFAULT_SEED
    instances: int = DEFAULT_INSTANCES
    time_limit: float = 30.0
    jobs: int = 1
    only: tuple[str, ...] = ()  # labels, or derivation::label


@dataclass(frozen=True)
class Checked:
    path: Path
    result: StepResult
    cached: bool  # read from the verdict cache rather than checked in this run


def matches(derivation: Derivation, entry: Entry, wanted: Sequence[str]) -> bool:
    """Is the step selected by ``--only``? A label, or ``derivation::label``."""
    return not wanted or any(w == entry.label or w == f"{derivation.name}::{entry.label}"
                             for w in wanted)


def select(loaded: Loaded, only: Sequence[str] = ()) -> list[Task]:
    """The steps to check, in the order written. A derivation with no steps is an error."""
    tasks = []
    for f, (path, derivations) in enumerate(loaded):
        for d, derivation in enumerate(derivations):
            if not derivation.entries:
                raise DeriveError(f"{derivation.location or path}: derivation "
                                  f"{derivation.name} has no steps; add one with "
                                  f".eq(..., by=...) or remove it")
            tasks.extend((f, d, e) for e, entry in enumerate(derivation.entries)
                         if matches(derivation, entry, only))
    return tasks


def _crashed(derivation: Derivation, entry: Entry, error: BaseException,
             settings: Settings) -> StepResult:
    """A checker that raised: UNPROVEN with the error, never a pass."""
    symbolic = SymbolicVerdict(Symbolic.UNKNOWN, f"the checker failed: {type(error).__name__}: "
                               f"{error} (a bug in derive or in a rule: please report it)")
    numeric = NumericVerdict(Numeric.NOT_APPLICABLE, "", seed=settings.seed)
    return StepResult(derivation, entry, kernel.decide(symbolic, numeric), (), 0.0)


def _guarded(derivation: Derivation, entry: Entry, settings: Settings, check) -> StepResult:
    try:
        return check()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as e:
        return _crashed(derivation, entry, e, settings)


def _check_fresh(derivation: Derivation, entry: Entry, settings: Settings) -> StepResult:
    return _guarded(derivation, entry, settings,
                    lambda: check_entry(derivation, entry, settings.seed, settings.instances))


@dataclass(frozen=True)
class _Symbolic:
    """A step's symbolic half, reached in this process: what the cache's key is made of."""

    verdict: SymbolicVerdict
    proposals: tuple


def _symbolic(entry: Entry) -> _Symbolic:
    return _Symbolic(*check_symbolic(entry))


def _key(derivation: Derivation, entry: Entry, settings: Settings,
         symbolic: _Symbolic) -> str | None:
    try:
        return step_key(derivation, entry, settings.seed, settings.instances,
                        settings.time_limit, certificate_fingerprint(
                            [c for _, cs in symbolic.proposals for c in cs]))
    except Uncacheable:
        return None
    except Exception:  # an expression srepr cannot print: checked afresh, never a wrong hit
        return None


def _what(path: Path, derivation: Derivation, entry: Entry) -> str:
    return f"{path}::{derivation.name}::{entry.label}"


def _from_cache(path: Path, derivation: Derivation, entry: Entry, settings: Settings,
                cache: VerdictCache | None) -> tuple[Checked | None, str | None]:
    """The step with its numeric evidence from the cache if it holds this exact step (and
    these exact certificates), and its key (None: not cacheable). The symbolic half is the
    kernel's, reached afresh: a cache entry holds evidence, never a verdict to believe."""
    if cache is None:
        return None, None
    try:
        symbolic = _symbolic(entry)
    except Exception:  # noqa: BLE001  (checked afresh, where the failure is reported)
        return None, None
    key = _key(derivation, entry, settings, symbolic)
    if key is None:
        return None, None
    same_claim = not isinstance(entry, Definition)
    hit = cache.get(key, symbolic.verdict, same_claim, unrefutable(entry))
    if hit is None:
        return None, key
    verdict, seconds = hit
    return Checked(path, StepResult(derivation, entry, verdict, symbolic.proposals, seconds),
                   True), key


def check_one(path: Path, derivation: Derivation, entry: Entry, settings: Settings,
              cache: VerdictCache | None = None) -> Checked:
    """One step: its evidence from the cache if it holds this exact step, else checked
    (and stored)."""
    guard.set_time_limit(settings.time_limit)
    checked, key = _from_cache(path, derivation, entry, settings, cache)
    if checked is not None:
        return checked
    result = _check_fresh(derivation, entry, settings)
    if key is not None:
        cache.put(key, result.verdict, result.seconds, _what(path, derivation, entry))
    return Checked(path, result, False)


OnResult = Callable[[Checked, int, int], None]  # a result, how many are done, of how many


def run(loaded: Loaded, settings: Settings, cache: VerdictCache | None = None,
        on_result: OnResult | None = None) -> list[Checked]:
    """Check the selected steps of everything loaded; results in the order written."""
    guard.set_time_limit(settings.time_limit)
    tasks = select(loaded, settings.only)
    results: dict[Task, Checked] = {}
    pending: list[tuple[Task, str | None]] = []

    def done(task: Task, checked: Checked) -> None:
        results[task] = checked
        if on_result is not None:
            on_result(checked, len(results), len(tasks))

    for task in tasks:
        checked, key = _from_cache(*_lookup(loaded, task), settings, cache)
        if checked is not None:
            done(task, checked)
        else:
            pending.append((task, key))

    def fresh(task: Task, key: str | None, result: StepResult) -> None:
        path, derivation, entry = _lookup(loaded, task)
        if key is not None:
            cache.put(key, result.verdict, result.seconds, _what(path, derivation, entry))
        done(task, Checked(path, result, False))

    if settings.jobs > 1 and len(pending) > 1:
        _run_in_processes(loaded, pending, settings, fresh)
    else:
        for task, key in pending:
            _, derivation, entry = _lookup(loaded, task)
            fresh(task, key, _check_fresh(derivation, entry, settings))
    return [results[task] for task in tasks]


def _lookup(loaded: Loaded, task: Task) -> tuple[Path, Derivation, Entry]:
    f, d, e = task
    path, derivations = loaded[f]
    derivation = derivations[d]
    return path, derivation, derivation.entries[e]


# ---------------------------------------------------------------------------------------
# Worker processes. Each worker loads the proof files itself (under fork: already imported,
# so at no cost) and returns verdicts as the cache's JSON, which every verdict round-trips.

_worker_loaded: list[tuple[Path, list[Derivation]]] = []


def _init_worker(paths: list[str] | None, time_limit: float) -> None:
    """Under fork a worker inherits what the parent loaded (a document's readings and the
    rules its search found: never searched again); under spawn it loads the files itself."""
    guard.set_time_limit(time_limit)
    if paths is not None:
        _worker_loaded[:] = [(Path(p), load_file(p)) for p in paths]


def _check_in_worker(task: Task, settings: Settings) -> tuple[object, float] | None:
    _, derivation, entry = _lookup(_worker_loaded, task)
    result = _check_fresh(derivation, entry, settings)
    try:
        return encode_verdict(result.verdict), result.seconds
    except Uncacheable:
        return None  # the parent checks this one itself


def estimated_cost(entry: Entry) -> int:
    """A rough, relative guess at how long a step takes to check, from what its numeric
    check will have to evaluate: nascent deltas (several widths) and quadrature dominate."""
    expressions = (entry.lhs, entry.rhs) if isinstance(entry, Definition) else (entry.before,
                                                                                 entry.after)
    cost = 1
    for e in expressions:
        cost += 4 * e.has(sp.DiracDelta) + 2 * e.has(sp.Integral) + e.has(sp.Sum)
    return cost


def _run_in_processes(loaded: Loaded, pending: list[tuple[Task, str | None]],
                      settings: Settings,
                      fresh: Callable[[Task, str | None, StepResult], None]) -> None:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # The numeric checker (and NumPy) is imported lazily; import it once here, before the
    # fork, rather than once in every worker.
    import derive.numeric  # noqa: F401

    forked = context.get_start_method() == "fork"
    _worker_loaded[:] = list(loaded) if forked else []
    paths = None if forked else [str(path) for path, _ in loaded]
    pool = ProcessPoolExecutor(max_workers=min(settings.jobs, len(pending)), mp_context=context,
                               initializer=_init_worker, initargs=(paths, settings.time_limit))
    # Longest first, so that no long step starts last while the other worker idles.
    by_cost = sorted(pending, key=lambda item: -estimated_cost(_lookup(loaded, item[0])[2]))
    try:
        futures = {pool.submit(_check_in_worker, task, settings): (task, key)
                   for task, key in by_cost}
        for future in as_completed(futures):
            task, key = futures[future]
            _, derivation, entry = _lookup(loaded, task)
            try:
                outcome = future.result()
            except BrokenProcessPool as e:
                raise DeriveError(f"a worker process died while checking "
                                  f"{derivation.name}::{entry.label} ({e}); run with -j 1 "
                                  f"to check in this process") from None
            if outcome is None:
                fresh(task, key, _check_fresh(derivation, entry, settings))
                continue
            encoded, seconds = outcome
            fresh(task, key, StepResult(derivation, entry, decode_verdict(encoded), (),
                                        seconds))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
