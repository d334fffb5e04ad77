"""Strings shared by the shell and every page."""

STRINGS = {
    "app.title": {"en": "lossviz — detection losses, live", "zh": "lossviz — 目标检测损失函数交互探索"},
    "app.language": {"en": "Language", "zh": "语言"},
    "nav.home": {"en": "Home", "zh": "首页"},
    "nav.regression": {"en": "Regression: Smooth L1 vs Balanced L1", "zh": "回归：Smooth L1 与 Balanced L1"},
    "nav.iou": {"en": "IoU family: drag two boxes", "zh": "IoU 系列：拖动两个框"},
    "nav.classification": {"en": "Classification: focal, CB, GHM, AP-loss", "zh": "分类：Focal、CB、GHM、AP-loss"},
    "nav.simulation": {"en": "Simulation: the DIoU regression experiment", "zh": "仿真：DIoU 论文的回归实验"},
    "nav.boxsize": {"en": "Box size: small objects, NWD, DFL", "zh": "框尺寸：小目标、NWD、DFL"},
    "nav.libra": {"en": "Libra R-CNN: sampling and feature pyramid", "zh": "Libra R-CNN：采样与特征金字塔"},
    "nav.sensitivity": {"en": "Sensitivity: recall by box size", "zh": "敏感度：按框尺寸的召回率"},
    "nav.not_found_title": {"en": "Page not found", "zh": "页面不存在"},
    "nav.not_found": {
        "en": "There is no page at `/{path}`. The pages of lossviz:",
        "zh": "`/{path}` 不是 lossviz 的页面。lossviz 的页面如下：",
    },
    "common.choose": {"en": "Choose an option", "zh": "请选择"},
    "common.upload_note": {
        "en": "Click Upload or drop a file on the box; at most {mb} MB per file ({types}).",
        "zh": "点击上方的 “Upload” 按钮选择文件，或将文件拖放到框内；每个文件不超过 {mb} MB（{types}）。",
    },
    "common.upload_any_type": {"en": "any type", "zh": "任意类型"},
    "common.bad_param": {
        "en": "URL parameter `{key}={value}` is not valid ({reason}); using the default {default}.",
        "zh": "URL 参数 `{key}={value}` 无效（{reason}），已改用默认值 {default}。",
    },
    "common.bad_param_whole": {
        "en": "URL parameter `{key}={value}` must be a whole number; using {used}.",
        "zh": "URL 参数 `{key}={value}` 必须是整数，已改用 {used}。",
    },
    "common.bad_param_dropped": {
        "en": "URL parameter `{key}`: {value} is not one of the options and was ignored; keeping {kept}.",
        "zh": "URL 参数 `{key}`：{value} 不在可选项中，已忽略；保留 {kept}。",
    },
    "common.bad_param_repeated": {
        "en": "URL parameter `{key}` is given {n} times ({values}) but takes one value; using the default {default}.",
        "zh": "URL 参数 `{key}` 出现了 {n} 次（{values}），但只能取一个值，已改用默认值 {default}。",
    },
    "common.reason_not_number": {"en": "not a number", "zh": "不是数字"},
    "common.reason_empty": {"en": "empty", "zh": "为空"},
    "common.reason_not_finite": {"en": "not a finite number", "zh": "不是有限的数"},
    "common.reason_out_of_range": {"en": "outside [{lo}, {hi}]", "zh": "超出范围 [{lo}, {hi}]"},
    "common.reason_not_option": {"en": "not one of {options}", "zh": "不在可选项 {options} 中"},
    "common.download_csv": {"en": "Download CSV", "zh": "下载 CSV"},
    "common.download_json": {"en": "Download JSON", "zh": "下载 JSON"},
    "common.unknown_param": {
        "en": "URL parameter `{key}={value}` is not a setting of this page and was ignored.",
        "zh": "URL 参数 `{key}={value}` 不是本页的设置，已忽略。",
    },
    # appended to a notice: a space between English sentences, none after a Chinese full stop (。)
    "common.did_you_mean": {"en": " Did you mean `{key}`?", "zh": "您是否想输入 `{key}`？"},
    "common.reset": {"en": "Reset to defaults", "zh": "恢复默认设置"},
    "common.reset_help": {
        "en": "Put every control of this page back to its default (the language stays).",
        "zh": "将本页所有控件恢复为默认值（语言保持不变）。",
    },
    "common.copy_link": {"en": "Copy link", "zh": "复制链接"},
    "common.copy_link_aria": {
        "en": "Copy a link to this exact view to the clipboard",
        "zh": "将指向当前视图的链接复制到剪贴板",
    },
    "common.link_copied": {"en": "Link copied", "zh": "链接已复制"},
    "common.copy_link_fallback": {
        "en": "The browser did not allow copying: the link is selected below, copy it with Ctrl+C.",
        "zh": "浏览器不允许复制：链接已在下方选中，请按 Ctrl+C 复制。",
    },
    "common.copy_link_field": {"en": "Link to this view", "zh": "当前视图的链接"},
    "common.download_png": {"en": "Download plot as a PNG", "zh": "下载图表（PNG）"},
    # plotly.js's own texts that a chart shows (toolbar tooltips, the zoom hint), keyed by plotly's English
    "plotly.Zoom": {"en": "Zoom", "zh": "缩放"},
    "plotly.Pan": {"en": "Pan", "zh": "平移"},
    "plotly.Reset axes": {"en": "Reset axes", "zh": "重置坐标轴"},
    "plotly.Double-click to zoom back out": {"en": "Double-click to zoom back out", "zh": "双击恢复原来的缩放"},
    "common.download_html": {"en": "Download figure (HTML)", "zh": "下载图表（HTML）"},
    "common.formula": {"en": "Formula", "zh": "公式"},
    "common.explanation": {"en": "What this shows", "zh": "说明"},
    "common.loss": {"en": "loss", "zh": "损失"},
    "common.gradient": {"en": "gradient", "zh": "梯度"},
    "common.error": {"en": "Could not compute this view: {msg}", "zh": "无法计算此视图：{msg}"},
}
