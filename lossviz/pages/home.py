"""Home: what each page teaches, with a link to it."""

import streamlit as st

from lossviz.components.shell import PAGES, PAGES_DIR
from lossviz.i18n import t

st.title(t("app.title"))
st.markdown(t("home.intro"))

for page in PAGES:
    if not (PAGES_DIR / page.file).exists():
        continue
    with st.container(border=True):
        st.page_link(str(PAGES_DIR / page.file), label=t(page.title_key), icon=page.icon)
        st.markdown(t(page.summary_key))

st.markdown(t("home.library"))
st.code(
    """import torch
from lossviz import losses

pred = torch.tensor([[0., 0., 10., 10.]], requires_grad=True)
gt = torch.tensor([[5., 5., 15., 15.]])
losses.giou_loss(pred, gt).sum().backward()   # gradient w.r.t. the predicted box in pred.grad""",
    language="python",
)
