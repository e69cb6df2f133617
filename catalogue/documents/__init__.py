"""Documents officials file: Word drafts and print-ready Excel workbooks.

- ``exports``: the decision's list (Quyết định công bố) and the simplification plan (phương án).
"""
