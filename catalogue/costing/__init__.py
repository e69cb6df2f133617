"""The cost model applied to the stored catalogue (the bridge from registry to ``analysis``).

- ``burden``: costing sheets stored per procedure, estimates, the whole catalogue's cost.
- ``reports``: savings of decided proposals against the catalogue's baseline and targets.
"""
