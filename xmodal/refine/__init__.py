"""xmodal.refine."""
