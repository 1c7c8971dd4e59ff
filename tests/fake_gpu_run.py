"""Run the command line with a faked GPU and the fake pipeline, for tests that must kill
or interrupt a real process. FAKE_DIE_AFTER=K ends the process (os._exit) when the K+1-th
reply would arrive; FAKE_DELAY=S waits S seconds after each reply."""

import inspect
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import torch  # noqa: E402

torch.cuda.is_available = lambda: True  # the hardware is faked, not the engine's classes
torch.cuda.device_count = lambda: 1

import lmdeploy  # noqa: E402

import fakes  # noqa: E402
import generate_synthetic_data as gsd  # noqa: E402

die_after = os.environ.get("FAKE_DIE_AFTER")
# Each process is a fresh fake model: "bad_then_good" would fail again under a new seed in
# the resumed process, so here those prompts simply succeed.
pipe = fakes.FakePipeline(
    kinds=lambda m: "good" if fakes.behaviour(m) == "bad_then_good" else fakes.behaviour(m),
    die_after=int(die_after) if die_after else None, die_with="exit",
    delay=float(os.environ.get("FAKE_DELAY", "0")))


def factory(*args, **kwargs):
    inspect.signature(fakes.REAL_PIPELINE).bind(*args, **kwargs)
    return pipe


lmdeploy.pipeline = factory
sys.exit(gsd.main(sys.argv[1:]))
