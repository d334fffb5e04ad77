"""lossviz: the entry point. ``streamlit run app.py``.

The shell sets the page up, reads the language from the URL, and lists every page explicitly
(``st.navigation``; the page scripts are in ``lossviz/pages/``, not in a ``pages/`` folder beside this file, so
Streamlit never takes the app for a legacy multipage app).
"""

import streamlit as st

from lossviz.analysis import configure_threads
from lossviz.components import shell

configure_threads()  # once per process: one torch thread per computation, the sessions are the parallelism
st.set_page_config(page_title="lossviz", page_icon="📐", layout="wide")
page = shell.navigation()
shell.run(page)  # then URL parameters that no control of the page knows get a notice
