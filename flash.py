#!/usr/bin/env python3
"""flash.py: `python flash.py ARGS` is `kiln flash ARGS` (see `python flash.py --help`)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kiln.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["flash", *sys.argv[1:]]))
