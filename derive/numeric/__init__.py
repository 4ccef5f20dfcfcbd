"""The numeric checker: random instances, evaluated with NumPy, confirmed with mpmath,
independent of the rules.

It never asks a rule what a step means. It evaluates both sides of a step on random
instances that respect the declared assumptions, with its own meaning for every notation:

- scalars by their assumptions (positive, negative, integer, real), and inside the domain
  the expressions imply where that can be read (log(sig*z), z > 0: sig > 0); a sum's
  symbolic bound a random integer, and data arrays random data (indexed once or twice);
- an abstract density ``q(z)`` a random Gaussian mixture; a conditional density
  ``Pr(y|theta)`` one of several concrete families (a Gaussian with learned mean AND
  variance among them: it is where wrong sifting shows); ``theta`` that family's parameters;
  given several conditions (``Pr(x_3|x_1, x_2)``), a Gaussian whose mean and scale are random
  functions of them;
- an abstract model ``f[x, phi]`` a random concrete model whose output is such parameters;
- sums and products over any bounds (SymPy's convention when the upper is below the lower;
  an infinite series summed until its tail is negligible); integrals over finite
  intervals, half lines or the whole line, bounds in either order, by quadrature with an
  error estimate: a smooth whole-line integrand by the trapezoid rule on a sinh-mapped line
  sized to the widths of its features, any other split where it has a feature and taken by
  adaptive double-exponential rules; ``KL`` by its definition;
- averages (E, Var, Cov) under an unstated law on a random discrete law of a few atoms,
  one per instance for every average of the step (a joint law; a product law for variables
  an ``Independent`` hypothesis declares independent), and under stated densities as the
  integral against them (``averages``);
- Dirac deltas as nascent deltas (Gaussians of width eps) at shrinking eps: the gap must
  shrink, and its Richardson extrapolation to eps = 0 must be under tolerance. SymPy's delta
  integration is never used (it is what ``dirac_sifting`` is checked against).

Each side is compiled once per check (``compile``; kept for the plans checked last), for the
float backend (``vector``) and, when a disagreement needs it, for the high-precision one
(``exact``). A step without integrals is evaluated in one chunk per family of conditional
densities; the two parameter settings of an order check in one paired chunk. Logs of products and of
densities are taken in log space. An instance where a side is undefined, or beyond float
range, is left out, and the verdict says where the step was checked. A float disagreement
refutes only once confirmed at the same instance in high precision; one that is not is
discarded and counted. Argmin steps are checked by order over random parameter pairs (ties
are ties), and by value where the rule claims the objectives are equal; bounds (<=, <, >=,
>) by their relation at every instance. Every instance comes from one seed; a
counterexample carries the seed and is shrunk.
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
from derive.numeric.instances import MAX_I, MAX_TERMS, Instances, Roles, read_roles, sample
from derive.numeric.vector import evaluate

__all__ = [
    "CHUNK", "DELTA_TOLERANCE", "EPSILONS", "FAMILIES", "MAX_I", "MAX_TERMS",
    "MODEL_SHAPES", "TOLERANCE", "Family", "Instances", "NotEvaluable", "Params",
    "Plan", "Roles", "Sides", "admissible", "check_density", "check_mass_function",
    "check_step", "evaluate", "read_roles", "relative_error", "sample",
]
