"""Shared test settings: small thread count and a hypothesis profile for 2-core CI."""

import os

import torch
from hypothesis import settings

torch.set_num_threads(int(os.environ.get("XMODAL_TEST_THREADS", "2")))
settings.register_profile("xmodal", max_examples=10, deadline=None)
settings.load_profile("xmodal")
