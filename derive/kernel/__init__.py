"""The trusted core: it decides every verdict. Everything outside this package proposes.

A rule proposes certificates (a schema's instance at a position under a binding, an affine
change of an argmin's objective, a monotone transform, a definition applied, ...); the
kernel interprets them on the line before, computes every side condition itself, and
compares the line it reaches with the line written. Its parts, each one thing:

- ``objects``: the mathematical objects it reasons about (argmin, KL, densities, ...);
- ``terms``: positions, binders, capture-avoiding substitution, alpha-equivalence;
- ``equality``: when two expressions are equal (never evaluating integrals or deltas);
- ``conditions``: the side-condition kinds it decides, three-valued;
- ``schemas``: laws with pattern variables and their instances;
- ``axioms``: the table of laws it takes as given;
- ``certificates``: the closed set of certificates, and the judgement of a step;
- ``verdicts``: what a check concludes, and how the two halves combine.

The kernel is a leaf: it imports the standard library and SymPy, nothing else of derive.
"""

from derive.kernel.axioms import AXIOMS
from derive.kernel.certificates import (
    INCREASING,
    Affine,
    Algebra,
    Certificate,
    CertificateError,
    Define,
    Flip,
    Monotone,
    Reparametrise,
    Rewrite,
    advance,
    compose,
    defined_function,
    fingerprint,
    implies,
    judge,
    judge_definition,
    rewrite,
    unfold,
)
from derive.kernel.conditions import (
    Condition,
    ConditionResult,
    check,
    continuous,
    density,
    equal,
    finite,
    free_of,
    independent,
    integer,
    integrable,
    nonnegative,
    nonzero,
    positive,
    real,
    sign,
)
from derive.kernel.equality import canonical, cheaply, difference_is_zero, equal_values
from derive.kernel.schemas import Schema, SchemaError, admit, instance, make_schema
from derive.kernel.terms import Path, alpha_equal, at, instantiate, refuse_look_alikes, replace_at
from derive.kernel.verdicts import (
    DEFAULT_INSTANCES,
    DEFAULT_SEED,
    CheckTimeout,
    Claim,
    DeriveError,
    LookAlikeSymbols,
    Message,
    Numeric,
    NumericVerdict,
    Relation,
    Status,
    Symbolic,
    SymbolicVerdict,
    Verdict,
    as_expression,
    decide,
    say,
    set_time_limit,
    time_limit,
)

__all__ = [
    "AXIOMS", "Affine", "Algebra", "Certificate", "CertificateError", "CheckTimeout", "Claim",
    "Condition", "ConditionResult", "DEFAULT_INSTANCES", "DEFAULT_SEED", "Define",
    "DeriveError", "Flip", "INCREASING", "LookAlikeSymbols", "Message", "Monotone", "Numeric",
    "NumericVerdict", "Path", "Relation", "Reparametrise", "Rewrite", "Schema", "SchemaError",
    "Status", "Symbolic", "SymbolicVerdict", "Verdict", "admit", "advance", "alpha_equal",
    "as_expression", "at", "canonical", "check", "cheaply", "compose", "continuous", "decide",
    "defined_function", "density", "difference_is_zero", "equal", "equal_values", "finite",
    "fingerprint", "free_of", "implies", "independent", "instance", "instantiate", "integer",
    "integrable", "judge", "judge_definition", "make_schema", "nonnegative", "nonzero",
    "positive", "real", "refuse_look_alikes", "replace_at", "rewrite", "say",
    "set_time_limit", "sign", "time_limit", "unfold",
]
