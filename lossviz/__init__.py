"""lossviz: explore the loss functions of object detection. ``from lossviz import losses``."""

from lossviz import losses

__all__ = ["losses"]
__version__ = "0.1.0"
