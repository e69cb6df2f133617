"""The dashboard's door to the services, one module per concern.

Pages and widgets import the module they need (``from ui.state import catalogue as
catalogue_state``); nothing is re-exported here. Every module keeps the cached-resource
habit of :mod:`ui.state.core`: one engine per database URL, caches keyed on its data
version, and calls acting as the signed-in user open their own transaction.

- ``core``: the engine, the database URL, the data version, ``data_changed`` and the
  cost-model parameters, shared by every other module.
- ``session``: the signed-in user, their name and role, and signing in.
- ``catalogue``: the procedures frame, filters, search, one record and its history.
- ``costing``: costing sheets (estimate, stored, save), evaluation, sensitivity, and the
  catalogue's burden and cost totals.
- ``cycle``: the workflow services as the signed-in user, decision exports, programmes.
- ``reports``: the savings report, Excel/CSV bytes and chart images for downloads.
- ``data_import``: uploaded catalogue and statistics files, the sample statistics file,
  and the flags the importers left.
- ``onestop``: one-stop statistics years and performance, and review priorities.
- ``quality``: near-duplicate groups, and matching an uploaded local list to codes.
"""
