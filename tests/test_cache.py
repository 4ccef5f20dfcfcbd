"""The verdict cache: keys change with everything a verdict depends on; entries round-trip
everything the output shows; a corrupt entry is ignored and rewritten, never trusted."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import sympy as sp

from derive import Derivation, density
from derive.cache import (
    VerdictCache,
    certificate_fingerprint,
    decode_verdict,
    encode_verdict,
    expression_key,
    step_key,
)
from derive.checker import check_entry, check_symbolic, unrefutable
from derive.cli import step_json
from derive.explain import failure_report
from derive.kernel import (
    Algebra,
    Message,
    Numeric,
    NumericVerdict,
    Status,
    Verdict,
)
from derive.rules import algebra, drop_constant, log_of_product
from derive.rules.base import Rule

x = sp.Symbol("x", real=True)
INSTANCES = 60


def chain(after=None, by=algebra, label="s", expect="verified", first=(x + 1) ** 2,
          name="d", hypotheses=()) -> Derivation:
    d = Derivation(name, first)
    d.eq(x**2 + 2 * x + 1 if after is None else after, by=by, label=label, expect=expect,
         hypotheses=hypotheses)
    return d


def key(d: Derivation, seed=1, instances=INSTANCES, time_limit=30.0) -> str:
    _, proposals = check_symbolic(d.entries[0])
    certificates = certificate_fingerprint([c for _, cs in proposals for c in cs])
    return step_key(d, d.entries[0], seed, instances, time_limit, certificates)


# -- keys ----------------------------------------------------------------------------------

def test_the_same_step_built_twice_has_the_same_key():
    assert key(chain()) == key(chain())


@pytest.mark.parametrize("changed", [
    chain(after=x**2 + 2 * x + 2),                        # the line written
    chain(first=(x + 2) ** 2),                            # the line before
    chain(by=log_of_product),                             # the rule
    chain(label="t"),                                     # the label (seeds the instances)
    chain(name="e"),                                      # the derivation (likewise)
    chain(expect="refuted"),                              # the expectation
    chain(hypotheses=[sp.Q.positive(x)]),                 # the hypotheses
])
def test_a_changed_step_has_another_key(changed):
    assert key(changed) != key(chain())


def test_seed_instances_and_time_limit_are_in_the_key():
    d = chain()
    assert len({key(d), key(d, seed=2), key(d, instances=61), key(d, time_limit=5.0)}) == 4


def test_the_relation_is_in_the_key():
    d = Derivation("d", (x + 1) ** 2)
    d.define(x**2 + 2 * x + 1, by=algebra, label="s")
    assert key(d) != key(chain())


def test_assumptions_are_in_the_key():
    positive = sp.Symbol("x", positive=True)
    assert expression_key(positive + 1) != expression_key(x + 1)


def test_what_srepr_leaves_out_is_in_the_key():
    # srepr prints both as Function('q')(x): a density is positive, a plain function not.
    # (SymPy's cache would hand back the first for the second, as they compare equal.)
    q_density = density("q")(x)
    sp.core.cache.clear_cache()
    q_plain = sp.Function("q")(x)
    assert q_density.is_positive and q_plain.is_positive is None
    assert sp.srepr(q_density) == sp.srepr(q_plain)
    assert expression_key(q_density) != expression_key(q_plain)
    f_positive = sp.Function("f", positive=True)(x)
    assert sp.srepr(f_positive) == sp.srepr(sp.Function("f")(x))
    assert expression_key(f_positive) != expression_key(sp.Function("f")(x))
    i = sp.Symbol("i", integer=True)
    y_positive = sp.IndexedBase(sp.Symbol("y"), positive=True)
    assert expression_key(y_positive[i]) != expression_key(sp.IndexedBase(sp.Symbol("y"))[i])


def _rule_proposing(line):
    def propose(before, target, context):
        return [Algebra(line)]

    return Rule("custom", "a = b", (), propose, needs_target=True)


def test_the_certificates_a_rule_proposes_are_in_the_key():
    # What the kernel judges is in the key; how the rule's code reached it need not be.
    assert key(chain(by=_rule_proposing(x**2 + 2 * x + 1))) != key(
        chain(by=_rule_proposing((x + 1) ** 2)))


def test_an_identity_checking_itself_does_not_change_the_key():
    from derive.identities import identity

    a, b = sp.symbols("a b", positive=True)
    log_ratio = identity("test_cache_log_ratio", sp.log(a / b), sp.log(a) - sp.log(b),
                         check=False)
    u, v = sp.symbols("u v", positive=True)
    d = chain(first=sp.log(u / v), after=sp.log(u) - sp.log(v), by=log_ratio)
    unchecked = key(d)
    assert check_entry(d, d.entries[0], 1, INSTANCES).verdict.status is Status.VERIFIED
    assert key(d) == unchecked


# -- round trip ------------------------------------------------------------------------------

def _results():
    verified = chain()
    refuted = chain(after=x**2 + 1, name="wrong")
    # (with x of unknown sign this step is UNPROVEN: undefined instances refute nothing)
    a, b = sp.symbols("a b", positive=True)
    conditions = Derivation("conditions", sp.log(a * b))
    conditions.eq(sp.log(a) + sp.log(b), by=log_of_product, label="s")
    return [check_entry(d, d.entries[0], 1, INSTANCES) for d in (verified, refuted, conditions)]


def _stringified(m):
    """A message as the cache keeps it: its arguments as the text they print, save messages
    (and tuples of them), kept as such."""
    if not isinstance(m, Message):
        return m
    return Message(m.key, tuple((name, _argument(arg)) for name, arg in m.args))


def _argument(value):
    if isinstance(value, tuple):
        return tuple(map(_argument, value))
    return _stringified(value) if isinstance(value, Message) else str(value)


def _as_stored(v: Verdict) -> Verdict:
    """What the cache keeps of a verdict: no condition subjects, none of the kernel's
    working (its trace)."""
    conditions = tuple(
        dataclasses.replace(c, how=_stringified(c.how), condition=dataclasses.replace(
            c.condition, subject=(), statement=_stringified(c.condition.statement)))
        for c in v.symbolic.conditions)
    symbolic = dataclasses.replace(v.symbolic, conditions=conditions, trace=(),
                                   detail=_stringified(v.symbolic.detail))
    numeric = dataclasses.replace(v.numeric, detail=_stringified(v.numeric.detail))
    return dataclasses.replace(v, symbolic=symbolic, numeric=numeric)


def test_verdicts_round_trip_through_json():
    for r in _results():
        stored = json.loads(json.dumps(encode_verdict(r.verdict)))
        assert decode_verdict(stored) == _as_stored(r.verdict)


def test_everything_the_output_shows_survives_the_cache(tmp_path):
    cache = VerdictCache(tmp_path)
    results = _results()
    assert {r.verdict.status for r in results} == {Status.VERIFIED, Status.REFUTED}
    assert any(r.verdict.symbolic.conditions for r in results)
    assert any(r.verdict.numeric.counterexample for r in results)
    for n, r in enumerate(results):
        cache.put(f"{n:064d}", r.verdict, r.seconds)
        verdict, seconds = cache.get(f"{n:064d}", r.verdict.symbolic)
        assert seconds == r.seconds
        again = dataclasses.replace(r, verdict=verdict)
        assert failure_report(again, "p.py", 1, INSTANCES) == failure_report(r, "p.py", 1,
                                                                             INSTANCES)
        assert step_json(again) == step_json(r)


def test_unproven_verdicts_are_not_stored(tmp_path):
    cache = VerdictCache(tmp_path)
    d = chain(first=sp.log(x), after=sp.log(x), by=drop_constant)
    r = check_entry(d, d.entries[0], 1, INSTANCES)
    assert r.verdict.status is Status.UNPROVEN
    assert not cache.put("0" * 64, r.verdict, r.seconds)
    assert cache.get("0" * 64, r.verdict.symbolic) is None


# -- corrupt entries -------------------------------------------------------------------------

def _stored(tmp_path) -> tuple[VerdictCache, str, Path]:
    cache = VerdictCache(tmp_path / "cache")
    (r,) = _results()[:1]
    k = "ab" + "0" * 62
    assert cache.put(k, r.verdict, r.seconds)
    path = tmp_path / "cache" / "verdicts" / "ab" / f"{k}.json"
    assert path.exists()
    return cache, k, path


def _tamper_status(text: str) -> str:
    # Claim REFUTED without changing the evidence, and fix the digest up as only someone
    # with this user's secret could: the kernel, deciding afresh, still does not reach it.
    from derive.cache import _digest

    entry = json.loads(text)
    entry["verdict"]["status"]["name"] = "REFUTED"
    entry["digest"] = _digest(entry["key"], [entry["verdict"], entry["seconds"]])
    return json.dumps(entry)


@pytest.mark.parametrize("corrupt", [
    lambda text: "not json at all {",
    lambda text: text[: len(text) // 2],                                  # truncated
    lambda text: text.replace('"VERIFIED"', '"REFUTED"'),                # digest no longer fits
    lambda text: json.dumps({**json.loads(text), "key": "1" * 64}),      # another step's entry
    lambda text: json.dumps([1, 2, 3]),
    _tamper_status,
], ids=["garbage", "truncated", "edited", "other-key", "wrong-shape", "forged"])
def test_a_corrupt_entry_is_ignored_reported_and_rewritten(tmp_path, corrupt):
    cache, k, path = _stored(tmp_path)
    path.write_text(corrupt(path.read_text()))
    (r,) = _results()[:1]
    assert cache.get(k, r.verdict.symbolic) is None
    assert len(cache.warnings) == 1
    assert str(path) in cache.warnings[0] and "corrupt" in cache.warnings[0]
    assert cache.put(k, r.verdict, r.seconds)
    assert cache.get(k, r.verdict.symbolic)[0].status is Status.VERIFIED


def test_a_stored_verdict_the_evidence_does_not_support_is_refused(tmp_path):
    cache = VerdictCache(tmp_path)
    (r,) = _results()[:1]
    counterexample = NumericVerdict(Numeric.COUNTEREXAMPLE, "the sides differ", 3, None, 1,
                                    {"instance": {"x": 1}, "values": {}, "seed": 1})
    forged = dataclasses.replace(r.verdict, numeric=counterexample)  # still says VERIFIED
    assert cache.put("c" * 64, forged, 0.1)
    assert cache.get("c" * 64, r.verdict.symbolic) is None
    assert "kernel does not reach" in cache.warnings[0]


def test_a_forged_entry_cannot_turn_a_refuted_step_verified(tmp_path):
    # Status, evidence and digest edited together: the entry says VERIFIED with passing
    # numbers. The kernel judges the step's certificates afresh (it does not prove the wrong
    # step), so the stored status is never reached, and the entry is refused.
    from derive.cache import _digest

    refuted = _results()[1]
    assert refuted.verdict.status is Status.REFUTED
    passed = NumericVerdict(Numeric.PASSED, "values agree", INSTANCES, 0.0, 1)
    forged = dataclasses.replace(refuted.verdict, status=Status.VERIFIED, numeric=passed)
    cache = VerdictCache(tmp_path)
    k = "e" * 64
    assert cache.put(k, refuted.verdict, refuted.seconds)
    path = tmp_path / "verdicts" / "ee" / f"{k}.json"
    entry = json.loads(path.read_text())
    entry["verdict"] = encode_verdict(forged)
    entry["digest"] = _digest(k, [entry["verdict"], entry["seconds"]])
    path.write_text(json.dumps(entry))
    assert cache.get(k, refuted.verdict.symbolic) is None
    assert "kernel does not reach" in cache.warnings[0]


def test_an_unwritable_cache_folder_is_reported_not_fatal(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = VerdictCache(blocker / "cache")  # a folder inside a file cannot exist
    (r,) = _results()[:1]
    assert not cache.put("d" * 64, r.verdict, r.seconds)
    assert "cannot write the verdict cache" in cache.warnings[0]


def test_clear_removes_every_entry(tmp_path):
    cache, k, path = _stored(tmp_path)
    cache.clear()
    assert not path.exists() and cache.get(k, _results()[0].verdict.symbolic) is None


def test_the_plugin_names_the_cache_folder_as_the_cache_does():
    import derive_pytest_plugin
    from derive.cache import CACHE_DIR_NAME

    assert derive_pytest_plugin.CACHE_DIR_NAME == CACHE_DIR_NAME


def test_a_step_that_cannot_be_refuted_has_its_own_key_and_keeps_its_verdict(tmp_path):
    """A candidate link between displays is VERIFIED if proved and otherwise UNPROVEN, never
    REFUTED: the same two lines checked as a written step (REFUTED) are another entry, and a
    hit is judged by the kernel as the candidate it is."""
    wrong = chain(after=x ** 2 + 2 * x + 2)  # (x + 1)**2 is not x**2 + 2x + 2
    written = check_entry(wrong, wrong.entries[0], 1, INSTANCES)
    assert written.verdict.status is Status.REFUTED
    candidate = dataclasses.replace(wrong.entries[0], candidate=True)
    assert key(wrong) != step_key(wrong, candidate, 1, INSTANCES, 30.0, certificate_fingerprint(
        [c for _, cs in check_symbolic(candidate)[1] for c in cs]))
    cache = VerdictCache(tmp_path)
    assert cache.put("1" * 64, written.verdict, written.seconds)
    hit = cache.get("1" * 64, written.verdict.symbolic, True, unrefutable(candidate))
    assert hit is None  # the kernel does not reach REFUTED for a candidate: checked afresh


def test_every_source_a_verdict_depends_on_is_in_the_fingerprint():
    """A cached entry stands for the code that wrote it: a change to the numbers, the rules
    or the reader must make every entry stale. (Once only derive/kernel/ was hashed, so a
    changed numeric checker kept serving evidence it would no longer give.)"""
    from derive.cache import verdict_sources

    hashed = {p.relative_to(Path(__file__).resolve().parents[1] / "derive").as_posix()
              for p in verdict_sources()}
    for needed in ("kernel/certificates.py", "numeric/checks.py", "numeric/vector.py",
                   "rules/search.py", "latex/reader.py", "checker.py", "notation.py",
                   "messages.py"):
        assert needed in hashed
    for shows in ("cli.py", "report/content.py", "runner.py"):
        assert shows not in hashed
