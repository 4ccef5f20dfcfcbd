"""The rule library: each rule a name, a LaTeX statement, side conditions and a proposer of
certificates, which the kernel checks.

Importing this package registers the built-in rules; ``registry()`` lists them.
"""

from derive.rules.algebra import (
    density_normalised,
    normal_density,
    sigmoid_definition,
    softmax_shift,
)
from derive.rules.base import (
    Context,
    Rule,
    RuleDoesNotApply,
    RulePackError,
    UnknownRule,
    lookup,
    registry,
    rule,
)
from derive.rules.calculus import (
    change_of_variable,
    change_variable,
    definite_integral,
    differentiate,
    fundamental_theorem,
    integration_by_parts,
)
from derive.rules.expectations import (
    expectation_algebra,
    expectation_as_integral,
    expectation_linearity,
    independence,
    variance_definition,
)
from derive.rules.identities import gaussian_log_density, log_softmax, log_sum_exp_shift
from derive.rules.optimisation import (
    argmax_to_argmin,
    drop_constant,
    drop_positive_factor,
    monotone_transform,
    rescale_objective,
)
from derive.rules.substitution import reparametrise, substitute
from derive.rules.values import (
    algebra,
    dirac_sifting,
    integral_linearity,
    kl_definition,
    log_of_exp,
    log_of_finite_product,
    log_of_product,
    sum_linearity,
    swap_sum_integral,
)

__all__ = [
    "Context", "Rule", "RuleDoesNotApply", "RulePackError", "UnknownRule", "algebra",
    "argmax_to_argmin", "change_of_variable", "change_variable", "definite_integral",
    "differentiate",
    "density_normalised", "dirac_sifting", "drop_constant", "drop_positive_factor", "expectation_algebra",
    "expectation_as_integral", "expectation_linearity", "fundamental_theorem",
    "gaussian_log_density", "independence", "integral_linearity", "integration_by_parts",
    "kl_definition", "log_of_exp", "log_of_finite_product", "log_of_product", "log_softmax",
    "log_sum_exp_shift", "lookup", "monotone_transform", "normal_density", "registry",
    "reparametrise", "rescale_objective", "rule", "sigmoid_definition", "softmax_shift",
    "substitute", "sum_linearity", "swap_sum_integral", "variance_definition",
]
