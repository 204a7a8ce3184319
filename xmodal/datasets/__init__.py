"""xmodal.datasets."""
