"""The trusted core (being restructured: see core.py)."""

from derive.kernel.core import *  # noqa: F401,F403
from derive.kernel.core import (  # noqa: F401
    _limit_seconds,
)
