"""The library's own identities: log-sum-exp shift, log of a softmax, Gaussian log-density.

Each is written as the equation it is (``derive.identities.identity``) and checks itself,
symbolically and numerically, on its first use (``check=False`` only defers the check, so
that importing the library stays fast; the test suite checks every one of them eagerly).
"""

from __future__ import annotations

import sympy as sp

from derive.identities import identity
from derive.notation import data

_k = sp.Symbol("k", integer=True)
_K = sp.Symbol("K", integer=True, positive=True)
_j = sp.Symbol("j", integer=True, positive=True)
_c = sp.Symbol("c", real=True)
_z = data("z")
_y, _mu = sp.symbols("y mu", real=True)
_sigma = sp.Symbol("sigma", positive=True)

log_sum_exp_shift = identity(
    "log_sum_exp_shift",
    sp.log(sp.Sum(sp.exp(_z[_k] + _c), (_k, 1, _K))),
    _c + sp.log(sp.Sum(sp.exp(_z[_k]), (_k, 1, _K))),
    summary="shifting every argument of log-sum-exp by c shifts its value by c",
    aliases=("log-sum-exp shift", "logsumexp_shift"), check=False)

log_softmax = identity(
    "log_softmax",
    sp.log(sp.exp(_z[_j]) / sp.Sum(sp.exp(_z[_k]), (_k, 1, _K))),
    _z[_j] - sp.log(sp.Sum(sp.exp(_z[_k]), (_k, 1, _K))),
    summary="the log of a softmax: the chosen argument minus log-sum-exp",
    aliases=("log of a softmax",), check=False)

gaussian_log_density = identity(
    "gaussian_log_density",
    sp.log(sp.exp(-(_y - _mu) ** 2 / (2 * _sigma ** 2)) / sp.sqrt(2 * sp.pi * _sigma ** 2)),
    -sp.log(2 * sp.pi * _sigma ** 2) / 2 - (_y - _mu) ** 2 / (2 * _sigma ** 2),
    summary="the expansion of the log of a normal density",
    aliases=("log of a normal density",), check=False)

__all__ = ["gaussian_log_density", "log_softmax", "log_sum_exp_shift"]
