"""The ``derive`` command line: check derivations, list the rules.

Exit status of ``derive check``:
  0  every step came out as expected (VERIFIED; wrong twins REFUTED)
  1  something was refuted that should not have been (or a twin stopped being refuted)
  2  usage error, or a file could not be loaded
  3  something is UNPROVEN and nothing is refuted
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from derive import __version__, kernel
from derive.checker import DEFAULT_INSTANCES, DEFAULT_SEED, StepResult, check_derivation
from derive.kernel import DeriveError, Numeric, Status
from derive.loader import load_paths

EXIT_OK, EXIT_REFUTED, EXIT_USAGE, EXIT_UNPROVEN = 0, 1, 2, 3

EXAMPLES = """examples:
  derive check proofs                     check every derivation under proofs/
  derive check proofs/udl_5_27_to_5_31.py --only 5.30b --seed 7
  derive check proofs --format json       one JSON document, for machines
  derive rules                            the rule library
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="derive", description="Check derivations step by step, symbolically and on "
        "random numeric instances.", epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"derive {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="check derivations in Python proof files or folders",
                           epilog=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("paths", nargs="+", help="proof files (.py) or folders of them")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--seed", type=int, default=DEFAULT_SEED,
                       help=f"the seed of every random instance (default {DEFAULT_SEED})")
    check.add_argument("--instances", type=int, default=DEFAULT_INSTANCES,
                       help=f"random instances per step (default {DEFAULT_INSTANCES})")
    check.add_argument("--timeout", type=float, default=30.0,
                       help="time limit of each step's symbolic check, seconds (default 30)")
    check.add_argument("--only", action="append", metavar="LABEL",
                       help="check only the step with this label (repeatable)")
    check.add_argument("--ignore-expectations", action="store_true",
                       help="judge wrong twins as ordinary steps: they must then be VERIFIED")

    rules = sub.add_parser("rules", help="list the rule library")
    rules.add_argument("name", nargs="?", help="show one rule")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        return _rules(args)
    except DeriveError as e:
        print(f"derive: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("derive: interrupted", file=sys.stderr)
        return 130


def _counts_as_expected(r: StepResult, ignore_expectations: bool) -> bool:
    return r.verdict.status is Status.VERIFIED if ignore_expectations else r.expected


def _check(args) -> int:
    if args.instances < 1:
        raise DeriveError("--instances must be at least 1")
    kernel.set_time_limit(args.timeout)
    loaded = load_paths(args.paths)
    results: list[tuple[Path, list[StepResult]]] = []
    for path, derivations in loaded:
        for d in derivations:
            rs = check_derivation(d, args.seed, args.instances, args.only)
            results.append((path, rs))
            if args.format == "text":
                _print_derivation(path, d, rs, args)
    flat = [r for _, rs in results for r in rs]
    if args.only and not flat:
        raise DeriveError(f"no step labelled {', '.join(args.only)} in {', '.join(args.paths)}")
    if args.format == "json":
        print(json.dumps(_as_json(results, args), indent=2))
    else:
        _print_summary(flat, args)
    return exit_status(flat, args.ignore_expectations)


def exit_status(results: list[StepResult], ignore_expectations: bool = False) -> int:
    bad = [r for r in results if not _counts_as_expected(r, ignore_expectations)]
    if any(r.verdict.status is Status.REFUTED or r.entry.expect == "refuted" and
           not ignore_expectations for r in bad):
        return EXIT_REFUTED
    if bad:
        return EXIT_UNPROVEN
    return EXIT_OK


def _fmt_numeric(n: kernel.NumericVerdict) -> str:
    if n.status is Numeric.PASSED:
        return f"passed ({n.instances} instances, worst error {n.max_error:.1e})"
    if n.status is Numeric.COUNTEREXAMPLE:
        return f"counterexample (seed {n.seed})"
    return "not applicable"


def _print_derivation(path: Path, d, results: list[StepResult], args) -> None:
    print(f"{path}::{d.name}" + (f"  {d.title}" if d.title else ""))
    for r in results:
        v = r.verdict
        outcome = r.outcome if not args.ignore_expectations else v.status.value
        print(f"  {r.label:<7} {outcome:<20} {r.entry.rule_names}")
        print(f"          symbolic: {v.symbolic.status.value}; numeric: "
              f"{_fmt_numeric(v.numeric)}; {r.seconds:.2f}s")
        if v.status is not Status.VERIFIED:
            print(f"          symbolic detail: {v.symbolic.detail}")
            print(f"          numeric detail: {v.numeric.detail}")
        if v.numeric.counterexample:
            ce = v.numeric.counterexample
            print(f"          counterexample: {json.dumps(ce['instance'])}")
            print(f"          values: {json.dumps(ce['values'])}")
            print(f"          replay: derive check {path} --only {r.label} --seed {ce['seed']}")
        for note in v.notes:
            print(f"          note: {note}")


def _print_summary(results: list[StepResult], args) -> None:
    counts = {s: sum(r.verdict.status is s for r in results) for s in Status}
    twins = sum(r.entry.expect == "refuted" and r.expected for r in results)
    unexpected = sum(not _counts_as_expected(r, args.ignore_expectations) for r in results)
    seconds = sum(r.seconds for r in results)
    parts = [f"{counts[Status.VERIFIED]} verified", f"{counts[Status.REFUTED]} refuted"
             + (f" ({twins} as expected)" if twins and not args.ignore_expectations else ""),
             f"{counts[Status.UNPROVEN]} unproven"]
    tail = "all as expected" if not unexpected else f"{unexpected} not as expected"
    print(f"{len(results)} steps: {', '.join(parts)}; {tail} in {seconds:.2f}s "
          f"(seed {args.seed}, {args.instances} instances per step)")


def _num(x):
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


def step_json(r: StepResult) -> dict:
    v = r.verdict
    return {
        "label": r.label, "rule": r.entry.rule_names, "relation": r.entry.relation.value,
        "status": v.status.value, "expect": r.entry.expect, "as_expected": r.expected,
        "symbolic": {"status": v.symbolic.status.value, "detail": v.symbolic.detail},
        "numeric": {"status": v.numeric.status.value, "detail": v.numeric.detail,
                    "instances": v.numeric.instances, "max_error": _num(v.numeric.max_error),
                    "seed": v.numeric.seed, "counterexample": v.numeric.counterexample},
        "rests_on": v.rests_on, "seconds": round(r.seconds, 4),
        "line": r.entry.location.line if r.entry.location else None,
    }


def _as_json(results, args) -> dict:
    flat = [r for _, rs in results for r in rs]
    return {
        "version": __version__, "seed": args.seed, "instances": args.instances,
        "exit_status": exit_status(flat, args.ignore_expectations),
        "derivations": [{"file": str(path), "name": rs[0].derivation.name if rs else None,
                         "title": rs[0].derivation.title if rs else None,
                         "steps": [step_json(r) for r in rs]} for path, rs in results],
    }


def _rules(args) -> int:
    from derive.rules import lookup, registry

    rules = [lookup(args.name)] if args.name else sorted(registry().values(), key=lambda r: r.name)
    for rule in rules:
        print(f"{rule.name}  ({rule.origin})")
        print(f"    {rule.summary}")
        print(f"    statement: {rule.statement}")
        if rule.side_conditions:
            print(f"    side conditions: {'; '.join(rule.side_conditions)}")
        if rule.aliases:
            print(f"    also called: {', '.join(rule.aliases)}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
