"""The torch loss core: every loss written once, differentiable, float16/bfloat16/float32/float64, CPU/CUDA.

Pure torch: nothing here imports Streamlit, Plotly or numpy; ``pip install lossviz`` needs torch alone. Boxes are
``(x1, y1, x2, y2)``; data arguments are positional and hyper-parameters keyword-only; losses take
``reduction="none" | "mean" | "sum"`` (and mmdetection's ``weight=``/``avg_factor=``) and validate their inputs with
``ValueError``s that name the argument and its range. Half-precision inputs are computed in float32 and returned in
their own dtype. The IoU family is registered once in ``IOU_LOSS_SPECS``.
"""

from .autograd import value_and_grad as value_and_grad
from .classification import *  # noqa: F403
from .distribution import *  # noqa: F403
from .iou import *  # noqa: F403
from .nwd import *  # noqa: F403
from .pyramid import *  # noqa: F403
from .regression import *  # noqa: F403
from .sampling import *  # noqa: F403
