"""xmodal.align."""
