"""Input checks shared by every loss. Each raises ``ValueError`` naming the argument."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import torch
from torch import Tensor

REDUCTIONS = ("none", "mean", "sum")

#: Largest value of a length-like hyper-parameter (β, μ, δ): beyond it float32 products of it overflow.
MAX_SCALE = 1e6


def check_tensor(name: str, x: Tensor) -> None:
    """``x`` must be a floating tensor with only finite values."""
    if not isinstance(x, Tensor):
        raise ValueError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise ValueError(f"{name} must be a floating-point tensor, got {x.dtype}")
    if not bool(torch.isfinite(x).all()):
        raise ValueError(f"{name} contains NaN or inf")


def check_same_shape(name_a: str, a: Tensor, name_b: str, b: Tensor) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}")


def check_boxes(name: str, boxes: Tensor) -> None:
    """``boxes`` must be ``(..., 4)`` finite xyxy boxes with ``x2 >= x1`` and ``y2 >= y1``."""
    check_tensor(name, boxes)
    if boxes.ndim < 1 or boxes.shape[-1] != 4:
        raise ValueError(f"{name} must have shape (..., 4) in (x1, y1, x2, y2) format, got {tuple(boxes.shape)}")
    if bool((boxes[..., 2:] < boxes[..., :2]).any()):  # x2 < x1 or y2 < y1: one comparison, one sync
        raise ValueError(f"{name} has inverted boxes: need x2 >= x1 and y2 >= y1")


def check_param(
    name: str,
    value: float,
    *,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
) -> float:
    """A scalar hyper-parameter: finite and inside the given bounds. Returns it as ``float``."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if gt is not None and not v > gt:
        raise ValueError(f"{name} must be > {gt}, got {v}")
    if ge is not None and not v >= ge:
        raise ValueError(f"{name} must be >= {ge}, got {v}")
    if lt is not None and not v < lt:
        raise ValueError(f"{name} must be < {lt}, got {v}")
    if le is not None and not v <= le:
        raise ValueError(f"{name} must be <= {le}, got {v}")
    return v


def check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def check_weight(weight: Tensor | None, loss: Tensor) -> Tensor | None:
    """``weight`` (mmdetection's per-element weight) must broadcast to the loss shape, be finite and ``>= 0``."""
    if weight is None:
        return None
    check_tensor("weight", weight)
    try:
        torch.broadcast_shapes(weight.shape, loss.shape)
    except RuntimeError:
        raise ValueError(
            f"weight must broadcast to the loss shape {tuple(loss.shape)}, got {tuple(weight.shape)}"
        ) from None
    if bool((weight < 0).any()):
        raise ValueError("weight must be >= 0")
    return weight.to(dtype=loss.dtype, device=loss.device)


def reduce(
    loss: Tensor, reduction: str, weight: Tensor | None = None, avg_factor: float | Tensor | None = None
) -> Tensor:
    """Weight, then reduce ("none", "mean" or "sum"), as mmdetection's ``weight_reduce_loss``.

    ``weight`` multiplies the per-element loss; ``avg_factor`` (``> 0``) replaces the element count of "mean"
    (``sum / avg_factor``) and is rejected with "sum", as in mmdetection. The mean of an empty tensor is 0, not NaN.
    Sums are taken in the loss's own dtype, which callers keep at float32 or wider.
    """
    check_reduction(reduction)
    w = check_weight(weight, loss)
    if w is not None:
        loss = loss * w
    if avg_factor is not None:
        if isinstance(avg_factor, Tensor):
            avg_factor = float(avg_factor.detach().reshape(-1)[0]) if avg_factor.numel() == 1 else avg_factor
        avg = check_param("avg_factor", avg_factor, gt=0.0)
        if reduction == "sum":
            raise ValueError('avg_factor can not be used with reduction="sum"')
        if reduction == "mean":
            return loss.sum() / avg
        return loss
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    return loss.mean() if loss.numel() > 0 else loss.sum()


def reduce_boxes(
    loss: Tensor, reduction: str, weight: Tensor | None = None, avg_factor: float | Tensor | None = None
) -> Tensor:
    """:func:`reduce` for a per-box-pair loss: a ``(..., 4)`` box ``weight`` is averaged first, as mmdetection's
    IoU-family losses do."""
    if isinstance(weight, Tensor) and weight.ndim == loss.ndim + 1 and weight.shape[-1] == 4:
        check_tensor("weight", weight)
        weight = weight.mean(dim=-1)
    return reduce(loss, reduction, weight, avg_factor)


# ---------------------------------------------------------------------------------------------------------------------
# Half precision: compute in at least float32, return the input's dtype (torchvision's ``_upcast``, plus gradients)
# ---------------------------------------------------------------------------------------------------------------------

HALF_DTYPES = (torch.float16, torch.bfloat16)


def compute_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype a loss computes in: float32 for float16/bfloat16 inputs, else the input's own dtype."""
    return torch.float32 if dtype in HALF_DTYPES else dtype


class _Upcast(torch.autograd.Function):
    """``x.float()`` whose backward casts the float32 gradient back to ``x``'s half dtype *saturating*.

    A plain ``.to()`` would turn a gradient beyond float16's range (65504) into ``inf``; here it becomes
    ``±finfo(dtype).max`` instead, so a half-precision gradient is always finite (NaN stays NaN).
    """

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        ctx.in_dtype = x.dtype
        return x.to(torch.float32)

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        info = torch.finfo(ctx.in_dtype)
        return grad.clamp(min=info.min, max=info.max).to(ctx.in_dtype)


def upcast(x: object) -> object:
    """float16/bfloat16 tensors → float32 (differentiable, saturating gradient); anything else unchanged."""
    if isinstance(x, Tensor) and x.dtype in HALF_DTYPES:
        return _Upcast.apply(x)
    return x


def _result_dtype(args: tuple, kwargs: dict) -> torch.dtype | None:
    dtypes = [a.dtype for a in (*args, *kwargs.values()) if isinstance(a, Tensor) and a.is_floating_point()]
    if not dtypes:
        return None
    out = dtypes[0]
    for d in dtypes[1:]:
        out = torch.promote_types(out, d)
    return out


def _cast_out(value: object, dtype: torch.dtype, keep: tuple[str, ...]) -> object:
    if isinstance(value, Tensor):
        return value.to(dtype) if value.is_floating_point() and value.dtype != dtype else value
    if isinstance(value, dict):
        return {k: _cast_out(v, dtype, keep) for k, v in value.items()}
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # NamedTuple results
        return type(value)(
            *(v if f in keep else _cast_out(v, dtype, keep) for f, v in zip(value._fields, value, strict=True))
        )
    return value


def half_safe(fn: Callable | None = None, *, keep: tuple[str, ...] = ()) -> Callable:
    """Decorator: run ``fn`` in float32 when a tensor argument is float16/bfloat16, return the input's dtype.

    Every float16/bfloat16 tensor argument is upcast with a saturating gradient (see :class:`_Upcast`); the
    floating tensors of the result (or of a NamedTuple result, except the fields named in ``keep``, which stay in
    float32: counts, sums and areas that half precision cannot hold) are cast back to the promoted input dtype.
    float32 and float64 inputs pass through untouched.
    """

    def wrap(f: Callable) -> Callable:
        @functools.wraps(f)
        def inner(*args: object, **kwargs: object) -> object:
            out_dtype = _result_dtype(args, kwargs)
            if out_dtype not in HALF_DTYPES:
                return f(*args, **kwargs)
            result = f(*(upcast(a) for a in args), **{k: upcast(v) for k, v in kwargs.items()})
            return _cast_out(result, out_dtype, keep)

        return inner

    return wrap(fn) if fn is not None else wrap
