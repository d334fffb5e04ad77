"""Streamlit-side building blocks shared by every page (the only part of lossviz that imports Streamlit)."""
