"""xmodal.ops."""
