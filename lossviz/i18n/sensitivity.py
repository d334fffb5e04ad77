"""Strings of the Sensitivity page (box-size sensitivity of a user's own detector, seed 000)."""

STRINGS = {
    "sens.title": {"en": "Sensitivity: how recall depends on box size", "zh": "敏感度：召回率如何随目标框尺寸变化"},
    "sens.intro": {
        "en": "Upload a COCO ground truth and one or more COCO detection files (e.g. before and after a change). Each ground-truth box gets a feature (its **area ratio** = box area / image area by default); the boxes are split into buckets (5 equal-count buckets by default); the page computes a metric per bucket. **Sensitivity = the population standard deviation of the metric across the buckets**: 0 means the detector is equally good at every size.",
        "zh": "上传一个 COCO 标注文件和一个或多个 COCO 检测结果文件（例如改动前后各一个）。每个标注框计算一个特征（默认为**面积占比** = 框面积 / 图片面积）；按特征把框分成若干桶（默认 5 个等数量的桶）；逐桶计算指标。**敏感度 = 各桶指标的总体标准差**：0 表示检测器对各种尺寸一样好。",
    },
    "sens.synthetic": {
        "en": "Showing the built-in **synthetic** sample (generated, not real data): 155 boxes of one class on 31 images, with two detection runs built to reproduce the per-bucket recall of the ModelArts tables (Smooth L1: 18, 27, 30, 30, 31 of 31; Balanced L1: 23, 27, 29, 31, 30 of 31). Upload your own files above to analyse your detector.",
        "zh": "当前显示内置的**合成**示例（程序生成，并非真实数据）：单一类别、31 张图片上的 155 个框，两组检测结果按 ModelArts 表格的逐桶召回率构造（Smooth L1：18、27、30、30、31 / 31；Balanced L1：23、27、29、31、30 / 31）。在上方上传自己的文件即可分析你的检测器。",
    },
    "sens.upload_gt": {"en": "Ground truth (COCO JSON)", "zh": "标注（COCO JSON）"},
    "sens.upload_gt_help": {
        "en": "An object with `images` (id, width, height), `annotations` (id, `image_id`, `category_id`, bbox = [x, y, w, h], optional iscrowd and area) and `categories`.",
        "zh": "包含 `images`（id、width、height）、`annotations`（id、`image_id`、`category_id`、bbox = [x, y, w, h]，可选 iscrowd 与 area）和 `categories` 的对象。",
    },
    "sens.upload_dt": {
        "en": "Detections (COCO results JSON, one file per run)",
        "zh": "检测结果（COCO 结果 JSON，每次运行一个文件）",
    },
    "sens.upload_dt_help": {
        "en": "A list of `{image_id, category_id, bbox, score}`. Two files give the before/after comparison. Files stay in memory only; nothing is written to disk.",
        "zh": "由 `{image_id, category_id, bbox, score}` 组成的列表。两个文件即可做前后对比。文件只保存在内存中，不写入磁盘。",
    },
    "sens.need_both": {
        "en": "Upload both a ground truth and at least one detections file; until then the synthetic sample is shown.",
        "zh": "请同时上传标注文件和至少一个检测结果文件；在此之前显示合成示例。",
    },
    "sens.using_upload": {"en": "Your files: {gt} and {runs}.", "zh": "你的文件：{gt} 与 {runs}。"},
    "sens.feature": {"en": "Feature to bucket by", "zh": "分桶特征"},
    "sens.feature_help": {
        "en": "`area_ratio`: box area / image area (the seed's). `area`: px² (the annotation's `area` when given, as COCO). `aspect_ratio`: w / h. `marginalisation`: distance from the box centre to the image centre over the distance from the image centre to the edge (0 centre, 1 border). `boxes_per_image`: ground-truth boxes in the image.",
        "zh": "`area_ratio`：框面积 / 图片面积（种子文档的定义）。`area`：像素²（有 `area` 字段时用它，与 COCO 一致）。`aspect_ratio`：宽 / 高。`marginalisation`：框中心到图片中心的距离 / 图片中心沿同一方向到边缘的距离（中心为 0，边缘为 1）。`boxes_per_image`：该图片中的标注框数。",
    },
    "sens.mode": {"en": "Buckets", "zh": "分桶方式"},
    "sens.mode.quantiles": {"en": "quantiles", "zh": "分位数"},
    "sens.mode.edges": {"en": "edges", "zh": "自定义边界"},
    "sens.mode.coco": {"en": "COCO sizes", "zh": "COCO 尺寸"},
    "sens.mode_captions": {
        "en": "equal-count|your edges|COCO small / medium / large (32², 96² px²)",
        "zh": "每桶框数相等|在下方输入|COCO 小 / 中 / 大（32²、96² 像素²）",
    },
    "sens.buckets": {"en": "Number of equal-count buckets", "zh": "等数量桶的个数"},
    "sens.edges": {"en": "Bucket edges (increasing, comma-separated)", "zh": "桶边界（递增，逗号分隔）"},
    "sens.edges_help": {
        "en": "Buckets are [lo, hi), the last one closed; boxes outside the edges are left out.",
        "zh": "每个桶为 [lo, hi)，最后一个桶为闭区间；边界之外的框不计入。",
    },
    "sens.coco_area_only": {
        "en": "COCO's small / medium / large split applies to the **area** feature; feature switched to area for this view.",
        "zh": "COCO 的小 / 中 / 大划分针对 **area** 特征；此视图已改用 area。",
    },
    "sens.metric": {"en": "Metric per bucket", "zh": "每桶指标"},
    "sens.metric.recall": {"en": "recall", "zh": "召回率"},
    "sens.metric.precision": {"en": "precision", "zh": "精确率"},
    "sens.metric.ap": {"en": "AP", "zh": "AP"},
    "sens.metric_captions": {
        "en": "found / boxes|true / all detections|COCO AP (pycocotools)",
        "zh": "检出 / 框数|正确 / 全部检测|COCO AP（pycocotools）",
    },
    "sens.iou": {"en": "IoU threshold t", "zh": "IoU 阈值 t"},
    "sens.score": {"en": "Score threshold s", "zh": "分数阈值 s"},
    "sens.category": {"en": "Category", "zh": "类别"},
    "sens.all_categories": {"en": "(all categories)", "zh": "（全部类别）"},
    "sens.progress": {"en": "Evaluating {run} …", "zh": "正在评估 {run} …"},
    "sens.std_metric": {"en": "Sensitivity (std) · {run}", "zh": "敏感度（标准差）· {run}"},
    "sens.std_help": {
        "en": "Population standard deviation of the {metric} across the buckets (lower = less sensitive to the feature).",
        "zh": "各桶{metric}的总体标准差（越低表示对该特征越不敏感）。",
    },
    "sens.table": {"en": "Bucket table", "zh": "分桶表"},
    "sens.col.bucket": {"en": "bucket", "zh": "桶"},
    "sens.col.range": {"en": "{feature} range", "zh": "{feature} 范围"},
    "sens.col.count": {"en": "boxes", "zh": "框数"},
    "sens.col.std": {"en": "std", "zh": "标准差"},
    "sens.fig.run_std": {"en": "{run} (std {std})", "zh": "{run}（标准差 {std}）"},
    "sens.fig.bars_title": {"en": "{metric} per bucket of {feature}", "zh": "按{feature}分桶的{metric}"},
    "sens.fig.bucket": {"en": "bucket of {feature}", "zh": "{feature}桶"},
    "sens.fig.hist_title": {
        "en": "Ground-truth boxes by {feature}, with the bucket edges",
        "zh": "标注框的{feature}分布与桶边界",
    },
    "sens.fig.boxes": {"en": "boxes", "zh": "框数"},
    "sens.feat.area_ratio": {"en": "area ratio", "zh": "面积占比"},
    "sens.feat.area": {"en": "area (px²)", "zh": "面积（像素²）"},
    "sens.feat.aspect_ratio": {"en": "aspect ratio (w/h)", "zh": "宽高比（w/h）"},
    "sens.feat.marginalisation": {"en": "marginalisation", "zh": "边缘化程度"},
    "sens.feat.boxes_per_image": {"en": "boxes per image", "zh": "每图框数"},
    "sens.drill": {"en": "Missed ground truths", "zh": "漏检的标注框"},
    "sens.drill_run": {"en": "Run", "zh": "运行"},
    "sens.drill_bucket": {"en": "Bucket", "zh": "桶"},
    "sens.drill_count": {
        "en": "{run} missed {n} of the {count} boxes in bucket {bucket} (IoU ≥ {iou}, score ≥ {score}).",
        "zh": "{run} 在第 {bucket} 桶的 {count} 个框中漏检 {n} 个（IoU ≥ {iou}，分数 ≥ {score}）。",
    },
    "sens.download_json": {"en": "Download report (JSON)", "zh": "下载报告（JSON）"},
    "sens.download_missed": {"en": "Download missed boxes (CSV)", "zh": "下载漏检框（CSV）"},
    "sens.why_title": {"en": "Why Balanced L1 helps small boxes", "zh": "为什么 Balanced L1 有助于小框"},
    "sens.why_text": {
        "en": "The ModelArts note behind this page (seed 000) trained one detector twice on a one-class set: with Smooth L1 the smallest fifth of the boxes was recalled 58 % of the time against 100 % for the largest (std 0.1546); retrained with Libra R-CNN's **Balanced L1** loss, small-box recall rose to 74 % and the std fell to 0.0912. Its explanation: near the inlier boundary Balanced L1 gives a larger gradient than Smooth L1 (more so for smaller α), so the small, hard-to-localise boxes — whose regression errors are inliers that Smooth L1 barely pushes — get more of the update. The Regression page shows the two losses and the share of the gradient the inliers get; the Box-size page shows why a fixed pixel error means a larger relative error (and gradient) for a small box.",
        "zh": "本页依据的 ModelArts 文档（种子 000）在单类别数据集上把同一个检测器训练了两次：使用 Smooth L1 时，最小的五分之一框召回率为 58%，最大的为 100%（标准差 0.1546）；改用 Libra R-CNN 的 **Balanced L1** 损失重新训练后，小框召回率升到 74%，标准差降到 0.0912。其解释是：在 inlier 边界附近 Balanced L1 的梯度比 Smooth L1 更大（α 越小越明显），因此难以定位的小框（其回归误差属于 Smooth L1 几乎不推动的 inlier）获得更多更新。回归页面展示两种损失以及 inlier 所得的梯度占比；框尺寸页面展示为什么同样的像素误差对小框意味着更大的相对误差（和梯度）。",
    },
    "sens.link_regression": {"en": "Regression: Smooth L1 vs Balanced L1", "zh": "回归：Smooth L1 与 Balanced L1"},
    "sens.link_boxsize": {"en": "Box size: small objects", "zh": "框尺寸：小目标"},
    "sens.how_title": {"en": "How the numbers are computed", "zh": "数值如何计算"},
    "sens.how_text": {
        "en": "Evaluation runs **pycocotools** (the reference COCO implementation) with each bucket as an area range and the chosen feature as the box's area, so matching is COCO's: highest score first, one detection per ground truth, crowd boxes ignored. Recall counts matches by detections with score ≥ s (no cap per image); precision counts the bucket's non-ignored detections with score ≥ s; AP is COCO's 101-point AP at IoU t with at most 100 detections per image, averaged over categories. Buckets are [lo, hi), the last closed: a box sits in exactly one bucket (COCO's own ranges are closed at both ends). Equal-count buckets keep tied values together, so ties can make them unequal.",
        "zh": "评估调用 **pycocotools**（COCO 官方参考实现），把每个桶作为一个面积区间、把所选特征作为框的面积，因此匹配规则与 COCO 相同：按分数从高到低，一个检测最多匹配一个标注，crowd 框忽略。召回率只计分数 ≥ s 的检测（每图不设上限）；精确率统计该桶中未被忽略、分数 ≥ s 的检测；AP 为 IoU t 下 COCO 的 101 点 AP（每图至多 100 个检测），按类别平均。桶为 [lo, hi)，最后一个为闭区间：每个框恰好属于一个桶（COCO 自身的区间两端都闭合）。等数量分桶会让相同的值留在同一桶，因此有并列值时桶大小可能不等。",
    },
    # ---- problems (codes of lossviz.analysis.sensitivity.MESSAGES)
    "sens.err.missing_file": {"en": "{file}: no such file, or it cannot be read", "zh": "{file}：文件不存在或无法读取"},
    "sens.err.empty": {"en": "{file} is empty", "zh": "{file} 是空文件"},
    "sens.err.too_large": {
        "en": "{file} is {size_mb:.1f} MB, over the {limit_mb:g} MB limit",
        "zh": "{file} 大小为 {size_mb:.1f} MB，超过 {limit_mb:g} MB 的上限",
    },
    "sens.err.not_utf8": {"en": "{file} is not UTF-8 text", "zh": "{file} 不是 UTF-8 文本"},
    "sens.err.not_json": {
        "en": "{file} is not valid JSON: {detail} (line {line}, column {col})",
        "zh": "{file} 不是有效的 JSON（第 {line} 行，第 {col} 列）",
    },
    "sens.err.gt_not_object": {
        "en": "{file} must be a COCO object with `images`, `annotations` and `categories`",
        "zh": "{file} 必须是包含 `images`、`annotations` 和 `categories` 的 COCO 对象",
    },
    "sens.err.gt_missing_key": {
        "en": "{file} has no `{key}` list (a COCO ground truth needs `images`, `annotations`, `categories`)",
        "zh": "{file} 缺少 `{key}` 列表（COCO 标注需要 `images`、`annotations`、`categories`）",
    },
    "sens.err.not_list": {"en": "`{key}` in {file} is not a list", "zh": "{file} 中的 `{key}` 不是列表"},
    "sens.err.no_annotations": {
        "en": "{file} has no box annotations: nothing to measure",
        "zh": "{file} 没有任何框标注：无可度量",
    },
    "sens.err.dt_not_list": {
        "en": "{file} must be a list of detections `{{image_id, category_id, bbox, score}}`",
        "zh": "{file} 必须是检测结果列表 `{{image_id, category_id, bbox, score}}`",
    },
    "sens.err.dt_is_gt": {
        "en": "{file} looks like a ground-truth file (an object with `annotations`), not a list of detections",
        "zh": "{file} 看起来是标注文件（含 `annotations` 的对象），而不是检测结果列表",
    },
    "sens.err.entries": {
        "en": "{file}: {count} bad entr{ies} in `{section}`; first: {first}",
        "zh": "{file}：`{section}` 中有 {count} 个错误条目；前几个：{first}",
    },
    "sens.err.unknown_category_name": {
        "en": "no category named {name!r} in the ground truth (there are: {names})",
        "zh": "标注中没有名为 {name!r} 的类别（现有：{names}）",
    },
    "sens.err.no_boxes": {"en": "no ground-truth boxes in category {name!r}", "zh": "类别 {name!r} 中没有标注框"},
    "sens.err.bad_edges": {"en": "bucket edges {text!r}: {why}", "zh": "桶边界 {text!r}：{why}"},
    "sens.edges_why.not_numbers": {"en": "not a list of numbers", "zh": "不是数字列表"},
    "sens.edges_why.too_few": {"en": "need at least two edges", "zh": "至少需要两个边界"},
    "sens.edges_why.too_many": {"en": "at most {most} edges", "zh": "最多 {most} 个边界"},
    "sens.edges_why.not_finite": {"en": "edges must be finite", "zh": "边界必须是有限数"},
    "sens.edges_why.not_increasing": {"en": "edges must increase", "zh": "边界必须递增"},
    "sens.err.bad_buckets": {
        "en": "buckets must be a whole number from 1 to {most}, not {value!r}",
        "zh": "桶数必须是 1 到 {most} 之间的整数，而不是 {value!r}",
    },
    "sens.err.bad_threshold": {
        "en": "{name} must be a number in [{lo}, {hi}], not {value!r}",
        "zh": "{name} 必须是 [{lo}, {hi}] 内的数，而不是 {value!r}",
    },
    "sens.err.bad_feature": {
        "en": "feature must be one of {options}, not {value!r}",
        "zh": "特征必须是 {options} 之一，而不是 {value!r}",
    },
    "sens.err.bad_metric": {
        "en": "metric must be one of {options}, not {value!r}",
        "zh": "指标必须是 {options} 之一，而不是 {value!r}",
    },
    # ---- per-entry reasons (lossviz.analysis.sensitivity.REASONS)
    "sens.why.not_object": {"en": "is not an object", "zh": "不是对象"},
    "sens.why.missing": {"en": "has no `{key}`", "zh": "缺少 `{key}`"},
    "sens.why.not_int": {"en": "`{key}` is not an integer: {value}", "zh": "`{key}` 不是整数：{value}"},
    "sens.why.not_number": {"en": "`{key}` is not a finite number: {value}", "zh": "`{key}` 不是有限数值：{value}"},
    "sens.why.not_positive": {"en": "`{key}` must be > 0: {value}", "zh": "`{key}` 必须 > 0：{value}"},
    "sens.why.bbox_shape": {
        "en": "`bbox` is not [x, y, w, h] numbers: {value}",
        "zh": "`bbox` 不是 [x, y, w, h] 数值：{value}",
    },
    "sens.why.negative_size": {
        "en": "box has no positive width and height: {value}",
        "zh": "框的宽或高不为正：{value}",
    },
    "sens.why.outside": {
        "en": "box {value} lies outside its {width}×{height} image",
        "zh": "框 {value} 超出其 {width}×{height} 的图片",
    },
    "sens.note.merged": {
        "en": "{got} buckets instead of the {asked} asked for: tied feature values always share a bucket.",
        "zh": "得到 {got} 个桶而不是所要求的 {asked} 个：特征值相同的框总在同一个桶中。",
    },
    "sens.note.empty": {
        "en": "{n} bucket(s) hold no ground truth: they are left out of the std.",
        "zh": "有 {n} 个桶中没有真实框：计算标准差时不计入。",
    },
    "sens.note.few": {
        "en": "{n} bucket(s) hold fewer than {min} ground truths (the smallest {least}): a single box moves such a "
        "bucket's value by 1/{least} or more, so these values and the std are noisy. Use fewer buckets or more images.",
        "zh": "有 {n} 个桶中的真实框少于 {min} 个（最少的只有 {least} 个）：一个框就能让该桶的数值变化 1/{least} 或更多，"
        "因此这些数值和标准差都带有较大噪声。请减少桶数或使用更多图像。",
    },
    "sens.note.one_bucket": {
        "en": "Fewer than two buckets hold ground truths, so there is no spread to measure: the std is not defined "
        "(choose another feature, more buckets or other edges).",
        "zh": "含有真实框的桶少于两个，无从衡量离散程度：标准差无定义（请换一个特征、增加桶数或修改边界）。",
    },
    "sens.note.no_detections": {
        "en": "{run} has no detections here (after the category filter): every bucket is 0, which says nothing about "
        "sizes.",
        "zh": "{run} 在此（类别筛选后）没有任何检测结果：每个桶都是 0，这与尺寸无关。",
    },
    "sens.why.det_outside": {
        "en": "box {value} lies entirely outside its {width}×{height} image",
        "zh": "框 {value} 完全位于其 {width}×{height} 的图片之外",
    },
    "sens.why.unknown_image": {
        "en": "image_id {value} is not in the ground truth",
        "zh": "image_id {value} 不在标注中",
    },
    "sens.why.unknown_category": {
        "en": "category_id {value} is not in the ground truth",
        "zh": "category_id {value} 不在标注中",
    },
    "sens.why.duplicate_id": {"en": "id {value} is used twice", "zh": "id {value} 重复使用"},
    "sens.why.bad_iscrowd": {"en": "`iscrowd` must be 0 or 1: {value}", "zh": "`iscrowd` 必须为 0 或 1：{value}"},
}


def error_message(err) -> str:
    """An analysis ``InputError`` of the Sensitivity page (its ``code``, ``params`` and, for bad entries, the
    ``offenders``) as a sentence in the current language."""
    from lossviz.i18n import t

    params = dict(err.params)
    if err.code == "entries":
        params["first"] = "; ".join(f"#{o.index} " + t(f"sens.why.{o.reason}", **o.params) for o in err.offenders)
        params["ies"] = "y" if params.get("count") == 1 else "ies"
    if err.code == "bad_edges":
        params["why"] = t(f"sens.edges_why.{params['why']}", **params)
    return t(f"sens.err.{err.code}", **params)
