"""The kernel's schema table, continued: calculus, expectations, and the algebra of
logs, exponentials and densities.

Trusted, like derive/kernel/axioms.py: each law a textbook fact stated with every side
condition it needs, each checked on random instances (with a wrong twin) by the tests.
"""

from __future__ import annotations


def laws() -> list:
    return []
