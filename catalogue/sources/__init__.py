"""Sources: reading and writing the files the catalogue comes from and goes to.

- ``portal``: the national portal's JSON-lines records and its "Danh sách TTHC" Excel list.
- ``portal_parse``: parsers of the portal's flattened channel, deadline and fee cells.
- ``portal_documents``: parsers of the portal's documents, steps and legal-basis cells.
- ``formats``: the project's own JSON, YAML, Excel workbook and flat CSV formats.
- ``stats_file``: one-stop statistics files: layout, reading CSV/Excel, a generator.
- ``service``: import and export services (one transaction each) and ``open_catalogue``.
- ``uploads``: files handed over as a name and bytes (imports, statistics, local lists).
"""
