"""Loss values and their autograd gradients as numpy arrays, for curves and fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor

if TYPE_CHECKING:  # numpy is imported when value_and_grad runs: the loss core itself needs only torch
    import numpy as np


def value_and_grad(
    fn: Callable[..., Tensor],
    *args: Any,
    wrt: int | tuple[int, ...] = 0,
    dtype: torch.dtype = torch.float64,
    **kwargs: Any,
) -> tuple[np.ndarray, np.ndarray | tuple[np.ndarray, ...]]:
    """Evaluate ``fn(*args, **kwargs)`` elementwise and differentiate it by autograd.

    Args:
        fn: a loss with ``reduction="none"`` semantics (its output has one value per element or per box).
        *args: the inputs: arrays, tensors or numbers; converted to tensors of ``dtype``.
        wrt: index (or indices) of the input(s) to differentiate with respect to.
        dtype: computation dtype (float64 by default, so curves are exact to plotting precision).
        **kwargs: passed to ``fn`` (hyper-parameters).

    Requires numpy (an extra of the library: ``pip install lossviz[app]``); nothing else in the core does.

    Raises:
        ValueError: whatever ``fn`` raises for its inputs or hyper-parameters.
        ModuleNotFoundError: if numpy is not installed.

    Returns:
        ``(loss, grad)``: ``loss`` has the shape of ``fn``'s output; ``grad`` has the shape of the chosen input
        (a tuple of arrays when ``wrt`` is a tuple). Because the loss is summed before ``backward``, each gradient
        entry is the derivative of its own element's loss when elements are independent.
    """
    import numpy as np

    indices = (wrt,) if isinstance(wrt, int) else tuple(wrt)
    tensors = []
    for i, x in enumerate(args):
        t = torch.as_tensor(np.asarray(x) if not isinstance(x, Tensor) else x, dtype=dtype)
        t = t.detach().clone()
        if i in indices:
            t.requires_grad_(True)
        tensors.append(t)
    loss = fn(*tensors, **kwargs)
    if loss.requires_grad:  # a loss that does not depend on the inputs has zero gradient
        loss.sum().backward()
    grads = tuple(
        tensors[i].grad.detach().cpu().numpy() if tensors[i].grad is not None else np.zeros(tensors[i].shape)
        for i in indices
    )
    value = loss.detach().cpu().numpy()
    return value, (grads[0] if isinstance(wrt, int) else grads)
