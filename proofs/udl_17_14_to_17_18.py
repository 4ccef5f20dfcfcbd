"""The evidence lower bound of a variational autoencoder.

Source: Simon J. D. Prince, *Understanding Deep Learning* (MIT Press, 2023), section 17.3,
equations 17.14-17.18.

Main statements
- ``evidence_lower_bound`` (17.14-17.16): log Pr(x|phi) >= ELBO[theta, phi], by Jensen's
  inequality for the concave log, against the density q(z|theta).
- ``elbo_as_evidence_minus_kl`` (17.17): ELBO = log Pr(x|phi) - D_KL[q(z|theta)||Pr(z|x, phi)],
  so the bound is tight where q is the posterior.
- ``elbo_as_reconstruction_minus_kl`` (17.18): ELBO = the expected log likelihood minus
  D_KL[q(z|theta)||Pr(z)], for a prior Pr(z) free of phi (declared: Independent(z, phi)).

Implementation details
``Pr`` is one joint law of x and z given phi: ``Pr(Tuple(x, z), phi)`` is Pr(x, z|phi),
``Pr(z, x, phi)`` is Pr(z|x, phi). The book writes q(z) in 17.14-17.15 and names its
parameters theta in 17.16; here it is q(z|theta) throughout, so that 17.16 names the line
17.15 reached. Each line of the book is a line here; where the book splits a log and an
integral in one line, the log is split first (17.17c, 17.18c) and the integral after. Wrong
twins live in ``udl_17_14_to_17_18_twins.py``: each must be REFUTED.
"""

import sympy as sp

from derive import KL, Derivation, density
from derive.kernel import Independent
from derive.rules import (
    algebra,
    density_integrates_to_one,
    drop_independent_condition,
    fold,
    integral_linearity,
    jensen,
    kl_from_integral,
    marginalisation,
    product_rule,
    split_integral,
    substitute,
)

x, z = sp.symbols("x z", real=True)
theta, phi = sp.symbols("theta phi", real=True)
Pr = density("Pr", conditional=True)  # the joint law of x and z, given phi
q = density("q", conditional=True)  # the variational density of z, given theta
ELBO = sp.Function("ELBO")

oo = sp.oo


def integral(integrand):
    return sp.Integral(integrand, (z, -oo, oo))


joint = Pr(sp.Tuple(x, z), phi)  # Pr(x, z|phi)
posterior = Pr(z, x, phi)  # Pr(z|x, phi)
likelihood = Pr(x, z, phi)  # Pr(x|z, phi)
evidence = Pr(x, phi)  # Pr(x|phi)
q_z = q(z, theta)
elbo_integral = integral(q_z * sp.log(joint / q_z))


# 17.14-17.16: the log evidence is at least the ELBO.
evidence_lower_bound = Derivation(
    "evidence_lower_bound", sp.log(evidence),
    title="The log evidence is at least the evidence lower bound",
    source="Prince, Understanding Deep Learning, eqs. 17.14-17.16")
(evidence_lower_bound
 .eq(sp.log(integral(joint)), by=marginalisation, label="17.14a")
 .eq(sp.log(integral(sp.Mul(q_z, joint / q_z, evaluate=False))), by=algebra, label="17.14b",
     note="multiply and divide by q(z|theta) > 0")
 .ge(elbo_integral, by=jensen, label="17.15",
     note="Jensen's inequality: the log is concave, q(z|theta) a density"))
elbo_definition = evidence_lower_bound.let(ELBO(theta, phi), elbo_integral, label="17.16")
evidence_lower_bound.define(ELBO(theta, phi), by=fold(elbo_definition), label="17.16b")


# 17.17: the ELBO is the log evidence minus the KL divergence to the posterior.
elbo_as_evidence_minus_kl = Derivation(
    "elbo_as_evidence_minus_kl", ELBO(theta, phi),
    title="The ELBO is the log evidence minus the KL divergence to the posterior",
    source="Prince, Understanding Deep Learning, eq. 17.17")
elbo_as_evidence_minus_kl.let(ELBO(theta, phi), elbo_integral, label="17.16")
(elbo_as_evidence_minus_kl
 .define(elbo_integral, by=substitute(elbo_definition), label="17.17a")
 .eq(integral(q_z * sp.log(posterior * evidence / q_z)), by=product_rule, label="17.17b")
 .eq(integral(q_z * sp.log(evidence) + q_z * sp.log(posterior / q_z)), by=algebra,
     label="17.17c")
 .eq(integral(q_z * sp.log(evidence)) + integral(q_z * sp.log(posterior / q_z)),
     by=split_integral, label="17.17d")
 .eq(sp.log(evidence) + integral(q_z * sp.log(posterior / q_z)),
     by=[integral_linearity, density_integrates_to_one], label="17.17e")
 .eq(sp.log(evidence) - KL(q_z, posterior, z), by=kl_from_integral, label="17.17f"))


# 17.18: the ELBO is the expected log likelihood minus the KL divergence to the prior.
elbo_as_reconstruction_minus_kl = Derivation(
    "elbo_as_reconstruction_minus_kl", ELBO(theta, phi),
    title="The ELBO is a reconstruction term minus the KL divergence to the prior",
    source="Prince, Understanding Deep Learning, eq. 17.18")
elbo_as_reconstruction_minus_kl.let(ELBO(theta, phi), elbo_integral, label="17.16")
(elbo_as_reconstruction_minus_kl
 .define(elbo_integral, by=substitute(elbo_definition), label="17.18a")
 .eq(integral(q_z * sp.log(likelihood * Pr(z, phi) / q_z)), by=product_rule, label="17.18b")
 .eq(integral(q_z * sp.log(likelihood * Pr(z) / q_z)), by=drop_independent_condition,
     label="17.18c", hypotheses=[Independent(z, phi)],
     note="the prior Pr(z) has no parameters: z is declared independent of phi")
 .eq(integral(q_z * sp.log(likelihood) + q_z * sp.log(Pr(z) / q_z)), by=algebra,
     label="17.18d")
 .eq(integral(q_z * sp.log(likelihood)) + integral(q_z * sp.log(Pr(z) / q_z)),
     by=split_integral, label="17.18e")
 .eq(integral(q_z * sp.log(likelihood)) - KL(q_z, Pr(z), z), by=kl_from_integral,
     label="17.18f"))
