"""`python -m decisionaid`: the same entry point as the `decisionaid` command."""

import sys

from decisionaid.cli import main

sys.exit(main())
