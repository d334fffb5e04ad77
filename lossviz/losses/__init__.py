"""The torch loss core: every loss written once, differentiable, float32/float64, CPU/CUDA.

Pure torch: nothing here imports Streamlit or Plotly. Boxes are ``(x1, y1, x2, y2)``; losses take
``reduction="none" | "mean" | "sum"`` and validate their inputs with ``ValueError``s that name the argument.
"""

from .autograd import value_and_grad as value_and_grad
from .classification import *  # noqa: F403
from .distribution import *  # noqa: F403
from .iou import *  # noqa: F403
from .nwd import *  # noqa: F403
from .pyramid import *  # noqa: F403
from .regression import *  # noqa: F403
from .sampling import *  # noqa: F403
