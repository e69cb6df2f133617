"""Data quality: Vietnamese text normalisation, search, near-duplicates and matching.

- ``textnorm``: normalised and plain (accent-free) forms, boilerplate such as level notes.
- ``search``: the ranked, accent- and typo-tolerant search index.
- ``duplicates``: near-duplicate procedures across agencies and levels.
- ``matching``: a local list of names matched to national codes, reviewed row by row.
"""
