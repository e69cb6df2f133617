"""The canonical plain-data shape of one procedure, shared by every importer and exporter.

A *procedure record* is a plain ``dict`` (JSON-ready) with these keys; parsers produce
it, the store writes it to tables, exporters read it back. Keys and meanings:

``code``            mã TTHC, opaque string (``1.000123``, ``1.000948.H38``) or None for a draft
``name``            tên thủ tục
``field``           lĩnh vực
``kind``            loại thủ tục (free text as published)
``levels``          list of level codes: ministry, province, district, commune, other
``subjects``        list of đối tượng thực hiện (free text items)
``agency``          cơ quan thực hiện (implementing agency) or None
``competent_agency``/``authorised_agency``/``coordinating_agency``  or None
``issuing_agency``  cơ quan ban hành / ministry owning the record, or None
``status``          active | amended | replaced | abolished | draft
``decision``        số quyết định công bố, or None
``source_url``      link to the portal page, or None
``result``          kết quả thực hiện, or None
``conditions``      yêu cầu, điều kiện, or None
``channels``        list of {kind, deadline: {value, unit, raw}, fees: [...], description, raw}
                    kind: direct | online | postal; deadline.unit: working_days | days |
                    hours | months | unspecified; value is a number or None
``fees``            (inside a channel) {kind: phi | le_phi | unspecified, amount (number or
                    None), currency: VND | USD, free (bool), unit (e.g. "/lần") or None, raw}
``documents``       list of {name, originals, copies, certified_copies, template, case, raw}
                    counts are ints or None when the text states none
``steps``           list of {order, text, actor}
``legal_bases``     list of {number, title, raw}
``volumes``         list of {year, received, resolved_early, resolved_on_time, resolved_late,
                    pending, online}
``flags``           list of {kind, field, message, raw}: what could not be parsed, kept raw
``online_level``    optional: full | partial, only where the source states it (NĐ 42/2022);
                    stored on the procedure, not part of every record

Missing optional text is None, never "Không có thông tin".
"""

from __future__ import annotations

from typing import Any

ProcedureRecord = dict[str, Any]

# A private key a reader may set on a record: the hash of the raw source it came from.
# Keys starting with "_" are never compared, exported or snapshotted.
SOURCE_HASH_KEY = "_source_hash"
# Set by the flat CSV reader: the record carries the main fields only, and an import
# keeps the stored procedure's channels, fees, documents, steps, legal bases and flags.
MAIN_FIELDS_ONLY_KEY = "_main_fields_only"

PROCEDURE_KEYS = (
    "code",
    "name",
    "field",
    "kind",
    "levels",
    "subjects",
    "agency",
    "competent_agency",
    "authorised_agency",
    "coordinating_agency",
    "issuing_agency",
    "status",
    "decision",
    "source_url",
    "result",
    "conditions",
    "channels",
    "documents",
    "steps",
    "legal_bases",
    "volumes",
    "flags",
)


def identity_key(record: ProcedureRecord) -> tuple[str, str, str]:
    """Import identity of a procedure: (code, levels, agency).

    The same code appears at several levels and agencies; the levels part is the sorted,
    comma-joined level codes so that a record listing several levels is one procedure.
    A draft without a code is identified by its name instead.

    >>> identity_key({"code": "1.0", "levels": ["province", "ministry"], "agency": "Sở X"})
    ('1.0', 'ministry,province', 'Sở X')
    """
    code = record.get("code") or f"name:{record.get('name', '')}"
    levels = ",".join(sorted(record.get("levels") or []))
    return (code, levels, record.get("agency") or "")


def empty_record() -> ProcedureRecord:
    """A record with every key present and empty values."""
    rec: ProcedureRecord = {key: None for key in PROCEDURE_KEYS}
    for key in ("levels", "subjects", "channels", "documents", "steps", "legal_bases"):
        rec[key] = []
    rec["volumes"] = []
    rec["flags"] = []
    rec["status"] = "active"
    return rec
