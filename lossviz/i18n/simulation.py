"""Strings of the Simulation page."""

_SRC = "https://github.com/Zzh-tju/DIoU/blob/master/simulation%20experiment/"

STRINGS = {
    "sim.title": {"en": "Simulation: the DIoU paper's regression experiment", "zh": "仿真：DIoU 论文的框回归实验"},
    "sim.intro": {
        "en": "Anchor boxes regressed onto targets by gradient descent on each loss, as in Zheng et al., "
        "[Distance-IoU Loss](https://arxiv.org/abs/1911.08287) (AAAI 2020) and its official MATLAB code "
        "(`test_1715k.m`). Centres are uniform over a disc of radius 3 around (10, 10) (radius 3·√u); at each, "
        "7 targets of area 1 (aspect ratios 1:4 … 4:1) × 7 anchor scales × 7 anchor aspect ratios = 343 cases. "
        "Update B ← B − η·(2 − IoU)·∇L on (x, y, w, h); E(t) = Σ |Δx| + |Δy| + |Δw| + |Δh| over all cases. "
        "**autograd** uses the exact gradients of lossviz's losses; **paper** is a port of the official "
        "hand-written gradients, quirks included (listed below).",
        "zh": "按 Zheng 等人 [Distance-IoU Loss](https://arxiv.org/abs/1911.08287)（AAAI 2020）及其官方 MATLAB 代码"
        "（`test_1715k.m`）：用各损失的梯度下降把锚框回归到目标框。锚框中心在以 (10, 10) 为圆心、半径 3 的圆盘上均匀分布"
        "（半径 3·√u）；每个中心有 7 个面积为 1 的目标框（宽高比 1:4 … 4:1）× 7 种锚框尺度 × 7 种锚框宽高比 = 343 个案例。"
        "更新 B ← B − η·(2 − IoU)·∇L（作用于 x, y, w, h）；E(t) = 所有案例的 |Δx| + |Δy| + |Δw| + |Δh| 之和。"
        "**autograd** 使用 lossviz 损失的精确梯度；**paper** 移植官方手写梯度，包括其特殊之处（见下文）。",
    },
    "sim.papers": {"en": "Papers (arXiv): {links}", "zh": "论文（arXiv）：{links}"},
    "sim.controls": {"en": "Run", "zh": "运行设置"},
    "sim.points": {
        "en": "Anchor centres (343 cases each; 5000 = the paper's 1,715,000)",
        "zh": "锚框中心数（每个 343 个案例；5000 = 论文的 1,715,000）",
    },
    "sim.iters": {"en": "Steps", "zh": "迭代步数"},
    "sim.seed": {"en": "Seed", "zh": "随机种子"},
    "sim.losses": {"en": "Losses", "zh": "损失函数"},
    "sim.modes": {"en": "Gradients", "zh": "梯度"},
    "sim.mode.autograd": {"en": "autograd", "zh": "autograd"},
    "sim.mode.paper": {"en": "paper", "zh": "paper"},
    "sim.iou_factor": {"en": "(2 − IoU) step factor", "zh": "(2 − IoU) 步长因子"},
    "sim.schedule": {"en": "Learning-rate schedule", "zh": "学习率计划"},
    "sim.rate": {"en": "η{i}", "zh": "η{i}"},
    "sim.until": {"en": "η{i} until step", "zh": "η{i} 持续到第几步"},
    "sim.cases": {
        "en": "{cases:,} cases × {losses} losses × {modes} gradient modes, {iters} steps; estimated memory {mib:,.0f} MiB.",
        "zh": "{cases:,} 个案例 × {losses} 个损失 × {modes} 种梯度，{iters} 步；估计内存 {mib:,.0f} MiB。",
    },
    "sim.large": {
        "en": "This is a large run (a minute or more per loss and gradient mode on a small CPU). It starts when you "
        "press the button, and its result is kept for this session.",
        "zh": "这是一次较大的运行（在小型 CPU 上每个损失、每种梯度模式约一分钟或更久）。按下按钮后才开始，结果会在本会话中保留。",
    },
    "sim.start": {"en": "Start the run ({cases:,} cases)", "zh": "开始运行（{cases:,} 个案例）"},
    "sim.bad_bounds": {
        "en": "The learning-rate schedule's step bounds must increase (got {u1} then {u2}); using the paper's 160 "
        "and 180.",
        "zh": "学习率调度的步数边界必须递增（当前为 {u1} 和 {u2}）；已改用论文的 160 和 180。",
    },
    "sim.running": {"en": "Simulating {loss} ({mode}) …", "zh": "正在仿真 {loss}（{mode}）…"},
    "sim.no_loss": {"en": "Choose at least one loss and one gradient mode.", "zh": "请至少选择一个损失和一种梯度。"},
    "sim.paper_only4": {
        "en": "Paper gradients exist only for IoU, GIoU, DIoU and CIoU; the others run with autograd only.",
        "zh": "论文手写梯度只有 IoU、GIoU、DIoU 和 CIoU；其余损失只用 autograd 运行。",
    },
    "sim.refused": {"en": "Run refused: {msg}", "zh": "拒绝运行：{msg}"},
    "sim.reduced": {
        "en": "Reduced scale: {points:,} anchor centres = {cases:,} cases. The paper's figures use 5,000 centres = "
        "{paper:,} cases (about a minute per loss on a small CPU; the result is then shared with every visitor).",
        "zh": "缩小规模：{points:,} 个锚框中心 = {cases:,} 个案例。论文图使用 5,000 个中心 = {paper:,} 个案例"
        "（在小型 CPU 上每个损失约一分钟；结果随后与所有访问者共享）。",
    },
    "sim.full_scale": {"en": "Run the paper's full scale", "zh": "按论文完整规模运行"},
    "sim.view": {"en": "View", "zh": "视图"},
    "sim.view.curves": {"en": "Error curves and table", "zh": "误差曲线与汇总表"},
    "sim.view.map": {"en": "Final-error map", "zh": "最终误差分布图"},
    "sim.view.traj": {"en": "One box's trajectory", "zh": "单个框的轨迹"},
    "sim.view.load": {"en": "Load a saved run", "zh": "加载已保存的运行"},
    "sim.curves": {"en": "Error-sum curves E(t)", "zh": "误差和曲线 E(t)"},
    "sim.log_y": {"en": "Log scale", "zh": "对数坐标"},
    "sim.published": {
        "en": "For reference, the paper's published curves (1,715,000 cases) read roughly: IoU stays near 6 × 10⁶, "
        "GIoU ends near 1.5 × 10⁶, DIoU and CIoU reach about 0 by step 200. Divide by 343 × centres to compare "
        "per case.",
        "zh": "作为参照，论文发表的曲线（1,715,000 个案例）大致为：IoU 一直在 6 × 10⁶ 附近，GIoU 最终约 1.5 × 10⁶，"
        "DIoU 和 CIoU 在第 200 步时接近 0。按 343 × 中心数相除可得每个案例的误差。",
    },
    "sim.summary": {"en": "Summary", "zh": "汇总"},
    "sim.col.loss": {"en": "loss", "zh": "损失"},
    "sim.col.mode": {"en": "gradients", "zh": "梯度"},
    "sim.col.area": {"en": "Σₜ E(t) (area under E)", "zh": "Σₜ E(t)（E 曲线下面积）"},
    "sim.col.per_case": {"en": "E({step}) per case", "zh": "每案例 E({step})"},
    "sim.download_json": {"en": "Download run (JSON)", "zh": "下载运行结果（JSON）"},
    "sim.seconds": {"en": "Simulated in {s:.1f} s ({mode}).", "zh": "仿真耗时 {s:.1f} 秒（{mode}）。"},
    "sim.map": {"en": "Total final error per anchor centre", "zh": "每个锚框中心的最终总误差"},
    "sim.map_loss": {"en": "Loss", "zh": "损失"},
    "sim.map_mode": {"en": "Gradients", "zh": "梯度"},
    "sim.map_help": {
        "en": "Each dot is one anchor centre, coloured by the sum of |Δx| + |Δy| + |Δw| + |Δh| after the last step "
        "over its 343 cases (the paper's final-error figure seen from above). The colour scale is shared by every "
        "loss and mode of this run.",
        "zh": "每个点是一个锚框中心，颜色表示其 343 个案例在最后一步后的 |Δx| + |Δy| + |Δw| + |Δh| 之和"
        "（即论文最终误差图的俯视）。本次运行的所有损失和梯度共用同一色标。",
    },
    "sim.traj": {"en": "Trajectory of one box", "zh": "单个框的轨迹"},
    "sim.pair": {
        "en": "Pair from a link: prediction; target as x1,y1,x2,y2;x1,y1,x2,y2 (empty: pick a protocol case below)",
        "zh": "链接中的框对：预测框;目标框，格式 x1,y1,x2,y2;x1,y1,x2,y2（留空则在下面选择一个实验案例）",
    },
    "sim.bad_pair": {
        "en": "The pair in the link is not valid: {msg}. Showing the protocol case instead.",
        "zh": "链接中的框对无效：{msg}。改为显示实验案例。",
    },
    "sim.centre": {"en": "Anchor centre (index)", "zh": "锚框中心（序号）"},
    "sim.ta": {"en": "Target aspect (w:h)", "zh": "目标框宽高比（w:h）"},
    "sim.sc": {"en": "Anchor scale (area)", "zh": "锚框尺度（面积）"},
    "sim.aa": {"en": "Anchor aspect (w:h)", "zh": "锚框宽高比（w:h）"},
    "sim.traj_case": {
        "en": "Start (x, y, w, h) = ({a}); target = ({g}).",
        "zh": "初始 (x, y, w, h) = ({a})；目标 = ({g})。",
    },
    "sim.load": {"en": "Load a saved run", "zh": "加载已保存的运行"},
    "sim.load_help": {
        "en": "A JSON file from this page's download or from `python -m lossviz simulate --json OUT` (e.g. the full "
        "1,715,000-case run).",
        "zh": "本页下载的 JSON 文件，或 `python -m lossviz simulate --json OUT` 生成的文件（例如完整的 1,715,000 案例运行）。",
    },
    "sim.loaded": {
        "en": "Loaded: {cases:,} cases, {gradients} gradients, {iters} steps, {s:.1f} s.",
        "zh": "已加载：{cases:,} 个案例，{gradients} 梯度，{iters} 步，{s:.1f} 秒。",
    },
    "sim.bad_file": {"en": "This file cannot be loaded: {msg}", "zh": "无法加载此文件：{msg}"},
    "sim.quirks": {
        "en": "Where the paper's curves come from: the official gradients' quirks",
        "zh": "论文曲线从何而来：官方梯度的特殊之处",
    },
    "sim.quirks_body": {
        "en": "The **paper** mode ports these from the official code as written ([source](" + _SRC + ")):\n\n"
        "1. `to_xywh.m` lines 4–5 (and `dDIOU.m` 80–81, `dCIOU.m` 84–85): the IoU part's ∂/∂w = ∂/∂r − ∂/∂l and "
        "∂/∂h = ∂/∂b − ∂/∂t, **not halved** (the chain rule gives half: r = x + w/2): width and height move twice "
        "as fast as the exact gradient says.\n"
        "2. `dIOU.m` line 11: no overlap → zero gradient (also true of the exact IoU loss: IoU stalls for "
        "disjoint boxes). Lines 26–27 and 33–34 (`s.dt=s.db; s.db=s.dt;`) meant to swap the edges of an "
        "inverted box but give both the same value.\n"
        "3. `dGIOU.m` line 5 / `dUbox.m` / `dIbox.m`: the union's derivative subtracts the intersection's even for "
        "disjoint boxes, reading the intersection's negative extent: GIoU's push on disjoint boxes is not the "
        "gradient of GIoU.\n"
        "4. `dDIOU.m` / `dCIOU.m` lines 57–64: `Cw` and `Ch` (the enclosing box's width and height) both carry the "
        "derivatives of all four enclosing sides, so ∂c²/∂x gets $2(C_w + C_h)$ instead of $2C_w$ (and ∂c²/∂y, ∂c²/∂w, "
        "∂c²/∂h likewise); lines 65–70 set $∂C_w/∂w$ = −1 (exact: +1) when the prediction spans the target "
        "horizontally (and $∂C_h/∂h$ vertically): the penalty then shrinks the box.\n"
        "5. `dCIOU.m` lines 73–76: α = v/(1 − IoU + v + 10⁻⁷) held fixed, and ∂v/∂w, ∂v/∂h without the factor "
        "1/(w² + h²) (as the paper's Eq. 12 suggests for w, h in [0, 1]).\n"
        "6. `test_1715k.m` lines 133–139: the step factor (2 − IoU) uses `iou.m`, which is 0 for disjoint boxes.\n\n"
        "**autograd** differentiates lossviz's own losses exactly (CIoU's α without gradient, as torchvision and "
        "mmdetection). Others who re-ran the experiment with exact gradients (DIoU repository issue #22) also found "
        "GIoU much closer to DIoU than in the paper's figure.",
        "zh": "**paper** 模式按原样移植官方代码中的以下内容（[源码](" + _SRC + ")）：\n\n"
        "1. `to_xywh.m` 第 4–5 行（以及 `dDIOU.m` 80–81 行、`dCIOU.m` 84–85 行）：IoU 部分的 ∂/∂w = ∂/∂r − ∂/∂l、"
        "∂/∂h = ∂/∂b − ∂/∂t，**没有除以 2**（链式法则应为一半：r = x + w/2），宽高的移动速度是精确梯度的两倍。\n"
        "2. `dIOU.m` 第 11 行：不重叠时梯度为 0（精确的 IoU 损失同样如此：不相交的框 IoU 损失停滞）。第 26–27 和 33–34 行"
        "（`s.dt=s.db; s.db=s.dt;`）本意是交换翻转框的两条边，实际使两者相等。\n"
        "3. `dGIOU.m` 第 5 行 / `dUbox.m` / `dIbox.m`：即使两框不相交，并集的导数仍减去交集的导数（读取交集的负宽度），"
        "所以 GIoU 对不相交框的推动并不是 GIoU 的梯度。\n"
        "4. `dDIOU.m` / `dCIOU.m` 第 57–64 行：`Cw` 和 `Ch`（外接框的宽和高）都包含外接框四条边的导数，因此 ∂c²/∂x 为 "
        "$2(C_w + C_h)$ 而非 $2C_w$（∂c²/∂y、∂c²/∂w、∂c²/∂h 同理）；第 65–70 行在预测框水平方向包住目标框时令 $∂C_w/∂w$ = −1"
        "（精确值为 +1；竖直方向的 $∂C_h/∂h$ 同理），于是惩罚项会缩小框。\n"
        "5. `dCIOU.m` 第 73–76 行：α = v/(1 − IoU + v + 10⁻⁷) 视为常数，∂v/∂w、∂v/∂h 省略了因子 1/(w² + h²)"
        "（论文式 12 针对 w, h ∈ [0, 1] 的建议）。\n"
        "6. `test_1715k.m` 第 133–139 行：步长因子 (2 − IoU) 使用 `iou.m`，不相交时为 0。\n\n"
        "**autograd** 对 lossviz 自己的损失精确求导（CIoU 的 α 不参与求导，与 torchvision、mmdetection 一致）。"
        "其他用精确梯度重跑该实验的人（DIoU 仓库 issue #22）也发现 GIoU 与 DIoU 的差距远小于论文图中所示。",
    },
    "sim.link_from_iou": {
        "en": "Simulate this pair: regress the prediction onto the target with every loss",
        "zh": "仿真这对框：用各损失把预测框回归到目标框",
    },
    "sim.pair_scaled": {
        "en": "The pair is rescaled as in the protocol: target centred at (10, 10) with area 1 (factor {k:.4g}).",
        "zh": "按实验设定缩放这对框：目标框中心移到 (10, 10)、面积为 1（缩放因子 {k:.4g}）。",
    },
    "sim.fig.curves_title": {"en": "Regression error sum E(t)", "zh": "回归误差和 E(t)"},
    "sim.fig.step": {"en": "step t", "zh": "迭代步 t"},
    "sim.fig.error_sum": {"en": "E(t) = Σ |Δx|+|Δy|+|Δw|+|Δh|", "zh": "E(t) = Σ |Δx|+|Δy|+|Δw|+|Δh|"},
    "sim.fig.final_error": {"en": "final error", "zh": "最终误差"},
    "sim.fig.map_title": {
        "en": "Total final error per centre: {loss} ({mode})",
        "zh": "每个中心的最终总误差：{loss}（{mode}）",
    },
    "sim.fig.target": {"en": "target", "zh": "目标框"},
    "sim.fig.start": {"en": "start", "zh": "初始框"},
    "sim.fig.traj_title": {"en": "Centre path and final box", "zh": "中心轨迹与最终框"},
    "sim.fig.traj_error_title": {"en": "Error of this box per step", "zh": "该框每步的误差"},
}

#: The analysis's refusals (``SimulationError.code``), and the words its parameters name.
ERRORS = {
    "whole": ("{name} must be a whole number, got {value!r}", "{name}必须是整数，当前为 {value!r}"),
    "range": (
        "{name} must be between {lo:,} and {hi:,}, got {value:,}",
        "{name}必须在 {lo:,} 到 {hi:,} 之间，当前为 {value:,}",
    ),
    "gradients": ("gradients must be one of {options}, got {value!r}", "梯度必须是 {options} 之一，当前为 {value!r}"),
    "no_loss": ("choose at least one loss", "请至少选择一个损失"),
    "unknown_loss": (
        "unknown loss {names} for {gradients} gradients; choose from {options}",
        "{gradients} 梯度没有损失 {names}；可选 {options}",
    ),
    "twice": ("a loss is listed twice", "有损失重复出现"),
    "rate_number": ("learning rate must be a number, got {value!r}", "学习率必须是数字，当前为 {value!r}"),
    "rate_range": (
        "learning rate η must be in (0, {hi:g}], got {value!r}",
        "学习率 η 必须在 (0, {hi:g}] 内，当前为 {value!r}",
    ),
    "schedule_length": (
        "the schedule needs one step bound per learning rate",
        "学习率计划中每个学习率需要一个步数边界",
    ),
    "bounds_order": ("schedule step bounds must increase, got {until}", "学习率计划的步数边界必须递增，当前为 {until}"),
    "device": ("device must be cpu or cuda, got {value!r}", "设备必须是 cpu 或 cuda，当前为 {value!r}"),
    "no_cuda": ("device cuda asked for, but no CUDA GPU is available here", "要求使用 cuda，但这里没有可用的 CUDA GPU"),
    "dtype": ("dtype must be float32 or float64, got {value!r}", "数据类型必须是 float32 或 float64，当前为 {value!r}"),
    "memory": (
        "this run needs about {need_mib:,.0f} MiB ({cases:,} cases) but only {have_mib:,.0f} MiB is available; "
        "choose fewer points",
        "本次运行约需 {need_mib:,.0f} MiB（{cases:,} 个案例），但只有 {have_mib:,.0f} MiB 可用；请减少中心数",
    ),
    "case_index": ("{name} index must be in 0..{hi}, got {value}", "{name}的序号必须在 0..{hi} 内，当前为 {value}"),
    "pair_format": (
        "a pair is 'x1,y1,x2,y2;x1,y1,x2,y2' (prediction; target)",
        "一对框的格式为 'x1,y1,x2,y2;x1,y1,x2,y2'（预测框；目标框）",
    ),
    "box_numbers": ("the {box} box must be four numbers, got {text!r}", "{box}必须是四个数，当前为 {text!r}"),
    "box_finite": (
        "the {box} box must be four finite numbers, got {text!r}",
        "{box}必须是四个有限的数，当前为 {text!r}",
    ),
    "box_order": (
        "the {box} box needs x2 > x1 and y2 > y1, got {text!r}",
        "{box}需要 x2 > x1 且 y2 > y1，当前为 {text!r}",
    ),
    "file_size": ("saved run: file larger than {mb} MB", "保存的运行：文件大于 {mb} MB"),
    "file_json": ("saved run: not valid JSON ({detail})", "保存的运行：不是有效的 JSON（{detail}）"),
    "file_object": ("saved run: the top level must be a JSON object", "保存的运行：顶层必须是 JSON 对象"),
    "file_missing": ("saved run: missing field {field!r}", "保存的运行：缺少字段 {field!r}"),
    "file_losses": (
        "saved run: 'losses' must be an object with at least one loss",
        "保存的运行：'losses' 必须是至少含一个损失的对象",
    ),
    "file_schedule": ("saved run: 'schedule' must be an object", "保存的运行：'schedule' 必须是对象"),
    "file_cases": (
        "saved run: cases {value!r} does not match points × 343 = {cases:,}",
        "保存的运行：cases {value!r} 与中心数 × 343 = {cases:,} 不符",
    ),
    "file_loss_object": ("saved run: losses.{name} must be an object", "保存的运行：losses.{name} 必须是对象"),
    "file_list": (
        "saved run: {field} must be a list of {length} numbers",
        "保存的运行：{field} 必须是 {length} 个数的列表",
    ),
    "file_numbers": ("saved run: {field} must hold only numbers", "保存的运行：{field} 只能包含数字"),
    "file_finite": ("saved run: {field} must hold finite numbers >= 0", "保存的运行：{field} 必须是 ≥ 0 的有限数"),
    "file_centres": (
        "saved run: centres must be a list of {points} [x, y] pairs",
        "保存的运行：centres 必须是 {points} 个 [x, y] 数对的列表",
    ),
    "file_centre_numbers": (
        "saved run: centres must hold [x, y] number pairs",
        "保存的运行：centres 必须由 [x, y] 数对组成",
    ),
    "file_seconds": ("saved run: seconds must be a number", "保存的运行：seconds 必须是数字"),
}
WORDS = {
    "points": ("points", "中心数"),
    "iters": ("steps", "迭代步数"),
    "seed": ("seed", "随机种子"),
    "schedule step": ("schedule step", "学习率计划步数"),
    "target_aspect": ("target aspect", "目标框宽高比"),
    "scale": ("scale", "尺度"),
    "anchor_aspect": ("anchor aspect", "锚框宽高比"),
    "prediction": ("prediction", "预测框"),
    "target": ("target", "目标框"),
}
STRINGS.update({f"sim.err.{code}": {"en": en, "zh": zh} for code, (en, zh) in ERRORS.items()})
STRINGS.update({f"sim.word.{w}": {"en": en, "zh": zh} for w, (en, zh) in WORDS.items()})


def error_text(code: str, params: dict) -> str:
    """A ``SimulationError`` (its ``code`` and ``params``) in the current language, the words it names included."""
    from lossviz.i18n import TABLE, t

    words = {
        k: t(f"sim.word.{v}") if k in ("name", "box") and f"sim.word.{v}" in TABLE else v for k, v in params.items()
    }
    return t(f"sim.err.{code}", **words)
