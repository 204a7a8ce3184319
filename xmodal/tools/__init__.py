"""xmodal.tools."""
