"""The regression page's formulas as LaTeX, with the analysis' current parameters substituted.

Beside the figures they explain (the figures layer: no Streamlit, no torch). Each formula is one short block, one
branch at a time, so a 390 px phone shows it without scrolling sideways; the symbolic form and the substituted one
are separate blocks.
"""

from __future__ import annotations

from lossviz.analysis.regression import Params, balanced_b


def num(x: float) -> str:
    """A number for LaTeX: 4 significant digits, written 1.234 × 10^5 (``\\times10^{5}``) instead of ``1.234e+05``."""
    text = f"{x:.4g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\times10^{{{int(exponent)}}}"
    return text


def signed(x: float) -> str:
    """``+ 1.2`` or ``- 1.2``, to append a constant to a LaTeX expression."""
    return ("- " if x < 0 else "+ ") + num(abs(x))


def fill(template: str, **values: float | str) -> str:
    """Fill ``<name>`` placeholders of a LaTeX template (braces stay LaTeX's) with numbers (or ready strings)."""
    for name, value in values.items():
        template = template.replace(f"<{name}>", value if isinstance(value, str) else num(value))
    return template


# One equation per block (the |d| < β and |d| ≥ β cases side by side are ~430 px wide: more than a phone has).
SMOOTH_IN = r"|d| < <beta>:\quad \mathrm{SmoothL1}(d) = \frac{0.5\,d^2}{<beta>}"
SMOOTH_OUT = r"|d| \ge <beta>:\quad \mathrm{SmoothL1}(d) = |d| - <half>"
SMOOTH_GRAD = r"\frac{\partial L}{\partial d} = \frac{d}{<beta>}\ \ (|d| < <beta>),\quad \pm 1\ \ (|d| \ge <beta>)"
SMOOTH_L1 = r"\mathrm{SmoothL1}_{\beta=0}(d) = |d|,\quad \frac{\partial L}{\partial d} = \operatorname{sign}(d)"
B = r"b = e^{\gamma/\alpha} - 1 = e^{<g>/<a>} - 1 = <b>"
# The inlier branch is too wide for a phone in one line: its last term continues on the next block.
BALANCED_IN = r"|d| < \beta:\ L_b = \tfrac{\alpha}{b}(b|d|+1)\ln\big(\tfrac{b|d|}{\beta}+1\big)"
BALANCED_IN_NOW = r"= \tfrac{<a>}{<b>}(<b>|d|+1)\ln\big(\tfrac{<b>|d|}{<beta>}+1\big)"
BALANCED_IN_END = r"\qquad\qquad - <a>|d|"
BALANCED_OUT = r"|d| \ge \beta:\ L_b = \gamma|d| + \tfrac{\gamma}{b} - \alpha\beta"
BALANCED_OUT_NOW = r"= <g>|d| <c>"
BALANCED_GRAD_IN = r"|d| < \beta:\ \tfrac{\partial L_b}{\partial |d|} = \alpha\ln\big(\tfrac{b|d|}{\beta}+1\big)"
BALANCED_GRAD_IN_2 = r"+ \alpha\tfrac{b|d|+1}{b|d|+\beta} - \alpha"
BALANCED_GRAD_OUT = r"|d| \ge \beta:\ \tfrac{\partial L_b}{\partial |d|} = \gamma = <g>"
BALANCED_GRAD_1 = r"\beta = 1,\ |d| < 1:\ \tfrac{\partial L_b}{\partial |d|} = <a>\ln(<b>|d|+1)"


def smooth_l1(beta: float) -> list[str]:
    """Smooth L1 and its gradient with ``β`` substituted (β = 0 is L1)."""
    if beta == 0:
        return [SMOOTH_L1]
    return [fill(SMOOTH_IN, beta=beta), fill(SMOOTH_OUT, beta=beta, half=0.5 * beta), fill(SMOOTH_GRAD, beta=beta)]


def balanced_l1(p: Params) -> list[str]:
    """``b``, the loss (symbolic, then with α, γ, β and the outlier constant γ/b − αβ substituted) and its gradient."""
    b = balanced_b(p)
    values = {"a": p.alpha, "g": p.gamma, "beta": p.beta, "b": b, "c": signed(p.gamma / b - p.alpha * p.beta)}
    lines = [fill(B, **values), BALANCED_IN, fill(BALANCED_IN_END, a=r"\alpha")]
    lines += [fill(BALANCED_IN_NOW, **values), fill(BALANCED_IN_END, **values), BALANCED_OUT]
    lines += [fill(BALANCED_OUT_NOW, **values), BALANCED_GRAD_IN, BALANCED_GRAD_IN_2, fill(BALANCED_GRAD_OUT, **values)]
    if p.beta == 1:
        lines.append(fill(BALANCED_GRAD_1, **values))
    return lines


def l2(half: bool) -> str:
    """The L2 loss as written on the page."""
    return r"0.5\,d^2" if half else "d^2"
