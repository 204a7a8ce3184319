"""xmodal.models."""
