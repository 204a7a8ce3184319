"""xmodal.fuse."""
