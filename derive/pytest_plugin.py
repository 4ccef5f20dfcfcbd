"""The pytest plugin under its old name, for installs made before it moved out of the package.

The plugin is the top-level module ``derive_pytest_plugin`` (so that a pytest run without
proofs does not import derive). An editable install made before the move still names this
module in its ``pytest11`` entry point until it is reinstalled (``pip install -e .``); through
here it loads the same plugin, at the old price of importing the ``derive`` package.
"""

from derive_pytest_plugin import *  # noqa: F403  (every hook and class, by name)
