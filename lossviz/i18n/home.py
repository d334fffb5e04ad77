"""Strings of the home page."""

STRINGS = {
    "home.intro": {
        "en": "Move a slider or drag a box and see at once how a detection loss and its gradient respond. "
        "Every number comes from one torch loss core (`lossviz.losses`); gradients come from autograd and are "
        "checked against closed forms. Every control lives in the URL: copy the address to share an exact view.",
        "zh": "拖动滑块或方框，立即看到目标检测损失函数及其梯度如何变化。所有数值都来自同一个 torch 损失核心"
        "（`lossviz.losses`）；梯度由 autograd 计算，并与解析式相互校验。所有控件状态都保存在 URL 中：复制地址即可分享当前视图。",
    },
    "home.summary.regression": {
        "en": "L1, L2, Smooth L1 and Libra R-CNN's Balanced L1: loss and gradient curves, families over α and γ, "
        "and how much of the gradient inliers and outliers each carry.",
        "zh": "L1、L2、Smooth L1 与 Libra R-CNN 的 Balanced L1：损失与梯度曲线、随 α、γ 变化的曲线族，"
        "以及内点与离群点各自贡献的梯度份额。",
    },
    "home.summary.iou": {
        "en": "Drag a predicted box against a ground truth: IoU, GIoU, DIoU, CIoU, EIoU, SIoU and α-IoU, the geometry "
        "each one sees, gradient arrows on the box, and loss landscapes.",
        "zh": "拖动预测框与真实框：IoU、GIoU、DIoU、CIoU、EIoU、SIoU 与 α-IoU，每种损失所用的几何量、"
        "框上的梯度箭头以及损失地形图。",
    },
    "home.summary.classification": {
        "en": "Focal loss and its modulating factor, class-balanced weights from the effective number of samples, "
        "GHM's gradient density, and AP-loss's ranking and error-driven update.",
        "zh": "Focal Loss 及其调制因子、基于有效样本数的类别平衡权重、GHM 的梯度密度，"
        "以及 AP-loss 的排序与误差驱动更新。",
    },
    "home.summary.simulation": {
        "en": "The DIoU paper's 1,715,000-box regression experiment, live: every IoU loss under gradient descent, "
        "with the paper's hand-written gradients and exact ones side by side.",
        "zh": "DIoU 论文的 1,715,000 个框回归实验：各 IoU 损失在梯度下降下的表现，论文的手写梯度与精确梯度并列对比。",
    },
    "home.summary.boxsize": {
        "en": "Why the same pixel error gives small and large boxes very different gradients, and the remedies: "
        "IoU losses, NWD, and distribution regression (C-BBL, DFL).",
        "zh": "为什么同样的像素误差会给大小不同的框带来差异很大的梯度，以及应对方法：IoU 损失、NWD 与分布回归（C-BBL、DFL）。",
    },
    "home.summary.libra": {
        "en": "Libra R-CNN step by step: IoU-balanced negative sampling against random and hard negatives, and the "
        "Balanced Feature Pyramid's rescale, integrate, refine and add back.",
        "zh": "逐步理解 Libra R-CNN：IoU 平衡负样本采样与随机采样、难负样本的对比，以及平衡特征金字塔的缩放、融合、细化与残差相加。",
    },
    "home.summary.sensitivity": {
        "en": "Your own detector's recall by box area (COCO files): equal-count buckets, the spread across them, "
        "and a before/after comparison.",
        "zh": "你自己的检测器按框面积的召回率（COCO 文件）：等数量分桶、桶间离散程度，以及改动前后的对比。",
    },
    "home.library": {
        "en": "The same losses in a notebook (torchvision.ops conventions: xyxy boxes, `reduction=`, `eps=`):",
        "zh": "在 notebook 中使用同样的损失函数（遵循 torchvision.ops 约定：xyxy 框、`reduction=`、`eps=`）：",
    },
}
