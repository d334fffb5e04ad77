"""Libra R-CNN's Balanced Feature Pyramid (BFP), step by step, in plain torch.

Not a loss: the feature-level remedy of Libra R-CNN, written so each step can be looked at.
``balanced_feature_pyramid`` = :func:`bfp_gather` (rescale every level to the refine level) → :func:`bfp_integrate`
(average) → refine (none, a 3×3 convolution + ReLU, or an embedded-Gaussian :class:`NonLocal2d`) →
:func:`bfp_scatter` (rescale back) → add to each input as a residual.

The refine modules here carry *random* weights (a seeded generator): they illustrate what the operation does to the
maps, not what a trained detector learns. mmcv's non-local block zero-initialises its output convolution, so an
untrained block is exactly the identity (``zero_init_out=True`` reproduces that).

Sources: Pang et al., "Libra R-CNN", CVPR 2019, https://arxiv.org/abs/1904.02701 (Sec. 3.2); mmdetection
``mmdet/models/necks/bfp.py``; mmcv ``mmcv/cnn/bricks/non_local.py`` (Wang et al., "Non-local Neural Networks",
https://arxiv.org/abs/1711.07971).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ._validate import check_tensor

__all__ = [
    "REFINE_TYPES",
    "BFPSteps",
    "NonLocal2d",
    "balanced_feature_pyramid",
    "bfp_gather",
    "bfp_integrate",
    "bfp_scatter",
    "make_refine",
]

REFINE_TYPES = ("none", "conv", "non_local")


def _check_levels(feats: Sequence[Tensor], refine_level: int) -> list[Tensor]:
    feats = list(feats)
    if len(feats) < 1:
        raise ValueError("feats must hold at least one level")
    for i, f in enumerate(feats):
        check_tensor(f"feats[{i}]", f)
        if f.ndim != 4:
            raise ValueError(f"feats[{i}] must have shape (B, C, H, W), got {tuple(f.shape)}")
        if f.shape[:2] != feats[0].shape[:2]:
            raise ValueError(f"every level needs the same batch and channels: feats[{i}] has {tuple(f.shape[:2])}")
        if f.shape[2] < 1 or f.shape[3] < 1:
            raise ValueError(f"feats[{i}] is empty: {tuple(f.shape)}")
    if isinstance(refine_level, bool) or not isinstance(refine_level, int) or not 0 <= refine_level < len(feats):
        raise ValueError(f"refine_level must be an int in [0, {len(feats) - 1}], got {refine_level!r}")
    return feats


def bfp_gather(feats: Sequence[Tensor], *, refine_level: int = 2) -> list[Tensor]:
    """Step 1, rescale: every level to the size of ``feats[refine_level]``.

    Finer levels (``i < refine_level``) are adaptive-max-pooled, the others nearest-interpolated, as mmdetection.

    Args:
        feats: ``L`` tensors ``(B, C, H_i, W_i)``, finest first (P2…P6).
        refine_level: index of the level whose size the others take (default 2, i.e. P4 of P2–P6).

    Returns:
        ``L`` tensors ``(B, C, H_r, W_r)``.

    Raises:
        ValueError: no levels, non-4-D or non-finite tensors, mismatched batch/channels, or a bad ``refine_level``.
    """
    feats = _check_levels(feats, refine_level)
    size = feats[refine_level].shape[2:]
    return [
        F.adaptive_max_pool2d(f, output_size=size) if i < refine_level else F.interpolate(f, size=size, mode="nearest")
        for i, f in enumerate(feats)
    ]


def bfp_integrate(gathered: Sequence[Tensor]) -> Tensor:
    """Step 2, integrate: the balanced semantic feature ``sum(gathered) / L`` (parameter-free)."""
    gathered = list(gathered)
    if not gathered:
        raise ValueError("gathered must hold at least one level")
    return sum(gathered) / len(gathered)


def bfp_scatter(bsf: Tensor, sizes: Sequence[tuple[int, int]], *, refine_level: int = 2) -> list[Tensor]:
    """Step 4, rescale back: nearest-upsample to the finer levels (``i < refine_level``), adaptive-max-pool to the rest.

    Args:
        bsf: ``(B, C, H_r, W_r)``, the (refined) balanced semantic feature.
        sizes: each level's ``(H_i, W_i)``.
        refine_level: as in :func:`bfp_gather`.

    Returns:
        The residual for each level, ``(B, C, H_i, W_i)``.
    """
    out = []
    for i, size in enumerate(sizes):
        size = tuple(int(s) for s in size)
        if i < refine_level:
            out.append(F.interpolate(bsf, size=size, mode="nearest"))
        else:
            out.append(F.adaptive_max_pool2d(bsf, output_size=size))
    return out


class NonLocal2d(nn.Module):
    """Embedded-Gaussian non-local block as mmcv's ``NonLocal2d(in_channels, reduction=1, use_scale=False)``.

    ``y = softmax(θ(x)ᵀ φ(x)) g(x)`` over all ``H·W`` positions, output ``x + conv_out(y)``; θ, φ, g and
    ``conv_out`` are 1×1 convolutions with ``in_channels // reduction`` inner channels. The last attention map is
    kept in ``self.attention`` (``(B, HW, HW)``, rows sum to 1) for display.

    Args:
        in_channels: channels ``C``.
        reduction: inner-channel reduction (default 1, as BFP).
        use_scale: divide ``θᵀφ`` by ``sqrt(inner channels)`` (default False, as BFP).
        zero_init_out: zero ``conv_out`` as mmcv does, making an untrained block the identity (default True).
        std: normal-init std of θ, φ, g (mmcv: 0.01).
        out_std: normal-init std of ``conv_out`` when it is not zeroed (default: ``std``).
        generator: the random source for the weights.
    """

    def __init__(
        self,
        in_channels: int,
        *,
        reduction: int = 1,
        use_scale: bool = False,
        zero_init_out: bool = True,
        std: float = 0.01,
        out_std: float | None = None,
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        inter = max(1, in_channels // reduction)
        self.use_scale = use_scale
        self.inter_channels = inter
        self.g = nn.Conv2d(in_channels, inter, 1)
        self.theta = nn.Conv2d(in_channels, inter, 1)
        self.phi = nn.Conv2d(in_channels, inter, 1)
        self.conv_out = nn.Conv2d(inter, in_channels, 1)
        with torch.no_grad():
            for conv in (self.g, self.theta, self.phi):
                conv.weight.normal_(0.0, std, generator=generator)
                conv.bias.zero_()
            if zero_init_out:
                self.conv_out.weight.zero_()
            else:
                self.conv_out.weight.normal_(0.0, std if out_std is None else out_std, generator=generator)
            self.conv_out.bias.zero_()
        self.attention: Tensor | None = None

    def forward(self, x: Tensor) -> Tensor:
        n, _, h, w = x.shape
        g_x = self.g(x).reshape(n, self.inter_channels, -1).permute(0, 2, 1)  # (N, HW, C')
        theta_x = self.theta(x).reshape(n, self.inter_channels, -1).permute(0, 2, 1)  # (N, HW, C')
        phi_x = self.phi(x).reshape(n, self.inter_channels, -1)  # (N, C', HW)
        pairwise = torch.matmul(theta_x, phi_x)
        if self.use_scale:
            pairwise = pairwise / math.sqrt(self.inter_channels)
        pairwise = pairwise.softmax(dim=-1)
        self.attention = pairwise.detach()
        y = torch.matmul(pairwise, g_x).permute(0, 2, 1).reshape(n, self.inter_channels, h, w)
        return x + self.conv_out(y)


def make_refine(
    refine: str,
    channels: int,
    *,
    generator: torch.Generator | None = None,
    zero_init_out: bool = True,
    std: float = 0.01,
    out_std: float | None = None,
) -> nn.Module | None:
    """The refine step with random weights: ``"none"`` → None, ``"conv"`` → 3×3 conv + ReLU (Xavier-uniform weights,
    zero bias, as mmdetection's BFP initialises it), ``"non_local"`` → :class:`NonLocal2d`.

    Raises:
        ValueError: an unknown ``refine`` or ``channels < 1``.
    """
    if refine not in REFINE_TYPES:
        raise ValueError(f"refine must be one of {REFINE_TYPES}, got {refine!r}")
    if isinstance(channels, bool) or not isinstance(channels, int) or channels < 1:
        raise ValueError(f"channels must be an int >= 1, got {channels!r}")
    if refine == "none":
        return None
    if refine == "conv":
        conv = nn.Conv2d(channels, channels, 3, padding=1)
        with torch.no_grad():
            bound = math.sqrt(6.0 / (channels * 9 + channels * 9))
            conv.weight.uniform_(-bound, bound, generator=generator)
            conv.bias.zero_()
        return nn.Sequential(conv, nn.ReLU())
    return NonLocal2d(channels, zero_init_out=zero_init_out, std=std, out_std=out_std, generator=generator)


@dataclass(frozen=True)
class BFPSteps:
    """Every intermediate of one BFP pass (each a tensor; levels finest first).

    Attributes:
        inputs: the ``L`` input levels ``(B, C, H_i, W_i)``.
        gathered: step 1, each level at the refine size.
        bsf: step 2, their average ``(B, C, H_r, W_r)``.
        refined: step 3, ``bsf`` after the refine module (``bsf`` itself when there is none).
        residuals: step 4, ``refined`` rescaled to each level.
        outputs: ``inputs[i] + residuals[i]``.
        attention: the non-local attention ``(B, HW, HW)`` when refine is non-local, else None.
    """

    inputs: list[Tensor]
    gathered: list[Tensor]
    bsf: Tensor
    refined: Tensor
    residuals: list[Tensor]
    outputs: list[Tensor]
    attention: Tensor | None


def balanced_feature_pyramid(
    feats: Sequence[Tensor],
    *,
    refine_level: int = 2,
    refine: nn.Module | None = None,
    residual: bool = True,
) -> BFPSteps:
    """One forward pass of mmdetection's ``BFP`` neck, keeping every step.

    Args:
        feats: ``L`` tensors ``(B, C, H_i, W_i)``, finest first (e.g. P2–P6 of an FPN).
        refine_level: the level everything is rescaled to (default 2 = P4 of P2–P6, the Libra config).
        refine: the refine module (see :func:`make_refine`), or None to skip refinement.
        residual: add the scattered feature to the inputs (default True); False returns the inputs unchanged as
            outputs (the residual path switched off).

    Returns:
        :class:`BFPSteps`; computed in at least float32, returned in the inputs' dtype.

    Raises:
        ValueError: as :func:`bfp_gather`.

    Reference: Pang et al., CVPR 2019, https://arxiv.org/abs/1904.02701; mmdetection ``mmdet/models/necks/bfp.py``.
    """
    feats = _check_levels(feats, refine_level)
    dtype = feats[0].dtype
    work = torch.promote_types(dtype, torch.float32)
    inputs = [f.to(work) for f in feats]
    gathered = bfp_gather(inputs, refine_level=refine_level)
    bsf = bfp_integrate(gathered)
    attention = None
    if refine is None:
        refined = bsf
    else:
        refine = refine.to(work)
        refined = refine(bsf)
        attention = getattr(refine, "attention", None)
    residuals = bfp_scatter(refined, [f.shape[2:] for f in inputs], refine_level=refine_level)
    outputs = [x + r for x, r in zip(inputs, residuals, strict=True)] if residual else list(inputs)

    def back(ts: list[Tensor]) -> list[Tensor]:
        return [x.to(dtype) for x in ts]

    return BFPSteps(
        inputs=list(feats),
        gathered=back(gathered),
        bsf=bsf.to(dtype),
        refined=refined.to(dtype),
        residuals=back(residuals),
        outputs=back(outputs),
        attention=None if attention is None else attention.to(dtype),
    )
