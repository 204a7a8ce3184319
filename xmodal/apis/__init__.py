"""xmodal.apis."""
