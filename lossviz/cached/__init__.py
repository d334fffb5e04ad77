"""Streamlit caches shared by every session, one module per page, defined once per process (``heap`` and ``keyed``
are the helpers they share)."""
