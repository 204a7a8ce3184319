"""Entry point that ``mim test xmodal CONFIG`` runs (openmim looks for .mim/tools/test.py)."""

import sys

from xmodal.tools.test import main

if __name__ == "__main__":
    main(sys.argv[1:])
