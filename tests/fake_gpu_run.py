"""Run the command line with a faked GPU and the fake lmdeploy pipeline, for tests that
must kill or interrupt a real process. FAKE_DIE_AFTER=K ends the process (os._exit) when
the K+1-th reply would arrive; FAKE_DELAY=S waits S seconds after each reply."""

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

import fake_lmdeploy  # noqa: E402
import generate_synthetic_data as gsd  # noqa: E402

die_after = os.environ.get("FAKE_DIE_AFTER")
# Each process is a fresh fake model; every reply is a good one, so that a resumed run
# must end with exactly the files of an uninterrupted one.
pipe = fake_lmdeploy.FakePipeline(
    kinds=lambda request: "good", die_after=int(die_after) if die_after else None,
    die_with="exit", delay=float(os.environ.get("FAKE_DELAY", "0")))


def factory(*args, **kwargs):
    inspect.signature(fake_lmdeploy.REAL_PIPELINE).bind(*args, **kwargs)
    return pipe


lmdeploy.pipeline = factory
sys.exit(gsd.main(sys.argv[1:]))
