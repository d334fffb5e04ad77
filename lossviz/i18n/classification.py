"""Strings of the classification page (focal loss, class-balanced loss, GHM-C, AP-loss)."""

STRINGS = {
    # ----------------------------------------------------------------------------------------------------- page
    "cls.title": {
        "en": "Classification losses: fighting the easy-negative flood",
        "zh": "分类损失：应对海量简单负样本",
    },
    "cls.intro": {
        "en": "A dense detector scores ~100,000 anchors per image and only a handful are objects. Summed plain "
        "cross-entropy is then dominated by easy background. Four answers from the literature: **focal loss** "
        "down-weights easy examples, **class-balanced loss** re-weights classes by their *effective* number of "
        "samples, **GHM-C** re-weights by how crowded an example's gradient norm is, and **AP-loss** optimises the "
        "ranking itself. Pick a panel; every control is kept in the URL.",
        "zh": "密集检测器每张图要给约 10 万个锚框打分，其中只有少数是目标。直接求和的交叉熵因此被大量简单背景主导。"
        "文献给出了四种对策：**Focal Loss** 降低简单样本的权重；**Class-Balanced Loss** 按各类别的*有效样本数*重新加权；"
        "**GHM-C** 按样本梯度模长所在区间的拥挤程度重新加权；**AP-loss** 直接优化排序本身。选择一个面板；所有控件都保存在 URL 中。",
    },
    "cls.panel": {"en": "Panel", "zh": "面板"},
    "cls.positive": {"en": "positive (y = 1)", "zh": "正样本 (y = 1)"},
    "cls.negative": {"en": "negative (y = 0)", "zh": "负样本 (y = 0)"},
    "cls.off": {"en": "off", "zh": "关闭"},
    # ------------------------------------------------------------------------------------------------------ focal
    "cls.focal.intro": {
        "en": "Focal loss multiplies cross-entropy by the **modulating factor** $(1 − p_t)^γ$, where $p_t$ is the "
        "probability given to the true class. A well-classified example ($p_t$ → 1) is scaled towards 0; a hard one "
        "($p_t$ small) keeps almost all of its loss. γ = 0 is plain cross-entropy.",
        "zh": "Focal Loss 在交叉熵上乘以**调制因子** $(1 − p_t)^γ$，其中 $p_t$ 是模型赋予真实类别的概率。分得好的样本（$p_t$ → 1）"
        "被压向 0；难样本（$p_t$ 较小）几乎保留全部损失。γ = 0 时就是普通交叉熵。",
    },
    "cls.gamma": {"en": "γ (focusing parameter)", "zh": "γ（聚焦参数）"},
    "cls.gamma_help": {
        "en": "γ ≥ 0. The paper's best is γ = 2. Larger γ suppresses easy examples more strongly.",
        "zh": "γ ≥ 0。论文中效果最好的是 γ = 2。γ 越大，对简单样本的抑制越强。",
    },
    "cls.use_alpha": {"en": "α weighting", "zh": "α 加权"},
    "cls.use_alpha_help": {
        "en": "Off means α < 0 in torchvision's `sigmoid_focal_loss`: no $α_t$ factor at all ($α_t$ = 1 for both labels).",
        "zh": "关闭即 torchvision `sigmoid_focal_loss` 中的 α < 0：完全不乘 $α_t$（两类的 $α_t$ 都为 1）。",
    },
    "cls.alpha": {"en": "α (weight of positives)", "zh": "α（正样本权重）"},
    "cls.alpha_help": {
        "en": "$α_t$ = α for positives and 1 − α for negatives. The paper pairs γ = 2 with α = 0.25.",
        "zh": "正样本 $α_t$ = α，负样本 $α_t$ = 1 − α。论文把 γ = 2 与 α = 0.25 搭配使用。",
    },
    "cls.alpha_off_note": {
        "en": "α is disabled (α < 0 in torchvision): the dashed curve and the gradients use $α_t$ = 1.",
        "zh": "α 已关闭（即 torchvision 中 α < 0）：虚线曲线与梯度都使用 $α_t$ = 1。",
    },
    "cls.metric.alpha_pos": {"en": "$α_t$ of a positive", "zh": "正样本的 $α_t$"},
    "cls.metric.alpha_neg": {"en": "$α_t$ of a negative", "zh": "负样本的 $α_t$"},
    "cls.metric.easy_factor": {"en": "$(1 − p_t)^γ$ at $p_t$ = 0.9", "zh": "$p_t$ = 0.9 时的 $(1 − p_t)^γ$"},
    "cls.metric.easy_factor_help": {
        "en": "How much of its cross-entropy an easy example ($p_t$ = 0.9) keeps: 0.01 for γ = 2, i.e. 100× less.",
        "zh": "简单样本（$p_t$ = 0.9）保留的交叉熵比例：γ = 2 时为 0.01，即缩小 100 倍。",
    },
    "cls.focal.explain_curves": {
        "en": "**Left** — the classic figure of Lin et al. (2017): loss against $p_t$ for several γ, without α. For "
        "$p_t$ > 0.5 (already classified correctly) every curve with γ > 0 falls far below cross-entropy (γ = 0), so "
        "the many easy negatives no longer add up to a dominating loss. The dashed black curve uses your α and γ: "
        "α only rescales the curve (for a positive by α).\n\n"
        "**Right** — the modulating factor alone. At $p_t$ = 0.9 it is $0.1^γ$; at $p_t$ = 0.968 with γ = 2 it is "
        "~1/1000. The factor is differentiated too (it is not detached), which is why the focal gradient is not "
        "simply the CE gradient times the factor.\n\n"
        "**About α**: $α_t$ = α for positives, 1 − α for negatives. With γ = 2 the paper found α = 0.25 best — it "
        "*lowers* the weight of the rare positives, because γ already removed most of the easy negatives. In "
        "torchvision, α < 0 switches the $α_t$ factor off (toggle above).",
        "zh": "**左图**——Lin 等人（2017）的经典图：不同 γ 下损失随 $p_t$ 的变化（不含 α）。当 $p_t$ > 0.5（已被正确分类）时，"
        "所有 γ > 0 的曲线都远低于交叉熵（γ = 0），于是大量简单负样本不再累加成主导性的损失。黑色虚线使用你设置的 α 和 γ："
        "α 只是把曲线整体缩放（正样本乘以 α）。\n\n"
        "**右图**——单独的调制因子。$p_t$ = 0.9 时为 $0.1^γ$；γ = 2、$p_t$ = 0.968 时约为 1/1000。该因子同样参与求导（并未 detach），"
        "因此 Focal Loss 的梯度并不只是 CE 梯度乘以调制因子。\n\n"
        "**关于 α**：正样本 $α_t$ = α，负样本 $α_t$ = 1 − α。论文发现 γ = 2 时 α = 0.25 最好——它反而*降低*了稀少正样本的权重，"
        "因为 γ 已经去掉了大部分简单负样本。在 torchvision 中，α < 0 表示关闭 $α_t$（见上方开关）。",
    },
    "cls.focal.explain_grad": {
        "en": "The derivative with respect to the logit x (what back-propagation sends into the network). For CE it "
        "is σ(x) − y: an easy negative at x = −3 still pushes with 0.047, and 100,000 of them push hard. Focal loss "
        "flattens the gradient wherever the example is already right, and keeps it where the example is wrong "
        "(x > 0 for a negative, x < 0 for a positive). The closed form above is tested against autograd.",
        "zh": "对 logit x 的导数（即反向传播送入网络的量）。CE 的导数是 σ(x) − y：x = −3 的简单负样本仍有 0.047 的推力，"
        "10 万个这样的样本叠加起来就很可观。Focal Loss 在样本已经分对的区域把梯度压平，在分错的区域（负样本 x > 0、"
        "正样本 x < 0）保留梯度。上面的解析式在测试中与 autograd 逐点比对。",
    },
    # ------------------------------------------------------------------------------------------------- population
    "cls.pop.title": {
        "en": "Why it works: who carries the loss and the gradient",
        "zh": "为什么有效：损失和梯度由谁贡献",
    },
    "cls.pop.intro": {
        "en": "A population you set: negatives whose foreground probability is around the value below, and "
        "positives around theirs (logits normally spread, σ = 0.5; the sums are the expected ones, the count times "
        "the mean over that spread, so no sampling noise). Summed over the population, what share of the total "
        "loss and of the total |∂L/∂x| comes from the negatives, under CE and under focal loss with the α and γ "
        "above?",
        "zh": "由你设定的样本总体：负样本的前景概率集中在下方设定值附近，正样本集中在其设定值附近（logit 服从正态分布，"
        "σ = 0.5；总和取期望值，即样本数乘以该分布上的平均值，没有抽样噪声）。对整个总体求和后，在 CE 和使用上方 α、γ 的 "
        "Focal Loss 下，总损失和总 |∂L/∂x| 中有多大比例来自负样本？",
    },
    "cls.pop.n_neg": {"en": "negatives", "zh": "负样本数"},
    "cls.pop.n_pos": {"en": "positives", "zh": "正样本数"},
    "cls.pop.neg_p": {"en": "typical p of a negative", "zh": "负样本的典型 p"},
    "cls.pop.neg_p_help": {
        "en": "Predicted foreground probability of the negatives (small = easy negatives).",
        "zh": "负样本的预测前景概率（越小越是简单负样本）。",
    },
    "cls.pop.pos_p": {"en": "typical p of a positive", "zh": "正样本的典型 p"},
    "cls.pop.pos_p_help": {
        "en": "Predicted foreground probability of the positives (early in training: around 0.5 or lower).",
        "zh": "正样本的预测前景概率（训练初期大约 0.5 或更低）。",
    },
    "cls.pop.m_loss": {"en": "negatives' share of loss ({name})", "zh": "负样本的损失占比（{name}）"},
    "cls.pop.m_grad": {"en": "negatives' share of |gradient| ({name})", "zh": "负样本的梯度占比（{name}）"},
    "cls.pop.col.loss": {"en": "loss", "zh": "损失函数"},
    "cls.pop.col.quantity": {"en": "quantity", "zh": "统计量"},
    "cls.pop.col.negatives": {"en": "negatives (sum)", "zh": "负样本（总和）"},
    "cls.pop.col.positives": {"en": "positives (sum)", "zh": "正样本（总和）"},
    "cls.pop.col.neg_share": {"en": "negatives' share", "zh": "负样本占比"},
    "cls.pop.kind.loss": {"en": "loss", "zh": "损失"},
    "cls.pop.kind.grad": {"en": "|∂L/∂x|", "zh": "|∂L/∂x|"},
    "cls.pop.summary": {
        "en": "With {n_neg:,} negatives and {n_pos:,} positives, the negatives carry **{ce_loss:.1f}%** of the CE "
        "loss and **{ce_grad:.1f}%** of its gradient; under focal loss **{fl_loss:.1f}%** and **{fl_grad:.1f}%**.",
        "zh": "在 {n_neg:,} 个负样本和 {n_pos:,} 个正样本下，负样本贡献了 CE 损失的 **{ce_loss:.1f}%**、梯度的 "
        "**{ce_grad:.1f}%**；在 Focal Loss 下分别为 **{fl_loss:.1f}%** 和 **{fl_grad:.1f}%**。",
    },
    "cls.pop.summary_cut": {
        "en": "Each easy negative's contribution is cut by $(1 − p_t)^γ$, so the few positives get a say in the update.",
        "zh": "每个简单负样本的贡献都被 $(1 − p_t)^γ$ 削减，少数正样本因此在更新中有了发言权。",
    },
    "cls.pop.summary_same": {
        "en": "With γ = 0 the modulating factor is 1: focal loss is cross-entropy (α = {alpha}), so the negatives' "
        "share does not drop.",
        "zh": "γ = 0 时调制因子为 1：Focal Loss 就是交叉熵（α = {alpha}），负样本的占比不会下降。",
    },
    "cls.pop.summary_no_cut": {
        "en": "Here focal loss does not lower the negatives' share: with these probabilities the positives are as "
        "easy as the negatives (or α gives the negatives more weight).",
        "zh": "此处 Focal Loss 并未降低负样本的占比：在这些概率下正样本与负样本一样容易（或 α 给了负样本更大的权重）。",
    },
    # -------------------------------------------------------------------------------------------- panels, papers
    "cls.paper": {
        "en": "Paper: {cite}, *{title}*, [arXiv:{arxiv}]({url})",
        "zh": "论文：{cite}，*{title}*，[arXiv:{arxiv}]({url})",
    },
    "cls.head.focal": {"en": "Focal loss", "zh": "Focal Loss（焦点损失）"},
    "cls.head.cb": {"en": "Class-balanced loss", "zh": "类别平衡损失（Class-Balanced Loss）"},
    "cls.head.ghm": {"en": "GHM-C: gradient harmonizing", "zh": "GHM-C：梯度均衡机制"},
    "cls.head.ap": {"en": "AP-loss: learning to rank", "zh": "AP-loss：学习排序"},
    "cls.preset.fig1": {"en": "Reproduce Focal Loss Fig. 1", "zh": "复现 Focal Loss 图 1"},
    "cls.preset.best": {"en": "Paper's choice: γ = 2, α = 0.25", "zh": "论文的选择：γ = 2，α = 0.25"},
    "cls.preset.shows.fig1": {
        "en": "This chart reproduces **Fig. 1** of Lin et al. 2017 ([arXiv:1708.02002]"
        "(https://arxiv.org/abs/1708.02002)): cross-entropy and focal loss for γ ∈ {0, 0.5, 1, 2, 5}, loss "
        "against $p_t$, no α.",
        "zh": "此图复现 Lin 等（2017，[arXiv:1708.02002](https://arxiv.org/abs/1708.02002)）的**图 1**："
        "γ ∈ {0, 0.5, 1, 2, 5} 时的交叉熵与 Focal Loss，损失随 $p_t$ 变化，不含 α。",
    },
    "cls.preset.shows.best": {
        "en": "The setting Lin et al. 2017 found best (Table 1, [arXiv:1708.02002]"
        "(https://arxiv.org/abs/1708.02002)): γ = 2 with α = 0.25.",
        "zh": "Lin 等（2017）实验中最好的设置（表 1，[arXiv:1708.02002](https://arxiv.org/abs/1708.02002)）："
        "γ = 2，α = 0.25。",
    },
    "cls.ap.dash_note": {
        "en": "A dash means “does not apply”: precision is defined for positives only, and an ignored anchor "
        "(label −1) takes no rank.",
        "zh": "短横线表示“不适用”：精度只对正样本有定义，被忽略的锚框（标签 −1）不参与排名。",
    },
    # -------------------------------------------------------------------------------------------- class-balanced
    "cls.cb.intro": {
        "en": "Cui et al. (2019): adding samples of a class has diminishing returns, because new samples overlap "
        "with old ones. The **effective number** $E_n = (1 − β^n)/(1 − β)$ grows like n for small n and saturates "
        "at 1/(1 − β). Each class is weighted by $1/E_{n_c}$, normalised so that the weights sum to the number of "
        "classes C, and the weight multiplies the usual loss (softmax CE, sigmoid BCE or focal).",
        "zh": "Cui 等人（2019）：某一类别的样本越多，新增样本带来的信息越少，因为新样本与已有样本相互重叠。**有效样本数** "
        "$E_n = (1 − β^n)/(1 − β)$ 在 n 较小时近似为 n，随后饱和于 1/(1 − β)。每个类别的权重为 $1/E_{n_c}$，"
        "归一化使权重之和等于类别数 C，再乘到常规损失上（softmax 交叉熵、sigmoid BCE 或 Focal Loss）。",
    },
    "cls.cb.explain_eff": {
        "en": "Log–log axes. β = 0 gives $E_n$ = 1 for every class (no re-weighting); as β → 1, $E_n$ → n (weights → "
        "inverse class frequency). The paper tunes β in {0.9, 0.99, 0.999, 0.9999}: the knee of each curve sits "
        "near n ≈ 1/(1 − β).",
        "zh": "双对数坐标。β = 0 时所有类别 $E_n$ = 1（不重新加权）；β → 1 时 $E_n$ → n（权重趋于类别频率的倒数）。"
        "论文在 {0.9, 0.99, 0.999, 0.9999} 中调 β：每条曲线的拐点大约在 n ≈ 1/(1 − β) 处。",
    },
    "cls.cb.weights_title": {"en": "Per-class weights for your class counts", "zh": "按你的类别样本数计算各类权重"},
    "cls.cb.counts": {"en": "Samples per class (comma-separated)", "zh": "每类样本数（逗号分隔）"},
    "cls.cb.counts_help": {
        "en": "Positive whole numbers, e.g. 5000, 2000, 800 (up to 50 classes).",
        "zh": "正整数，例如 5000, 2000, 800（最多 50 个类别）。",
    },
    "cls.cb.preset_long_tail": {"en": "Long-tail example", "zh": "长尾示例"},
    "cls.cb.preset_fg_bg": {"en": "Background vs foreground", "zh": "背景 vs 前景"},
    "cls.cb.beta": {"en": "β", "zh": "β"},
    "cls.cb.beta_help": {
        "en": "0 = no re-weighting; close to 1 = inverse frequency.",
        "zh": "0 表示不重新加权；越接近 1 越接近按频率倒数加权。",
    },
    "cls.cb.loss_type": {"en": "loss the weight multiplies", "zh": "被加权的损失"},
    "cls.cb.fix_counts": {
        "en": "Fix the class counts above (or press a preset) to see the weights.",
        "zh": "请修正上方的类别样本数（或点击预设）以查看权重。",
    },
    "cls.cb.col.class": {"en": "class", "zh": "类别"},
    "cls.cb.col.count": {"en": "samples n", "zh": "样本数 n"},
    "cls.cb.col.weight": {"en": "CB weight", "zh": "CB 权重"},
    "cls.cb.col.inverse": {"en": "inverse frequency", "zh": "频率倒数"},
    "cls.cb.col.sample_loss": {
        "en": "CB loss of one sample at zero logits ({loss})",
        "zh": "logit 全为 0 的单个样本的 CB 损失（{loss}）",
    },
    "cls.cb.summary": {
        "en": "With β = {beta:g} the rarest class weighs **{ratio:.1f}×** the most frequent one (inverse frequency "
        "would give {inv:.1f}×). The last column is the class-balanced loss of a not-yet-learned sample (all logits "
        "0) of each class, computed by the core: the same raw loss, scaled by the class's weight.",
        "zh": "β = {beta:g} 时，最稀有类别的权重是最常见类别的 **{ratio:.1f} 倍**（按频率倒数则为 {inv:.1f} 倍）。"
        "最后一列是各类别中一个尚未学会的样本（logit 全为 0）的类别平衡损失，由核心库计算：原始损失相同，只是乘以该类别的权重。",
    },
    "cls.cb.explain_weights": {
        "en": "Bars: $w_c = (1 − β)/(1 − β^{n_c})$, normalised to sum to C (the paper's code). The dotted line at 1 is "
        "β = 0 (plain loss). Against inverse frequency, class-balanced weights are gentler on the head classes "
        "when $n_c ≫ 1/(1 − β)$: their effective numbers saturate, so the head is not crushed towards zero.",
        "zh": "柱状图：$w_c = (1 − β)/(1 − β^{n_c})$，归一化为总和等于 C（与论文代码一致）。1 处的虚线对应 β = 0（普通损失）。"
        "与频率倒数相比，当 $n_c ≫ 1/(1 − β)$ 时，头部类别的有效样本数已经饱和，因此类别平衡权重不会把头部类别压到接近 0。",
    },
    # -------------------------------------------------------------------------------------------------------- GHM
    "cls.ghm.intro": {
        "en": "Li et al. (2019) look at the gradient norm g = |σ(x) − y| of each example. In a detector, a huge "
        "number of easy negatives sit at g ≈ 0 and a few outliers (probably mislabelled) sit at g ≈ 1. GHM-C "
        "divides each example's cross-entropy by the **gradient density** of its bin, so crowded regions — the easy "
        "ones *and* the outliers — are down-weighted together. The sample here is a fixed-seed mixture of easy "
        "negatives, moderately hard examples and confidently wrong outliers.",
        "zh": "Li 等人（2019）考察每个样本的梯度模长 g = |σ(x) − y|。在检测器中，大量简单负样本集中在 g ≈ 0，"
        "少量离群样本（很可能是标注错误）集中在 g ≈ 1。GHM-C 把每个样本的交叉熵除以其所在区间的**梯度密度**，"
        "于是拥挤的区域——简单样本*以及*离群样本——一起被降权。这里的样本是固定随机种子生成的混合："
        "简单负样本、中等难度样本和置信地分错的离群样本。",
    },
    "cls.ghm.bins": {"en": "bins (unit regions)", "zh": "区间数（unit regions）"},
    "cls.ghm.bins_help": {
        "en": "Number of equal bins of [0, 1]. mmdetection's default is 10, the paper uses 30.",
        "zh": "把 [0, 1] 等分的区间数。mmdetection 默认 10，论文使用 30。",
    },
    "cls.ghm.momentum": {"en": "momentum", "zh": "动量"},
    "cls.ghm.momentum_help": {
        "en": "Running bin counts acc = m·acc + (1 − m)·count across batches (mmdetection; the paper uses 0.75).",
        "zh": "跨批次的区间计数滑动平均 acc = m·acc + (1 − m)·count（mmdetection；论文使用 0.75）。",
    },
    "cls.ghm.easy": {"en": "share of easy negatives", "zh": "简单负样本比例"},
    "cls.ghm.easy_help": {"en": "Easy negatives have p ≈ 0.02 (g ≈ 0).", "zh": "简单负样本的 p ≈ 0.02（g ≈ 0）。"},
    "cls.ghm.outliers": {"en": "share of outliers", "zh": "离群样本比例"},
    "cls.ghm.outliers_help": {
        "en": "Confidently wrong examples (g ≈ 1). Easy + outliers must not exceed 1.",
        "zh": "置信地分错的样本（g ≈ 1）。简单样本与离群样本比例之和不能超过 1。",
    },
    "cls.ghm.m_nonempty": {"en": "non-empty bins", "zh": "非空区间数"},
    "cls.ghm.m_loss_ce": {"en": "mean CE", "zh": "平均 CE"},
    "cls.ghm.m_loss_ghm": {"en": "GHM-C loss (mmdetection value)", "zh": "GHM-C 损失（mmdetection 口径）"},
    "cls.ghm.momentum_note": {
        "en": "With momentum, the counts are running averages over {steps} batches drawn with consecutive seeds; the "
        "figures show the last batch. On the first batch the running count is only (1 − m)·count, so the weights "
        "start larger — exactly what mmdetection does.",
        "zh": "使用动量时，计数是 {steps} 个连续随机种子批次上的滑动平均；图中显示最后一个批次。第一个批次的滑动计数只有 "
        "(1 − m)·count，所以权重一开始偏大——这与 mmdetection 的行为完全一致。",
    },
    "cls.ghm.explain": {
        "en": "**Top left** — the gradient-norm histogram (log scale): the U shape of a real detector, with the easy "
        "pile at g ≈ 0 and the outlier pile at g ≈ 1. **Top right** — the weight each bin's examples get, "
        "N / (count · non-empty bins): the crowded bins are pushed below 1. **Bottom** — each bin's share of the "
        "total |∂L/∂x|. Under CE the easy pile dominates by sheer number; focal loss (α = 0.25, γ = 2) removes it "
        "but hands the outliers the largest share; GHM-C evens the contributions out, since every non-empty bin "
        "receives the same total weight N / `n_bins`.",
        "zh": "**左上**——梯度模长直方图（对数坐标）：真实检测器中的 U 形分布，简单样本堆在 g ≈ 0，离群样本堆在 g ≈ 1。"
        "**右上**——每个区间中样本获得的权重 N / (count · 非空区间数)：拥挤区间的权重被压到 1 以下。"
        "**下图**——各区间在总 |∂L/∂x| 中的占比。在 CE 下，简单样本靠数量取胜占据主导；Focal Loss（α = 0.25，γ = 2）"
        "去掉了这部分，却把最大份额交给了离群样本；GHM-C 则让各区间的贡献趋于均衡，因为每个非空区间获得相同的总权重 N / `n_bins`。",
    },
    # ---------------------------------------------------------------------------------------------------- AP-loss
    "cls.ap.intro": {
        "en": "Chen et al. (2019) replace classification by **ranking**: the loss is 1 − AP over all anchors, where "
        "a positive's precision counts the negatives ranked above it (with a piecewise-linear step of width δ so "
        "near-ties count partly). AP is not differentiable, so the paper uses an **error-driven update** "
        "(perceptron-style): each negative receives $Σ_i L_{ij} / |P|$, each positive $−(1 − \\mathrm{prec}_i)/|P|$. Edit the "
        "anchors (score = logit, label 1 positive, 0 negative, −1 ignored) in the text or the table.",
        "zh": "Chen 等人（2019）把分类问题换成**排序**问题：损失是全部锚框上的 1 − AP，其中正样本的精度统计排在它前面的负样本"
        "（使用宽度为 δ 的分段线性阶跃函数，接近并列的得分按比例计入）。AP 不可导，因此论文采用**误差驱动更新**"
        "（类似感知机）：每个负样本得到 $Σ_i L_{ij} / |P|$，每个正样本得到 $−(1 − \\mathrm{prec}_i)/|P|$。"
        "可在文本框或表格中编辑锚框（score 为 logit，label 为 1 正样本、0 负样本、−1 忽略）。",
    },
    "cls.ap.anchors": {"en": "Anchors (score:label, comma-separated)", "zh": "锚框（score:label，逗号分隔）"},
    "cls.ap.anchors_help": {
        "en": "e.g. 2.1:1, 1.4:0, -0.3:1 — label 1 = positive, 0 = negative, -1 = ignored; up to 60 anchors.",
        "zh": "例如 2.1:1, 1.4:0, -0.3:1 —— label 1 = 正样本，0 = 负样本，-1 = 忽略；最多 60 个锚框。",
    },
    "cls.ap.delta": {"en": "δ (step half-width)", "zh": "δ（阶跃半宽）"},
    "cls.ap.delta_help": {
        "en": "Scores closer than δ count as partly ranked above (the paper uses δ = 1).",
        "zh": "得分差小于 δ 时按比例计为排在前面（论文使用 δ = 1）。",
    },
    "cls.ap.presets": {"en": "Examples", "zh": "示例"},
    "cls.ap.preset.example": {"en": "Mixed ranking", "zh": "混合排序"},
    "cls.ap.preset.perfect": {"en": "Perfect ranking", "zh": "完美排序"},
    "cls.ap.preset.buried": {"en": "Positives buried", "zh": "正样本被压在后面"},
    "cls.ap.table": {"en": "Edit the anchors", "zh": "编辑锚框"},
    "cls.ap.table_help": {
        "en": "Add, delete or change rows; a valid edit updates the text above (and the URL).",
        "zh": "可增加、删除或修改行；有效的修改会同步到上方文本（以及 URL）。",
    },
    "cls.ap.m_loss": {"en": "AP-loss", "zh": "AP-loss"},
    "cls.ap.m_pos": {"en": "positives", "zh": "正样本数"},
    "cls.ap.m_neg": {"en": "negatives", "zh": "负样本数"},
    "cls.ap.col.rank": {"en": "rank", "zh": "排名"},
    "cls.ap.col.anchor": {"en": "anchor", "zh": "锚框"},
    "cls.ap.col.score": {"en": "score", "zh": "得分"},
    "cls.ap.col.label": {"en": "label", "zh": "标签"},
    "cls.ap.col.precision": {"en": "precision (interpolated)", "zh": "精度（插值）"},
    "cls.ap.col.ap_update": {"en": "AP-loss update", "zh": "AP-loss 更新量"},
    "cls.ap.col.ce_grad": {"en": "CE gradient σ(s) − y", "zh": "CE 梯度 σ(s) − y"},
    "cls.ap.interp": {"en": "show $L_{ij}$ after interpolation", "zh": "显示插值后的 $L_{ij}$"},
    "cls.ap.interp_help": {
        "en": "Interpolated precision takes the best precision of any lower-ranked positive; that positive's row of "
        "$L_{ij}$ is rescaled so it sums to 1 − (interpolated precision). The update uses the rescaled rows.",
        "zh": "插值精度取排在其后的正样本中的最高精度；该正样本的 $L_{ij}$ 行被重新缩放，使其和为 1 − 插值精度。更新量使用缩放后的行。",
    },
    "cls.ap.explain": {
        "en": "**Update chart** — in rank order. Plain CE pushes *every* negative down in proportion to σ(s), even "
        "one ranked below all positives, and pushes every positive up. AP-loss only moves what breaks the ranking: "
        "negatives ranked above (or within δ of) some positive, and positives with precision below 1. A perfectly "
        "ranked list (every positive at least δ above every negative) gets zero loss and zero update.\n\n"
        "**Heatmap** — $L_{ij} = f(s_j − s_i)/\\operatorname{rank}(i)$: row i is a positive, column j a negative. Each row sums to "
        "1 − raw precision of that positive; a negative's update is its column sum divided by |P|. Because the "
        "total pushed onto negatives equals the total pulled from positives, the update sums to zero. "
        "Implementation follows the official code (cccorn/AP-loss) and our core's APLossFunction, whose backward "
        "returns this update instead of autograd's gradient.",
        "zh": "**更新量图**——按排名排列。普通 CE 会按 σ(s) 成比例地把*所有*负样本往下压，即使它已经排在所有正样本之后，"
        "同时把所有正样本往上推。AP-loss 只调整破坏排序的部分：排在某个正样本之前（或与之相差不到 δ）的负样本，"
        "以及精度低于 1 的正样本。完美排序的列表（每个正样本都比每个负样本至少高出 δ）损失和更新量都为零。\n\n"
        "**热力图**——$L_{ij} = f(s_j − s_i)/\\operatorname{rank}(i)$：第 i 行是一个正样本，第 j 列是一个负样本。每行之和等于该正样本的"
        " 1 − 原始精度；负样本的更新量是其所在列之和除以 |P|。由于压到负样本上的总量等于从正样本拉回的总量，更新量之和为零。"
        "实现遵循官方代码（cccorn/AP-loss）以及本库核心中的 APLossFunction，其 backward 返回的是该更新量而非 autograd 梯度。",
    },
    # ---------------------------------------------------------------------------------------------------- errors
    "cls.err.counts_empty": {
        "en": "Type at least one class count (e.g. 5000, 200, 10).",
        "zh": "请至少输入一个类别样本数（例如 5000, 200, 10）。",
    },
    "cls.err.counts_too_many": {
        "en": "{n} classes is too many for this view (at most {max}).",
        "zh": "{n} 个类别太多，此视图最多支持 {max} 个。",
    },
    "cls.err.counts_not_number": {
        "en": "Class count #{index} `{value}` is not a number.",
        "zh": "第 {index} 个类别样本数 `{value}` 不是数字。",
    },
    "cls.err.counts_not_integer": {
        "en": "Class count #{index} `{value}` must be a whole number of samples.",
        "zh": "第 {index} 个类别样本数 `{value}` 必须是整数。",
    },
    "cls.err.counts_not_positive": {
        "en": "Class count #{index} `{value}` must be at least 1: a class with no samples has no effective number "
        "and its weight would be infinite.",
        "zh": "第 {index} 个类别样本数 `{value}` 必须至少为 1：没有样本的类别没有有效样本数，其权重会是无穷大。",
    },
    "cls.err.counts_too_large": {
        "en": "Class count #{index} `{value}` is too large (at most 10⁹).",
        "zh": "第 {index} 个类别样本数 `{value}` 过大（最多 10⁹）。",
    },
    "cls.err.anchors_empty": {
        "en": "The anchor list is empty: add at least one positive and one negative (e.g. `1.0:1, 0.5:0`).",
        "zh": "锚框列表为空：请至少添加一个正样本和一个负样本（例如 `1.0:1, 0.5:0`）。",
    },
    "cls.err.anchors_too_many": {
        "en": "{n} anchors is too many for this view (at most {max}).",
        "zh": "{n} 个锚框太多，此视图最多支持 {max} 个。",
    },
    "cls.err.anchors_no_positive": {
        "en": "No positive anchor (label 1): AP — and so AP-loss — is undefined without positives. Set a label to 1.",
        "zh": "没有正样本锚框（label 为 1）：没有正样本时 AP（因而 AP-loss）无定义。请把某个 label 设为 1。",
    },
    "cls.err.anchor_format": {
        "en": "Anchor #{index} `{value}` should look like `score:label`, e.g. `0.7:1`.",
        "zh": "第 {index} 个锚框 `{value}` 的格式应为 `score:label`，例如 `0.7:1`。",
    },
    "cls.err.anchor_score": {
        "en": "Anchor #{index}: score `{value}` is not a finite number.",
        "zh": "第 {index} 个锚框：得分 `{value}` 不是有限的数字。",
    },
    "cls.err.anchor_score_missing": {
        "en": "Row {index}: the score is empty — type a number.",
        "zh": "第 {index} 行：得分为空——请输入数字。",
    },
    "cls.err.anchor_label": {
        "en": "Anchor #{index}: label `{value}` must be 1 (positive), 0 (negative) or -1 (ignored).",
        "zh": "第 {index} 个锚框：label `{value}` 必须是 1（正样本）、0（负样本）或 -1（忽略）。",
    },
    "cls.err.anchor_label_missing": {
        "en": "Row {index}: the label is empty — choose 1, 0 or -1.",
        "zh": "第 {index} 行：label 为空——请选择 1、0 或 -1。",
    },
    "cls.err.ghm_n": {"en": "The sample needs at least one prediction.", "zh": "样本中至少需要一个预测。"},
    "cls.err.ghm_mix": {
        "en": "Easy share {easy} plus outlier share {outliers} exceeds 1: lower one of them.",
        "zh": "简单样本比例 {easy} 加离群样本比例 {outliers} 超过了 1：请调低其中之一。",
    },
    "cls.err.population": {
        "en": "The population needs at least one negative and one positive.",
        "zh": "样本总体中至少需要一个负样本和一个正样本。",
    },
    "cls.err.probability": {
        "en": "{name} = {value} must lie strictly between 0 and 1.",
        "zh": "{name} = {value} 必须严格介于 0 和 1 之间。",
    },
    # ---------------------------------------------------------------------------------------------------- figures
    "cls.fig.series": {"en": "{loss}, {who}", "zh": "{loss}，{who}"},
    # ------------------------------------------------------------------------------- CSV headers (en: the codes)
    "cls.csv.p_t": {"en": "p_t", "zh": "p_t（真实类别的概率）"},
    "cls.csv.fl_gamma": {"en": "FL_gamma={gamma}", "zh": "FL 损失（γ={gamma}）"},
    "cls.csv.factor_gamma": {"en": "factor_gamma={gamma}", "zh": "调制因子（γ={gamma}）"},
    "cls.csv.fl_current": {"en": "FL_alpha={alpha}_gamma={gamma}", "zh": "你的 FL 损失（α={alpha}，γ={gamma}）"},
    "cls.csv.logit": {"en": "logit", "zh": "logit 值 x"},
    "cls.csv.loss_y": {"en": "{loss}_y={y}", "zh": "{loss} 损失（y={y}）"},
    "cls.csv.grad_y": {"en": "d{loss}/dx_y={y}", "zh": "∂{loss}/∂x（y={y}）"},
    "cls.csv.kind_loss": {"en": "loss", "zh": "损失"},
    "cls.csv.kind_grad": {"en": "grad", "zh": "|梯度|"},
    "cls.csv.pop_loss": {"en": "loss", "zh": "损失函数"},
    "cls.csv.pop_quantity": {"en": "quantity", "zh": "统计量"},
    "cls.csv.pop_negatives": {"en": "negatives", "zh": "负样本（总和）"},
    "cls.csv.pop_positives": {"en": "positives", "zh": "正样本（总和）"},
    "cls.csv.pop_neg_share": {"en": "neg_share", "zh": "负样本占比"},
    "cls.csv.n": {"en": "n", "zh": "样本数 n"},
    "cls.csv.e_n_beta": {"en": "E_n_beta={beta}", "zh": "有效样本数 E_n（β={beta}）"},
    "cls.csv.class": {"en": "class", "zh": "类别"},
    "cls.csv.count": {"en": "count", "zh": "样本数"},
    "cls.csv.effective_number": {"en": "effective_number", "zh": "有效样本数"},
    "cls.csv.weight_beta": {"en": "weight_beta={beta}", "zh": "CB 权重（β={beta}）"},
    "cls.csv.inverse_frequency": {"en": "inverse_frequency", "zh": "频率倒数"},
    "cls.csv.cb_loss": {"en": "cb_{loss}_loss_at_zero_logits", "zh": "CB {loss} 损失（logit 全为 0）"},
    "cls.csv.bin_left": {"en": "bin_left", "zh": "区间左端"},
    "cls.csv.bin_right": {"en": "bin_right", "zh": "区间右端"},
    "cls.csv.running_count": {"en": "running_count", "zh": "滑动计数"},
    "cls.csv.weight": {"en": "weight", "zh": "权重"},
    "cls.csv.grad_of": {"en": "grad_{loss}", "zh": "{loss} 梯度和"},
    "cls.csv.share_of": {"en": "share_{loss}", "zh": "{loss} 梯度占比"},
    "cls.csv.rank": {"en": "rank", "zh": "排名"},
    "cls.csv.anchor": {"en": "anchor", "zh": "锚框"},
    "cls.csv.score": {"en": "score", "zh": "得分"},
    "cls.csv.label": {"en": "label", "zh": "标签"},
    "cls.csv.precision": {"en": "precision", "zh": "精度（插值）"},
    "cls.csv.ap_update": {"en": "ap_update", "zh": "AP-loss 更新量"},
    "cls.csv.ce_grad": {"en": "ce_grad", "zh": "CE 梯度"},
    "cls.csv.positive": {"en": "positive", "zh": "正样本"},
    "cls.csv.negative": {"en": "negative", "zh": "负样本"},
    "cls.csv.L_ij": {"en": "L_ij", "zh": "L_ij"},
    "cls.fig.yours_gamma": {"en": "yours: γ = {gamma}", "zh": "你的设置：γ = {gamma}"},
    "cls.fig.current": {"en": "yours: α = {alpha}, γ = {gamma}", "zh": "你的设置：α = {alpha}，γ = {gamma}"},
    "cls.fig.focal_title": {
        "en": "Focal loss vs p<sub>t</sub> of a positive (γ = 0 is CE)",
        "zh": "Focal Loss 随正样本 p<sub>t</sub> 的变化（γ = 0 即 CE）",
    },
    "cls.fig.factor_title": {
        "en": "Modulating factor (1 − p<sub>t</sub>)<sup>γ</sup>",
        "zh": "调制因子 (1 − p<sub>t</sub>)<sup>γ</sup>",
    },
    "cls.fig.p_t": {"en": "p<sub>t</sub> (probability of the true class)", "zh": "p<sub>t</sub>（真实类别的概率）"},
    "cls.fig.grad_title": {"en": "Gradient w.r.t. the logit: CE vs focal", "zh": "对 logit 的梯度：CE 与 Focal"},
    "cls.fig.logit": {"en": "logit x", "zh": "logit x"},
    "cls.fig.pop_title": {
        "en": "Share of the total carried by negatives vs positives",
        "zh": "负样本与正样本在总量中的占比",
    },
    "cls.fig.pop_cat": {"en": "{loss}: {kind}", "zh": "{loss}：{kind}"},
    "cls.fig.kind_loss": {"en": "loss", "zh": "损失"},
    "cls.fig.kind_grad": {"en": "|gradient|", "zh": "|梯度|"},
    "cls.fig.pop_neg": {"en": "negatives ({n:,})", "zh": "负样本（{n:,}）"},
    "cls.fig.pop_pos": {"en": "positives ({n:,})", "zh": "正样本（{n:,}）"},
    "cls.fig.share": {"en": "share (%)", "zh": "占比（%）"},
    "cls.fig.eff_title": {
        "en": "Effective number E<sub>n</sub> against n",
        "zh": "有效样本数 E<sub>n</sub> 随 n 的变化",
    },
    "cls.fig.n": {"en": "samples n", "zh": "样本数 n"},
    "cls.fig.cb_title": {
        "en": "Class-balanced weights (sum = number of classes)",
        "zh": "类别平衡权重（总和 = 类别数）",
    },
    "cls.fig.cb_weight": {"en": "CB weight, β = {beta}", "zh": "CB 权重，β = {beta}"},
    "cls.fig.inverse": {"en": "inverse frequency (β → 1)", "zh": "频率倒数（β → 1）"},
    "cls.fig.no_reweight": {"en": "no re-weighting", "zh": "不重新加权"},
    "cls.fig.class": {"en": "class (samples)", "zh": "类别（样本数）"},
    "cls.fig.weight": {"en": "weight", "zh": "权重"},
    "cls.fig.ghm_density_title": {"en": "Gradient density: examples per bin of g", "zh": "梯度密度：g 各区间的样本数"},
    "cls.fig.ghm_count": {"en": "examples in this batch", "zh": "本批次样本数"},
    "cls.fig.ghm_running": {"en": "running count (momentum)", "zh": "滑动计数（动量）"},
    "cls.fig.ghm_weight_title": {"en": "GHM-C weight per bin", "zh": "各区间的 GHM-C 权重"},
    "cls.fig.ghm_contrib_title": {
        "en": "Share of the total |∂L/∂x| per bin: CE vs focal vs GHM-C",
        "zh": "各区间在总 |∂L/∂x| 中的占比：CE、Focal 与 GHM-C",
    },
    "cls.fig.g": {"en": "gradient norm g = |σ(x) − y|", "zh": "梯度模长 g = |σ(x) − y|"},
    "cls.fig.count": {"en": "examples", "zh": "样本数"},
    "cls.fig.ap_update": {"en": "AP-loss update", "zh": "AP-loss 更新量"},
    "cls.fig.ce_grad": {"en": "CE gradient", "zh": "CE 梯度"},
    "cls.fig.ap_update_title": {
        "en": "Per-anchor update: AP-loss vs plain CE",
        "zh": "逐锚框更新量：AP-loss 与普通 CE",
    },
    "cls.fig.anchor_by_rank": {
        "en": "anchor by rank (P positive, N negative, I ignored)",
        "zh": "按排名排列的锚框（P 正、N 负、I 忽略）",
    },
    "cls.fig.ap_matrix_title": {
        "en": "L<sub>ij</sub>: positive i (rows) vs negative j (columns)",
        "zh": "L<sub>ij</sub>：正样本 i（行）与负样本 j（列）",
    },
    "cls.fig.ap_matrix_interp_title": {
        "en": "L<sub>ij</sub> after interpolation (row sum = 1 − interp. precision)",
        "zh": "插值后的 L<sub>ij</sub>（每行之和为 1 − 插值精度）",
    },
    "cls.fig.negatives": {"en": "negatives (score)", "zh": "负样本（得分）"},
    "cls.fig.positives": {"en": "positives (score)", "zh": "正样本（得分）"},
}
