"""Regression losses and C-BBL: value + autograd backward, float32 on CPU (median of repeats)."""

from __future__ import annotations

import torch

from bench._timing import row, time_it
from lossviz import losses

N_RESIDUALS = 1_000_000
N_TARGETS = 65_536
N_BINS = 16


def _value_and_backward(fn, pred: torch.Tensor, target: torch.Tensor, **kwargs) -> None:
    p = pred.detach().requires_grad_(True)
    fn(p, target, reduction="sum", **kwargs).backward()


def run() -> list[dict]:
    gen = torch.Generator().manual_seed(0)
    pred = torch.randn(N_RESIDUALS, generator=gen) * 2
    target = torch.zeros(N_RESIDUALS)
    size = f"{N_RESIDUALS:,} float32"
    rows = []
    for name, fn, kwargs in [
        ("l1_loss", losses.l1_loss, {}),
        ("l2_loss", losses.l2_loss, {}),
        ("smooth_l1_loss", losses.smooth_l1_loss, {"beta": 1.0}),
        ("balanced_l1_loss", losses.balanced_l1_loss, {"alpha": 0.5, "gamma": 1.5, "beta": 1.0}),
    ]:
        timing = time_it(lambda fn=fn, kwargs=kwargs: _value_and_backward(fn, pred, target, **kwargs), repeat=7)
        rows.append(row("losses/regression", name, size, timing, "value + backward"))
    d = pred.double()
    timing = time_it(lambda: losses.balanced_l1_grad(d), repeat=7)
    rows.append(row("losses/regression", "balanced_l1_grad (closed form)", f"{N_RESIDUALS:,} float64", timing))

    grid = losses.cbbl_grid(N_BINS, 2.0, kind="exponential", dtype=torch.float32)
    t = torch.rand(N_TARGETS, generator=gen) * 4 - 2
    logits = torch.randn(N_TARGETS, N_BINS + 1, generator=gen)

    def cbbl() -> None:
        target_dist = losses.two_hot(t, grid)
        x = logits.detach().requires_grad_(True)
        loss = losses.cbbl_ce_loss(x, target_dist, reduction="sum") + losses.cbbl_uncertainty_loss(
            x, target_dist, reduction="sum"
        )
        loss.backward()

    timing = time_it(cbbl, repeat=7)
    rows.append(
        row(
            "losses/distribution",
            "C-BBL two_hot + CE + uncertainty",
            f"{N_TARGETS:,} x {N_BINS + 1} float32",
            timing,
            "value + backward",
        )
    )
    return rows
