"""Argmin steps closed by one affine change the rule computes (the ratio of the derivatives of
the two objectives), which the kernel checks: several constants and factors dropped at once,
and the twins that drop something depending on the variable."""

import sympy as sp
from helpers import I, Pr, Y, i, one_step, theta
from test_rules_core import assert_refuted, assert_unproven, assert_verified

from derive import ArgMax, ArgMin, NormalDensity, Status, data, model
from derive.kernel import Affine
from derive.rules import drop_positive_factor, normal_density, rescale_objective
from derive.rules.optimisation import affine_change, scale_between

phi = sp.Symbol("phi", real=True)
sigma = sp.Symbol("sigma", positive=True)
f = model("f")
X = data("x")


def gaussian_nll():
    g = sp.exp(-(Y[i] - f(X[i], phi)) ** 2 / (2 * sigma ** 2)) / sp.sqrt(2 * sp.pi * sigma ** 2)
    return ArgMin(-sp.Sum(sp.log(g), (i, 1, I)), phi)


def least_squares():
    return ArgMin(sp.Sum((Y[i] - f(X[i], phi)) ** 2, (i, 1, I)), phi)


def test_the_gaussian_nll_is_least_squares_in_one_line():
    r = one_step(gaussian_nll(), least_squares(), rescale_objective)
    assert_verified(r)
    (certificate,) = r.certificates
    assert isinstance(certificate, Affine)
    assert sp.simplify(certificate.scale - 1 / (2 * sigma ** 2)) == 0


def test_the_nll_of_a_normal_density_object_is_least_squares():
    nll = ArgMin(-sp.Sum(sp.log(NormalDensity(Y[i], f(X[i], phi), sigma ** 2)), (i, 1, I)), phi)
    assert_verified(one_step(nll, least_squares(), [normal_density, rescale_objective]))


def test_an_argmin_step_that_drops_a_factor_depending_on_the_variable_is_refused():
    r = one_step(ArgMin(phi ** 2 * (phi - 1) ** 2, phi), ArgMin((phi - 1) ** 2, phi),
                 rescale_objective)
    assert_refuted(r)
    assert "depends on phi" in r.verdict.symbolic.detail


def test_a_negative_factor_is_refused():
    r = one_step(ArgMin(-(phi - 1) ** 2 / 2 + 3, phi), ArgMin((phi - 1) ** 2, phi),
                 rescale_objective)
    assert r.verdict.status is not Status.VERIFIED
    assert "> 0" in r.verdict.symbolic.detail


def test_a_factor_of_unknown_sign_says_what_to_declare():
    c = sp.Symbol("c", real=True)
    r = one_step(ArgMin(c * (phi - 1) ** 2 + 1, phi), ArgMin((phi - 1) ** 2, phi),
                 rescale_objective)
    assert "declare c positive" in r.verdict.symbolic.detail
    assert_refuted(r)  # and the numbers find a c < 0, where the minimiser is not kept


def test_equal_objectives_are_left_to_a_rule_that_says_why():
    r = one_step(ArgMin((phi - 1) ** 2, phi), ArgMin(phi ** 2 - 2 * phi + 1, phi),
                 rescale_objective)
    assert_unproven(r, "nothing is dropped")


def test_the_scale_is_the_ratio_of_the_derivatives():
    nll, squares = gaussian_nll().objective, least_squares().objective
    assert sp.simplify(scale_between(nll, squares, (phi,)) - 1 / (2 * sigma ** 2)) == 0
    # objectives that depend on the variable through different functions: the plain
    # quotient, so that the kernel can say what it depends on
    other = sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I))
    assert scale_between(squares, other, (phi, theta)).has(phi)


def test_argmax_steps_too():
    likelihood = ArgMax(3 * sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I)) + 7, theta)
    target = ArgMax(sp.Sum(sp.log(Pr(Y[i], theta)), (i, 1, I)), theta)
    change = affine_change(likelihood, target)
    assert change.scale == 3 and change.offset == 7
    assert_verified(one_step(likelihood, target, rescale_objective))


def test_drop_positive_factor_uses_the_same_scale():
    r = one_step(ArgMin(sp.Sum((Y[i] - f(X[i], phi)) ** 2, (i, 1, I)) / (2 * sigma ** 2), phi),
                 least_squares(), drop_positive_factor)
    assert_verified(r)
