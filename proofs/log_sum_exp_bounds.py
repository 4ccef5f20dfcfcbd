"""The log-sum-exp bounds: max_k a_k <= log sum_k e^{a_k} <= max_k a_k + log K.

Source: the standard bounds of the soft maximum (for example Boyd and Vandenberghe,
*Convex Optimization*, section 3.1.5); the log-sum-exp of the softmax in UDL (Prince),
section 5.5.

Main statements
- ``log_sum_exp_at_least_max``: a sum of the positive terms e^{a_k} is at least the largest,
  and exp commutes with max.
- ``log_sum_exp_at_most_max_plus_log_count``: the sum is at most K times its largest term.
- ``named_lower_bound``, ``named_upper_bound``: the same bounds by the named inequalities.

Implementation details
``Maximum(a[k], (k, 1, K))`` is max_k a_k; its index is bound, like a sum's. Wrong twins live
in ``log_sum_exp_bounds_twins.py``: each must be REFUTED.
"""

import sympy as sp

from derive import Derivation, data
from derive.kernel import Maximum
from derive.rules import (
    log_of_product,
    log_sum_exp_lower_bound,
    log_sum_exp_upper_bound,
    max_of_exp,
    sum_and_max_term,
)

k = sp.Symbol("k", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)  # the number of arguments
a = data("a")

log_sum_exp = sp.log(sp.Sum(sp.exp(a[k]), (k, 1, K)))
largest = Maximum(a[k], (k, 1, K))
largest_exp = Maximum(sp.exp(a[k]), (k, 1, K))

log_sum_exp_at_least_max = Derivation(
    "log_sum_exp_at_least_max", log_sum_exp,
    title="log-sum-exp is at least the largest argument",
    source="Boyd and Vandenberghe, Convex Optimization, section 3.1.5")
(log_sum_exp_at_least_max
 .ge(sp.log(largest_exp), by=sum_and_max_term, label="1",
     note="a sum of positive terms is at least its largest; log is increasing")
 .eq(largest, by=max_of_exp, label="2"))

log_sum_exp_at_most_max_plus_log_count = Derivation(
    "log_sum_exp_at_most_max_plus_log_count", log_sum_exp,
    title="log-sum-exp is at most the largest argument plus log K",
    source="Boyd and Vandenberghe, Convex Optimization, section 3.1.5")
(log_sum_exp_at_most_max_plus_log_count
 .le(sp.log(K * largest_exp), by=sum_and_max_term, label="1",
     note="each of the K terms is at most the largest")
 .eq(sp.log(K) + sp.log(largest_exp), by=log_of_product, label="2")
 .eq(sp.log(K) + largest, by=max_of_exp, label="3"))

named_lower_bound = Derivation(
    "named_lower_bound", largest, title="max_k a_k <= log-sum-exp, the named inequality")
named_lower_bound.le(log_sum_exp, by=log_sum_exp_lower_bound, label="1")

named_upper_bound = Derivation(
    "named_upper_bound", log_sum_exp, title="log-sum-exp <= max_k a_k + log K, the named "
    "inequality")
named_upper_bound.le(largest + sp.log(K), by=log_sum_exp_upper_bound, label="1")
