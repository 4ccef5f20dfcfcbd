"""The numeric checker's quadrature and its speed-ups: smooth whole-line integrals by the
sinh trapezoid rule sized to known feature widths, the double-exponential rule for the
rest, endpoint singularities and Beta densities of any parameters, confirmation that does
not trust an integral it could not settle, and chunks and data sized to the step. Every
true identity here has a wrong twin that must be refuted."""


import mpmath
import numpy as np
import pytest
import sympy as sp
from helpers import I, Pr, Y, i, integral, p, q, theta, y

from derive import KL, ArgMin, Numeric
from derive import numeric as num
from derive.kernel import Claim, Relation
from derive.numeric import checks, quadrature, vector
from derive.numeric.compile import analytic, features


def numeric(before, after, seed=0, instances=400, relation=Relation.EQUAL, claim=None):
    return num.check_step(before, after, relation, claim, seed, instances, ["q"])


def _mixture_pdf(w, m, s):
    components = list(zip(w, m, s, strict=True))
    return lambda t: mpmath.fsum(wk * mpmath.npdf(t, mk, sk) for wk, mk, sk in components)


def _cross_entropy(fq, fp, cuts):
    """The integral of q log p by mpmath in 20 digits, split at the components' means."""
    with mpmath.workdps(20):
        return mpmath.quad(lambda t: fq(t) * mpmath.log(fp(t)), [-mpmath.inf, *cuts, mpmath.inf])


# -- which integrals the sinh rule takes, and how accurately ---------------------------------


def test_smooth_integrands_with_known_widths_are_told_from_kinks_poles_and_logs_of_y():
    assert analytic(q(y) * sp.log(q(y)), y)
    assert analytic(q(y) * sp.log(q(y) / Pr(y, theta)), y)
    assert analytic(y**2 * sp.exp(-(y - 1) ** 2 / 2), y)
    assert analytic(sp.Sum(sp.DiracDelta(y - Y[i]), (i, 1, I)) * sp.log(Pr(y, theta)), y)
    assert not analytic(sp.Abs(y) * q(y), y)  # a kink
    assert not analytic(sp.log(y) * q(y), y)  # a log's root
    assert not analytic(q(y) / (1 + y**2), y)  # a divisor that is no density
    assert not analytic(sp.sin(1000 * y) * q(y), y)  # an oscillation of unknown frequency
    assert not analytic(q(2 * y), y)  # a density of unknown scale in y
    assert analytic(q(y) * Pr(y, theta), y) and analytic(q(y) ** 2, y)
    assert not analytic(q(y) ** 100, y)  # ten times narrower than q's components
    assert not analytic(q(y) * p(y) * Pr(y, theta), y)


def test_a_high_power_of_a_density_is_split_at_its_means_and_integrated():
    # q^40 peaks at q's means with widths s/sqrt(40): resolved by the split rule
    expr = integral(q(y) ** 40)
    roles = num.read_roles([expr])
    inst = num.sample(roles, np.random.default_rng(5), 3, 0)
    values = num.evaluate(expr, inst, roles, None)
    for row in range(3):
        w, m, s = (a[row, :, 0] if a.ndim == 3 else a[row] for a in inst.mixtures[q])
        assert abs(values[row] - _power_integral(_mixture_pdf(w, m, s), m, s)) <= 1e-9 * values[row]


def _power_integral(pdf, means, scales) -> float:
    """The integral of pdf^40 by mpmath in 50 digits, split around every mean."""
    line = sorted({float(c + d * w) for c, w in zip(means, scales, strict=True)
                   for d in (-1, -0.3, 0, 0.3, 1)})
    with mpmath.workdps(50):
        return float(mpmath.quad(lambda t: pdf(t) ** 40, [-mpmath.inf, *line, mpmath.inf],
                                 maxdegree=10))


def test_a_gaussian_exponent_and_a_scaled_delta_give_their_widths():
    s, m = sp.Rational(3, 1000), sp.Rational(5, 2)
    (gaussian,) = features(sp.exp(-(y - m) ** 2 / (2 * s**2)), y)
    assert gaussian.kind == "gaussian" and gaussian.point == m and gaussian.width == s
    (delta,) = features(sp.DiracDelta(2 * (y - m)), y)
    assert delta.kind == "delta" and delta.point == m and delta.width == sp.Rational(1, 2)
    (kink,) = features(sp.Abs(y - m), y)
    assert kink.kind == "kink" and kink.width is None


def test_smooth_whole_line_integrals_agree_with_mpmath_to_the_quadrature_tolerance():
    expr = integral(q(y) * sp.log(p(y)))
    roles = num.read_roles([expr])
    inst = num.sample(roles, np.random.default_rng(4), 3, 0)
    values = num.evaluate(expr, inst, roles, None)
    for row in range(3):
        qw, qm, qs = (a[row, :, 0] if a.ndim == 3 else a[row] for a in inst.mixtures[q])
        pw, pm, ps = (a[row, :, 0] if a.ndim == 3 else a[row] for a in inst.mixtures[p])
        cuts = sorted(set(map(float, np.concatenate([qm, pm]))))
        exact = _cross_entropy(_mixture_pdf(qw, qm, qs), _mixture_pdf(pw, pm, ps), cuts)
        assert abs(values[row] - float(exact)) <= 1e-9 * abs(float(exact))


def test_most_smooth_instances_take_the_sinh_rule_and_the_rest_the_split_rule(monkeypatch):
    taken = {"sinh": 0, "split": 0}
    sinh, split = vector._sinh_integrate, vector._de_integrate

    def counted_sinh(env, *args):
        done = sinh(env, *args)
        taken["sinh"] += int(np.sum(done))
        return done

    def counted_split(env, var, axis, body, pieces, rows, *args):
        taken["split"] += len(rows)
        return split(env, var, axis, body, pieces, rows, *args)

    monkeypatch.setattr(vector, "_sinh_integrate", counted_sinh)
    monkeypatch.setattr(vector, "_de_integrate", counted_split)
    v = numeric(KL(q(y), p(y), y), integral(q(y) * sp.log(q(y))) - integral(q(y) * sp.log(p(y))))
    assert v.status is Numeric.PASSED and v.discarded == 0, v.detail
    assert taken["sinh"] >= 0.95 * (taken["sinh"] + taken["split"])
    taken.update(sinh=0, split=0)
    passes_kinked = numeric(integral(sp.Abs(y) * q(y)), integral(sp.Abs(y) * q(y)))
    assert passes_kinked.status is Numeric.PASSED and taken["sinh"] == 0 and taken["split"] > 0


@pytest.mark.parametrize("scale", ["0.001", "1000"])
def test_a_narrow_or_wide_gaussian_beside_another_integrates_to_both_masses(scale):
    s, m = sp.Float(scale), sp.Float(scale) * sp.Rational(5, 2)
    narrow = sp.exp(-(y - m) ** 2 / (2 * s**2)) / (sp.sqrt(2 * sp.pi) * s)
    broad = sp.exp(-y**2 / 2) / sp.sqrt(2 * sp.pi)
    assert numeric(integral(narrow + broad), sp.Integer(2)).status is Numeric.PASSED
    assert numeric(integral(narrow + broad), sp.Float("2.000001")).status \
        is Numeric.COUNTEREXAMPLE


def test_the_kl_divergence_of_a_density_to_itself_is_zero_and_to_another_positive():
    assert numeric(KL(q(y), q(y), y), sp.Integer(0)).status is Numeric.PASSED
    v = numeric(KL(q(y), p(y), y), sp.Integer(0), relation=Relation.GT)
    assert v.status is Numeric.PASSED, v.detail
    assert numeric(KL(q(y), p(y), y), sp.Integer(0)).status is Numeric.COUNTEREXAMPLE


# -- endpoint singularities, Beta densities ----------------------------------------------------


@pytest.mark.parametrize("a, b", [(800.5, 1200.25), (1000.0, 3.0), (0.6, 999.0), (2.5, 3.5)])
def test_beta_densities_with_large_parameters_are_densities_with_their_mean(a, b):
    a, b = sp.Float(a), sp.Float(b)
    pdf = y ** (a - 1) * (1 - y) ** (b - 1) / sp.beta(a, b)  # 1/B(800, 1200) is 1e580
    for integrand, value in ((pdf, 1), (y * pdf, a / (a + b))):
        v = numeric(sp.Integral(integrand, (y, 0, 1)), sp.sympify(value), instances=50)
        assert v.status is Numeric.PASSED and v.instances == 50, v.detail
    twin = numeric(sp.Integral(pdf, (y, 0, 1)), sp.Float("1.0001"), instances=50)
    assert twin.status is Numeric.COUNTEREXAMPLE


def test_a_beta_density_with_a_strong_endpoint_singularity_is_never_refuted():
    # a, b drawn down to 0.2: y^-0.8 at 0 holds mass no float rule reaches; those instances
    # disagree in float and are not confirmed, never a counterexample
    a, b = sp.symbols("a b", positive=True)
    pdf = y ** (a - 1) * (1 - y) ** (b - 1) / sp.beta(a, b)
    for seed in (1, 2):
        v = numeric(sp.Integral(pdf, (y, 0, 1)), sp.Integer(1), seed=seed, instances=300)
        assert v.status is Numeric.PASSED, v.detail
        twin = numeric(sp.Integral(pdf, (y, 0, 1)), 1 + a / 100, seed=seed, instances=300)
        assert twin.status is Numeric.COUNTEREXAMPLE


def test_an_integrable_singularity_on_a_bound_is_integrated():
    assert numeric(sp.Integral(1 / sp.sqrt(y), (y, 0, 1)), sp.Integer(2)).status \
        is Numeric.PASSED
    assert numeric(sp.Integral(1 / sp.sqrt(y), (y, 0, 1)), sp.Float("2.001")).status \
        is Numeric.COUNTEREXAMPLE


def test_gauss_kronrod_that_cannot_settle_an_integral_says_its_error_is_large():
    a = 0.2  # y^(a-1) on (0, 1]: the integral is 1/a = 5
    edges = quadrature.graded_edges((0.0, 1.0), np.array([0.0]))
    value, error, _ = quadrature.gauss_kronrod(
        lambda t: np.where(t > 0, t ** (a - 1), 0.0), edges, quadrature.line_transform("finite", 0, 1)[1])
    assert abs(value - 1 / a) <= error
    value, error, _ = quadrature.gauss_kronrod(
        lambda t: t**2, edges, quadrature.line_transform("finite", 0, 1)[1])
    assert abs(value - 1 / 3) < 1e-14 and error < 1e-12


# -- chunks and data sized to the step ----------------------------------------------------------


def test_data_arrays_are_as_long_as_their_indices_can_reach():
    assert num.read_roles([sp.Sum(Y[i], (i, 1, I))]).data_length == {Y.label: num.MAX_I}
    assert num.read_roles([sp.Sum(Y[i + 1], (i, 1, I))]).data_length == {Y.label: num.MAX_I + 1}
    assert num.read_roles([sp.Sum(Y[i], (i, 1, 20))]).data_length == {Y.label: 20}
    assert num.read_roles([sp.Sum(Y[2 * i], (i, 1, I))]).data_length == {Y.label: None}
    roles = num.read_roles([sp.Sum(Y[i], (i, 1, I))])
    assert num.sample(roles, np.random.default_rng(0), 5, 0).data[Y.label].shape == (5, num.MAX_I)


def test_light_steps_take_one_chunk_of_every_family_and_steps_with_integrals_small_chunks():
    nll = -sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I))
    light = checks.plan_for(ArgMin(nll / I, theta), ArgMin(nll, theta), Relation.EQUAL,
                            Claim.MINIMISERS)
    roles, _, is_light = checks.prepared(light)
    assert is_light and checks.chunk_size(is_light, 1000) == 1000
    heavy = checks.plan_for(integral(q(y) * sp.log(q(y))), integral(q(y) * sp.log(q(y))),
                            Relation.EQUAL, None)
    roles, _, is_light = checks.prepared(heavy)
    assert not is_light and checks.chunk_size(is_light, 1000) == num.CHUNK


def test_both_settings_of_an_order_check_in_one_chunk_are_the_two_settings():
    nll = -sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I))
    roles = num.read_roles([nll])
    rng = np.random.default_rng(2)
    a = num.sample(roles, rng, 7, 0)
    b = a.pick(np.arange(7))
    num.instances.draw_parameters(roles, b, rng, only=[theta])
    both = a.paired(b)
    assert both.n == 14
    values = num.evaluate(nll, both, roles, None)
    assert np.allclose(values[0::2], num.evaluate(nll, a, roles, None))
    assert np.allclose(values[1::2], num.evaluate(nll, b, roles, None))
    assert not np.allclose(values[0::2], values[1::2])


def test_what_both_sides_share_is_computed_once_with_the_same_values_and_scale(monkeypatch):
    cross = integral(q(y) * sp.log(p(y)))
    left, right = integral(q(y) * sp.log(q(y))) - cross, -cross  # 5.29b's two objectives
    roles = num.read_roles([left, right])
    inst = num.sample(roles, np.random.default_rng(6), 20, 0)
    sides = num.Sides(left, right, roles, {})
    alone = [vector.log_values_of(node, ndim, inst, None)
             for node, ndim in ((sides.left, sides.ndim_left), (sides.right, sides.ndim_right))]
    integrals = []
    sinh = vector._sinh_integrate
    monkeypatch.setattr(vector, "_sinh_integrate",
                        lambda env, *args: integrals.append(1) or sinh(env, *args))
    shared_left, shared_right, scale, _ = sides.pairs(inst)
    assert len(integrals) == 2  # the cross-entropy once, not once per side
    for shared, (pair, _) in zip((shared_left, shared_right), alone, strict=True):
        assert np.array_equal(shared[0], pair[0]) and np.array_equal(shared[1], pair[1])
    assert np.allclose(scale, alone[0][1] + alone[1][1], rtol=1e-15)
