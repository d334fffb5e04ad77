"""Classification losses on CPU (median of repeats): focal value + gradient on 1,000,000 logits (autograd and the
closed form), class-balanced loss in its three variants, GHM-C on 1,000,000 logits, GHM-R, and AP-loss with its
error-driven update (O(P x N): 1,024 and 4,096 anchors).
"""

from __future__ import annotations

import torch

from bench._timing import row, time_it
from lossviz import losses

GROUP = "losses/classification"
N = 1_000_000


def _focal_value_and_grad(x: torch.Tensor, y: torch.Tensor) -> None:
    x = x.detach().requires_grad_(True)
    losses.sigmoid_focal_loss(x, y, alpha=0.25, gamma=2.0, reduction="sum").backward()


def _ghm_c(x: torch.Tensor, y: torch.Tensor) -> None:
    x = x.detach().requires_grad_(True)
    losses.ghm_c_loss(x, y, bins=30, momentum=0.75, acc_sum=torch.zeros(30), reduction="mean").backward()


def _ap(scores: torch.Tensor, labels: torch.Tensor) -> None:
    s = scores.detach().requires_grad_(True)
    losses.ap_loss(s, labels).loss.backward()


def run() -> list[dict]:
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(N, generator=gen) * 3
    y = (torch.rand(N, generator=gen) < 0.01).float()
    rows = [
        row(GROUP, "sigmoid_focal_loss value + autograd", "1M logits", time_it(lambda: _focal_value_and_grad(x, y)),
            "float32, α=0.25, γ=2"),
        row(GROUP, "focal_loss_grad (closed form)", "1M logits", time_it(lambda: losses.focal_loss_grad(x, y)),
            "float32"),
        row(GROUP, "ghm_c_loss value + backward", "1M logits",
            time_it(lambda: _ghm_c(x, y)), "30 bins, momentum 0.75"),
        row(GROUP, "ghm_c_weights only", "1M logits",
            time_it(lambda: losses.ghm_c_weights(x, y, bins=30)), "histogram + weights"),
        row(GROUP, "ghm_r_loss", "1M residuals",
            time_it(lambda: losses.ghm_r_loss(x, torch.zeros_like(x), reduction="mean")), "μ=0.02, 10 bins"),
    ]  # fmt: skip
    n, c = 100_000, 80
    logits = torch.randn(n, c, generator=gen)
    labels = torch.randint(0, c, (n,), generator=gen)
    counts = torch.randint(1, 10_000, (c,), generator=gen)
    for loss_type in ("softmax", "sigmoid", "focal"):
        timing = time_it(
            lambda lt=loss_type: losses.class_balanced_loss(
                logits, labels, counts, beta=0.999, loss_type=lt, reduction="mean"
            )
        )
        rows.append(row(GROUP, f"class_balanced_loss ({loss_type})", f"{n:,} x {c}", timing, "β=0.999, forward"))
    for k in (1024, 4096):
        s = torch.randn(k, generator=gen) * 2
        lab = (torch.rand(k, generator=gen) < 0.1).long()
        lab[0] = 1
        timing = time_it(lambda s=s, lab=lab: _ap(s, lab), repeat=7)
        rows.append(row(GROUP, "ap_loss + error-driven backward", f"{k:,} anchors", timing,
                        f"{int((lab == 1).sum())} positives, δ=1"))  # fmt: skip
    return rows
