"""``python -m loader`` runs the ``cgkg`` command line."""

import sys

from loader.cli import main

sys.exit(main())
