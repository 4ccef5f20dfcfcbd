"""The rule library: each rule a name, a LaTeX statement, side conditions and a proposer of
certificates, which the kernel checks.

Importing this package registers the built-in rules; ``registry()`` lists them.
"""

from derive.rules.algebra import (
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
from derive.rules.bounds import (
    cauchy_schwarz,
    drop_nonnegative_term,
    exp_bound,
    gibbs,
    jensen,
    log_bound,
    log_sum_exp_lower_bound,
    log_sum_exp_upper_bound,
    max_of_exp,
    sum_and_max_term,
    termwise_bound,
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
from derive.rules.probability import (
    bayes_rule,
    density_integrates_to_one,
    drop_independent_condition,
    kl_from_integral,
    marginalisation,
    product_rule,
    split_integral,
)
from derive.rules.substitution import fold, reparametrise, substitute
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
    "argmax_to_argmin", "bayes_rule", "cauchy_schwarz", "change_of_variable", "change_variable",
    "definite_integral", "density_integrates_to_one", "differentiate",
    "dirac_sifting", "drop_constant", "drop_independent_condition", "drop_nonnegative_term",
    "drop_positive_factor", "exp_bound", "expectation_algebra", "expectation_as_integral",
    "expectation_linearity", "fold", "fundamental_theorem", "gaussian_log_density", "gibbs",
    "independence", "integral_linearity", "integration_by_parts", "jensen", "kl_definition",
    "kl_from_integral", "log_bound", "log_of_exp", "log_of_finite_product", "log_of_product",
    "log_softmax", "log_sum_exp_lower_bound", "log_sum_exp_shift", "log_sum_exp_upper_bound",
    "lookup", "marginalisation", "max_of_exp", "monotone_transform", "normal_density",
    "product_rule", "registry", "reparametrise", "rescale_objective", "rule", "sigmoid_definition",
    "softmax_shift", "split_integral", "substitute", "sum_and_max_term", "sum_linearity",
    "swap_sum_integral", "termwise_bound", "variance_definition",
]
