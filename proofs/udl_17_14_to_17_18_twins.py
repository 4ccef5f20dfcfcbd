"""Wrong twins of UDL 17.14-17.18: plausible mistakes in the evidence lower bound that
``derive`` must refute.

Each derivation here starts from a correct line of ``udl_17_14_to_17_18.py`` and takes one
wrong step, marked ``expect="refuted"``: it passes only while it is REFUTED with a
counterexample.

- ``twin_jensen_turned_around``: Jensen's step 17.15 with <= instead of >=.
- ``twin_elbo_kl_added``: 17.17 with the KL divergence added instead of subtracted.
- ``twin_prior_kl_added``: 17.18 with the KL divergence to the prior added.
- ``twin_product_rule_divided``: the product rule confused with the definition of a
  conditional density, Pr(x, z|phi) = Pr(z|x, phi) / Pr(x|phi).
"""

import sympy as sp

from derive import KL, Derivation, density
from derive.rules import jensen, kl_from_integral, product_rule

x, z = sp.symbols("x z", real=True)
theta, phi = sp.symbols("theta phi", real=True)
Pr = density("Pr", conditional=True)
q = density("q", conditional=True)
oo = sp.oo


def integral(integrand):
    return sp.Integral(integrand, (z, -oo, oo))


joint = Pr(sp.Tuple(x, z), phi)
q_z = q(z, theta)

twin_jensen_turned_around = Derivation(
    "twin_jensen_turned_around", sp.log(integral(sp.Mul(q_z, joint / q_z, evaluate=False))),
    title="Wrong: Jensen's inequality for the log turned around")
twin_jensen_turned_around.le(integral(q_z * sp.log(joint / q_z)), by=jensen, label="17.15",
                             expect="refuted")

twin_elbo_kl_added = Derivation(
    "twin_elbo_kl_added",
    sp.log(Pr(x, phi)) + integral(q_z * sp.log(Pr(z, x, phi) / q_z)),
    title="Wrong: the ELBO as the log evidence plus the KL divergence")
twin_elbo_kl_added.eq(sp.log(Pr(x, phi)) + KL(q_z, Pr(z, x, phi), z), by=kl_from_integral,
                      label="17.17f", expect="refuted")

twin_prior_kl_added = Derivation(
    "twin_prior_kl_added",
    integral(q_z * sp.log(Pr(x, z, phi))) + integral(q_z * sp.log(Pr(z) / q_z)),
    title="Wrong: the ELBO as reconstruction plus the KL divergence to the prior")
twin_prior_kl_added.eq(integral(q_z * sp.log(Pr(x, z, phi))) + KL(q_z, Pr(z), z),
                       by=kl_from_integral, label="17.18f", expect="refuted")

twin_product_rule_divided = Derivation(
    "twin_product_rule_divided", integral(q_z * sp.log(joint / q_z)),
    title="Wrong: the joint density as the conditional divided by the marginal")
twin_product_rule_divided.eq(integral(q_z * sp.log(Pr(z, x, phi) / (Pr(x, phi) * q_z))),
                             by=product_rule, label="17.17b", expect="refuted")
