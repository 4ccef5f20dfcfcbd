"""``python -m derive``: the command line, without the installed ``derive`` script. A warm
``derive check`` is replayed from the run cache (``derive.warm``) before anything heavy loads."""

import sys

from derive.warm import main

sys.exit(main())
