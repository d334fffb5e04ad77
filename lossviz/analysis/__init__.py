"""Arrays and dataclasses computed with the loss core, for the figures and pages."""

from __future__ import annotations

import functools
import os

__all__ = ["configure_threads"]


@functools.cache
def configure_threads() -> int:
    """Give torch one intra-op thread per process unless ``OMP_NUM_THREADS`` says otherwise; returns the count.

    A server runs every session's computation in one process, one script thread each: the sessions are the
    parallelism. torch's default (a thread per core) makes each small computation split itself over the cores
    and spin-wait, so on this 2-core machine one session used 2.2x the CPU per rerun (22 vs 9 ms for the
    Regression page's curves and gradient balance) and ten concurrent ones ~8 % more, for no faster result.
    Called once per process (the shell's first run); the count is global to the process.
    """
    import torch

    wanted = int(os.environ.get("OMP_NUM_THREADS") or 1)
    if torch.get_num_threads() != wanted:
        torch.set_num_threads(wanted)
    return torch.get_num_threads()
