"""`python -m kiln`: the Kiln command line."""

from kiln.cli import main

raise SystemExit(main())
