"""Command-line tools: ``python -m xmodal.tools.train`` / ``test`` (also run by ``mim``)."""
