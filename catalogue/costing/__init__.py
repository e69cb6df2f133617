"""The cost model applied to the stored catalogue (the bridge from registry to ``analysis``).

- ``sheets``: reviewers' costing sheets stored per procedure, versioned saves.
- ``burden``: costing sheets stored per procedure, estimates, the whole catalogue's cost.
- ``reports``: savings of decided proposals against the catalogue's baseline and targets.
"""
