"""Identities that check themselves, custom rules, rule packs, and the README's worked example."""

from __future__ import annotations

import importlib.metadata
import re
import sys
import textwrap
from pathlib import Path

import pytest
import sympy as sp
from helpers import rewritten

from derive import ArgMin, Derivation, Status, Symbolic, check_derivation, data, model
from derive.checker import check_symbolic
from derive.identities import IdentityError, IdentityRefused, identities, identity
from derive.kernel import Algebra, Rewrite, free_of
from derive.messages import rests_on
from derive.rules import base
from derive.rules.base import RulePackError, load_rule_packs, lookup, registry, rule

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clean_registry():
    """Rules registered by a test are removed after it, so names can be reused."""
    saved, aliases = dict(base._registry), dict(base._aliases)
    saved_identities = dict(identities())
    yield
    base._registry.clear()
    base._registry.update(saved)
    base._aliases.clear()
    base._aliases.update(aliases)
    from derive import identities as module

    module._identities.clear()
    module._identities.update(saved_identities)


x = sp.Symbol("x", real=True)
a, b = sp.symbols("a b", positive=True)
phi = sp.Symbol("phi", real=True)
i = sp.Symbol("i", integer=True, positive=True)
I = sp.Symbol("I", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)
k = sp.Symbol("k", integer=True)
Y, X = data("y"), data("x")
f = model("f")


# -- the shipped identities ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["log_sum_exp_shift", "log_softmax", "gaussian_log_density"])
def test_shipped_identity_is_proved_and_passes_its_numeric_check(name):
    registry()
    verdict = identities()[name].check()
    assert verdict.status is Status.VERIFIED
    assert verdict.symbolic.status is Symbolic.PROVED
    assert verdict.numeric.instances == 1000


def test_log_sum_exp_shift_rewrites_an_instance_with_a_constant_free_of_the_index():
    rule_ = lookup("log_sum_exp_shift")
    c = sp.Symbol("m", real=True)
    before = sp.log(sp.Sum(sp.exp(X[k] - c), (k, 1, K)))
    line, certificates = rewritten(rule_, before)
    assert sp.simplify(line - (-c + sp.log(sp.Sum(sp.exp(X[k]), (k, 1, K))))) == 0
    assert all(isinstance(certificate, Rewrite) for certificate in certificates)


def test_log_sum_exp_shift_with_a_shift_that_depends_on_the_index_fails_a_side_condition():
    d = Derivation("lse_bad", sp.log(sp.Sum(sp.exp(X[k] + k), (k, 1, K))))
    d.eq(k + sp.log(sp.Sum(sp.exp(X[k]), (k, 1, K))), by="log_sum_exp_shift", label="1")
    (result,) = check_derivation(d, instances=200)
    assert result.verdict.status is not Status.VERIFIED


def test_log_softmax_applies_to_a_model_output_inside_a_sum():
    g = sp.Function("g", real=True)
    C = data("c", integer=True, positive=True)  # class labels
    logit = sp.log(sp.exp(g(C[i], X[i], phi)) / sp.Sum(sp.exp(g(k, X[i], phi)), (k, 1, K)))
    d = Derivation("log_softmax_use", -sp.Sum(logit, (i, 1, I)))
    d.eq(-sp.Sum(g(C[i], X[i], phi) - sp.log(sp.Sum(sp.exp(g(k, X[i], phi)), (k, 1, K))),
                 (i, 1, I)), by="log_softmax", label="1")
    (result,) = check_derivation(d, instances=100)
    assert result.verdict.symbolic.status is Symbolic.PROVED
    assert all(c.holds for c in result.verdict.symbolic.conditions)


def test_an_identity_applies_only_where_its_array_is_one_array():
    # log_softmax is checked for one array z: z[j] over a sum of z[k]
    j = sp.Symbol("j", integer=True, positive=True)
    same = sp.log(sp.exp(X[j]) / sp.Sum(sp.exp(X[k]), (k, 1, K)))
    line, _ = rewritten(lookup("log_softmax"), same)
    assert line == X[j] - sp.log(sp.Sum(sp.exp(X[k]), (k, 1, K)))
    two_arrays = sp.log(sp.exp(X[j]) / sp.Sum(sp.exp(Y[k]), (k, 1, K)))
    with pytest.raises(base.RuleDoesNotApply):
        lookup("log_softmax")(two_arrays)


# -- registering: checks, refusals, trust -----------------------------------------------------

def test_a_true_identity_registers_with_its_evidence(clean_registry):
    rule_ = identity("log_ratio", sp.log(a / b), sp.log(a) - sp.log(b))
    ident = identities()["log_ratio"]
    assert ident.verdict.status is Status.VERIFIED
    assert "proved symbolically" in ident.evidence
    assert rule_.origin == "built in"
    assert set(rule_.side_conditions) == {"a positive", "b positive"}
    assert lookup("log_ratio") is rule_


def test_a_false_identity_is_refused_with_its_counterexample(clean_registry):
    with pytest.raises(IdentityRefused) as info:
        identity("log_of_sum_is_sum_of_logs", sp.log(a + b), sp.log(a) + sp.log(b))
    message = str(info.value)
    assert "is false" in message and "counterexample" in message and "seed" in message
    assert info.value.verdict.status is Status.REFUTED
    assert "log_of_sum_is_sum_of_logs" not in registry()


def _sig(v):
    from derive.kernel.objects import sig

    return sig(v)


def _sigmoid_mirrored(v):
    """sig(v) = e^v / (1 + e^v): true, and beyond the kernel's simplification (it does not
    unfold sig; the sigmoid's law is a schema of its own)."""
    return sp.exp(v) / (1 + sp.exp(v))


def test_an_identity_sympy_cannot_prove_is_refused_without_explicit_trust(clean_registry):
    with pytest.raises(IdentityRefused, match='trust="numeric"'):
        identity("sigmoid_symmetry", _sig(x), _sigmoid_mirrored(x))
    assert "sigmoid_symmetry" not in registry()


def test_a_numerically_trusted_identity_marks_every_step_that_uses_it(clean_registry):
    sigmoid_rule = identity("sigmoid_symmetry", _sig(x), _sigmoid_mirrored(x), trust="numeric")
    ident = identities()["sigmoid_symmetry"]
    assert "numeric evidence only" in ident.evidence
    assert ident.verdict.symbolic.status is not Symbolic.PROVED
    t = sp.Symbol("t", real=True)
    d = Derivation("uses_numeric_identity", _sig(3 * t))
    d.eq(_sigmoid_mirrored(3 * t), by=sigmoid_rule, label="1")
    (result,) = check_derivation(d, instances=300)
    assert result.verdict.symbolic.status is Symbolic.RESTS_ON_NUMERIC
    assert result.verdict.symbolic.status is not Symbolic.PROVED
    assert "numeric evidence" in rests_on(result.verdict)
    assert "proved symbolically" not in rests_on(result.verdict)
    assert any("numeric evidence" in note for note in result.verdict.notes)
    assert result.verdict.status is Status.VERIFIED  # the step passed its own numbers too


def test_a_numerically_trusted_identity_still_needs_its_step_checked_numerically(clean_registry):
    from derive.kernel import Numeric, NumericVerdict, SymbolicVerdict, decide
    from derive.kernel import Symbolic as S
    sigmoid_rule = identity("sigmoid_symmetry", _sig(x), _sigmoid_mirrored(x), trust="numeric")
    d = Derivation("trusted", _sig(x))
    d.eq(_sigmoid_mirrored(x), by=sigmoid_rule, label="1")
    symbolic, _ = check_symbolic(d.steps[0])
    assert symbolic.status is S.RESTS_ON_NUMERIC
    not_applicable = NumericVerdict(Numeric.NOT_APPLICABLE, "cannot evaluate")
    assert decide(symbolic, not_applicable).status is Status.UNPROVEN
    counter = NumericVerdict(Numeric.COUNTEREXAMPLE, "differ")
    assert decide(symbolic, counter).status is Status.REFUTED
    proved = SymbolicVerdict(S.PROVED, "")
    assert decide(proved, not_applicable).status is Status.VERIFIED


def test_an_identity_the_kernel_proves_needs_no_trust(clean_registry):
    identity("tanh_as_sigmoid", sp.tanh(x), 2 / (1 + sp.exp(-2 * x)) - 1)  # in exps, exactly
    assert "proved symbolically" in identities()["tanh_as_sigmoid"].evidence


def test_a_false_identity_is_refused_even_with_numeric_trust(clean_registry):
    with pytest.raises(IdentityRefused, match="counterexample"):
        identity("bad_tanh", sp.tanh(x), 2 / (1 + sp.exp(-x)) - 1, trust="numeric")


def test_an_identity_whose_sides_have_different_free_symbols_is_refused(clean_registry):
    with pytest.raises(IdentityError, match="different free symbols.*c only on the right"):
        identity("shift_free", sp.log(sp.Sum(sp.exp(X[k]), (k, 1, K))),
                 sp.Symbol("c") + sp.log(sp.Sum(sp.exp(X[k] - sp.Symbol("c")), (k, 1, K))))


def test_an_unknown_trust_level_is_refused(clean_registry):
    with pytest.raises(IdentityError, match="trust must be one of"):
        identity("whatever", sp.log(a * b), sp.log(a) + sp.log(b), trust="hope")


def test_identity_side_conditions_come_from_the_assumptions_of_its_symbols(clean_registry):
    log_ratio = identity("log_ratio", sp.log(a / b), sp.log(a) - sp.log(b))
    u, v = sp.symbols("u v", real=True)  # not known to be positive
    d = Derivation("log_ratio_unshown", sp.log(u / v))
    d.eq(sp.log(u) - sp.log(v), by=log_ratio, label="1")
    (result,) = check_derivation(d, instances=200)
    assert result.verdict.status is not Status.VERIFIED
    assert "u > 0" in result.verdict.symbolic.detail or "not shown" in result.verdict.symbolic.detail


def test_an_identity_that_does_not_occur_does_not_apply(clean_registry):
    log_ratio = identity("log_ratio", sp.log(a / b), sp.log(a) - sp.log(b))
    with pytest.raises(base.RuleDoesNotApply, match="no instance"):
        log_ratio(sp.exp(x))


def test_extra_conditions_are_instantiated(clean_registry):
    c = sp.Symbol("c", real=True)
    rule_ = identity("pull_constant", sp.Sum(c * X[k], (k, 1, K)), c * sp.Sum(X[k], (k, 1, K)),
                     conditions=[free_of(c, [k])])
    m = sp.Symbol("m", real=True)
    d = Derivation("pull_constant_use", sp.Sum(m * Y[k], (k, 1, K)))
    d.eq(m * sp.Sum(Y[k], (k, 1, K)), by=rule_, label="1")
    (result,) = check_derivation(d, instances=100)
    assert result.verdict.status is Status.VERIFIED
    assert any(r.condition.kind == "free_of" and r.condition.subject[0] == m
               for r in result.verdict.symbolic.conditions)


# -- custom rules ----------------------------------------------------------------------------

def test_a_custom_rule_with_the_decorator_is_checked_by_the_kernel(clean_registry):
    @rule("double_is_sum", r"2a = a + a", ("none",))
    def double_is_sum(before, target, context):
        return [Algebra(sp.Add(before / 2, before / 2, evaluate=False))]

    assert lookup("double_is_sum") is double_is_sum
    assert double_is_sum.summary == "" or isinstance(double_is_sum.summary, str)
    d = Derivation("custom_ok", 2 * x)
    d.eq(2 * x, by=double_is_sum, label="1")
    assert check_derivation(d, instances=100)[0].verdict.status is Status.VERIFIED


def test_a_wrong_custom_rule_is_refuted_by_the_kernel(clean_registry):
    @rule("square_is_double", r"a^2 = 2a")
    def square_is_double(before, target, context):
        """A wrong rule: a square is not a double."""
        return [Algebra(before.replace(lambda n: isinstance(n, sp.Pow) and n.exp == 2,
                                       lambda n: 2 * n.base))]

    assert square_is_double.summary == "A wrong rule: a square is not a double."
    d = Derivation("custom_wrong", x ** 2 + 1)
    d.eq(2 * x + 1, by=square_is_double, label="1")
    (result,) = check_derivation(d, instances=200)
    assert result.verdict.status is Status.REFUTED
    assert result.verdict.numeric.counterexample is not None


def test_a_custom_rule_cannot_take_a_built_in_name(clean_registry):
    with pytest.raises(base.DeriveError, match="already taken"):
        @rule("sifting", r"x = x")
        def clash(before, target, context):
            raise AssertionError("never called")


# -- rule packs through entry points --------------------------------------------------------

PACK = textwrap.dedent('''
    """A rule pack: one identity, registered on import."""
    import sympy as sp
    from derive.identities import identity

    a = sp.Symbol("a", positive=True)
    half_log = identity("pack_half_log", sp.log(sp.sqrt(a)), sp.log(a) / 2)
''')


def _install_distribution(tmp_path: Path, module: str, source: str, value: str) -> Path:
    """A tiny installed distribution (a module and its dist-info with an entry point)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / f"{module}.py").write_text(source)
    info = site / "tiny_pack-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-pack\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[derive.rules]\ntiny = {value}\n")
    return site


def test_a_rule_pack_installed_as_a_distribution_is_found_and_marked(tmp_path, monkeypatch,
                                                                    clean_registry):
    site = _install_distribution(tmp_path, "tiny_pack_rules", PACK, "tiny_pack_rules")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "tiny_pack_rules", raising=False)
    eps = [ep for ep in importlib.metadata.entry_points(group="derive.rules")
           if ep.name == "tiny"]
    assert eps, "the temporary distribution's entry point is visible"
    added = load_rule_packs(eps)
    assert [r.name for r in added] == ["pack_half_log"]
    assert lookup("pack_half_log").origin == "package tiny-pack"
    assert lookup("log_of_product").origin == "built in"


def test_registry_loads_installed_packs(tmp_path, monkeypatch, clean_registry):
    site = _install_distribution(tmp_path, "tiny_pack_rules", PACK, "tiny_pack_rules")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "tiny_pack_rules", raising=False)
    monkeypatch.setattr(base, "_packs_loaded", False)
    assert registry()["pack_half_log"].origin == "package tiny-pack"


def test_a_pack_that_fails_to_load_is_a_clear_error(clean_registry):
    broken = importlib.metadata.EntryPoint("broken", "no_such_module_for_derive:rules",
                                           "derive.rules")
    with pytest.raises(RulePackError) as info:
        load_rule_packs([broken])
    message = str(info.value)
    assert "rule pack 'broken'" in message
    assert "no_such_module_for_derive" in message
    assert "uninstall" in message and "DERIVE_NO_RULE_PACKS=1" in message


def test_a_pack_giving_something_that_is_not_a_rule_is_a_clear_error(clean_registry, tmp_path,
                                                                     monkeypatch):
    (tmp_path / "odd_pack.py").write_text("def rules():\n    return ['not a rule']\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    ep = importlib.metadata.EntryPoint("odd", "odd_pack:rules", "derive.rules")
    with pytest.raises(RulePackError, match="not a Rule"):
        load_rule_packs([ep])


def test_a_pack_callable_returning_rules_registers_them(clean_registry, tmp_path, monkeypatch):
    (tmp_path / "callable_pack.py").write_text(textwrap.dedent('''
        from derive.kernel import Algebra
        from derive.rules.base import Rule

        def rules():
            def propose(before, target, context):
                return [Algebra(before)]
            return [Rule("pack_identity", "x = x", (), propose)]
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    ep = importlib.metadata.EntryPoint("callable", "callable_pack:rules", "derive.rules")
    (added,) = load_rule_packs([ep])
    assert added.origin == "package callable_pack"


def test_packs_can_be_switched_off(monkeypatch, clean_registry):
    monkeypatch.setenv("DERIVE_NO_RULE_PACKS", "1")
    monkeypatch.setattr(base, "_packs_loaded", False)
    assert load_rule_packs() == []


# -- the README's worked example ------------------------------------------------------------

def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def test_the_readme_identity_example_runs(clean_registry, capsys):
    section = _readme_section("Adding an identity")
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert blocks, "the section has a python example"
    namespace: dict = {"__name__": "readme_example"}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    assert "log_ratio" in registry() or any(
        isinstance(v, base.Rule) for v in namespace.values())
    out = capsys.readouterr().out
    assert "VERIFIED" in out and "is false" in out and "counterexample" in out


def test_identities_are_used_by_steps_with_argmin():
    # an identity rewrites inside an argmin, and the step's claim stays "equal values"
    sigma = sp.Symbol("sigma", positive=True)
    g = (Y[i] - f(X[i], phi)) ** 2
    objective = -sp.Sum(sp.log(sp.exp(-g / (2 * sigma ** 2)) / sp.sqrt(2 * sp.pi * sigma ** 2)),
                        (i, 1, I))
    d = Derivation("gauss_identity", ArgMin(objective, phi))
    d.eq(ArgMin(-sp.Sum(-sp.log(2 * sp.pi * sigma ** 2) / 2 - g / (2 * sigma ** 2), (i, 1, I)),
                phi), by="gaussian_log_density", label="1")
    (result,) = check_derivation(d, instances=300)
    assert result.verdict.status is Status.VERIFIED, result.verdict.symbolic.detail
