"""derive: a symbolic derivation checker for the mathematics of machine learning.

Write a derivation as a textbook prints it, a chain of equations each justified by a named
rule; ``derive`` checks every step twice, symbolically and on random numeric instances.
"""

from derive.checker import StepResult, check, check_derivation
from derive.derivation import Definition, Derivation, Step
from derive.kernel import (
                           CheckTimeout,
                           Claim,
                           DeriveError,
                           Numeric,
                           Relation,
                           Status,
                           Symbolic,
                           Verdict,
)
from derive.notation import KL, ArgMax, ArgMin, Delta, data, density, mass_function, model, model_output, sig
from derive.rules import Rule, registry

__version__ = "0.1.0"

__all__ = [
    "KL", "ArgMax", "ArgMin", "CheckTimeout", "Claim", "Definition", "Delta", "Derivation",
    "DeriveError", "Numeric", "Relation", "Rule", "Status", "Step", "StepResult", "Symbolic",
    "Verdict", "check", "check_derivation", "data", "density", "mass_function", "model", "model_output",
    "registry", "sig",
    "__version__",
]
