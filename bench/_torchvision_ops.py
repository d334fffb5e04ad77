"""torchvision's own IoU-family losses for the side-by-side benchmark, loaded from torchvision's release (bench only).

The benchmark must time exactly torchvision's arithmetic, but torchvision is not in lossviz's environment (PyPI's
wheel does not import beside this CPU torch: its compiled ops are built for another torch). The losses themselves are
pure torch, so this module imports torchvision's real source files instead of a copy of them:

* a torchvision that imports is used as it is;
* otherwise the **torchvision 0.28.0** wheel (the release that pairs with torch 2.13) is fetched from the package
  registry once (``pip download --no-deps`` into ``bench/.cache/``, ignored by git), and its
  ``torchvision/ops/{_utils,_box_convert,boxes,giou_loss,diou_loss,ciou_loss}.py`` are imported unchanged, in this
  process only, under a ``torchvision`` package whose compiled parts are not loaded (the telemetry call
  ``_log_api_usage_once`` and the ops check ``_assert_has_ops`` are no-ops: the losses never reach a compiled op).

torchvision has no aligned IoU loss (``box_iou`` is the pairwise ``N x M`` matrix: 65,536² pairs would not fit in
memory); :func:`iou_loss` is ``1 - inter / (union + eps)`` from torchvision's own ``_loss_inter_union``, the IoU that
``generalized_box_iou_loss`` computes first.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import torch

TORCHVISION_VERSION = "0.28.0"
CACHE = Path(__file__).resolve().parent / ".cache"
_FILES = ("_utils", "_box_convert", "boxes", "giou_loss", "diou_loss", "ciou_loss")


def _wheel() -> Path:
    found = sorted(CACHE.glob(f"torchvision-{TORCHVISION_VERSION}-*.whl"))
    if not found:
        CACHE.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
        subprocess.run([*cmd, "-d", str(CACHE), f"torchvision=={TORCHVISION_VERSION}"], check=True)
        found = sorted(CACHE.glob(f"torchvision-{TORCHVISION_VERSION}-*.whl"))
    if not found:
        raise RuntimeError(f"no torchvision {TORCHVISION_VERSION} wheel in {CACHE}")
    return found[0]


def _load_from_wheel() -> types.ModuleType:
    source = CACHE / f"torchvision-{TORCHVISION_VERSION}-src"
    ops_dir = source / "torchvision" / "ops"
    if not all((ops_dir / f"{name}.py").exists() for name in _FILES):
        ops_dir.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(_wheel()) as wheel:
            for name in _FILES:
                (ops_dir / f"{name}.py").write_bytes(wheel.read(f"torchvision/ops/{name}.py"))
    package = types.ModuleType("torchvision")
    package.__path__ = [str(source / "torchvision")]
    package.__version__ = TORCHVISION_VERSION
    utils = types.ModuleType("torchvision.utils")
    utils._log_api_usage_once = lambda *args, **kwargs: None
    extension = types.ModuleType("torchvision.extension")
    extension._assert_has_ops = lambda: None
    ops = types.ModuleType("torchvision.ops")
    ops.__path__ = [str(ops_dir)]
    package.utils, package.extension, package.ops = utils, extension, ops
    sys.modules.update(
        {"torchvision": package, "torchvision.utils": utils, "torchvision.extension": extension, "torchvision.ops": ops}
    )
    for name in _FILES:
        setattr(ops, name, importlib.import_module(f"torchvision.ops.{name}"))
    return package


def _torchvision() -> types.ModuleType:
    try:
        import torchvision.ops  # noqa: F401

        return sys.modules["torchvision"]
    except Exception:  # not installed, or its compiled ops do not load beside this torch
        for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
            del sys.modules[name]
        return _load_from_wheel()


_tv = _torchvision()
_ops = sys.modules["torchvision.ops"]
TORCHVISION_VERSION = getattr(_tv, "__version__", TORCHVISION_VERSION)
_loss_inter_union = sys.modules["torchvision.ops._utils"]._loss_inter_union
_upcast_non_float = sys.modules["torchvision.ops._utils"]._upcast_non_float
generalized_box_iou_loss = sys.modules["torchvision.ops.giou_loss"].generalized_box_iou_loss
distance_box_iou_loss = sys.modules["torchvision.ops.diou_loss"].distance_box_iou_loss
complete_box_iou_loss = sys.modules["torchvision.ops.ciou_loss"].complete_box_iou_loss
box_iou = sys.modules["torchvision.ops.boxes"].box_iou


def iou_loss(boxes1: torch.Tensor, boxes2: torch.Tensor, reduction: str = "none", eps: float = 1e-7) -> torch.Tensor:
    """``1 - IoU`` per aligned pair from torchvision's ``_loss_inter_union`` (torchvision has no aligned IoU loss)."""
    boxes1, boxes2 = _upcast_non_float(boxes1), _upcast_non_float(boxes2)
    inter, union = _loss_inter_union(boxes1, boxes2)
    loss = 1 - inter / (union + eps)
    if reduction == "mean":
        return loss.mean() if loss.numel() > 0 else 0.0 * loss.sum()
    if reduction == "sum":
        return loss.sum()
    return loss


LOSSES = {
    "iou": iou_loss,
    "giou": generalized_box_iou_loss,
    "diou": distance_box_iou_loss,
    "ciou": complete_box_iou_loss,
}
