"""Strings of the Box-size page (the C-BBL controls reuse the ``reg.cbbl.*`` strings of the section's old home)."""

STRINGS = {
    "bs.title": {"en": "Box size: why small boxes get distorted gradients", "zh": "框尺寸：小目标为何梯度失真"},
    "bs.intro": {
        "en": (
            "The same localisation error gives small and large objects very different gradients. With Faster R-CNN's "
            "deltas $T_x = Δx/w_a$ and $T_w = \\ln(w/w_a)$, a 2 px error is T = 0.25 for an 8 px anchor and 0.004 for a "
            "512 px one, so L2 and Smooth L1 push small boxes far harder; IoU losses are scale-invariant in relative "
            "terms but still give about 2/w per pixel. The remedies compared here: NWD, whose per-pixel gradient does "
            "not depend on the box size, and distribution regression (C-BBL, GFL's DFL), whose gradient w.r.t. the "
            "logits is p − p*, never larger than 1. Every curve comes from the torch core by autograd."
        ),
        "zh": (
            "同样的定位误差，对大小不同的目标产生的梯度差异很大。采用 Faster R-CNN 的编码 $T_x = Δx/w_a$、"
            "$T_w = \\ln(w/w_a)$ 时，2 像素误差对 8 像素 anchor 是 T = 0.25，对 512 像素 anchor 只有 0.004，因此 L2 与 "
            "Smooth L1 对小框的推动要强得多；IoU 损失在相对意义上尺度不变，但每像素梯度仍约为 2/w。本页比较的应对方法："
            "NWD（每像素梯度与框大小无关），以及分布回归（C-BBL、GFL 的 DFL），其对 logits 的梯度为 p − p*，"
            "绝不超过 1。所有曲线均由 torch 核心经自动求导得到。"
        ),
    },
    "bs.section": {"en": "Section", "zh": "部分"},
    "bs.section.size": {"en": "Gradient against size", "zh": "梯度与尺寸"},
    "bs.section.nwd": {"en": "NWD against IoU", "zh": "NWD 与 IoU"},
    "bs.section.dist": {"en": "C-BBL and DFL", "zh": "C-BBL 与 DFL"},
    # ------------------------------------------------------------------------------------------- size sweep
    "bs.size.header": {"en": "Gradient against object size", "zh": "梯度随目标尺寸的变化"},
    "bs.size.intro": {
        "en": (
            "A square ground-truth box of side w is also the anchor; the prediction is off by one error. Top: "
            "|∂L/∂pixel|. Bottom: |∂L/∂T| in encoded units, and for C-BBL and DFL (dotted) the largest "
            "|∂L/∂logit| = max|p − p*|, which is at most 1 at any size. Dotted verticals: COCO's small/medium/large "
            "borders (32 and 96 px). A gap in a curve is a zero gradient: IoU gives none once the boxes only touch."
        ),
        "zh": (
            "边长为 w 的正方形真值框同时作为 anchor；预测框与之相差一个误差。上图：|∂L/∂像素|。下图：编码单位下的 "
            "|∂L/∂T|；C-BBL 与 DFL（点线）为最大的 |∂L/∂logit| = max|p − p*|，任何尺寸下都不超过 1。"
            "竖虚线：COCO 的小/中/大目标分界（32 与 96 像素）。曲线中断处梯度为零：两框仅相接时 IoU 没有梯度。"
        ),
    },
    "bs.size.component": {"en": "Error in", "zh": "误差所在"},
    "bs.size.mode": {"en": "Error fixed as", "zh": "误差固定方式"},
    "bs.mode.pixels": {"en": "px", "zh": "像素"},
    "bs.mode.relative": {"en": "× w", "zh": "× w"},
    "bs.mode.iou": {"en": "IoU", "zh": "IoU"},
    "bs.kind.uniform": {"en": "uniform", "zh": "均匀"},
    "bs.kind.exponential": {"en": "exponential", "zh": "指数型"},
    "bs.size.px": {"en": "Error (pixels)", "zh": "误差（像素）"},
    "bs.size.rel": {"en": "Error (fraction of w)", "zh": "误差（w 的比例）"},
    "bs.size.iou": {"en": "IoU of the pair", "zh": "两框的 IoU"},
    "bs.size.sl1_beta": {"en": "Smooth L1 β", "zh": "Smooth L1 β"},
    "bs.size.stds": {"en": "Divide deltas by target stds", "zh": "按目标标准差归一化"},
    "bs.size.stds_help": {
        "en": "Divide the Faster R-CNN deltas by mmdetection's target stds (0.1, 0.1, 0.2, 0.2) before the loss.",
        "zh": "计算损失前，用 mmdetection 的目标标准差（target stds：0.1, 0.1, 0.2, 0.2）归一化 Faster R-CNN 编码。",
    },
    "bs.size.show": {"en": "Losses", "zh": "损失函数"},
    "bs.size.pick": {"en": "Pick at least one loss.", "zh": "请至少选择一个损失函数。"},
    "bs.size.computing": {"en": "Computing every loss at every size…", "zh": "正在计算各尺寸下的所有损失…"},
    "bs.size.ratio_caption": {
        "en": "Small/large ratio: the gradient at w = {small} px divided by the gradient at w = {large} px "
        "(1 = the loss treats both sizes alike). C-BBL: α = {a}, β = {b}, n = {n} (the RPN setting); "
        "DFL: `reg_max` = 16, the object's GFL level taken as the stride whose anchor (8·stride) is nearest to w.",
        "zh": "大小比：w = {small} 像素处的梯度除以 w = {large} 像素处的梯度（1 表示两种尺寸一视同仁）。"
        "C-BBL：α = {a}、β = {b}、n = {n}（RPN 设置）；DFL：`reg_max` = 16，目标所在的 GFL 层取 anchor（8·stride）"
        "与 w 最接近的 stride。",
    },
    "bs.size.col.loss": {"en": "loss", "zh": "损失"},
    "bs.size.col.px_small": {"en": "|∂L/∂px| at {w} px", "zh": "{w} 像素处 |∂L/∂px|"},
    "bs.size.col.px_large": {"en": "|∂L/∂px| at {w} px", "zh": "{w} 像素处 |∂L/∂px|"},
    "bs.size.col.px_ratio": {"en": "ratio (pixel)", "zh": "比值（像素）"},
    "bs.size.col.enc_ratio": {"en": "ratio (encoded / logits)", "zh": "比值（编码 / logits）"},
    "bs.size.axis.w": {"en": "object (= anchor) size w, px", "zh": "目标（= anchor）尺寸 w，像素"},
    "bs.size.axis.pixel": {"en": "|∂L/∂pixel|", "zh": "|∂L/∂像素|"},
    "bs.size.axis.encoded": {"en": "|∂L/∂T|, max|∂L/∂logit|", "zh": "|∂L/∂T|、max|∂L/∂logit|"},
    # ------------------------------------------------------------------------------------------------ NWD
    "bs.nwd.header": {"en": "NWD against IoU for tiny and large boxes", "zh": "微小框与大框上的 NWD 与 IoU"},
    "bs.nwd.intro": {
        "en": (
            "NWD (Wang et al. 2021) models each box as a Gaussian N(c, diag(w²/4, h²/4)) and compares them with the "
            "2-Wasserstein distance, NWD = exp(−W₂/C), C a dataset constant (12.8 px in the official code, AI-TOD's "
            "mean object size). A few pixels of offset destroy a tiny box's IoU, and once the boxes are disjoint IoU "
            "is 0 with no gradient; NWD falls the same way for every size (the two dashed curves lie on top of each other) "
            "and never reaches 0. The loss is 1 − NWD "
            "(`lossviz.losses.nwd_loss`)."
        ),
        "zh": (
            "NWD（Wang 等，2021）把每个框建模为高斯分布 N(c, diag(w²/4, h²/4))，用 2-Wasserstein 距离比较："
            "NWD = exp(−W₂/C)，C 为数据集常数（官方代码取 12.8 像素，即 AI-TOD 的平均目标尺寸）。几个像素的偏移就能让"
            "微小框的 IoU 崩溃，两框不相交后 IoU 为 0 且没有梯度；NWD 对所有尺寸以同样方式下降（两条虚线重合），且永不为 0。"
            "损失为 1 − NWD（`lossviz.losses.nwd_loss`）。"
        ),
    },
    "bs.nwd.small": {"en": "Tiny box w (px)", "zh": "微小框 w（像素）"},
    "bs.nwd.large": {"en": "Large box w (px)", "zh": "大框 w（像素）"},
    "bs.nwd.constant": {"en": "NWD constant C (px)", "zh": "NWD 常数 C（像素）"},
    "bs.nwd.max": {"en": "Largest offset (px)", "zh": "最大偏移（像素）"},
    "bs.nwd.metric": {"en": "w = {w} px at Δ = {d} px", "zh": "w = {w} 像素，Δ = {d} 像素"},
    "bs.nwd.metric_value": {"en": "IoU {iou} · NWD {nwd}", "zh": "IoU {iou} · NWD {nwd}"},
    "bs.nwd.axis.offset": {"en": "horizontal offset Δ, px", "zh": "水平偏移 Δ，像素"},
    "bs.nwd.axis.similarity": {"en": "IoU (solid), NWD (dashed)", "zh": "IoU（实线）、NWD（虚线）"},
    "bs.nwd.eps_note": {
        "en": "As in the official code, eps = 1e-6 is added to the squared centre distance: identical boxes give "
        "NWD = exp(−0.001/C) ≈ 1 − 7.8·10⁻⁵ (for C = 12.8), not exactly 1, and the gradient stays finite.",
        "zh": "与官方代码一致，中心距离的平方加上 eps = 1e-6：完全相同的两个框 NWD = exp(−0.001/C) ≈ 1 − 7.8·10⁻⁵"
        "（C = 12.8 时），并非恰好为 1，且梯度保持有限。",
    },
    # -------------------------------------------------------------------------------------- distributions
    "bs.dist.header": {
        "en": "Distribution regression: C-BBL and DFL side by side",
        "zh": "分布回归：C-BBL 与 DFL 对照",
    },
    "bs.dist.intro": {
        "en": (
            "Both regress an offset as a distribution over a grid, train it with cross-entropy on a two-hot target "
            'and decode it as the expectation Σ p·g. **C-BBL** uses an exponential ("interval non-uniform") grid '
            "$g_i = \\operatorname{sign}(y_i)·α/(e^{αβ} − 1)·(e^{β|y_i|} − 1)$ over a uniform base grid $y_i$ of n + 1 points on [−α, α], "
            "dense near 0, and adds the uncertainty term |H(p*) − H(p)|. **DFL** (GFL) uses the integers 0…`reg_max` "
            "(`reg_max` = 16, GFL's `Integral`) for l/t/r/b distances in stride units; its loss is the same two-hot CE "
            "(`lossviz.losses.distribution_focal_loss`, mmdetection's form). In both, ∂L/∂logits = p − p*."
        ),
        "zh": (
            "两者都把偏移量表示为网格上的分布，用双热目标上的交叉熵训练，并以期望 Σ p·g 解码。**C-BBL** 使用指数型"
            "（“区间非均匀”）网格 $g_i = \\operatorname{sign}(y_i)·α/(e^{αβ} − 1)·(e^{β|y_i|} − 1)$，基础网格 $y_i$ 为 [−α, α] 上均匀的 "
            "n + 1 个点，在 0 附近更密，并加上不确定度项 |H(p*) − H(p)|。**DFL**（GFL）对以 stride 为单位的 l/t/r/b "
            "距离使用整数网格 0…`reg_max`（`reg_max` = 16，即 GFL 的 `Integral`），其损失就是同样的双热交叉熵"
            "（`lossviz.losses.distribution_focal_loss`，mmdetection 的形式）。两者都有 ∂L/∂logits = p − p*。"
        ),
    },
    "bs.dist.seed_step": {
        "en": "The seed transcribes the base grid as $y_i = −α + i·2α/(n + 1)$, i = 0…n: taken literally it ends at "
        "{end} instead of +{a} and is not symmetric. This page uses the step 2α/n, which reaches ±α.",
        "zh": "种子材料把基础网格写作 $y_i = −α + i·2α/(n + 1)$，i = 0…n：照字面理解，它止于 {end} 而不是 +{a}，"
        "且不对称。本页采用步长 2α/n，使网格到达 ±α。",
    },
    "bs.dist.preset": {"en": "Paper settings", "zh": "论文设置"},
    "bs.dist.preset_rpn": {"en": "RPN: α 2, β 1, n 10", "zh": "RPN：α 2、β 1、n 10"},
    "bs.dist.preset_rcnn": {"en": "R-CNN: α 5, β 1, n 5", "zh": "R-CNN：α 5、β 1、n 5"},
    "bs.dist.cbbl": {"en": "C-BBL ([arXiv 2303.01803]({url}))", "zh": "C-BBL（[arXiv 2303.01803]({url})）"},
    "bs.dist.dfl": {
        "en": "DFL (GFL, reg_max = 16; [arXiv 2006.04388]({url}))",
        "zh": "DFL（GFL，reg_max = 16；[arXiv 2006.04388]({url})）",
    },
    "bs.papers": {"en": "Papers (arXiv): {links}", "zh": "论文（arXiv）：{links}"},
    "bs.nwd.paper": {"en": "NWD: [arXiv 2110.13389]({url})", "zh": "NWD：[arXiv 2110.13389]({url})"},
    "bs.dist.dfl_y": {"en": "Target distance y (bins)", "zh": "目标距离 y（格）"},
    "bs.dist.dfl_mu": {"en": "Prediction centre μ (bins)", "zh": "预测中心 μ（格）"},
    "bs.dist.dfl_sigma": {"en": "Prediction width σ (bins)", "zh": "预测宽度 σ（格）"},
    "bs.dist.loss": {"en": "CE(p, p*)", "zh": "CE(p, p*)"},
    "bs.dist.dfl_loss": {"en": "DFL", "zh": "DFL"},
    "bs.dist.unc": {"en": "|H(p*) − H(p)|", "zh": "|H(p*) − H(p)|"},
    "bs.dist.decoded": {"en": "Decoded Σ p·g (vs target)", "zh": "解码值 Σ p·g（与目标之差）"},
    "bs.moved": {
        "en": "The C-BBL section has moved to the [Box size page]({link}), next to GFL's DFL. Your link's "
        "settings ({params}) are carried over there.",
        "zh": "C-BBL 部分已移至[框尺寸页面]({link})，与 GFL 的 DFL 并列。链接中的设置（{params}）已带到该页面。",
    },
    "bs.explain": {
        "en": (
            "**Closed forms behind the curves** (Δ the pixel error, w the size, anchor = ground truth): L2 on "
            "$T_x = Δ/w$ has ∂L/∂T = 2Δ/w; Smooth L1 has ∂L/∂T = min(|T|/β, 1), so it saturates early for small "
            "boxes; the IoU loss of two equal squares offset by Δ < w is L = 2Δ/(w + Δ), ∂L/∂Δ = 2w/(w + Δ)² ≈ 2/w; "
            "GIoU equals IoU there (the enclosing box is the union) and DIoU/CIoU add Δ²/((w + Δ)² + w²); NWD's "
            "gradient is $e^{−W/C}/C·Δ/W$ with W = √(Δ² + eps), independent of w. Distribution losses: "
            "|p − p*| ≤ 1. The relative and fixed-IoU modes scale Δ with w, which makes the delta and IoU losses "
            "scale-free and shows what NWD's fixed constant C does instead."
        ),
        "zh": (
            "**曲线背后的闭式解**（Δ 为像素误差，w 为尺寸，anchor = 真值框）：L2 作用于 $T_x = Δ/w$ 时 ∂L/∂T = 2Δ/w；"
            "Smooth L1 的 ∂L/∂T = min(|T|/β, 1)，对小框很早就饱和；两个相同正方形偏移 Δ < w 时 IoU 损失 "
            "L = 2Δ/(w + Δ)，∂L/∂Δ = 2w/(w + Δ)² ≈ 2/w；此时 GIoU 等于 IoU（外接框即并集），DIoU/CIoU 再加上 "
            "Δ²/((w + Δ)² + w²)；NWD 的梯度为 $e^{−W/C}/C·Δ/W$，W = √(Δ² + eps)，与 w 无关。分布损失：|p − p*| ≤ 1。"
            "相对误差与固定 IoU 模式让 Δ 随 w 缩放，此时差值类与 IoU 类损失与尺度无关，并显示 NWD 的固定常数 C 的影响。"
        ),
    },
}
