"""Registry of Vietnamese administrative procedures (thủ tục hành chính, TTHC).

The package never imports streamlit and does no work at import time.
"""
