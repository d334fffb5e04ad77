"""Strings of the regression page (Smooth L1 vs Balanced L1)."""

STRINGS = {
    "reg.title": {"en": "Regression losses: Smooth L1 vs Balanced L1", "zh": "回归损失：Smooth L1 与 Balanced L1"},
    "reg.intro": {
        "en": (
            "With Smooth L1, **inliers** (small errors, |d| < β) get a gradient that shrinks to zero, while every "
            "**outlier** pushes with gradient 1, so a few bad boxes dominate training. Libra R-CNN's **Balanced L1** "
            "raises the inlier gradient (α) and caps the outlier gradient (γ); b = $e^{γ/α}$ − 1 ties the two together "
            "so the gradient stays continuous at |d| = 1. Move the sliders above the chart and watch both curves, the "
            "whole family, and the share of gradient that inliers receive."
        ),
        "zh": (
            "使用 Smooth L1 时，**内点**（误差小，|d| < β）的梯度趋近于零，而每个**离群点**都以梯度 1 推动训练，"
            "于是少数很差的框主导了训练。Libra R-CNN 提出的 **Balanced L1** 提高内点梯度（α），同时限制离群点梯度的上限（γ）；"
            "b = $e^{γ/α}$ − 1 把两者联系起来，使梯度在 |d| = 1 处连续。拖动图表上方的滑块，观察两条曲线、整个曲线族，"
            "以及内点获得的梯度占比如何变化。"
        ),
    },
    "reg.params.header": {"en": "Loss hyper-parameters", "zh": "损失超参数"},
    "reg.sl1_beta": {"en": "Smooth L1 β", "zh": "Smooth L1 的 β"},
    "reg.sl1_beta_help": {
        "en": "Inlier/outlier boundary of Smooth L1 (torch convention). β = 0 is plain L1.",
        "zh": "Smooth L1 的内点/离群点分界（torch 约定）。β = 0 即为普通 L1。",
    },
    "reg.alpha": {"en": "Balanced L1 α", "zh": "Balanced L1 的 α"},
    "reg.alpha_help": {
        "en": "Smaller α raises the gradient of inliers (mmdetection default 0.5).",
        "zh": "α 越小，内点梯度越大（mmdetection 默认 0.5）。",
    },
    "reg.gamma": {"en": "Balanced L1 γ", "zh": "Balanced L1 的 γ"},
    "reg.gamma_help": {
        "en": "The outlier gradient: constant γ for |d| ≥ β (default 1.5).",
        "zh": "离群点梯度：|d| ≥ β 时恒为 γ（默认 1.5）。",
    },
    "reg.beta": {"en": "Balanced L1 β", "zh": "Balanced L1 的 β"},
    "reg.beta_help": {
        "en": "Inlier/outlier boundary of Balanced L1 (default 1). For β ≠ 1 mmdetection's form has a gradient jump at β.",
        "zh": "Balanced L1 的内点/离群点分界（默认 1）。β ≠ 1 时，mmdetection 的公式在 β 处梯度不连续。",
    },
    "reg.l2_half": {"en": "L2 as ½·d²", "zh": "L2 取 ½·d²"},
    "reg.curves.header": {"en": "Loss and gradient curves", "zh": "损失曲线与梯度曲线"},
    "reg.range": {"en": "Residual range ±", "zh": "残差范围 ±"},
    "reg.range_help": {
        "en": "The curves are drawn for d = pred − target in [−range, range].",
        "zh": "曲线绘制在 d = pred − target ∈ [−范围, 范围] 上。",
    },
    "reg.show": {"en": "Losses shown", "zh": "显示的损失"},
    "reg.closed_toggle": {"en": "Closed-form markers", "zh": "显示解析导数"},
    "reg.closed_help": {
        "en": "Draw the hand-derived derivative (circles) over the autograd gradient (lines).",
        "zh": "在自动微分梯度（实线）上叠加手工推导的解析导数（圆圈）。",
    },
    "reg.pick_a_loss": {"en": "Pick at least one loss to draw.", "zh": "请至少选择一个损失函数。"},
    "reg.metric.b": {"en": "b = e^(γ/α) − 1", "zh": "b = e^(γ/α) − 1"},
    "reg.metric.b_help": {
        "en": "Chosen so that α·ln(b + 1) = γ: the inlier gradient meets the outlier gradient at |d| = 1.",
        "zh": "取值使 α·ln(b + 1) = γ：内点梯度在 |d| = 1 处与离群点梯度相接。",
    },
    "reg.metric.maxdiff": {"en": "max |autograd − closed form|", "zh": "最大 |自动微分 − 解析导数|"},
    "reg.metric.maxdiff_help": {
        "en": "Largest difference, over every plotted point and loss, between torch autograd and the derivative "
        "written by hand (float64). Rounding-level: the gradient is not hand-waved.",
        "zh": "在所有绘制点和所有损失上，torch 自动微分与手工推导导数之间的最大差值（float64）。只有舍入误差量级：梯度不是随口一说的。",
    },
    "reg.metric.jump": {"en": "Balanced L1 gradient jump at β", "zh": "Balanced L1 在 β 处的梯度跳变"},
    "reg.metric.jump_help": {
        "en": "Gradient just below β minus gradient at β. Zero for β = 1; α(1 − β)/(β·e^(γ/α)) otherwise.",
        "zh": "β 左侧的梯度减去 β 处的梯度。β = 1 时为 0；否则为 α(1 − β)/(β·e^(γ/α))。",
    },
    "reg.metric.probe": {"en": "Balanced L1 gradient at d = {d}", "zh": "d = {d} 处 Balanced L1 的梯度"},
    "reg.metric.probe_delta": {"en": "{delta} vs Smooth L1", "zh": "{delta}（相对 Smooth L1）"},
    "reg.balance.pp": {"en": "{v} percentage points", "zh": "{v} 个百分点"},
    "reg.probe": {
        "en": "At d = {d}: Balanced L1 loss {bl_loss}, gradient {bl_grad}; Smooth L1 loss {sl_loss}, gradient {sl_grad}.",
        "zh": "在 d = {d} 处：Balanced L1 损失 {bl_loss}，梯度 {bl_grad}；Smooth L1 损失 {sl_loss}，梯度 {sl_grad}。",
    },
    "reg.notice.jump": {
        "en": (
            "β = {beta} ≠ 1: in mmdetection's form (the one people train with) Balanced L1 is **not** a rescaled "
            "β = 1 curve: its gradient steps from {below} just below |d| = β to {at} at β (a jump of {jump}). "
            "Look at the bottom chart around ±β."
        ),
        "zh": (
            "β = {beta} ≠ 1：在 mmdetection 的公式（实际训练所用）中，Balanced L1 **不是** β = 1 曲线的缩放版本："
            "其梯度在 |d| = β 左侧为 {below}，在 β 处为 {at}（跳变 {jump}）。请查看下方梯度图中 ±β 附近。"
        ),
    },
    "reg.notice.jump_unresolved": {
        "en": (
            "β = {beta} ≠ 1: mmdetection's Balanced L1 has a gradient jump at |d| = β of $α(1 − β)/(β·e^{{γ/α}})$ = "
            "{jump}, far below what float64 resolves next to γ: the chart and the metric show it as 0."
        ),
        "zh": (
            "β = {beta} ≠ 1：mmdetection 的 Balanced L1 在 |d| = β 处的梯度跳变为 $α(1 − β)/(β·e^{{γ/α}})$ = {jump}，"
            "远小于 float64 在 γ 附近能分辨的精度：图和指标中显示为 0。"
        ),
    },
    "reg.notice.near0": {
        "en": "β = {beta} ≠ 1: just above d = 0 the Balanced L1 gradient is {near0}, not 0 (it is α·(1/β − 1)).",
        "zh": "β = {beta} ≠ 1：在 d = 0 右侧附近，Balanced L1 的梯度为 {near0}，而不是 0（等于 α·(1/β − 1)）。",
    },
    "reg.notice.dip": {
        "en": (
            "β = {beta} > 1: the gradient near 0 is negative, so the Balanced L1 loss dips below 0: down to {loss} "
            "at |d| = {d}."
        ),
        "zh": "β = {beta} > 1：0 附近的梯度为负，因此 Balanced L1 损失低于 0：在 |d| = {d} 处低至 {loss}。",
    },
    "reg.fig.clipped": {
        "en": "clipped to Smooth L1 / Balanced L1: {names}",
        "zh": "纵轴按 Smooth L1 / Balanced L1 截取，超出部分未显示：{names}",
    },
    "reg.presets": {"en": "Presets", "zh": "预设"},
    "reg.preset.libra_fig5": {"en": "Libra R-CNN Fig. 5", "zh": "Libra R-CNN 图 5"},
    "reg.preset.libra_fig5_help": {
        "en": (
            "Reproduces Fig. 5 of Libra R-CNN (arXiv 1904.02701): Balanced L1 with α = 0.5, γ = 1.5, β = 1 against "
            "Smooth L1 (β = 1), gradient and loss curves on [−3, 3], and the family over α."
        ),
        "zh": (
            "复现 Libra R-CNN（arXiv 1904.02701）的图 5：α = 0.5、γ = 1.5、β = 1 的 Balanced L1 与 Smooth L1（β = 1）"
            "在 [−3, 3] 上的梯度曲线和损失曲线，以及 α 的曲线族。"
        ),
    },
    "reg.preset.shown": {
        "en": "This view reproduces {figure} of [Libra R-CNN]({paper}): Balanced L1 (α = 0.5, γ = 1.5) against Smooth L1.",
        "zh": "当前视图复现了 [Libra R-CNN]({paper}) 的 {figure}：Balanced L1（α = 0.5，γ = 1.5）与 Smooth L1 的对比。",
    },
    "reg.papers": {
        "en": "Papers: Smooth L1 — [Fast R-CNN, arXiv 1504.08083]({sl1}) · Balanced L1 — [Libra R-CNN, arXiv 1904.02701]({bl1})",
        "zh": "论文：Smooth L1 —— [Fast R-CNN，arXiv 1504.08083]({sl1}) · Balanced L1 —— [Libra R-CNN，arXiv 1904.02701]({bl1})",
    },
    "reg.sec.formulas": {"en": "Formulas with the current values", "zh": "代入当前取值的公式"},
    "reg.axis.residual": {"en": "residual d = pred − target", "zh": "残差 d = pred − target"},
    "reg.axis.gradient": {"en": "∂L/∂d", "zh": "∂L/∂d"},
    "reg.axis.count": {"en": "count", "zh": "数量"},
    "reg.axis.share": {"en": "share of Σ|∂L/∂d| (%)", "zh": "占 Σ|∂L/∂d| 的比例（%）"},
    "reg.fig.loss_title": {"en": "Loss L(d)", "zh": "损失 L(d)"},
    "reg.fig.grad_title": {"en": "Gradient ∂L/∂d (autograd)", "zh": "梯度 ∂L/∂d（自动微分）"},
    "reg.fig.grad_title_closed": {
        "en": "Gradient ∂L/∂d (lines: autograd, circles: closed form)",
        "zh": "梯度 ∂L/∂d（实线：自动微分，圆圈：解析导数）",
    },
    "reg.autograd": {"en": "autograd", "zh": "自动微分"},
    "reg.closed_form": {"en": "closed form", "zh": "解析导数"},
    "reg.formula.smooth": {"en": "Smooth L1 (torch convention):", "zh": "Smooth L1（torch 约定）："},
    "reg.formula.balanced": {
        "en": "Balanced L1 (mmdetection form), with the current values substituted:",
        "zh": "Balanced L1（mmdetection 公式），代入当前取值：",
    },
    "reg.formula.l1l2": {
        "en": "L1 = |d| (gradient sign(d)); L2 = ${l2}$ (gradient linear in d: outliers dominate).",
        "zh": "L1 = |d|（梯度为 sign(d)）；L2 = ${l2}$（梯度随 d 线性增长：离群点占主导）。",
    },
    "reg.maxdiff_col": {"en": "max |autograd − closed form|", "zh": "最大 |自动微分 − 解析导数|"},
    "reg.family.header": {"en": "The Balanced L1 family", "zh": "Balanced L1 曲线族"},
    "reg.family.intro": {
        "en": (
            "Sweep one hyper-parameter of Balanced L1 with the other two fixed at the values set above the chart, as in Libra "
            "R-CNN's figure that compares Balanced L1 for several α with Smooth L1 (dashed)."
        ),
        "zh": "固定另外两个超参数（取图表上方设置的值），扫描 Balanced L1 的一个超参数，如同 Libra R-CNN 论文中把不同 α 的 Balanced L1 与 Smooth L1（虚线）对比的那张图。",
    },
    "reg.family.param": {"en": "Parameter to sweep", "zh": "扫描的参数"},
    "reg.family.count": {"en": "Number of curves", "zh": "曲线条数"},
    "reg.family.range": {
        "en": "{sym} from {lo} to {hi}, residuals in [−3, 3].",
        "zh": "{sym} 从 {lo} 到 {hi}，残差范围 [−3, 3]。",
    },
    "reg.family.b_values": {"en": "value → b: {values}", "zh": "取值 → b：{values}"},
    "reg.fig.family_loss": {
        "en": "Balanced L1 loss L<sub>b</sub>(d) for several {param}",
        "zh": "不同 {param} 下的 Balanced L1 损失 L<sub>b</sub>(d)",
    },
    "reg.fig.family_grad": {"en": "Gradient ∂L<sub>b</sub>/∂d", "zh": "梯度 ∂L<sub>b</sub>/∂d"},
    "reg.param.alpha": {"en": "α", "zh": "α"},
    "reg.param.gamma": {"en": "γ", "zh": "γ"},
    "reg.param.beta": {"en": "β", "zh": "β"},
    "reg.balance.header": {"en": "The balance, in numbers", "zh": "“平衡”的定量分析"},
    "reg.balance.intro": {
        "en": (
            "Draw residuals from a mixture of many small errors and a few large ones. Each sample is an inlier when "
            "|d| < split, an outlier otherwise. The bars show which share of the total gradient magnitude Σ|∂L/∂d| "
            "comes from inliers under each loss: Balanced L1 gives inliers a larger share than Smooth L1."
        ),
        "zh": (
            "从“大量小误差 + 少量大误差”的混合分布中抽取残差。|d| < 分界 的样本为内点，否则为离群点。"
            "条形图给出每种损失下总梯度幅值 Σ|∂L/∂d| 中来自内点的比例：Balanced L1 给内点的份额比 Smooth L1 更大。"
        ),
    },
    "reg.balance.out_frac": {"en": "Outlier fraction", "zh": "离群点比例"},
    "reg.balance.in_scale": {"en": "Small-error σ", "zh": "小误差 σ"},
    "reg.balance.out_scale": {"en": "Large-error σ", "zh": "大误差 σ"},
    "reg.balance.split": {"en": "Inlier/outlier split |d| <", "zh": "内点/离群点分界 |d| <"},
    "reg.balance.seed": {"en": "Random seed", "zh": "随机种子"},
    "reg.balance.computing": {"en": "Sampling residuals and gradients…", "zh": "正在采样残差并计算梯度…"},
    "reg.balance.sampled": {
        "en": "{n} residuals from a zero-mean Gaussian mixture, seed {seed}; {pct}% of them are inliers.",
        "zh": "从零均值高斯混合分布中抽取 {n} 个残差，随机种子 {seed}；其中 {pct}% 为内点。",
    },
    "reg.balance.count_share": {"en": "Inliers among samples", "zh": "样本中的内点比例"},
    "reg.balance.share": {"en": "Inlier share of gradient, {name}", "zh": "{name} 下内点的梯度占比"},
    "reg.inliers": {"en": "inliers", "zh": "内点"},
    "reg.outliers": {"en": "outliers", "zh": "离群点"},
    "reg.inlier_share": {"en": "inlier share", "zh": "内点占比"},
    "reg.outlier_share": {"en": "outlier share", "zh": "离群点占比"},
    "reg.count_share_marker": {"en": "inliers: {pct}% of samples", "zh": "内点占样本 {pct}%"},
    "reg.fig.residuals": {
        "en": "Sampled residuals (tails in the end bins)",
        "zh": "采样得到的残差（尾部计入两端的柱）",
    },
    "reg.fig.shares": {"en": "Where the gradient goes", "zh": "梯度的去向"},
    "reg.col.loss": {"en": "loss", "zh": "损失"},
    "reg.csv.d": {"en": "d (residual = prediction − target)", "zh": "d（残差 = 预测值 − 目标值）"},
    "reg.csv.loss": {"en": "{name}: loss L(d)", "zh": "{name}：损失 L(d)"},
    "reg.csv.grad": {"en": "{name}: gradient ∂L/∂d (autograd)", "zh": "{name}：梯度 ∂L/∂d（自动微分）"},
    "reg.csv.grad_closed": {"en": "{name}: gradient ∂L/∂d (closed form)", "zh": "{name}：梯度 ∂L/∂d（闭式解）"},
    "reg.preset.figure.libra_fig5": {"en": "Fig. 5", "zh": "图 5"},
    "reg.col.inlier_grad_sum": {"en": "Σ|g| inliers", "zh": "内点 Σ|g|"},
    "reg.col.outlier_grad_sum": {"en": "Σ|g| outliers", "zh": "离群点 Σ|g|"},
    "reg.col.inlier_share": {"en": "inlier share", "zh": "内点占比"},
    "reg.col.mean_inlier_grad": {"en": "mean |g| per inlier", "zh": "每个内点的平均 |g|"},
    "reg.col.mean_outlier_grad": {"en": "mean |g| per outlier", "zh": "每个离群点的平均 |g|"},
    "reg.explain": {
        "en": (
            "**Why Balanced L1.** A detector sums a classification loss and a box-regression loss. Libra R-CNN "
            "(Pang et al., CVPR 2019) observes that with Smooth L1 the *outliers* — hard samples with a large error — "
            "produce gradients of magnitude 1 and account for most of the total gradient, while the many *inliers* "
            "(accurate boxes, |d| < 1) contribute little: their gradient d/β vanishes as d → 0. Simply raising the "
            "regression weight would make training even more sensitive to outliers.\n\n"
            "**The fix.** Design the *gradient* first: α·ln(b|d| + 1) for |d| < 1, γ for |d| ≥ 1. Small α lifts the "
            "inlier gradient (see the family view), γ caps the outlier gradient, and b = $e^{γ/α}$ − 1 makes the two "
            "meet at |d| = 1. Integrating gives the loss formula shown above.\n\n"
            "**What to try.** (1) Compare the two gradient curves for |d| < 1: Balanced L1 lies above Smooth L1. "
            "(2) In the balance section, note how the inliers' share of the total gradient grows from Smooth L1 to "
            "Balanced L1. (3) Set Balanced L1's β to 0.5 or 2: mmdetection's form does not rescale the curve, the "
            "gradient jumps at β.\n\n"
            "**Gradient check.** Every gradient on this page is torch autograd of the loss (float64); the circles are "
            "the derivative written by hand. The metric above reports the largest difference between the two."
        ),
        "zh": (
            "**为什么需要 Balanced L1。** 检测器把分类损失和边框回归损失相加。Libra R-CNN（Pang 等，CVPR 2019）指出：使用 "
            "Smooth L1 时，*离群点*（误差大的困难样本）的梯度幅值为 1，占据了总梯度的大部分；而数量众多的*内点*"
            "（定位准确的框，|d| < 1）贡献很小，因为它们的梯度 d/β 在 d → 0 时趋于零。单纯加大回归损失的权重，"
            "只会让训练对离群点更加敏感。\n\n"
            "**解决办法。** 先设计*梯度*：|d| < 1 时为 α·ln(b|d| + 1)，|d| ≥ 1 时为 γ。较小的 α 提高内点梯度（见曲线族），"
            "γ 限制离群点梯度的上限，b = $e^{γ/α}$ − 1 使两段在 |d| = 1 处相接。对梯度积分即得到上面的损失公式。\n\n"
            "**可以尝试。** (1) 比较 |d| < 1 区间的两条梯度曲线：Balanced L1 位于 Smooth L1 之上。"
            "(2) 在“平衡”一节中，观察内点在总梯度中的份额从 Smooth L1 到 Balanced L1 如何增大。"
            "(3) 把 Balanced L1 的 β 设为 0.5 或 2：mmdetection 的公式并不是对曲线做缩放，梯度会在 β 处跳变。\n\n"
            "**梯度校验。** 本页所有梯度都是 torch 对损失的自动微分（float64）；圆圈是手工推导的解析导数。"
            "上方的指标给出两者之间的最大差值。"
        ),
    },
    "reg.cbbl.n": {"en": "Intervals n", "zh": "区间数 n"},
    "reg.cbbl.n_help": {"en": "The grid has n + 1 points.", "zh": "网格共有 n + 1 个点。"},
    "reg.cbbl.a": {"en": "Range a", "zh": "范围 a"},
    "reg.cbbl.kind": {"en": "Grid", "zh": "网格类型"},
    "reg.cbbl.beta": {"en": "Grid β (exponential)", "zh": "网格 β（指数型）"},
    "reg.cbbl.beta_help": {
        "en": "$g_i = \\operatorname{sign}(y_i)·a/(e^{aβ} − 1)·(e^{β|y_i|} − 1)$: larger β packs the points closer to 0. The paper does "
        "not publish its defaults.",
        "zh": "$g_i = \\operatorname{sign}(y_i)·a/(e^{aβ} − 1)·(e^{β|y_i|} − 1)$：β 越大，网格点越集中在 0 附近。论文未公开其默认取值。",
    },
    "reg.cbbl.t": {"en": "Target t", "zh": "目标 t"},
    "reg.cbbl.mu": {"en": "Prediction centre μ", "zh": "预测中心 μ"},
    "reg.cbbl.sigma": {"en": "Prediction width σ", "zh": "预测宽度 σ"},
    "reg.cbbl.clamped": {
        "en": "t = {t} lies outside [−{a}, {a}]: the grid cannot represent it, so it is clamped to {used}.",
        "zh": "t = {t} 超出 [−{a}, {a}]：网格无法表示，已截断为 {used}。",
    },
    "reg.cbbl.fig.dist": {"en": "Target p* and prediction p on the grid", "zh": "网格上的目标 p* 与预测 p"},
    "reg.cbbl.fig.grad": {"en": "Gradient of CE w.r.t. the logits: p − p*", "zh": "CE 对 logits 的梯度：p − p*"},
    "reg.cbbl.axis.prob": {"en": "probability", "zh": "概率"},
    "reg.cbbl.axis.grid": {"en": "grid value g", "zh": "网格值 g"},
    "reg.cbbl.axis.mu": {"en": "prediction centre μ", "zh": "预测中心 μ"},
    "reg.cbbl.sweep_caption": {
        "en": "Moving μ across the grid at fixed t and σ: the CE grows with the error, but the gradient size "
        "‖p − p*‖₁ (dashed, right axis) stays at most 2.",
        "zh": "在固定 t 与 σ 的情况下让 μ 扫过整个网格：CE 随误差增大，但梯度大小 ‖p − p*‖₁（虚线，右轴）始终不超过 2。",
    },
}
