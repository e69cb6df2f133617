"""The registry: tables, database, records, vocabularies, validation, audit, users and roles.

- ``models``: every table (SQLModel), one line on each entity's role.
- ``db``: engine, sessions and migrations; the one module that decides transactions.
- ``settings``: typed settings loaded by ``load_settings()``, never at import time.
- ``records``: the canonical plain-data shape of one procedure, shared by importers and exporters.
- ``vocab``: controlled vocabularies (levels, channels, units, statuses), spellings → codes.
- ``validate``: checks on canonical records before anything is stored.
- ``store``: bulk write and read of records and their revisions.
- ``audit``: the append-only audit log, written in the caller's transaction.
- ``auth``: users, password hashes, roles and ``require`` (who may do what).
- ``demo_users``: the demo accounts of the demo catalogue.
- ``errors``: errors that name where a problem is (file, line, field).
"""
