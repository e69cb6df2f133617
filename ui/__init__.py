"""Streamlit dashboard: pages, widgets, translations and the cached engine.

The only package (with ``app.py``) that imports streamlit; it calls services in
``catalogue`` and ``analysis`` and renders what they return.
"""
