"""Wrong twins of the log-sum-exp bounds, which ``derive`` must refute.

- ``twin_log_sum_exp_at_most_max``: the upper bound without its log K.
- ``twin_sum_at_most_max``: a sum of positive terms at most its largest term.
"""

import sympy as sp

from derive import Derivation, data
from derive.kernel import Maximum
from derive.rules import log_sum_exp_lower_bound, sum_and_max_term

k = sp.Symbol("k", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)
a = data("a")

log_sum_exp = sp.log(sp.Sum(sp.exp(a[k]), (k, 1, K)))

twin_log_sum_exp_at_most_max = Derivation(
    "twin_log_sum_exp_at_most_max", log_sum_exp,
    title="Wrong: log-sum-exp at most the largest argument")
twin_log_sum_exp_at_most_max.le(Maximum(a[k], (k, 1, K)), by=log_sum_exp_lower_bound,
                                label="1", expect="refuted")

twin_sum_at_most_max = Derivation(
    "twin_sum_at_most_max", sp.Sum(sp.exp(a[k]), (k, 1, K)),
    title="Wrong: a sum of positive terms at most its largest")
twin_sum_at_most_max.le(Maximum(sp.exp(a[k]), (k, 1, K)), by=sum_and_max_term, label="1",
                        expect="refuted")
