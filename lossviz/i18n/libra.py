"""Strings of the Libra R-CNN page (IoU-balanced sampling, Balanced Feature Pyramid)."""

STRINGS = {
    "libra.title": {
        "en": "Libra R-CNN: balanced sampling and a balanced feature pyramid",
        "zh": "Libra R-CNN：平衡采样与平衡特征金字塔",
    },
    "libra.intro": {
        "en": "Libra R-CNN (Pang et al., CVPR 2019, [arXiv 1904.02701](https://arxiv.org/abs/1904.02701)) fights "
        "imbalance at three levels: which samples are trained on (**IoU-balanced sampling**), how the pyramid levels "
        "share information (**Balanced Feature Pyramid**) and how the regression loss weighs easy and hard boxes "
        "(**Balanced L1**, on the [Regression page]({link})). Everything here runs on synthetic data with the "
        "project's torch core.",
        "zh": "Libra R-CNN（Pang 等，CVPR 2019，[arXiv 1904.02701](https://arxiv.org/abs/1904.02701)）从三个层面处理不平衡："
        "训练哪些样本（**IoU 平衡采样**）、金字塔各层如何共享信息（**平衡特征金字塔**），以及回归损失如何权衡难易样本"
        "（**Balanced L1**，见[回归页面]({link})）。本页全部基于合成数据，由项目的 torch 核心计算。",
    },
    "libra.panel": {"en": "Remedy", "zh": "方法"},
    "libra.panel.sampling": {"en": "IoU-balanced sampling", "zh": "IoU 均衡采样"},
    "libra.panel.bfp": {"en": "Balanced Feature Pyramid", "zh": "均衡特征金字塔"},
    "libra.computing": {"en": "Sampling the synthetic images…", "zh": "正在对合成图像采样……"},
    "libra.download_json": {"en": "Download maps (JSON)", "zh": "下载特征图（JSON）"},
    "libra.download_hist": {"en": "Download histogram (CSV)", "zh": "下载直方图（CSV）"},
    "libra.download_sampled": {"en": "Download sampled negatives (CSV)", "zh": "下载采样的负样本（CSV）"},
    # ------------------------------------------------------------------------------------------------ sampling
    "libra.sampling.intro": {
        "en": "Synthetic images with ground-truth boxes and proposals around them. The assigner makes every proposal "
        "with max IoU < 0.5 a negative (Faster R-CNN). Four samplers then pick the negatives the classifier trains "
        "on: **random** (Faster R-CNN), **hard** negatives (OHEM-style), the **paper**'s IoU-balanced definition and "
        "**mmdetection**'s `IoUBalancedNegSampler`, ported exactly. All sampling is seeded: the same link gives the "
        "same sample.",
        "zh": "合成图像中有真值框及其周围的候选框。分配器把最大 IoU < 0.5 的候选框都设为负样本（Faster R-CNN）。随后四种采样器"
        "挑选分类器训练用的负样本：**随机**（Faster R-CNN）、**难**负样本（OHEM 式）、**论文**定义的 IoU 平衡采样，以及严格移植的 "
        "**mmdetection** `IoUBalancedNegSampler`。所有采样都有固定种子：同一个链接给出同一组样本。",
    },
    "libra.images": {"en": "Images", "zh": "图像数"},
    "libra.gts": {"en": "Ground truths per image", "zh": "每张图的真值框数"},
    "libra.size_min": {"en": "Smallest box side (px)", "zh": "最小框边长（像素）"},
    "libra.size_max": {"en": "Largest box side (px)", "zh": "最大框边长（像素）"},
    "libra.crowding": {"en": "Crowding", "zh": "拥挤程度"},
    "libra.crowding_help": {
        "en": "0: box centres anywhere in the 512 × 512 image; 1: packed into a region a fifth of its side.",
        "zh": "0：框中心可在 512 × 512 图像内任意位置；1：集中在边长为图像五分之一的区域内。",
    },
    "libra.proposals": {"en": "Proposals per image", "zh": "每张图的候选框数"},
    "libra.jitter": {"en": "Jitter", "zh": "扰动"},
    "libra.jitter_help": {
        "en": "Proposals near objects are a ground truth moved by jitter × its size (Gaussian) and rescaled by "
        "exp(jitter × N(0, 1)).",
        "zh": "目标附近的候选框 = 真值框按 扰动 × 其尺寸 平移（高斯），再按 exp(扰动 × N(0, 1)) 缩放。",
    },
    "libra.background": {"en": "Share of background proposals", "zh": "背景候选框比例"},
    "libra.background_help": {
        "en": "Proposals placed uniformly at random (sides 8–256 px) rather than around an object.",
        "zh": "均匀随机放置（边长 8–256 像素）而非围绕目标的候选框所占比例。",
    },
    "libra.num_neg": {"en": "Negatives sampled per image (N)", "zh": "每张图采样的负样本数（N）"},
    "libra.num_neg_help": {
        "en": "Faster R-CNN trains on 512 RoIs per image with at most 25 % positives: 384 negatives.",
        "zh": "Faster R-CNN 每张图训练 512 个 RoI，正样本至多 25%：即 384 个负样本。",
    },
    "libra.bins": {"en": "Bins K", "zh": "区间数 K"},
    "libra.bins_help": {
        "en": "The number of IoU intervals. The paper uses K = 3 and its ablation tries 2, 3 and 5.",
        "zh": "IoU 区间数。论文使用 K = 3，消融实验比较了 2、3、5。",
    },
    "libra.floor_thr": {"en": "mmdet floor_thr", "zh": "mmdet floor_thr"},
    "libra.floor_thr_help": {
        "en": "-1 (default): every negative is IoU-sampled. 0: negatives with IoU exactly 0 form the floor set. "
        "> 0: negatives below it form the floor set, drawn at random.",
        "zh": "-1（默认）：所有负样本都参与 IoU 采样。0：IoU 恰为 0 的负样本构成底部集合。> 0：低于该值的负样本构成底部集合，随机抽取。",
    },
    "libra.floor_fraction": {"en": "mmdet floor_fraction", "zh": "mmdet floor_fraction"},
    "libra.add_gt": {"en": "Add ground truths as proposals", "zh": "把真值框加入候选框"},
    "libra.add_gt_help": {
        "en": "mmdetection's default (`add_gt_as_proposals=True`): the ground truths join the proposals with IoU 1, "
        "which sets the top of mmdetection's bins.",
        "zh": "mmdetection 的默认做法（`add_gt_as_proposals=True`）：真值框以 IoU 1 加入候选框，这决定了 mmdetection 区间的上界。",
    },
    "libra.hard_mode": {"en": "Hard negatives by", "zh": "难负样本依据"},
    "libra.hard_mode_help": {
        "en": "loss: OHEM-style, the negatives with the largest background cross-entropy of a simulated classifier "
        "(foreground logit 10·IoU − 4 + N(0, 1)). iou: simply the negatives with the highest IoU.",
        "zh": "loss：OHEM 式，选出模拟分类器（前景 logit = 10·IoU − 4 + N(0, 1)）背景交叉熵最大的负样本。iou：直接选 IoU 最高的负样本。",
    },
    "libra.hard.loss": {"en": "largest loss (OHEM)", "zh": "损失最大（OHEM）"},
    "libra.hard.iou": {"en": "highest IoU", "zh": "IoU 最高"},
    "libra.seed": {"en": "Seed", "zh": "随机种子"},
    "libra.metric.caption": {
        "en": "Share of the negatives with IoU > 0.05 with a ground truth: all of them, then each sampler's picks.",
        "zh": "与真实框 IoU > 0.05 的负样本所占比例：先是全部负样本，再是各采样器选出的。",
    },
    "libra.metric.pool": {"en": "All negatives", "zh": "全部负样本"},
    "libra.metric.pool_help": {"en": "Over all {n} negatives of all images.", "zh": "全部图像的 {n} 个负样本。"},
    "libra.metric.share": {"en": "{method}", "zh": "{method}"},
    "libra.method.random": {"en": "Random", "zh": "随机"},
    "libra.method.hard": {"en": "Hard (OHEM)", "zh": "难负样本（OHEM）"},
    "libra.method.paper": {"en": "IoU-balanced (paper)", "zh": "IoU 平衡（论文）"},
    "libra.method.mmdet": {"en": "IoU-balanced (mmdet)", "zh": "IoU 平衡（mmdet）"},
    "libra.counts": {
        "en": "Sampled: random {random}, hard {hard}, paper {paper}, mmdet {mmdet} of {requested} requested "
        "({pos} positives not shown). The paper's sampler takes ⌊N/K⌋ per bin and does not top up, so it can "
        "return fewer.",
        "zh": "已采样：随机 {random}、难负样本 {hard}、论文 {paper}、mmdet {mmdet}，请求 {requested} 个（另有 {pos} 个正样本未显示）。"
        "论文的采样器每个区间取 ⌊N/K⌋ 个且不补足，因此可能少于请求数。",
    },
    "libra.bins.title": {"en": "The bins of both IoU-balanced samplers", "zh": "两种 IoU 平衡采样器的区间"},
    "libra.bins.empty": {
        "en": "mmdetection's bin(s) {bins} hold no negative at all: its bins run up to the largest IoU over all "
        "proposals ({top:.3f}, ground truths included), while negatives stop below 0.5.",
        "zh": "mmdetection 的第 {bins} 个区间中没有任何负样本：它的区间上界是所有候选框（含真值框）的最大 IoU（{top:.3f}），"
        "而负样本的 IoU 都低于 0.5。",
    },
    "libra.bins.vary": {
        "en": "Without the ground truths added, the top of mmdetection's bins is each image's own largest IoU, so "
        "the edges differ per image; the labels show image 1's.",
        "zh": "未加入真值框时，mmdetection 区间的上界是每张图自己的最大 IoU，因此各图的区间边界不同；标签显示的是第 1 张图的。",
    },
    "libra.bins.explain": {
        "en": "**Paper:** the negatives' range [0, 0.5) split into K equal intervals, ⌊N/K⌋ drawn from each, a short "
        "interval taken whole. **mmdetection:** the intervals run from the floor to the largest IoU of *all* "
        "proposals; after the per-bin draws it tops up at random from the remaining negatives, which brings back "
        "low-IoU mass.",
        "zh": "**论文：**把负样本区间 [0, 0.5) 等分为 K 段，每段抽 ⌊N/K⌋ 个，不足的区间全部选取。**mmdetection：**区间从底部阈值延伸到"
        "*所有*候选框的最大 IoU；按区间抽取后，再从剩余负样本中随机补足，这会重新引入低 IoU 样本。",
    },
    "libra.k.title": {"en": "Number of bins: the paper's ablation", "zh": "区间数：论文的消融实验"},
    "libra.k.paper": {"en": "share > 0.05, paper sampler", "zh": "IoU > 0.05 比例，论文采样器"},
    "libra.k.mmdet": {"en": "share > 0.05, mmdet sampler", "zh": "IoU > 0.05 比例，mmdet 采样器"},
    "libra.k.ap": {"en": "paper AP (COCO)", "zh": "论文 AP（COCO）"},
    "libra.k.note": {
        "en": "AP from the paper's ablation (36.7 / 36.8 / 36.7 for K = 2 / 3 / 5): the method is insensitive to K. "
        "The shares are measured here on the same synthetic images.",
        "zh": "AP 来自论文的消融实验（K = 2 / 3 / 5 时为 36.7 / 36.8 / 36.7）：方法对 K 不敏感。比例为本页在相同合成图像上的测量值。",
    },
    "libra.scene_method": {"en": "Image 1: negatives sampled by", "zh": "第 1 张图：负样本采样方法"},
    "libra.sampling.explain": {
        "en": "The paper's Fig. 3: with random sampling about 70 % of the negatives have IoU below 0.05 — easy "
        "background the classifier already gets right — while more than 60 % of OHEM's hard negatives lie above "
        "0.05. IoU-balanced sampling moves the sample towards hard negatives without a forward pass per RoI: split "
        "the IoU range into K bins and draw N/K from each, so that the selection probability in bin k is "
        "$p_k = N / (K · M_k)$. The synthetic images here are tuned so that random sampling gives about 30 % above "
        "0.05 by default; change the background share or the jitter to see how the pool moves every method.",
        "zh": "论文图 3：随机采样时约 70% 的负样本 IoU 低于 0.05——分类器已能正确处理的简单背景；而 OHEM 选出的难负样本中超过 60% "
        "的 IoU 高于 0.05。IoU 平衡采样无需对每个 RoI 做前向计算即可把样本推向难负样本：把 IoU 范围分为 K 个区间，每个区间抽 N/K 个，"
        "于是区间 k 中的选取概率为 $p_k = N / (K · M_k)$。默认参数下的合成图像使随机采样约有 30% 高于 0.05；调整背景比例或扰动，"
        "可以看到样本池如何影响每种方法。",
    },
    # ------------------------------------------------------------------------------------------------------ BFP
    "libra.bfp.intro": {
        "en": "The Balanced Feature Pyramid takes the FPN levels P2–P6, (1) rescales every level to the refine "
        "level (max-pooling the finer ones, nearest-upsampling the coarser ones), (2) averages them, (3) refines "
        "the average, (4) rescales it back and adds it to each level as a residual — so every level receives the "
        "same information from all the others. The maps below are channel means.",
        "zh": "平衡特征金字塔接收 FPN 的 P2–P6 层：(1) 把每层缩放到细化层的尺寸（较细的层用最大池化，较粗的层用最近邻上采样），"
        "(2) 取平均，(3) 细化平均结果，(4) 缩放回各层并作为残差相加——于是每一层都从其他所有层获得同样的信息。下图显示的是通道平均。",
    },
    "libra.source": {"en": "Features", "zh": "特征"},
    "libra.source.blobs": {"en": "synthetic blobs", "zh": "合成斑点"},
    "libra.source.picture": {"en": "a picture", "zh": "图片"},
    "libra.base": {"en": "P2 size (cells)", "zh": "P2 尺寸（格）"},
    "libra.base_help": {"en": "P3–P6 halve it at each level.", "zh": "P3–P6 逐层减半。"},
    "libra.blobs": {"en": "Blobs per level", "zh": "每层斑点数"},
    "libra.noise": {"en": "Noise", "zh": "噪声"},
    "libra.refine": {"en": "Refine (step 3)", "zh": "细化（第 3 步）"},
    "libra.refine.none": {"en": "none", "zh": "无"},
    "libra.refine.conv": {"en": "3×3 conv", "zh": "3×3 卷积"},
    "libra.refine.non_local": {"en": "non-local", "zh": "非局部（non-local）"},
    "libra.refine_level": {"en": "Refine level", "zh": "细化层"},
    "libra.zero_init": {"en": "mmcv initialisation (conv_out = 0)", "zh": "mmcv 初始化（conv_out = 0）"},
    "libra.zero_init_help": {
        "en": "mmcv zero-initialises the non-local block's output convolution, so an untrained block is the "
        "identity. Off: random output weights, to show what the block can do.",
        "zh": "mmcv 把非局部模块的输出卷积初始化为零，因此未训练的模块是恒等映射。关闭：输出权重随机，以展示该模块能做什么。",
    },
    "libra.residual": {"en": "Add back as a residual (step 4)", "zh": "作为残差加回（第 4 步）"},
    "libra.query_x": {"en": "Attention query x", "zh": "注意力查询点 x"},
    "libra.query_y": {"en": "Attention query y", "zh": "注意力查询点 y"},
    "libra.upload": {"en": "Upload a picture (PNG, JPEG, …)", "zh": "上传图片（PNG、JPEG 等）"},
    "libra.upload_help": {
        "en": "At most 8 MB and 40 megapixels. It is centre-cropped, turned into a 5-level pyramid by area "
        "downsampling and kept in memory only. Uploads cannot be stored in the link.",
        "zh": "最大 8 MB、4000 万像素。图片会被居中裁剪，按面积下采样成 5 层金字塔，只保存在内存中。上传的图片无法保存在链接里。",
    },
    "libra.upload_none": {
        "en": "Upload a picture to see its pyramid, or switch back to blobs.",
        "zh": "上传一张图片以查看其金字塔，或切换回斑点。",
    },
    "libra.illustrative": {
        "en": "Illustrative: the refine step uses **random** weights (seeded), not a trained detector's. A trained "
        "non-local block starts as the identity (mmcv zero-initialises its output) and learns from there.",
        "zh": "示意：细化步骤使用**随机**权重（固定种子），而非训练好的检测器权重。训练时非局部模块从恒等映射开始（mmcv 将其输出初始化为零），再逐步学习。",
    },
    "libra.identity_note": {
        "en": "With `conv_out` = 0 the non-local block is exactly the identity: the refined map equals the average.",
        "zh": "`conv_out` = 0 时非局部模块恰为恒等映射：细化结果等于平均图。",
    },
    "libra.metric.received": {"en": "{level}: from others", "zh": "{level}：来自其他层"},
    "libra.metric.received_help": {
        "en": "Share of this level's residual that comes from the other levels (single-source ablation). The "
        "residual's mean magnitude is {ratio:.2f} × the level's own.",
        "zh": "该层残差中来自其他层的比例（单源消融）。残差的平均幅值是该层自身的 {ratio:.2f} 倍。",
    },
    "libra.bfp.explain": {
        "en": "**How much each level received** is measured by single-source ablation: the pass is rerun with every "
        "level but one set to zero, and each level's mean |residual| from each source is normalised over the "
        "sources. Average pooling into one map means each level hears from every other; max-pooling keeps small "
        "strong blobs of the fine levels, nearest upsampling spreads the coarse levels' blobs. The non-local block "
        "mixes every cell with every other, weighted by the softmax of θ(x)ᵀφ(x) (embedded Gaussian, as mmcv's "
        "NonLocal2d with reduction 1 and no scaling).",
        "zh": "**每层获得多少信息**用单源消融来衡量：每次只保留一层、其余置零重新计算，把各来源给每层带来的平均 |残差| 按来源归一化。"
        "平均融合意味着每层都能收到其他所有层的信息；最大池化保留细层中小而强的斑点，最近邻上采样则把粗层的斑点铺开。"
        "非局部模块按 θ(x)ᵀφ(x) 的 softmax 权重把每个位置与所有位置混合（嵌入高斯，与 mmcv NonLocal2d 在 reduction 1、不缩放时相同）。",
    },
    # -------------------------------------------------------------------------------------------------- figures
    "libra.fig.hist_title": {
        "en": "Sampled negatives by IoU (the paper's Fig.\u00a03)",
        "zh": "按 IoU 统计的负样本（论文图 3）",
    },
    "libra.fig.iou": {"en": "max IoU with a ground truth", "zh": "与真值框的最大 IoU"},
    "libra.fig.percent": {"en": "share of negatives (%)", "zh": "负样本占比（%）"},
    "libra.fig.all_negatives": {"en": "All negatives", "zh": "全部负样本"},
    "libra.fig.share_title": {"en": "Share of sampled negatives with IoU > {thr}", "zh": "IoU > {thr} 的负样本占比"},
    "libra.fig.paper_hard": {"en": "paper: hard negatives > {v:.0f}%", "zh": "论文：难负样本 > {v:.0f}%"},
    "libra.fig.paper_random": {"en": "paper: random ≈ {v:.0f}%", "zh": "论文：随机 ≈ {v:.0f}%"},
    "libra.scene_section": {
        "en": "One synthetic image and the negatives each sampler takes",
        "zh": "一张合成图像及各采样器选取的负样本",
    },
    "libra.fig.available": {"en": "negatives available", "zh": "可用负样本"},
    "libra.fig.sampled": {"en": "sampled", "zh": "已采样"},
    "libra.fig.bin": {"en": "bin: IoU interval", "zh": "区间：IoU 范围"},
    "libra.fig.count": {"en": "negatives (all images)", "zh": "负样本数（全部图像）"},
    "libra.fig.empty_bin": {"en": "empty", "zh": "空"},
    "libra.fig.bins_title_paper": {"en": "Paper: K = {k} bins over [0, 0.5)", "zh": "论文：[0, 0.5) 上 K = {k} 个区间"},
    "libra.fig.bins_title_mmdet": {
        "en": "mmdetection: K = {k} bins up to the largest IoU",
        "zh": "mmdetection：K = {k} 个区间，上至最大 IoU",
    },
    "libra.fig.neg_group": {"en": "negatives IoU {lo:g}–{hi:g} ({n})", "zh": "负样本 IoU {lo:g}–{hi:g}（{n}）"},
    "libra.fig.gt": {"en": "ground truths ({n})", "zh": "真值框（{n}）"},
    "libra.fig.scene_title": {"en": "Image 1: {method}", "zh": "第 1 张图：{method}"},
    "libra.fig.step.inputs": {"en": "Inputs P2–P6", "zh": "输入 P2–P6"},
    "libra.fig.step.gathered": {
        "en": "Step 1: every level rescaled to {level}",
        "zh": "第 1 步：每层缩放到 {level}",
    },
    "libra.fig.step.residuals": {
        "en": "Step 4: rescaled back (the residual each level receives)",
        "zh": "第 4 步：缩放回各层（每层获得的残差）",
    },
    "libra.fig.step.outputs": {"en": "Outputs: input + residual", "zh": "输出：输入 + 残差"},
    "libra.fig.bsf": {"en": "2: average", "zh": "2：平均"},
    "libra.fig.refined": {"en": "3: refined", "zh": "3：细化"},
    "libra.fig.bsf_title": {
        "en": "Steps 2–3: the balanced semantic feature at {level}",
        "zh": "第 2–3 步：{level} 上的平衡语义特征",
    },
    "libra.fig.attention": {"en": "attention", "zh": "注意力"},
    "libra.fig.attention_title": {
        "en": "Non-local attention of the query cell (×), random weights",
        "zh": "查询点（×）的非局部注意力，随机权重",
    },
    "libra.fig.query": {"en": "query", "zh": "查询点"},
    "libra.fig.contrib_title": {
        "en": "Where each level's residual comes from (% of the row)",
        "zh": "每层残差的来源（占该行的 %）",
    },
    "libra.fig.contrib_hover": {"en": "to %{y} from %{x}: %{z:.1f}%", "zh": "%{x} → %{y}：%{z:.1f}%"},
    "libra.fig.from_level": {"en": "from level", "zh": "来源层"},
    "libra.fig.to_level": {"en": "to level", "zh": "目标层"},
    # --------------------------------------------------------------------------------------------------- errors
    "libra.err.count": {
        "en": "{name} must be a whole number from {lo} to {hi}; got {value}.",
        "zh": "{name} 必须是 {lo} 到 {hi} 之间的整数；收到 {value}。",
    },
    "libra.err.too_many": {
        "en": "{total} proposals in all is too many (at most {limit}): lower the images or the proposals per image.",
        "zh": "候选框总数 {total} 过多（至多 {limit}）：请减少图像数或每张图的候选框数。",
    },
    "libra.err.not_finite": {"en": "{name} must be a finite number.", "zh": "{name} 必须是有限数值。"},
    "libra.err.zero_size": {
        "en": "Boxes must be at least 1 px on a side; got {size}. A zero-size box has no IoU with anything.",
        "zh": "框的边长至少为 1 像素；收到 {size}。零尺寸的框与任何框的 IoU 都为 0。",
    },
    "libra.err.size_order": {
        "en": "The smallest box side ({lo}) is larger than the largest ({hi}).",
        "zh": "最小框边长（{lo}）大于最大框边长（{hi}）。",
    },
    "libra.err.size_too_big": {
        "en": "A box side of {size} px does not fit the {image} px image.",
        "zh": "边长 {size} 像素的框放不进 {image} 像素的图像。",
    },
    "libra.err.fraction": {"en": "A share or fraction is outside its range.", "zh": "某个比例超出了其取值范围。"},
    "libra.err.floor_thr": {
        "en": "floor_thr must be -1 or in [0, {hi}); got {value}.",
        "zh": "floor_thr 必须为 -1 或位于 [0, {hi}) 内；收到 {value}。",
    },
    "libra.err.hard_mode": {"en": "Unknown hard-negative mode {value}.", "zh": "未知的难负样本模式 {value}。"},
    "libra.err.base": {
        "en": "P2 size must be 32, 64 or 128; got {value}.",
        "zh": "P2 尺寸必须为 32、64 或 128；收到 {value}。",
    },
    "libra.err.refine": {"en": "Unknown refine type {value}.", "zh": "未知的细化类型 {value}。"},
    "libra.err.image_empty": {"en": "The uploaded file is empty.", "zh": "上传的文件为空。"},
    "libra.err.image_bytes": {
        "en": "The picture is {size:.1f} MB; at most {limit:.0f} MB is accepted.",
        "zh": "图片大小为 {size:.1f} MB；最多接受 {limit:.0f} MB。",
    },
    "libra.err.image_pixels": {
        "en": "The picture is {w} × {h} pixels; at most {limit:.0f} megapixels are accepted.",
        "zh": "图片为 {w} × {h} 像素；最多接受 {limit:.0f} 百万像素。",
    },
    "libra.err.image_unreadable": {
        "en": "This file could not be read as a picture: it is not in an image format Pillow reads, or it is "
        "damaged or cut short. Try a PNG or JPEG.",
        "zh": "无法将该文件读取为图片：它不是 Pillow 能读取的图片格式，或者已损坏、不完整。请尝试 PNG 或 JPEG。",
    },
}

#: The analysis names a parameter by its field (``InputError.params["name"]``): the page says it as its control does.
FIELD_LABELS = {
    "images": "libra.images",
    "gts": "libra.gts",
    "proposals": "libra.proposals",
    "num_neg": "libra.num_neg",
    "num_bins": "libra.bins",
    "blobs": "libra.blobs",
    "refine_level": "libra.refine_level",
    "size_min": "libra.size_min",
    "size_max": "libra.size_max",
    "crowding": "libra.crowding",
    "jitter": "libra.jitter",
    "background": "libra.background",
}


def error_text(code: str, params: dict) -> str:
    """An analysis ``InputError`` (its ``code`` and ``params``) in the current language, field names included."""
    from lossviz.i18n import t

    named = {k: t(FIELD_LABELS[v]) if k == "name" and v in FIELD_LABELS else v for k, v in params.items()}
    return t(f"libra.err.{code}", **named)


def error_message(err: Exception) -> str:
    """What the page says for a refused computation: an ``InputError`` as ``error_text``, anything else (a
    ``ValueError`` of the core) quoted in the common error sentence."""
    from lossviz.i18n import t

    code, params = getattr(err, "code", None), getattr(err, "params", None)
    if isinstance(code, str) and isinstance(params, dict):
        return error_text(code, params)
    return t("common.error", msg=err)
