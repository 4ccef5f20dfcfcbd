"""Mixed chunks: a light step's instances take every family of conditional densities and
every model shape in one chunk. Each instance must be evaluated as its own family and
shape say, in float and in high precision, and named so in a counterexample."""

from __future__ import annotations

import numpy as np
import sympy as sp
from helpers import I, Pr, X, Y, f, i, phi, theta

from derive import ArgMin, Numeric, model_output
from derive import numeric as num
from derive.kernel import Claim, Relation
from derive.numeric import checks, exact, vector
from derive.numeric.concrete import FAMILIES, MODEL_SHAPES

nll = -sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I))
model_nll = -sp.Sum(sp.log(Pr(Y[i], f(X[i], phi))), (i, 1, I))
g = model_output("g")
k = sp.Symbol("k", integer=True, positive=True)
outputs = sp.Sum(g(k, X[i], phi) ** 2, (i, 1, I))


def _mixed(expr, n=60, seed=0):
    roles = num.read_roles([expr])
    return roles, num.sample(roles, np.random.default_rng(seed), n, 0, mixed=True)


def test_a_mixed_chunk_takes_every_family_and_shape_in_blocks():
    roles, inst = _mixed(model_nll, n=60)
    families, shapes = inst.family[Pr], inst.model_shape[f]
    combinations = {(families.at(r).name, shapes.at(r).name) for r in range(inst.n)}
    assert combinations == {(a.name, b.name) for a in FAMILIES for b in MODEL_SHAPES}
    assert all(isinstance(rows, slice) for _, rows in families.groups())  # blocks
    # a chunk that is not mixed takes one of each, as before
    single = num.sample(roles, np.random.default_rng(0), 60, 4)
    assert single.family[Pr].only is FAMILIES[4 % 3]
    assert single.model_shape[f].only is MODEL_SHAPES[(4 // 3) % 2]


def test_each_instance_of_a_mixed_chunk_is_evaluated_as_its_own_family_and_shape():
    for expr in (nll, model_nll, outputs):
        roles, inst = _mixed(expr, n=30, seed=3)
        together = vector.evaluate(expr, inst, roles, None)
        alone = [vector.evaluate(expr, inst.pick([r]), roles, None)[0] for r in range(inst.n)]
        assert np.all(np.isfinite(together))
        np.testing.assert_allclose(together, alone, rtol=1e-13)
        # and the high-precision backend, at every tenth instance, agrees
        node = exact.compile_side(expr, roles, {})
        for r in range(0, inst.n, 10):
            value = exact.to_float(exact.at(node, inst.pick([r]))[0])
            assert abs(value - together[r]) <= 1e-9 * max(1.0, abs(value))


def test_the_parameters_of_a_mixed_chunk_are_those_of_each_instances_family():
    _, inst = _mixed(nll, n=30, seed=1)
    params, families = inst.params[theta], inst.family[Pr]
    for r in range(inst.n):
        count = len(families.at(r).parameters)
        assert all(np.isfinite(v[r]) for v in params.values[:count])
        assert all(np.isnan(v[r]) for v in params.values[count:])
        assert list(inst.describe(r)[str(theta)]) == list(families.at(r).parameters)
        assert inst.describe(r)[str(Pr)] == families.at(r).name


def test_a_second_setting_of_a_mixed_chunk_keeps_each_instances_family():
    roles, inst = _mixed(model_nll, n=12, seed=2)
    other = inst.pick(np.arange(inst.n))
    num.instances.draw_parameters(roles, other, np.random.default_rng(9), only=[phi])
    both = inst.paired(other)
    values = vector.evaluate(model_nll, both, roles, None)
    np.testing.assert_allclose(values[0::2], vector.evaluate(model_nll, inst, roles, None))
    np.testing.assert_allclose(values[1::2], vector.evaluate(model_nll, other, roles, None))
    assert [both.family[Pr].at(2 * r) for r in range(12)] == [both.family[Pr].at(2 * r + 1)
                                                              for r in range(12)]
    # a family's block of instances stays one block with both settings in it
    assert len(both.family[Pr].groups()) == len(FAMILIES)


def test_a_light_order_check_passes_or_refutes_in_one_mixed_chunk():
    right = checks.check_step(ArgMin(nll / I, theta), ArgMin(nll, theta), Relation.EQUAL,
                              Claim.MINIMISERS, 0, 1000, ("t", "s"))
    assert right.status is Numeric.PASSED and right.instances == 1000
    # the twin (a negative factor dropped) is refuted, confirmed in high precision, and its
    # counterexample names the family of the instance it was found at
    wrong = checks.check_step(ArgMin(nll, theta), ArgMin(-nll, theta), Relation.EQUAL,
                              Claim.MINIMISERS, 0, 1000, ("t", "s"))
    assert wrong.status is Numeric.COUNTEREXAMPLE
    assert wrong.counterexample["instance"][str(Pr)] in {fam.name for fam in FAMILIES}
