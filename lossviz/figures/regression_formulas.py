"""The regression page's formulas as LaTeX, with the analysis' current parameters substituted.

Beside the figures they explain (the figures layer: no Streamlit, no torch). Each formula is one short block, so a
390 px phone shows it without scrolling sideways: the symbolic form and the substituted one are separate blocks.
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


SMOOTH = (
    r"\mathrm{SmoothL1}(d) = \begin{cases} \dfrac{0.5\,d^2}{<beta>} & |d| < <beta> \\[4pt]"
    r" |d| - <half> & |d| \ge <beta> \end{cases}"
)
SMOOTH_GRAD = (
    r"\frac{\partial L}{\partial d} = \begin{cases} d/<beta> & |d| < <beta> \\"
    r" \operatorname{sign}(d) & |d| \ge <beta> \end{cases}"
)
SMOOTH_L1 = r"\mathrm{SmoothL1}_{\beta=0}(d) = |d|,\quad \frac{\partial L}{\partial d} = \operatorname{sign}(d)"
B = r"b = e^{\gamma/\alpha} - 1 = e^{<g>/<a>} - 1 = <b>"
BALANCED = (
    r"L_b(d) = \begin{cases} \dfrac{\alpha}{b}(b|d|+1)\ln\!\Big(\dfrac{b|d|}{\beta}+1\Big) - \alpha|d|"
    r" & |d| < \beta \\[4pt] \gamma|d| + \dfrac{\gamma}{b} - \alpha\beta & |d| \ge \beta \end{cases}"
)
BALANCED_NOW = (
    r"L_b(d) = \begin{cases} \dfrac{<a>}{<b>}(<b>|d|+1)\ln\!\Big(\dfrac{<b>|d|}{<beta>}+1\Big) - <a>|d|"
    r" & |d| < <beta> \\[4pt] <g>|d| <c> & |d| \ge <beta> \end{cases}"
)
BALANCED_GRAD = (
    r"\frac{\partial L_b}{\partial d} = \operatorname{sign}(d)\begin{cases}"
    r" \alpha\ln\!\Big(\dfrac{b|d|}{\beta}+1\Big) + \alpha\dfrac{b|d|+1}{b|d|+\beta} - \alpha & |d| < \beta"
    r" \\[4pt] \gamma = <g> & |d| \ge \beta \end{cases}"
)
BALANCED_GRAD_1 = (
    r"\overset{\beta=1}{=}\; \operatorname{sign}(d)\begin{cases} <a>\ln(<b>|d|+1) & |d|<1 \\ <g> & |d|\ge 1\end{cases}"
)


def smooth_l1(beta: float) -> list[str]:
    """Smooth L1 and its gradient with ``β`` substituted (β = 0 is L1)."""
    if beta == 0:
        return [SMOOTH_L1]
    return [fill(SMOOTH, beta=beta, half=0.5 * beta), fill(SMOOTH_GRAD, beta=beta)]


def balanced_l1(p: Params) -> list[str]:
    """``b``, the loss (symbolic, then with α, γ, β and the outlier constant γ/b − αβ substituted) and its gradient."""
    b = balanced_b(p)
    values = {"a": p.alpha, "g": p.gamma, "beta": p.beta, "b": b, "c": signed(p.gamma / b - p.alpha * p.beta)}
    lines = [fill(B, **values), BALANCED, fill(BALANCED_NOW, **values), fill(BALANCED_GRAD, **values)]
    if p.beta == 1:
        lines.append(fill(BALANCED_GRAD_1, **values))
    return lines


def l2(half: bool) -> str:
    """The L2 loss as written on the page."""
    return r"0.5\,d^2" if half else "d^2"
