"""One-stop results (bộ phận một cửa) and the ranking of what to review next.

- ``stats``: import of dossier statistics and their yearly roll-up into volumes.
- ``report``: performance reports in the form officials publish them.
- ``priorities``: a weighted, explained ranking of procedures to review.
"""
