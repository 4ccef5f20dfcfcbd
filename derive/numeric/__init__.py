"""The numeric checker: random instances, evaluated with NumPy, independent of the rules.

It never asks a rule what a step means. It evaluates both sides of a step on random
instances that respect the declared assumptions, with its own meaning for every notation:

- scalars by their assumptions (positive, integer, real); a sum's symbolic bound a random
  integer, and data arrays random data of that length;
- an abstract density ``q(z)`` a random Gaussian mixture; a conditional density
  ``Pr(y|theta)`` one of several concrete families (a Gaussian with learned mean AND
  variance among them: it is where wrong sifting shows); ``theta`` that family's parameters;
- an abstract model ``f[x, phi]`` a random concrete model whose output is such parameters;
- integrals by quadrature on a fine uniform grid; ``KL`` by its definition;
- Dirac deltas as nascent deltas (Gaussians of width eps) at shrinking eps: the gap must
  shrink, and its Richardson extrapolation to eps = 0 must be under tolerance. SymPy's delta
  integration is never used (it is what ``dirac_sifting`` is checked against).

Argmin steps are checked by order: for random pairs of parameters (a, b), the sign of
F(a) - F(b) must be that of G(a) - G(b); where the rule claims equal objectives, the values.
Every instance comes from one seed; a counterexample carries the seed and is shrunk.

Arrays: axis 0 runs over instances; each bound variable (integral, sum) opened while
evaluating takes the next axis, so every value broadcasts against every other.
"""

from derive.numeric.checks import (
    CHUNK,
    DELTA_TOLERANCE,
    EPSILONS,
    TOLERANCE,
    Plan,
    Sides,
    admissible,
    check_density,
    check_mass_function,
    check_step,
    relative_error,
)
from derive.numeric.concrete import FAMILIES, MODEL_SHAPES, Family, NotEvaluable, Params
from derive.numeric.evaluate import HALF_WIDTH, Evaluator, evaluate
from derive.numeric.instances import MAX_I, MAX_TERMS, Instances, Roles, read_roles, sample

__all__ = [
    "CHUNK", "DELTA_TOLERANCE", "EPSILONS", "FAMILIES", "HALF_WIDTH", "MAX_I", "MAX_TERMS",
    "MODEL_SHAPES", "TOLERANCE", "Evaluator", "Family", "Instances", "NotEvaluable", "Params",
    "Plan", "Roles", "Sides", "admissible", "check_density", "check_mass_function",
    "check_step", "evaluate", "read_roles", "relative_error", "sample",
]
