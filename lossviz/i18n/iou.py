"""Strings of the IoU page."""

STRINGS = {
    "iou.title": {"en": "IoU family: drag two boxes", "zh": "IoU 系列：拖动两个框"},
    "iou.intro": {
        "en": "Drag the **predicted box** (blue) or the **ground truth** (green) by its body, or resize it by any "
        "corner or edge. Each loss in the IoU family fixes a weakness of the one before: IoU has no gradient when "
        "the boxes are disjoint, GIoU degenerates when one box contains the other, DIoU pulls the centres together, "
        "CIoU adds the aspect ratio. The arrows on the blue box show where gradient descent would move each edge. "
        "Every number comes from the torch loss core and autograd.",
        "zh": "拖动**预测框**（蓝色）或**真实框**（绿色）的内部可移动它，拖动任意角点或边可改变大小。"
        "IoU 系列中的每种损失都修补了前一种的缺陷：两框不相交时 IoU 没有梯度；一个框包含另一个框时 GIoU 退化；"
        "DIoU 直接拉近两框中心；CIoU 再加入宽高比。蓝色框上的箭头表示梯度下降会把每条边往哪里移动。"
        "所有数值都来自 torch 损失核心和 autograd。",
    },
    "iou.paper": {"en": "Paper: [arXiv]({url})", "zh": "论文：[arXiv]({url})"},
    "iou.canvas.name": {
        "en": "Box canvas, 0 to 100 in x and y: the prediction and the ground truth",
        "zh": "框画布（x、y 均为 0 到 100）：预测框与真实框",
    },
    "iou.canvas.keys": {
        "en": "Keyboard: Tab selects a box; arrow keys move it (Shift: 10 units); Alt or Ctrl + arrows resize it "
        "(right/down grow, left/up shrink).",
        "zh": "键盘：Tab 选择一个框；方向键移动它（按住 Shift：每次 10 个单位）；Alt 或 Ctrl + 方向键改变大小"
        "（右/下变大，左/上变小）。",
    },
    "iou.preset.fig2_centre": {"en": "DIoU Fig. 2: centred", "zh": "DIoU 图 2：居中"},
    "iou.preset.fig2_side": {"en": "DIoU Fig. 2: at a side", "zh": "DIoU 图 2：靠边"},
    "iou.preset.fig2_corner": {"en": "DIoU Fig. 2: in a corner", "zh": "DIoU 图 2：角落"},
    "iou.case.disjoint": {
        "en": "Reproduces the start of {figure} of the [DIoU paper]({url}): disjoint boxes. IoU loss is 1 with a zero "
        "gradient; GIoU's arrows first grow the prediction towards the target, DIoU's move its centre.",
        "zh": "重现 [DIoU 论文]({url}) {figure} 的起点：两框不相交。IoU 损失为 1、梯度为零；"
        "GIoU 的箭头先把预测框朝真实框方向放大，DIoU 的箭头则移动其中心。",
    },
    "iou.case.overlap": {
        "en": "A general overlapping pair ([GIoU paper]({url})): every loss has a gradient; compare the table.",
        "zh": "一般的部分重叠框对（[GIoU 论文]({url})）：每种损失都有梯度，可对比下表。",
    },
    "iou.case.containment": {
        "en": "The situation of {figure} of the [DIoU paper]({url}): the prediction inside the target. C is the "
        "target, so GIoU loss equals IoU loss; DIoU still sees where the inner box sits.",
        "zh": "[DIoU 论文]({url}) {figure} 的情形：预测框在真实框内部。C 就是真实框，所以 GIoU 损失等于 IoU 损失；"
        "DIoU 仍能分辨内部框的位置。",
    },
    "iou.case.aspect": {
        "en": "Same centre, other aspect ratio ([CIoU paper]({url})): ρ = 0, so DIoU loss equals IoU loss; only "
        "CIoU's aspect term v tells the shapes apart.",
        "zh": "同中心、不同宽高比（[CIoU 论文]({url})）：ρ = 0，所以 DIoU 损失等于 IoU 损失；只有 CIoU 的宽高比项 v "
        "能区分两种形状。",
    },
    "iou.case.fig2_centre": {
        "en": "Reproduces {figure} of the [DIoU paper]({url}): a prediction of a quarter of the target's area inside "
        "it. IoU and GIoU loss are 0.75 at all three positions of the figure; DIoU loss is 0.75 here, centred.",
        "zh": "重现 [DIoU 论文]({url}) {figure}：面积为真实框四分之一的预测框位于其内部。"
        "在图中三个位置上 IoU 与 GIoU 损失都是 0.75；居中时 DIoU 损失也是 0.75。",
    },
    "iou.case.fig2_side": {
        "en": "Reproduces {figure} of the [DIoU paper]({url}): the same inner box at a side. IoU and GIoU loss are "
        "still 0.75; DIoU loss grows (0.78), because the centres are apart.",
        "zh": "重现 [DIoU 论文]({url}) {figure}：同一个内部框移到一侧。IoU 与 GIoU 损失仍为 0.75；"
        "DIoU 损失变大（0.78），因为两中心分开了。",
    },
    "iou.case.fig2_corner": {
        "en": "Reproduces {figure} of the [DIoU paper]({url}): the same inner box in a corner. IoU and GIoU loss are "
        "still 0.75; DIoU loss is largest (0.81).",
        "zh": "重现 [DIoU 论文]({url}) {figure}：同一个内部框移到角落。IoU 与 GIoU 损失仍为 0.75；DIoU 损失最大（0.81）。",
    },
    "iou.pred": {"en": "Prediction", "zh": "预测框"},
    "iou.target": {"en": "Ground truth", "zh": "真实框"},
    "iou.select_loss": {"en": "Loss", "zh": "损失函数"},
    "iou.opt.mode": {"en": "IoU loss mode", "zh": "IoU 损失形式"},
    "iou.opt.not_used": {
        "en": "URL parameter {key}={value} is ignored: {name} has no such option (its options: {options}).",
        "zh": "URL 参数 {key}={value} 已忽略：{name} 没有这个选项（它的选项：{options}）。",
    },
    "iou.opt.none": {"en": "none", "zh": "无"},
    "iou.opt.eps_note": {
        "en": "eps = {eps:g} is {share:.1%} of this pair's IoU denominator (union + eps): the loss reflects eps, not "
        "the boxes. eps is absolute; boxes this small need a smaller eps or larger units.",
        "zh": "eps = {eps:g} 占该框对 IoU 分母（并集 + eps）的 {share:.1%}：损失反映的是 eps 而不是框本身。eps 是绝对量；"
        "这么小的框需要更小的 eps 或更大的坐标单位。",
    },
    "iou.opt.mode_help": {
        "en": "linear: 1 − IoU (default). log: −ln IoU (UnitBox; mmdetection's default, IoU clamped at 1e-6). "
        "square: 1 − IoU².",
        "zh": "linear：1 − IoU（默认）。log：−ln IoU（UnitBox；mmdetection 的默认形式，IoU 下限截断为 1e-6）。"
        "square：1 − IoU²。",
    },
    "iou.opt.alpha_gating": {"en": "CIoU α-gating (mmdet 3.x)", "zh": "CIoU α 门控（mmdet 3.x）"},
    "iou.opt.alpha_gating_help": {
        "en": "Off: torchvision's CIoU. On: mmdetection 3.x sets α = 0 when IoU ≤ 0.5 and clamps CIoU to [−1, 1], "
        "so CIoU equals DIoU for low-overlap pairs.",
        "zh": "关闭：torchvision 的 CIoU。开启：mmdetection 3.x 在 IoU ≤ 0.5 时令 α = 0，并把 CIoU 截断到 [−1, 1]，"
        "因此低重叠的框对上 CIoU 与 DIoU 相同。",
    },
    "iou.opt.alpha": {"en": "α of α-IoU", "zh": "α-IoU 的 α"},
    "iou.opt.alpha_help": {
        "en": "Power α of α-IoU (He et al. 2021; default 3). α = 1 gives the plain loss back.",
        "zh": "α-IoU 的幂次 α（He 等，2021；默认 3）。α = 1 时退化为原始损失。",
    },
    "iou.opt.variant": {"en": "α-IoU variant", "zh": "α-IoU 变体"},
    "iou.opt.variant_help": {
        "en": "Which loss α-IoU raises to the power α: IoU alone, or IoU with GIoU's, DIoU's or CIoU's penalty.",
        "zh": "α-IoU 对哪种损失取 α 次幂：仅 IoU，或 IoU 加上 GIoU、DIoU 或 CIoU 的惩罚项。",
    },
    "iou.opt.constant": {"en": "NWD constant C", "zh": "NWD 常数 C"},
    "iou.opt.constant_help": {
        "en": "C of NWD = exp(−W₂/C) (Wang et al. 2021), in the canvas's units. The official code uses 12.8 px, "
        "AI-TOD's mean object size: the loss depends on C, not on the boxes' own size.",
        "zh": "NWD = exp(−W₂/C) 中的常数 C（Wang 等，2021），单位与画布相同。官方代码取 12.8 像素（AI-TOD 的平均目标尺寸）："
        "该损失取决于 C，而不是框本身的大小。",
    },
    "iou.presets": {"en": "Textbook cases:", "zh": "典型情形："},
    "iou.preset.disjoint": {"en": "Disjoint", "zh": "不相交"},
    "iou.preset.overlap": {"en": "Overlapping", "zh": "部分重叠"},
    "iou.preset.containment": {"en": "Containment", "zh": "包含"},
    "iou.preset.aspect": {"en": "Same centre, other aspect", "zh": "同中心、不同宽高比"},
    "iou.coords": {"en": "Exact coordinates", "zh": "精确坐标"},
    "iou.coords_help": {
        "en": "(x1, y1) top-left, (x2, y2) bottom-right, in a {world} × {world} canvas with y pointing down.",
        "zh": "(x1, y1) 为左上角，(x2, y2) 为右下角；画布为 {world} × {world}，y 轴向下。",
    },
    "iou.note.nonfinite": {
        "en": "{box}: a coordinate was not a finite number and was replaced.",
        "zh": "{box}：某个坐标不是有限数值，已被替换。",
    },
    "iou.note.clamped": {
        "en": "{box}: coordinates outside the canvas were clamped to it.",
        "zh": "{box}：超出画布的坐标已被截断到画布内。",
    },
    "iou.note.swapped": {
        "en": "{box}: x2 < x1 or y2 < y1 (an inverted box); the corners are swapped for the computation.",
        "zh": "{box}：x2 < x1 或 y2 < y1（框是反的），计算时已交换对应角点。",
    },
    "iou.note.min_size": {
        "en": "{box}: width and height must be at least {min}; the box was enlarged to that size.",
        "zh": "{box}：宽和高至少为 {min}，已将框放大到该尺寸。",
    },
    "iou.note.canvas_bad": {
        "en": "The canvas sent boxes that could not be read; the previous boxes are kept.",
        "zh": "画布传回的框无法解析，已保留之前的框。",
    },
    "iou.metric.loss": {"en": "{name} loss", "zh": "{name} 损失"},
    "iou.metric.grad_norm": {"en": "‖∇ loss‖", "zh": "‖∇ 损失‖"},
    "iou.zero_grad": {
        "en": "The gradient of {name} loss is exactly zero here: gradient descent would not move the predicted box at "
        "all. (IoU is 0 for every disjoint pair, whatever the distance.)",
        "zh": "此处 {name} 损失的梯度恰好为零：梯度下降完全不会移动预测框。（只要两框不相交，无论相距多远 IoU 都是 0。）",
    },
    "iou.arrows_help": {
        "en": "Arrows: −∂L/∂(edge) at each edge of the prediction, scaled so the longest has a fixed length; the raw "
        "derivatives are in the table below.",
        "zh": "箭头：预测框每条边上的 −∂L/∂(边坐标)，按最长箭头为固定长度缩放；原始导数见下表。",
    },
    "iou.uses.iou": {
        "en": "On the canvas: the intersection (yellow) — all IoU loss sees.",
        "zh": "画布上：交集（黄色）——IoU 损失只看这一项。",
    },
    "iou.uses.giou": {
        "en": "On the canvas: the intersection (yellow) and the smallest enclosing box C (dashed).",
        "zh": "画布上：交集（黄色）与最小外接框 C（虚线）。",
    },
    "iou.uses.diou": {
        "en": "On the canvas: the intersection, the centre distance ρ (red) and the diagonal c of the enclosing box "
        "(orange).",
        "zh": "画布上：交集、中心距离 ρ（红色）以及外接框的对角线 c（橙色）。",
    },
    "iou.uses.ciou": {
        "en": "On the canvas: the intersection, ρ (red), c (orange) and, bottom left, both boxes' diagonals from one "
        "origin: the angle between them is the aspect-ratio term v.",
        "zh": "画布上：交集、ρ（红色）、c（橙色），左下角为两个框从同一原点画出的对角线：两者夹角对应宽高比项 v。",
    },
    "iou.uses.eiou": {
        "en": "On the canvas: the intersection, ρ (red), c (orange) and the enclosing box whose width $C_w$ and height "
        "$C_h$ normalise the side-length terms.",
        "zh": "画布上：交集、ρ（红色）、c（橙色）以及外接框，其宽 $C_w$ 与高 $C_h$ 用于归一化边长项。",
    },
    "iou.uses.siou": {
        "en": "On the canvas: the intersection, the centre line ρ (red; its angle sets the angle cost Λ) and the "
        "enclosing box that normalises the distance cost.",
        "zh": "画布上：交集、中心连线 ρ（红色；其角度决定角度代价 Λ）以及用于归一化距离代价的外接框。",
    },
    "iou.uses.alpha_iou": {
        "en": "On the canvas: the geometry of the {variant} penalty that α-IoU raises to the power α.",
        "zh": "画布上：α-IoU 所取幂的 {variant} 惩罚项对应的几何量。",
    },
    "iou.uses.wiou": {
        "en": "On the canvas: the intersection, ρ (red) and c (orange), which set Wise-IoU's factor R.",
        "zh": "画布上：交集、ρ（红色）和 c（橙色），它们决定 Wise-IoU 的放大因子 R。",
    },
    "iou.uses.nwd": {
        "en": "On the canvas: ρ (red), the centre distance; NWD also reads the width and height differences, not the "
        "overlap.",
        "zh": "画布上：ρ（红色），即中心距离；NWD 还读取宽、高之差，而不读取重叠面积。",
    },
    "iou.canvas.enclose": {"en": "C (enclosing box)", "zh": "C（最小外接框）"},
    "iou.canvas.aspect": {"en": "aspect: v = {v:.4f}", "zh": "宽高比：v = {v:.4f}"},
    "iou.canvas.readout": {
        "en": "{name} loss = {value:.4f} · IoU = {iou:.4f}",
        "zh": "{name} 损失 = {value:.4f} · IoU = {iou:.4f}",
    },
    "iou.canvas.box": {"en": "Dragged box", "zh": "拖动的框"},
    "iou.table.title": {"en": "Every IoU-family loss on this pair", "zh": "当前框对上的所有 IoU 系列损失"},
    "iou.table.loss": {"en": "Loss", "zh": "损失"},
    "iou.table.value": {"en": "Value", "zh": "数值"},
    "iou.table.options": {"en": "Options", "zh": "选项"},
    "iou.table.help": {
        "en": "∂L/∂x1 … ∂L/∂y2: autograd derivatives with respect to the predicted box's edges (float64). "
        "Wise-IoU is shown as v1: v3's focusing needs the running mean of IoU loss kept during training.",
        "zh": "∂L/∂x1 … ∂L/∂y2：对预测框各边坐标的 autograd 导数（float64）。"
        "Wise-IoU 显示的是 v1：v3 的聚焦系数需要训练过程中维护的 IoU 损失滑动均值。",
    },
    "iou.bar.title": {"en": "L(B, B<sup>gt</sup>) of every loss", "zh": "各损失的 L(B, B<sup>gt</sup>)"},
    "iou.explain.title": {"en": "What {name} looks at", "zh": "{name} 关注什么"},
    "iou.explain.iou": {
        "en": "IoU loss sees only the overlap. While the boxes are disjoint IoU is 0 whatever the distance, so the loss "
        "is flat and its gradient is exactly zero: drag the prediction away from the target and the arrows vanish. "
        "Inside the overlap the gradient grows the intersection and shrinks the rest of the union.",
        "zh": "IoU 损失只看重叠部分。两框不相交时，无论相距多远 IoU 都为 0，损失是平的，梯度恰好为零："
        "把预测框拖离真实框，箭头就会消失。两框重叠时，梯度会扩大交集、缩小并集中其余的部分。",
    },
    "iou.explain.giou": {
        "en": "GIoU adds (|C| − |A ∪ B|)/|C|: the share of the smallest enclosing box C that neither box covers. "
        "Disjoint boxes now get a gradient, but the cheapest way to shrink that share is often to grow the "
        "prediction towards the target, so the arrows first push edges outwards. When one box contains the "
        "other, C is the larger box and the penalty is 0: GIoU degenerates to IoU loss and no longer cares where "
        "the inner box sits (try the containment preset and look at the centre landscape).",
        "zh": "GIoU 增加了 (|C| − |A ∪ B|)/|C|：最小外接框 C 中未被两框覆盖的比例。不相交的框因此有了梯度，"
        "但缩小这一比例最省力的方式往往是让预测框朝真实框方向变大，所以箭头会先把边往外推。"
        "当一个框包含另一个框时，C 就是较大的框，惩罚项为 0：GIoU 退化为 IoU 损失，不再关心内部框的位置"
        "（试试“包含”情形，并观察中心位置地形图）。",
    },
    "iou.explain.diou": {
        "en": "DIoU replaces GIoU's area term with ρ²/c²: the squared distance between the centres over the squared "
        "diagonal of the enclosing box. It pulls the centres together directly, also when one box contains the "
        "other, which converges faster than first growing the box.",
        "zh": "DIoU 用 ρ²/c² 代替 GIoU 的面积项：两中心距离的平方除以外接框对角线长度的平方。它直接把两个中心拉近，"
        "在一个框包含另一个框时也同样有效，比先把框变大收敛得更快。",
    },
    "iou.explain.ciou": {
        "en": "CIoU adds αv to DIoU: v = 4/π²·($\\arctan(w_{gt}/h_{gt})$ − arctan(w/h))² measures how different the aspect "
        "ratios are, and α = v/(1 − IoU + v) weights it (computed without gradient, as torchvision does). With the "
        "same centre, DIoU's ρ term is 0 but CIoU still pushes the shape. mmdetection 3.x sets α = 0 when "
        "IoU ≤ 0.5 (the α-gating option): then CIoU equals DIoU for low-overlap pairs.",
        "zh": "CIoU 在 DIoU 上加 αv：v = 4/π²·($\\arctan(w_{gt}/h_{gt})$ − arctan(w/h))² 衡量宽高比的差异，"
        "α = v/(1 − IoU + v) 为其权重（与 torchvision 一样，不对 α 求梯度）。两框同中心时 DIoU 的 ρ 项为 0，"
        "但 CIoU 仍会推动形状变化。mmdetection 3.x 在 IoU ≤ 0.5 时令 α = 0（即“α 门控”选项）："
        "此时低重叠框对上 CIoU 等于 DIoU。",
    },
    "iou.explain.eiou": {
        "en": "EIoU (Efficient IoU, Zhang et al. 2022) replaces CIoU's aspect term with separate width and height "
        "terms $(w − w_{gt})^2/C_w^2 + (h − h_{gt})^2/C_h^2$, $C_w$ and $C_h$ being the enclosing box's width and height, so each "
        "side length is pulled towards the target's directly instead of only their ratio.",
        "zh": "EIoU（Efficient IoU，Zhang 等，2022）把 CIoU 的宽高比项换成分开的宽、高两项 "
        "$(w − w_{gt})^2/C_w^2 + (h − h_{gt})^2/C_h^2$，其中 $C_w$、$C_h$ 为外接框的宽和高；这样每条边长都被直接拉向真实框，"
        "而不只是它们的比值。",
    },
    "iou.explain.eiou_note": {
        "en": "Not to be confused with mmdetection's class EIoULoss, a different “Extended IoU” loss.",
        "zh": "注意不要与 mmdetection 中的 EIoULoss 类混淆，那是另一种“Extended IoU”损失。",
    },
    "iou.explain.siou": {
        "en": "SIoU (Gevorgyan 2022, the paper's sign, θ = 4) adds an angle-aware distance cost Δ and a shape cost Ω. "
        "The angle cost Λ is largest when the line between the centres is at 45° and 0 along an axis; γ = 2 − Λ "
        "in Δ makes the prediction first line up with the target along the nearer axis. mmdetection's default "
        "`neg_gamma=False` flips the distance term's sign; this page does not.",
        "zh": "SIoU（Gevorgyan，2022，采用论文中的符号，θ = 4）增加了考虑角度的距离代价 Δ 和形状代价 Ω。"
        "两中心连线成 45° 时角度代价 Λ 最大，沿坐标轴时为 0；Δ 中的 γ = 2 − Λ 使预测框先沿较近的坐标轴与真实框对齐。"
        "mmdetection 默认的 `neg_gamma=False` 会翻转距离项的符号，本页不采用。",
    },
    "iou.explain.alpha_iou": {
        "en": "α-IoU (He et al. 2021) raises IoU and the chosen variant's penalty to the power α: $1 − \\mathrm{IoU}^α$ (+ "
        "$\\mathrm{penalty}^α$). With α > 1 the loss and its gradient weigh high-IoU pairs relatively more, which helps precise "
        "localisation; α = 1 gives the plain loss back. Its gradient is still zero for disjoint boxes in the IoU "
        "variant.",
        "zh": "α-IoU（He 等，2021）把 IoU 及所选变体的惩罚项取 α 次幂：$1 − \\mathrm{IoU}^α$（+ 惩罚项$^α$）。"
        "α > 1 时，损失及其梯度相对更侧重高 IoU 的框对，有利于精确定位；α = 1 时退化为原始损失。"
        "在 IoU 变体下，不相交框的梯度仍为零。",
    },
    "iou.explain.wiou": {
        "en": "Wise-IoU v1 (Tong et al. 2023) multiplies IoU loss by R = exp(ρ²/c²*), where c² is detached from the "
        "graph so the factor never rewards growing the enclosing box. R amplifies the loss of distant pairs and "
        "gives disjoint boxes a gradient that moves the centre, not the size.",
        "zh": "Wise-IoU v1（Tong 等，2023）把 IoU 损失乘以 R = exp(ρ²/c²*)，其中 c² 从计算图中分离（不求梯度），"
        "因此该因子不会鼓励外接框变大。R 放大了远离目标的框对的损失，并让不相交的框获得移动中心（而非改变大小）的梯度。",
    },
    "iou.explain.nwd": {
        "en": "NWD (Wang et al. 2021, [arXiv:2110.13389](https://arxiv.org/abs/2110.13389)) models each box as a "
        "Gaussian N(c, diag(w²/4, h²/4)); the 2-Wasserstein distance between them is "
        "$W_2^2 = ρ^2 + ((w − w_{gt})^2 + (h − h_{gt})^2)/4$ and NWD = exp(−W₂/C). The loss is 1 − NWD. Unlike IoU it is not divided by the boxes' own "
        "size: the same offset costs the same for a tiny and a large box, and disjoint boxes still get a graded "
        "loss and a gradient. C (12.8 px in the official code, AI-TOD's mean object size) sets how far is far. "
        "The Box size page compares it with IoU for tiny and large boxes.",
        "zh": "NWD（Wang 等，2021，[arXiv:2110.13389](https://arxiv.org/abs/2110.13389)）把每个框建模为高斯分布 "
        "N(c, diag(w²/4, h²/4))；两者的 2-Wasserstein 距离为 $W_2^2 = ρ^2 + ((w − w_{gt})^2 + (h − h_{gt})^2)/4$，NWD = exp(−W₂/C)，"
        "损失为 1 − NWD。与 IoU 不同，它不除以框本身的尺寸：同样的偏移对小框和大框代价相同，不相交的框也有连续变化的损失和梯度。"
        "常数 C（官方代码取 12.8 像素，即 AI-TOD 的平均目标尺寸）决定多远算远。“框尺寸”页面对比了它与 IoU 在小框和大框上的表现。",
    },
    "iou.land.title": {"en": "{name} loss landscape", "zh": "{name} 损失地形图"},
    "iou.land.res": {"en": "Grid resolution", "zh": "网格分辨率"},
    "iou.land.res_help": {
        "en": "Boxes per axis; all n × n boxes are evaluated in one tensor with one backward pass.",
        "zh": "每个轴上的框数；全部 n × n 个框放在一个张量中，只做一次反向传播。",
    },
    "iou.land.field": {"en": "Descent arrows", "zh": "下降方向箭头"},
    "iou.land.help": {
        "en": "Left: the loss when the prediction (at its current size) is centred at each point; the green outline is "
        "the ground truth. Right: the loss over the prediction's width and height at its current centre. White "
        "arrows point along −∇ (gradient descent); where there are none the gradient is exactly zero — IoU loss "
        "has a flat plateau wherever the boxes are disjoint, and GIoU is flat in position while one box contains "
        "the other.",
        "zh": "左图：预测框保持当前大小、中心位于各点时的损失；绿色轮廓为真实框。右图：预测框中心固定时损失随宽、高的变化。"
        "白色箭头指向 −∇（梯度下降方向）；没有箭头的地方梯度恰好为零——只要两框不相交，IoU 损失就是一片平台；"
        "一个框包含另一个框时，GIoU 对位置也是平的。",
    },
    "iou.land.computing": {"en": "Computing the {n} × {n} landscape…", "zh": "正在计算 {n} × {n} 地形图…"},
    "iou.land.cx": {"en": "centre c<sub>x</sub>", "zh": "中心 c<sub>x</sub>"},
    "iou.land.cy": {"en": "centre c<sub>y</sub>", "zh": "中心 c<sub>y</sub>"},
    "iou.land.w": {"en": "width w", "zh": "宽 w"},
    "iou.land.h": {"en": "height h", "zh": "高 h"},
    "iou.land.loss": {"en": "L<sub>{name}</sub>", "zh": "L<sub>{name}</sub>"},
    "iou.land.descent": {"en": "descent direction", "zh": "下降方向"},
    "iou.land.centre_title": {
        "en": "L<sub>{name}</sub> over the centre position (size {w:.1f} × {h:.1f})",
        "zh": "L<sub>{name}</sub> 随中心位置的变化（尺寸 {w:.1f} × {h:.1f}）",
    },
    "iou.land.size_title": {
        "en": "L<sub>{name}</sub> over width and height (centre {cx:.1f}, {cy:.1f})",
        "zh": "L<sub>{name}</sub> 随宽和高的变化（中心 {cx:.1f}, {cy:.1f}）",
    },
}
