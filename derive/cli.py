"""The ``derive`` command line: check derivations, explain one step, list the rules.

Exit status of ``derive check``:
  0  every step came out as expected (VERIFIED; wrong twins REFUTED)
  1  something was refuted that should not have been (or a twin stopped being refuted)
  2  usage error, or a file could not be loaded
  3  something is UNPROVEN and nothing is refuted (or a document's display could not be read)

Each subcommand is a ``Command`` in ``COMMANDS``: a name, a help line, a function that adds
its arguments and one that runs it and returns the exit status. To add one, append to
``COMMANDS``; ``main`` turns every ``DeriveError`` into a one-line message and status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from derive import __version__
from derive.checker import DEFAULT_INSTANCES, DEFAULT_SEED, StepResult
from derive.kernel import DeriveError, Relation, Status
from derive.loader import is_document
from derive.messages import rests_on

if TYPE_CHECKING:
    from derive.cache import VerdictCache
    from derive.derivation import Derivation
    from derive.rules import Rule
    from derive.runner import Checked

EXIT_OK, EXIT_REFUTED, EXIT_USAGE, EXIT_UNPROVEN = 0, 1, 2, 3
EXIT_INTERRUPTED = 130
DEFAULT_TIMEOUT = 30.0

EXAMPLES = """examples:
  derive check proofs                     check every derivation under proofs/
  derive check proofs -j 2                ... in two processes
  derive check proofs/udl_5_27_to_5_31.py --only 5.30b --seed 7
  derive check proofs --format json       one JSON document, for machines
  derive check proofs --no-cache          check everything afresh
  derive explain proofs/udl_5_27_to_5_31.py 5.30b
                                          one step in full: rules, side conditions, evidence
  derive rules                            the rule library; derive rules drop_constant: one
  derive report proofs/udl_5_27_to_5_31.py -o report.pdf [--lang ko]
                                          the derivation as the book prints it, with evidence
  derive check proofs --report report.md  check, and write the report of what was checked

exit status of derive check: 0 all as expected, 1 something refuted (or a wrong twin no
longer refuted), 2 usage or load error, 3 something unproven and nothing refuted.
"""

CHECK_EPILOG = """proof files: every module-level Derivation in a .py file given, or in the .py
files under a folder given (except _*.py, test_*.py and conftest.py), in the order written.

verdict cache: verdicts are kept in .derive_cache/ at the project root (the nearest folder
above the paths with a pyproject.toml, setup.cfg or .git), under a key made of everything
they depend on; an unchanged step is read from there, a changed one is checked afresh.
Only VERIFIED and REFUTED verdicts are kept. With --report every step is checked afresh
(a report shows every side condition's expressions, which the cache does not keep).

exit status: 0 all as expected, 1 something refuted (or a wrong twin no longer refuted),
2 usage or load error, 3 something unproven and nothing refuted.
"""


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    epilog: str = ""


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as exit status 2 and a hint (argparse's own behaviour,
    kept explicit because the exit codes are documented)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"derive: error: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, not {text!r}") from None
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be positive, not {text}")
    return value


def _add_check_settings(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"the seed of every random instance (default {DEFAULT_SEED})")
    parser.add_argument("--instances", type=_positive_int, default=DEFAULT_INSTANCES,
                        help=f"random instances per step (default {DEFAULT_INSTANCES})")
    parser.add_argument("--timeout", type=_positive_float, default=DEFAULT_TIMEOUT,
                        help="time limit of each step's symbolic check, in seconds "
                             f"(default {DEFAULT_TIMEOUT:g})")


# ---------------------------------------------------------------------------------------
# derive check


def _configure_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="proof files (.py) or folders of them, or LaTeX (.tex) and "
                             "Markdown (.md, .txt) documents")
    _add_check_settings(parser)
    parser.add_argument("--chapter", type=_positive_int, metavar="N",
                        help="in a LaTeX book, check only the displays of its N-th \\chapter")
    parser.add_argument("--macros", action="append", type=Path, metavar="FILE", default=[],
                        help="a .tex/.sty file of \\newcommand definitions the documents use "
                             "(repeatable)")
    parser.add_argument("-j", "--jobs", type=_positive_int, default=1, metavar="N",
                        help="check in N processes (default 1); results keep their order")
    parser.add_argument("--only", action="append", metavar="LABEL", default=[],
                        help="check only the steps with this label, or DERIVATION::LABEL "
                             "(repeatable)")
    parser.add_argument("--format", choices=("text", "json", "github"), default="text",
                        help="a table per derivation (default), one JSON document, or "
                             "GitHub Actions annotations (::error file=...,line=...::...) "
                             "for each step that is not as expected")
    parser.add_argument("--allow-empty", action="store_true",
                        help="documents with no derivation in them are fine, not a usage "
                             "error (for hooks that pass every changed file)")
    parser.add_argument("--ignore-expectations", action="store_true",
                        help="judge wrong twins as ordinary steps: they must then be VERIFIED")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the verdict cache")
    parser.add_argument("--clear-cache", action="store_true",
                        help="empty the verdict cache first, then check everything afresh")
    parser.add_argument("--cache-dir", type=Path, metavar="DIR",
                        help="where the verdict cache lives (default: .derive_cache in the "
                             "project root)")
    parser.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                        help="a progress line on stderr: when it is a terminal (auto), "
                             "always, or never")
    from derive.report import add_report_option

    add_report_option(parser)


def _cache_for(args: argparse.Namespace) -> VerdictCache | None:
    """The verdict cache, or None. A report (--report) shows what the rules proposed and
    every side condition's expressions, which the cache does not keep: with --report every
    step is checked afresh, and the cache is written, not read."""
    from derive.cache import CACHE_DIR_NAME, VerdictCache, find_project_root

    if args.no_cache:
        if args.clear_cache:
            raise UsageError("--no-cache and --clear-cache contradict each other: pick one")
        return None
    folder = args.cache_dir
    if folder is None:
        start = Path(os.path.commonpath([Path(p).resolve() for p in args.paths]))
        folder = find_project_root(start) / CACHE_DIR_NAME
    cache = VerdictCache(folder, read=not getattr(args, "report", None))
    if args.clear_cache:
        cache.clear()
    return cache


class UsageError(DeriveError):
    """A command's arguments do not make sense together, or select nothing: exit status 2.
    The message says which argument to change."""


class Progress:
    """``[3/40] kl_to_nll::5.29a`` on one line of stderr, rewritten in place, for long runs.
    Plain ANSI rather than a terminal library: one line needs no dependency, and importing
    one would add to every warm re-check."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream, self.enabled, self.shown = stream, enabled, False

    def update(self, text: str) -> None:
        if self.enabled:
            self.stream.write(f"\r\x1b[K{text}")
            self.stream.flush()
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def _run_check(args: argparse.Namespace) -> int:
    from derive.loader import load_paths
    from derive.runner import Settings, run

    started = time.perf_counter()
    cache = _cache_for(args)
    if args.macros:
        from derive.latex import read_macros

        read_macros(args.macros)
    loaded = load_paths(args.paths, args.chapter)
    args.reading_seconds = time.perf_counter() - started
    if args.format != "json":
        _print_document_reports(loaded)
    if args.chapter is not None or args.macros:
        args.jobs = 1  # worker processes reload whole files, not one chapter of them
    if not any(derivations for _, derivations in loaded):
        if args.allow_empty and all(is_document(path) for path, _ in loaded):
            return _unread_is_unproven(loaded, EXIT_OK, args)
        if loaded and all(is_document(path) for path, _ in loaded):
            # a document read, with nothing checkable in it: nothing verified, not misuse
            if args.format == "json":
                print(json.dumps(_as_json([], args, EXIT_UNPROVEN, loaded), indent=2))
            else:
                _print_document_counts(loaded)
                print(f"derive: no derivation read in {', '.join(args.paths)}: no display "
                      f"holds a chain of equations that could be read (see above)",
                      file=sys.stderr)
            return EXIT_UNPROVEN
        raise UsageError(f"no derivations in {', '.join(args.paths)}: a proof file is a .py "
                         f"file with a module-level Derivation (folders are searched for "
                         f"them, except _*.py, test_*.py and conftest.py), or a .tex/.md "
                         f"document with a chain of equations")
    settings = Settings(args.seed, args.instances, args.timeout, args.jobs, tuple(args.only))
    show_progress = args.progress == "always" or (
        args.progress == "auto" and args.format == "text" and sys.stderr.isatty())
    progress = Progress(sys.stderr, show_progress)
    table = _TablePrinter(loaded, args, progress) if args.format == "text" else None

    def on_result(checked, done: int, total: int) -> None:
        if table is not None:
            table.add(checked)
        progress.update(f"[{done}/{total}] {checked.result.derivation.name}::"
                        f"{checked.result.label}")

    try:
        checked = run(loaded, settings, cache, on_result)
    finally:
        progress.clear()
        for warning in cache.warnings if cache is not None else ():
            print(f"derive: warning: {warning}", file=sys.stderr)
    if args.only and not checked:
        raise UsageError(f"no step labelled {', '.join(args.only)} in {', '.join(args.paths)}")
    status = exit_status([c.result for c in checked], args.ignore_expectations)
    status = _unread_is_unproven(loaded, status, args)
    if args.report:
        from derive.report import report_after_check

        report_after_check(args, _by_derivation(checked))
    if args.format == "json":
        print(json.dumps(_as_json(checked, args, status, loaded), indent=2))
    else:
        if args.format == "github":
            _print_annotations(checked, args, {str(path): ds for path, ds in loaded})
        _print_summary(checked, args, time.perf_counter() - started)
        _print_document_counts(loaded)
    if cache is not None and status in (EXIT_OK, EXIT_REFUTED):
        _store_run(args, loaded, checked, status)
    return status


def _store_run(args: argparse.Namespace, loaded, checked: list[Checked], status: int) -> None:
    """Keep this run's output as a warm run would print it (every row from the cache), for
    ``derive.warm`` to replay before SymPy is even imported. Only for runs whose every
    verdict the step cache keeps (VERIFIED or REFUTED)."""
    import contextlib
    import dataclasses
    import io

    from derive import warm

    if any(c.result.verdict.status is Status.UNPROVEN for c in checked):
        return
    as_cached = [dataclasses.replace(c, cached=True) for c in checked]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        if args.format != "json":
            _print_document_reports(loaded)
        if args.format == "text":
            table = _TablePrinter(loaded, args, Progress(sys.stderr, False))
            for c in as_cached:
                table.add(c)
        elif args.format == "github":
            _print_annotations(as_cached, args, {str(path): ds for path, ds in loaded})
        else:
            print(json.dumps(_as_json(as_cached, args, status), indent=2))
    summary = "" if args.format == "json" else _summary(
        as_cached, args, f"{warm.TOTAL}s in all (every verdict from the cache)")
    warm.store(args.argv, [path for path, _ in loaded], output.getvalue(), summary, status)


def _annotation_escape(text: str, in_property: bool = False) -> str:
    """GitHub's workflow-command escaping: % and line breaks always, : and , in a property."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if in_property else text


def _print_annotations(checked: list[Checked], args: argparse.Namespace,
                       in_file: dict[str, Sequence[Derivation]]) -> None:
    """``::error file=F,line=L,title=T::message`` for each step that is not as expected
    (REFUTED, UNPROVEN, or a wrong twin no longer refuted): GitHub shows it on that line."""
    from derive.explain import headline, replay_commands, where

    for c in checked:
        r = c.result
        if _counts_as_expected(r, args.ignore_expectations):
            continue
        location = r.entry.location
        file, line = (where(location).rsplit(":", 1) if location is not None
                      else (str(c.path), "1"))
        detail = r.verdict.numeric.detail if r.verdict.status is Status.REFUTED and \
            r.verdict.numeric.detail else r.verdict.symbolic.detail
        replay = replay_commands(c.path, r.derivation, r.entry, r.verdict.numeric.seed
                                 or args.seed, args.instances, in_file.get(str(c.path), ()))[0]
        message = f"{headline(r)}\n{detail}\nreplay: {replay}"
        title = f"derive: {r.derivation.name}::{r.label} {r.verdict.status.value}"
        print(f"::error file={_annotation_escape(file, True)},line={line},"
              f"title={_annotation_escape(title, True)}::{_annotation_escape(message)}")


def _by_derivation(checked: list[Checked]) -> list[tuple[Path, list[StepResult]]]:
    """The results grouped by derivation, in the order written."""
    groups: list[tuple[Path, list[StepResult]]] = []
    for c in checked:
        if not groups or groups[-1][1][0].derivation is not c.result.derivation:
            groups.append((c.path, []))
        groups[-1][1].append(c.result)
    return groups


def _counts_as_expected(r: StepResult, ignore_expectations: bool) -> bool:
    return r.verdict.status is Status.VERIFIED if ignore_expectations else r.expected


def exit_status(results: Sequence[StepResult], ignore_expectations: bool = False) -> int:
    """0 all as expected; 1 something refuted, or a wrong twin not refuted; 3 unproven."""
    bad = [r for r in results if not _counts_as_expected(r, ignore_expectations)]
    if any(r.verdict.status is Status.REFUTED
           or (r.entry.expect == "refuted" and not ignore_expectations) for r in bad):
        return EXIT_REFUTED
    if bad:
        return EXIT_UNPROVEN
    return EXIT_OK


def _print_document_reports(loaded) -> None:
    """What was found in each LaTeX or Markdown document, and what could not be read."""
    if not any(is_document(path) for path, _ in loaded):
        return
    from derive.latex import document_report

    for path, _ in loaded:
        report = document_report(path)
        if report is not None:
            print(report.summary())
            for error in report.unread:
                print(f"  unread: {error}")


def _print_document_counts(loaded) -> None:
    """The reach of each document, last: displays found, read, unread (and why)."""
    from derive.latex import document_report

    for path, _ in loaded:
        report = document_report(path) if is_document(path) else None
        if report is not None:
            print(report.counts())


def _unread_is_unproven(loaded, status: int, args: argparse.Namespace) -> int:
    """What a display that could not be read holds is unchecked: never a pass."""
    if not any(is_document(path) for path, _ in loaded):
        return status
    from derive.latex import document_report

    reports = [r for r in map(document_report, (p for p, _ in loaded)) if r is not None]
    unread = sum(len(r.unread) for r in reports)
    if unread and status == EXIT_OK and not args.only:
        print(f"derive: {unread} display(s) could not be read (shown above): their steps are "
              f"unchecked", file=sys.stderr)
        return EXIT_UNPROVEN
    return status


class _TablePrinter:
    """Prints each derivation's table as soon as its steps, and those of every derivation
    before it, are done: output in the order written, even from several processes."""

    def __init__(self, loaded, args: argparse.Namespace, progress: Progress) -> None:
        from derive.runner import matches

        self.args, self.progress = args, progress
        self.blocks = [(path, d, [e for e in d.entries if matches(d, e, args.only)])
                       for path, derivations in loaded for d in derivations]
        self.blocks = [b for b in self.blocks if b[2]]
        self.in_file = {id(d): derivations for _, derivations in loaded for d in derivations}
        self.done: dict[tuple[int, str], object] = {}
        self.printed = 0

    def add(self, checked) -> None:
        self.done[(id(checked.result.derivation), checked.result.label)] = checked
        while self.printed < len(self.blocks):
            path, d, entries = self.blocks[self.printed]
            rows = [self.done.get((id(d), e.label)) for e in entries]
            if any(r is None for r in rows):
                return
            self.progress.clear()
            _print_table(path, d, rows, self.args, self.in_file[id(d)])
            self.printed += 1


def _print_table(path: Path, d: Derivation, rows: list[Checked], args: argparse.Namespace,
                 neighbours: Sequence[Derivation]) -> None:
    from derive.explain import failure_report, numeric_summary

    print(f"{path}::{d.name}" + (f"  {d.title}" if d.title else ""))
    cells = [("label", "outcome", "rule", "symbolic", "numeric", "time")]
    for c in rows:
        r = c.result
        outcome = r.verdict.status.value if args.ignore_expectations else r.outcome
        time = "cached" if c.cached else f"{r.seconds:.2f}s"
        cells.append((r.label, outcome, r.entry.rule_names, r.verdict.symbolic.status.value,
                      numeric_summary(r.verdict.numeric), time))
    widths = [max(len(row[k]) for row in cells) for k in range(len(cells[0]))]
    for n, row in enumerate(cells):
        print("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n and not _counts_as_expected(rows[n - 1].result, args.ignore_expectations):
            report = failure_report(rows[n - 1].result, path, args.seed, args.instances,
                                    neighbours)
            print("\n".join("      | " + line for line in report.splitlines()))
    conclusion = chain_conclusion(d, [c.result for c in rows])
    if conclusion is not None:
        print(f"  conclusion: {conclusion['text']}")
    if is_document(path):  # where each step is, and what was read
        for c in rows:
            print(f"    {c.result.label}: {c.result.entry.location}; {c.result.entry.note}")
    sys.stdout.flush()


_BOUNDS = (Relation.LE, Relation.LT, Relation.GE, Relation.GT)


@dataclass(frozen=True)
class ChainVerdict:
    """Whether a chain shows its conclusion, its first line related to its last by
    ``Derivation.conclusion``: proved when every entry was checked and is VERIFIED; a :=
    step is an assumption the conclusion rests on. The one verdict of a chain that
    ``derive check`` prints and reports state."""

    relation: Relation
    unchecked: tuple[str, ...]  # the labels of entries this run did not check (--only)
    failed: tuple[tuple[str, Status], ...]  # (label, status) of each entry not VERIFIED
    assumed: tuple[str, ...]  # the labels of the := steps

    @property
    def proved(self) -> bool:
        return not self.unchecked and not self.failed


def chain_verdict(d: Derivation, results: Sequence[StepResult]) -> ChainVerdict | None:
    """The verdict of ``d``'s chain from its entries' results; None for a chain without
    steps."""
    if not d.steps:
        return None
    checked = {r.label for r in results}
    return ChainVerdict(
        d.conclusion, tuple(e.label for e in d.entries if e.label not in checked),
        tuple((r.label, r.verdict.status) for r in results
              if r.verdict.status is not Status.VERIFIED),
        tuple(s.label for s in d.steps if s.relation is Relation.DEFINE))


def chain_conclusion(d: Derivation, results: Sequence[StepResult]) -> dict | None:
    """What a chain of bounds shows of its first and last lines (Lean's calc: = then <=
    gives <=), and whether it is proved (``chain_verdict``). None for a chain of
    equalities."""
    from derive.explain import text

    verdict = chain_verdict(d, results)
    if verdict is None or verdict.relation not in _BOUNDS:
        return None
    statement = f"{text(d.first)} {verdict.relation.value} {text(d.last)}"
    if verdict.unchecked:
        why = "not proved: not every step was checked"
    elif verdict.failed:
        why = "not proved: " + ", ".join(f"{label} {status.value}"
                                         for label, status in verdict.failed)
    else:
        assumed = verdict.assumed
        why = "proved" + (f" (assuming {', '.join(assumed)})" if assumed else "")
    return {"relation": verdict.relation.value, "first": text(d.first), "last": text(d.last),
            "proved": verdict.proved, "text": f"{statement}: {why}"}


def _print_summary(checked: list, args: argparse.Namespace, total: float) -> None:
    """The counts, and the time of the whole run: reading the files (for documents, also
    the search for their rules) and checking."""
    seconds = sum(c.result.seconds for c in checked if not c.cached)
    cached = sum(c.cached for c in checked)
    from_cache = f", {cached} from the cache" if cached else ""
    print(_summary(checked, args, f"{total:.2f}s in all ({args.reading_seconds:.2f}s reading "
                                  f"and searching, {seconds:.2f}s checking{from_cache})"))


def _summary(checked: list, args: argparse.Namespace, timing: str) -> str:
    results = [c.result for c in checked]
    counts = {s: sum(r.verdict.status is s for r in results) for s in Status}
    twins = sum(r.entry.expect == "refuted" and r.expected for r in results)
    unexpected = sum(not _counts_as_expected(r, args.ignore_expectations) for r in results)
    parts = [f"{counts[Status.VERIFIED]} verified", f"{counts[Status.REFUTED]} refuted"
             + (f" ({twins} as expected)" if twins and not args.ignore_expectations else ""),
             f"{counts[Status.UNPROVEN]} unproven"]
    tail = "all as expected" if not unexpected else f"{unexpected} not as expected"
    return (f"{len(results)} steps: {', '.join(parts)}; {tail}; {timing} "
            f"(seed {args.seed}, {args.instances} instances per step)")


def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


def step_json(r: StepResult) -> dict:
    """One step's verdict as JSON data (``derive check --format json``): the same whether
    the verdict was read from the cache or checked in this run (``seconds`` is the time the
    check took when it ran)."""
    from derive.explain import sides, text

    v = r.verdict
    left, right = sides(r.entry)
    return {
        "label": r.label, "rule": r.entry.rule_names, "relation": r.entry.relation.value,
        "status": v.status.value, "expect": r.entry.expect, "as_expected": r.expected,
        "before": text(left), "after": text(right),
        "symbolic": {"status": v.symbolic.status.value, "detail": str(v.symbolic.detail),
                     "conditions": [{"statement": str(c.condition.statement), "holds": c.holds,
                                     "how": str(c.how)} for c in v.symbolic.conditions]},
        "numeric": {"status": v.numeric.status.value, "detail": str(v.numeric.detail),
                    "instances": v.numeric.instances, "max_error": _num(v.numeric.max_error),
                    "seed": v.numeric.seed, "counterexample": _counterexample_json(
                        v.numeric.counterexample)},
        "rests_on": rests_on(v), "notes": [str(n) for n in v.notes],
        "seconds": round(r.seconds, 4),
        "line": r.entry.location.line if r.entry.location else None,
    }


def _counterexample_json(counterexample: dict | None) -> dict | None:
    """A counterexample as JSON data: its detail (a message) in words."""
    if counterexample is None or "detail" not in counterexample:
        return counterexample
    return {**counterexample, "detail": str(counterexample["detail"])}


def _as_json(checked: list, args: argparse.Namespace, status: int, loaded=()) -> dict:
    derivations: list[dict] = []
    for c in checked:
        d = c.result.derivation
        if not derivations or derivations[-1]["_id"] != id(d):
            derivations.append({"_id": id(d), "file": str(c.path), "name": d.name,
                                "title": d.title, "steps": [], "from_cache": []})
        derivations[-1]["steps"].append(step_json(c.result))
        if c.cached:
            derivations[-1]["from_cache"].append(c.result.label)
    by_id = {id(c.result.derivation): c.result.derivation for c in checked}
    for block in derivations:
        d = by_id[block["_id"]]
        conclusion = chain_conclusion(d, [c.result for c in checked
                                          if c.result.derivation is d])
        if conclusion is not None:
            block["conclusion"] = conclusion
        del block["_id"]
    from derive.latex import document_report

    documents = [document_report(path).as_json() for path, _ in loaded
                 if is_document(path) and document_report(path) is not None]
    return {"version": __version__, "seed": args.seed, "instances": args.instances,
            "exit_status": status, "derivations": derivations, "documents": documents}


# ---------------------------------------------------------------------------------------
# derive explain


def _configure_explain(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="the proof file")
    parser.add_argument("label", metavar="LABEL",
                        help="the step's label, or DERIVATION::LABEL when several "
                             "derivations in the file use it")
    _add_check_settings(parser)


def _run_explain(args: argparse.Namespace) -> int:
    from derive.explain import explanation
    from derive.loader import load_file
    from derive.runner import Settings, check_one, matches

    path = Path(args.path)
    if path.is_dir():
        raise UsageError(f"{path} is a folder: explain takes one proof file and a label")
    derivations = load_file(path)
    found = [(d, e) for d in derivations for e in d.entries if matches(d, e, [args.label])]
    if not found:
        labels = ", ".join(f"{d.name}::{e.label}" for d in derivations for e in d.entries)
        raise UsageError(f"{path}: no step labelled {args.label!r}; the steps are: "
                     f"{labels or 'none'}")
    if len(found) > 1:
        names = ", ".join(f"{d.name}::{e.label}" for d, e in found)
        raise UsageError(f"{path}: the label {args.label!r} is used in several derivations "
                     f"({names}); name one as DERIVATION::LABEL")
    (derivation, entry), = found
    settings = Settings(args.seed, args.instances, args.timeout)
    result = check_one(path, derivation, entry, settings).result
    print(explanation(result, path, args.seed, args.instances, derivations))
    return exit_status([result])


# ---------------------------------------------------------------------------------------
# derive rules


def _configure_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", help="show one rule (its name or an alias)")


def rule_check_status(rule: Rule) -> tuple[bool, str]:
    """Whether the rule's own check passed, and how it was checked. An identity is checked
    now if it has not been yet (the library's own defer their check to first use); a
    built-in rule is covered by derive's test suite, each with wrong twins."""
    from derive.identities import IdentityRefused, identities

    identity = identities().get(rule.name)
    if identity is not None:
        try:
            identity.ensure_accepted()
        except IdentityRefused as refusal:
            return False, f"REFUSED: {refusal}"
        return True, f"passed: {identity.evidence}"
    recorded = getattr(rule, "self_check", "")
    if recorded:
        return True, str(recorded)
    if rule.origin == "built in":
        return True, "built in: covered by derive's test suite, each rule with wrong twins"
    return True, f"none of its own ({rule.origin}): the kernel checks each step that uses it"


# Rules a step cites that are made for it from what the proof states: not in the registry
# (each is one per definition or model), but citable all the same.
RULE_MAKERS = {
    "substitute": ("substitute(DEFINITION)", "f(x) := body  (relation :=)",
                   "every application of the defined function replaced by its body",
                   "d.define(..., by=substitute(q_def)) for q_def = d.let(q(y), ..., "
                   "label=\"5.28\"); in a document: % by: substitute 5.28"),
    "reparametrise": ("reparametrise(OLD, NEW, VARIABLES)",
                      "argmin_OLD F(OLD) := argmin_VARIABLES F(NEW)  (relation :=)",
                      "every OLD replaced by NEW; the objective depends on VARIABLES",
                      "d.define(ArgMin(..., phi), by=reparametrise(theta, f[x[i], phi], "
                      "[phi])): a modelling assumption, the book's 5.31"),
}


def _print_rule_maker(name: str) -> None:
    from derive import rules

    call, statement, conditions, use = RULE_MAKERS[name]
    summary = (getattr(rules, name).__doc__ or "").strip().split("\n")[0].rstrip(":") + "."
    print(f"{call}  (made from a definition or model: an assumption, not a proved equality)")
    print(f"    {summary}")
    print(f"    statement: {statement}")
    print(f"    side conditions: {conditions}")
    print(f"    use: {use}")
    print("    own check: the kernel checks that it is applied exactly, at each step")


def _run_rules(args: argparse.Namespace) -> int:
    """Exit status 1 if some rule's own check fails."""
    from derive.rules import lookup, registry

    if args.name in RULE_MAKERS:
        _print_rule_maker(args.name)
        return EXIT_OK
    rules = [lookup(args.name)] if args.name else sorted(registry().values(),
                                                         key=lambda r: r.name)
    all_passed = True
    for rule in rules:
        passed, how = rule_check_status(rule)
        all_passed &= passed
        print(f"{rule.name}  ({rule.origin}, version {rule.version})")
        if rule.summary:
            print(f"    {rule.summary}")
        print(f"    statement: {rule.statement}")
        if rule.side_conditions:
            print(f"    side conditions: {'; '.join(rule.side_conditions)}")
        print(f"    own check: {how}")
        if rule.aliases:
            print(f"    also called: {', '.join(rule.aliases)}")
    if not args.name:
        for name in RULE_MAKERS:
            _print_rule_maker(name)
    return EXIT_OK if all_passed else EXIT_REFUTED


COMMANDS: list[Command] = [
    Command("check", "check derivations in Python proof files or folders",
            _configure_check, _run_check, CHECK_EPILOG),
    Command("explain", "one step in full: what each rule rewrote, each side condition, "
            "the numeric evidence", _configure_explain, _run_explain),
    Command("rules", "the rule library: statements, side conditions, origin, own check",
            _configure_rules, _run_rules),
]


def parser() -> argparse.ArgumentParser:
    top = _Parser(prog="derive", description="Check derivations step by step, symbolically "
                  "and on random numeric instances.", epilog=EXAMPLES,
                  formatter_class=argparse.RawDescriptionHelpFormatter)
    top.add_argument("--version", action="version", version=f"derive {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND",
                             parser_class=_Parser)
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.help,
                           epilog=command.epilog or None,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        command.configure(p)
        p.set_defaults(run=command.run)
    # derive report makes its own parser (derive/report).
    from derive.report import add_report_command, report_command

    add_report_command(sub).set_defaults(run=report_command)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # the run cache's key
    try:
        return args.run(args)
    except DeriveError as e:
        print(f"derive: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("derive: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (derive check ... | head): stop quietly, and keep Python
        # from complaining when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_USAGE
    except Exception as e:  # a bug in derive: say so in one line, never a bare traceback
        print(f"derive: internal error: {type(e).__name__}: {e}. This is a bug in derive; "
              f"please report it with the command that caused it", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
