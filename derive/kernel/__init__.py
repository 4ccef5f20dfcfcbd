"""The trusted core: it decides every verdict. Everything outside this package proposes.

A rule proposes certificates (a schema's instance at a position under a binding, an affine
change of an argmin's objective, a monotone transform, a definition applied, ...); the
kernel interprets them on the line before, computes every side condition itself, and
compares the line it reaches with the line written. Its parts, each one thing:

- ``objects``: the mathematical objects it reasons about (argmin, KL, densities, ...);
- ``terms``: positions, binders, capture-avoiding substitution, alpha-equivalence;
- ``equality``: when two expressions are equal (never evaluating integrals or deltas);
- ``signs`` and ``conditions``: the side-condition kinds it decides, three-valued;
- ``schemas``: laws with pattern variables and their instances;
- ``axioms``: the table of laws it takes as given;
- ``certificates``: the closed set of certificates, and the judgement of a step;
- ``verdicts``: what a check concludes, and how the two halves combine.

The kernel is a leaf: it imports the standard library and SymPy, nothing else of derive.
"""

from derive.kernel import axioms, certificates, conditions, equality, objects, schemas, signs, terms, verdicts
from derive.kernel.axioms import *  # noqa: F403
from derive.kernel.certificates import *  # noqa: F403
from derive.kernel.conditions import *  # noqa: F403
from derive.kernel.equality import *  # noqa: F403
from derive.kernel.objects import *  # noqa: F403
from derive.kernel.schemas import *  # noqa: F403
from derive.kernel.signs import *  # noqa: F403
from derive.kernel.terms import *  # noqa: F403
from derive.kernel.verdicts import *  # noqa: F403

__all__ = [name for module in (axioms, certificates, conditions, equality, objects, schemas,
                               signs, terms, verdicts) for name in module.__all__]
