"""Numeric evidence for averages: E, Var and Cov under a random discrete law (joint unless a
hypothesis declares independence, a product law when one does), or under stated densities
by quadrature. Every true identity has a wrong twin refuted by a confirmed counterexample
that prints its law; independence is never assumed; float cancellation never refutes."""

import re
from pathlib import Path

import mpmath
import numpy as np
import pytest
import sympy as sp

from derive import Covariance, Expectation, Numeric, Status, Variance, check_derivation, density
from derive import numeric as num
from derive.kernel import Independent, Relation
from derive.loader import load_file
from derive.numeric import checks
from derive.numeric.averages import Law
from derive.numeric.instances import sample

ROOT = Path(__file__).resolve().parents[1]
X, Y, Z = sp.symbols("X Y Z", real=True)
a, b = sp.symbols("a b", real=True)
p, q = density("p"), density("q")


def E(body, *variables, laws=()):  # noqa: N802  (the book's name)
    return Expectation(body, variables or (X,), laws)


def Var(body, *variables, laws=()):  # noqa: N802
    return Variance(body, variables or (X,), laws)


def numeric(before, after, relation=Relation.EQUAL, hypotheses=(), seed=0, instances=1000):
    return num.check_step(before, after, relation, None, seed, instances, ["t"], hypotheses)


def passes(before, after, **kw):
    v = numeric(before, after, **kw)
    assert v.status is Numeric.PASSED, v.detail
    assert v.instances >= kw.get("instances", 1000)
    return v


def refuted(before, after, **kw):
    v = numeric(before, after, **kw)
    assert v.status is Numeric.COUNTEREXAMPLE, v.detail
    return v


def law_of(v) -> str:
    """The printed law of a counterexample (its one ``law of ...`` entry)."""
    (text,) = [t for name, t in v.counterexample["instance"].items() if name.startswith("law of")]
    return text


def atoms(text: str) -> list[tuple[dict, float]]:
    """The atoms of a printed joint law: [({"X": 1.0, "Y": 2.0}, weight), ...]."""
    found = []
    for values, weight in re.findall(r"P\(([^)]*)\) = ([-0-9.e]+)", text):
        pairs = dict(part.split(" = ") for part in values.split(", "))
        found.append(({k: float(x) for k, x in pairs.items()}, float(weight)))
    return found


# -- linearity, the variance identity, and their twins ---------------------------------------

def test_linearity_with_free_symbols_drawn_per_instance():
    passes(E(a * X + b), a * E(X) + b)
    passes(E(X + Y, X, Y), E(X, X, Y) + E(Y, X, Y))
    v = refuted(E(a * X + b), a * E(X) + 2 * b)
    instance = v.counterexample["instance"]
    assert {"a", "b", "law of X"} <= set(instance)  # the free symbols and the law, printed


def test_the_variance_identity_and_its_twins():
    passes(Var(X), E(X**2) - E(X) ** 2)
    passes(Var(X), E((X - E(X)) ** 2))
    passes(E(X - E(X)), sp.Integer(0))  # the inner mean under the same law as the outer
    refuted(Var(X + 1), Var(X) + 1)
    refuted(Var(2 * X), 2 * Var(X))
    refuted(Var(X), E(X**2) + E(X) ** 2)


def test_an_average_over_some_variables_of_a_joint_law_is_their_marginal():
    passes(E(X, X), E(X, X, Y))
    passes(Covariance((X, Y), [X, Y]), E(X * Y, X, Y) - E(X, X, Y) * E(Y, X, Y))


# -- independence: declared, never assumed ----------------------------------------------------

def test_the_variance_of_a_sum_is_the_sum_of_variances_only_when_independence_is_declared():
    before, after = Var(X + Y, X, Y), Var(X, X) + Var(Y, Y)
    passes(before, after, hypotheses=[Independent(X, Y)])
    v = refuted(before, after)
    law = law_of(v)
    assert "independent" not in law
    # a joint law: the printed atoms, added up by hand, give the two sides it printed
    found = atoms(law)
    total = sum(w for _, w in found)

    def mean(g):
        return sum(w * g(at) for at, w in found) / total

    ex, ey = mean(lambda at: at["X"]), mean(lambda at: at["Y"])
    left = mean(lambda at: (at["X"] + at["Y"] - ex - ey) ** 2)
    right = mean(lambda at: (at["X"] - ex) ** 2) + mean(lambda at: (at["Y"] - ey) ** 2)
    values = v.counterexample["values"]
    assert left == pytest.approx(values["left"], rel=1e-4, abs=1e-5)
    assert right == pytest.approx(values["right"], rel=1e-4, abs=1e-5)
    assert abs(left - right) > 1e-3


def test_the_general_variance_of_a_sum_needs_no_independence():
    passes(Var(X + Y, X, Y),
           Var(X, X, Y) + Var(Y, X, Y) + 2 * Covariance((X, Y), [X, Y]))
    refuted(Var(X + Y, X, Y), Var(X, X, Y) + Var(Y, X, Y) - 2 * Covariance((X, Y), [X, Y]))


def test_a_product_law_factorises_the_mean_of_a_product_and_prints_its_marginals():
    passes(E(X * Y, X, Y), E(X) * E(Y, Y), hypotheses=[Independent(X, Y)])
    passes(Covariance((X, Y), [X, Y]), sp.Integer(0), hypotheses=[Independent(X, Y)])
    v = refuted(E(X * Y, X, Y), E(X) * E(Y, Y) + 1, hypotheses=[Independent(X, Y)])
    assert law_of(v).startswith("X, Y independent | P(X = ")
    refuted(E(X * Y, X, Y), E(X) * E(Y, Y))


def test_independence_of_two_variables_says_nothing_of_a_third():
    independent = [Independent(X, Y)]
    passes(E(X * Y, X, Y, Z), E(X) * E(Y, Y), hypotheses=independent)
    v = refuted(E(X * Z, X, Y, Z), E(X) * E(Z, Z), hypotheses=independent)
    assert "jointly: " in law_of(v)


def test_several_partial_independences_are_not_evaluated_rather_than_guessed():
    v = numeric(E(X * Y * Z, X, Y, Z), E(X) * E(Y * Z, Y, Z),
                hypotheses=[Independent(X, Y), Independent(Y, Z)])
    assert v.status is Numeric.NOT_APPLICABLE
    assert "several independence hypotheses" in str(v.detail)


# -- bounds and domains ------------------------------------------------------------------

def test_the_mean_squared_is_at_most_the_mean_of_the_square():
    passes(E(X) ** 2, E(X**2), relation=Relation.LE)
    refuted(E(X**2), E(X) ** 2, relation=Relation.LE)


def test_a_body_undefined_at_an_atom_is_outside_the_domain_and_says_where():
    v = passes(E(sp.log(X)), sp.log(E(X)), relation=Relation.LE)  # Jensen, X drawn positive
    assert "X > 0" in str(v.detail)
    refuted(sp.log(E(X)), E(sp.log(X)), relation=Relation.LE)


# -- stated laws: the integral against the density ------------------------------------------

def test_averages_under_a_stated_density_are_integrals_against_it():
    passes(E(X**2, laws=[p(X)]), Var(X, laws=[p(X)]) + E(X, laws=[p(X)]) ** 2)
    v = refuted(E(X**2, laws=[p(X)]), E(X, laws=[p(X)]) ** 2)
    assert v.counterexample["instance"]["p"].startswith("Gaussian mixture")
    assert not any(name.startswith("law of") for name in v.counterexample["instance"])


def test_a_law_that_is_not_one_density_per_variable_is_not_evaluated():
    v = numeric(E(X * Y, X, Y, laws=[p(X)]), E(X, laws=[p(X)]))
    assert v.status is Numeric.NOT_APPLICABLE
    assert "one density of each of its variables" in str(v.detail)


# -- float traps and high-precision confirmation -------------------------------------------

def test_a_huge_atom_value_cancelling_in_float_does_not_refute():
    shift = sp.Integer(10) ** 8
    passes(Var(X), E((X + shift) ** 2) - E(X + shift) ** 2)
    passes(Var(X), E(X**2) - E(X) ** 2, seed=3)


def test_cancellation_at_a_law_of_huge_atoms_is_confirmed_away_and_a_real_gap_is_not():
    def candidate(after):
        plan = checks.plan_for(Var(X), after, Relation.EQUAL, None)
        roles, check, _ = checks.prepared(plan)
        inst = sample(roles, checks.step_rng(0, "t"), 1, 0)
        law = inst.law
        inst.law = Law(law.variables, {X: 1e8 + law.values[X]}, law.weights)
        return check, checks.Candidate(inst)

    check, c = candidate(E(X**2) - E(X) ** 2)
    left, right, _, _ = check.sides.pairs(c.inst)
    floats = checks._value(left)[0], checks._value(right)[0]
    assert abs(floats[0] - floats[1]) > 1e-3  # float cancellation: a trap, really
    exact_left, exact_right, _, _ = check.sides.exact(c.inst)
    assert abs(exact_left - exact_right) <= mpmath.mpf(10) ** -20 * abs(exact_left)
    assert check.confirm(c) is None
    check, c = candidate(E(X**2) - E(X) ** 2 + 10**9)  # a gap beyond any rounding
    assert check.confirm(c) is not None


# -- replays, and the proofs ----------------------------------------------------------------

def test_a_counterexample_replays_with_the_same_law_and_another_seed_draws_another():
    def law(seed):
        return law_of(refuted(Var(X + Y, X, Y), Var(X, X) + Var(Y, Y), seed=seed))

    assert law(5) == law(5)
    assert law(5) != law(6)
    weights = [w for _, w in atoms(law(5))]
    assert sum(weights) == pytest.approx(1, abs=1e-5) and all(w > 0 for w in weights)


def test_the_same_law_is_drawn_for_every_average_of_an_instance():
    plan = checks.plan_for(E(X), E(X, X, Y), Relation.EQUAL, None)
    roles, _, _ = checks.prepared(plan)
    inst = sample(roles, checks.step_rng(0, "t"), 50, 0)
    assert set(inst.law.variables) == {X, Y}
    assert np.allclose(inst.law.weights.sum(axis=1), 1)
    counts = (inst.law.weights > 0).sum(axis=1)
    assert counts.min() >= 3 and counts.max() <= 6
    assert inst.pick([7]).law.describe(0, float) == inst.law.describe(7, float)


def test_the_variance_proofs_are_checked_numerically_and_their_twins_refuted_by_numbers():
    for derivation in load_file(ROOT / "proofs" / "variance_identity.py"):
        for r in check_derivation(derivation):
            assert r.verdict.status is Status.VERIFIED, r.verdict.numeric.detail
            assert r.verdict.numeric.status is Numeric.PASSED, r.verdict.numeric.detail
            assert r.verdict.numeric.instances >= 1000
    for derivation in load_file(ROOT / "proofs" / "variance_identity_twins.py"):
        for r in check_derivation(derivation):
            assert r.verdict.status is Status.REFUTED
            numeric_half = r.verdict.numeric
            assert numeric_half.status is Numeric.COUNTEREXAMPLE, numeric_half.detail
            assert "law of X" in numeric_half.counterexample["instance"]


def test_a_document_giving_the_law_in_words_is_never_refuted_by_a_random_law(tmp_path):
    from helpers import document_verdicts

    verdicts = document_verdicts(
        tmp_path, "If $X$ and $Y$ are independent, then",
        "$$\\textrm{Var}(X+Y) = \\textrm{Var}(X) + \\textrm{Var}(Y).$$")
    assert list(verdicts.values()) == [Status.UNPROVEN]
    from derive.latex import load_document

    (derivation,) = load_document(tmp_path / "notes.md", search_budget=100).derivations
    (step,) = derivation.entries
    assert step.rests_on_text.key == "document.law_in_words"  # the reader says why
    assert "X, Y" in str(step.rests_on_text)
