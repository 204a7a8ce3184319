"""Entry point that ``mim train xmodal CONFIG`` runs (openmim looks for .mim/tools/train.py)."""

import sys

from xmodal.tools.train import main

if __name__ == "__main__":
    main(sys.argv[1:])
