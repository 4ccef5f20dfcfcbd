"""``python -m derive``: the command line, without the installed ``derive`` script."""

import sys

from derive.cli import main

sys.exit(main())
