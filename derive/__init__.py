"""derive: a symbolic derivation checker for the mathematics of machine learning.

Write a derivation as a textbook prints it, a chain of equations each justified by a named
rule; ``derive`` checks every step twice, symbolically and on random numeric instances.

The names below load on first use (PEP 562), so that importing one part of derive (the
kernel, say) loads nothing else.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "check": "derive.notebook", "check_derivation": "derive.checker",
    "StepResult": "derive.checker",
    "Definition": "derive.derivation", "Derivation": "derive.derivation",
    "Step": "derive.derivation",
    "CheckTimeout": "derive.guard", "Claim": "derive.kernel", "DeriveError": "derive.kernel",
    "Numeric": "derive.kernel", "Relation": "derive.kernel", "Status": "derive.kernel",
    "Symbolic": "derive.kernel", "Verdict": "derive.kernel",
    "KL": "derive.notation", "ArgMax": "derive.notation", "ArgMin": "derive.notation",
    "Delta": "derive.notation", "Expectation": "derive.notation",
    "NormalDensity": "derive.notation", "Variance": "derive.notation",
    "Covariance": "derive.notation", "data": "derive.notation",
    "density": "derive.notation", "mass_function": "derive.notation",
    "model": "derive.notation", "model_output": "derive.notation", "sig": "derive.notation",
    "Rule": "derive.rules", "registry": "derive.rules",
    "identity": "derive.identities",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'derive' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
