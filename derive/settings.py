"""The numeric check's defaults: the seed its random instances are drawn from, and how many.
A leaf: it imports nothing of derive."""

DEFAULT_SEED = 20231205
DEFAULT_INSTANCES = 1000
