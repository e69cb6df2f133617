"""Read the national public service portal's procedure records into canonical records.

Two portal sources are understood:

- the procedure pages as JSON lines (``procedures.jsonl[.gz]``, one object per
  procedure, fields ``ma_thu_tuc``, ``ten_thu_tuc``, ``cach_thuc_thuc_hien`` …), read by
  :func:`read_portal_jsonl`; each object becomes a record via :func:`parse_portal_record`;
- the "Danh sách TTHC" Excel export, read by :func:`read_portal_excel`.

:func:`read_portal_file` picks the reader from the file's content. Readers collect every
problem of a file (each a :class:`~catalogue.registry.errors.Problem` with file, line or row and
field) and raise :class:`~catalogue.registry.errors.ImportFailed` with all of them, or return all
records; never a part. What the text cells mean and how they are split lives in
:mod:`catalogue.sources.portal_parse` (channels, fees) and :mod:`catalogue.sources.portal_documents`
(documents, steps, legal bases); unreadable values are kept raw in the record's
``flags``. Flags whose kind is in ``PROBLEM_FLAG_KINDS`` (unknown level, negative fee)
make the import fail.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import unicodedata
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from catalogue.registry.errors import ImportFailed, Problem
from catalogue.registry.records import SOURCE_HASH_KEY, ProcedureRecord, empty_record, identity_key
from catalogue.registry.store import LIST_STUB
from catalogue.sources.limits import (
    MAX_LINE_BYTES,
    MAX_RECORDS,
    MAX_STREAM_DECOMPRESSED_BYTES,
    MAX_STREAM_FILE_BYTES,
    MAX_WORKBOOK_ROWS,
    JsonInputError,
    check_file_size,
    check_workbook,
    loads_json,
    text_problem,
    worksheet_rows,
)
from catalogue.sources.online_level import parse_online_level
from catalogue.sources.portal_documents import parse_documents, parse_legal_bases, parse_steps
from catalogue.sources.portal_parse import (
    PROBLEM_FLAG_KINDS,
    clean_text,
    flag,
    parse_channels,
    parse_levels,
    parse_result,
    parse_subjects,
)

log = logging.getLogger(__name__)

# The crawler's folder per ministry → the ministry's name (cơ quan ban hành).
SOURCE_FOLDERS = {
    "bo-tai-chinh": "Bộ Tài chính",
    "bo-nong-nghiep-mt": "Bộ Nông nghiệp và Môi trường",
    "bo-xay-dung": "Bộ Xây dựng",
    "bo-tu-phap": "Bộ Tư pháp",
}
REQUIRED_FIELDS = ("ma_thu_tuc", "ten_thu_tuc")
# Portal field → canonical key, for the plain text fields.
TEXT_FIELDS = {
    "ma_thu_tuc": "code",
    "ten_thu_tuc": "name",
    "linh_vuc": "field",
    "loai_thu_tuc": "kind",
    "co_quan_thuc_hien": "agency",
    "co_quan_co_tham_quyen": "competent_agency",
    "co_quan_duoc_uy_quyen": "authorised_agency",
    "co_quan_phoi_hop": "coordinating_agency",
    "so_quyet_dinh": "decision",
    "detail_url": "source_url",
    "yeu_cau_dieu_kien": "conditions",
}
# Canonical key → the portal field it came from, to name fields in problems.
PORTAL_FIELD_OF = {
    **{key: field for field, key in TEXT_FIELDS.items()},
    "levels": "cap_thuc_hien",
    "channels": "cach_thuc_thuc_hien",
    "documents": "thanh_phan_ho_so",
    "steps": "trinh_tu_thuc_hien",
    "legal_bases": "can_cu_phap_ly",
    "issuing_agency": "_source_folder",
}
EXCEL_HEADER = ("Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực")
EXCEL_KEYS = ("code", "name", "issuing_agency", "agency", "field")
GZIP_MAGIC = b"\x1f\x8b"
# Bump when the parser's output changes, so that re-imports parse every line again.
PARSER_VERSION = b"portal-parser/1\n"
# Yielded instead of a record for a line imported before, unchanged: not parsed again.
UNCHANGED: ProcedureRecord = {"_unchanged": True}
ZIP_MAGIC = b"PK\x03\x04"


def parse_portal_record(rec: dict[str, Any]) -> ProcedureRecord:
    """One portal JSON object → a canonical record (see :mod:`catalogue.registry.records`).

    Never raises on content: what cannot be read is kept raw in ``flags``. Text is
    normalised to Unicode NFC first (some portal text is decomposed).

    >>> record = parse_portal_record({"ma_thu_tuc": "1.0", "ten_thu_tuc": "Cấp phép",
    ...                               "cap_thuc_hien": "Cấp tỉnh, Cấp xã",
    ...                               "yeu_cau_dieu_kien": "Không có thông tin"})
    >>> record["code"], record["levels"], record["conditions"]
    ('1.0', ['province', 'commune'], None)
    """
    # Some portal text is decomposed (NFD); parse and keep the canonical NFC form.
    rec = {k: unicodedata.normalize("NFC", v) if isinstance(v, str) else v for k, v in rec.items()}
    record = empty_record()
    for portal_field, key in TEXT_FIELDS.items():
        record[key] = clean_text(rec.get(portal_field))
    flags = record["flags"]
    record["levels"], level_flags = parse_levels(rec.get("cap_thuc_hien"))
    flags.extend(level_flags)
    record["subjects"] = parse_subjects(rec.get("doi_tuong_thuc_hien"))
    record["result"] = parse_result(rec.get("ket_qua_xu_ly"))
    folder = clean_text(rec.get("_source_folder"))
    record["issuing_agency"] = SOURCE_FOLDERS.get(folder) if folder else None
    if folder and folder not in SOURCE_FOLDERS:
        message = f"unknown source folder {folder!r}"
        flags.append(flag("unknown_source_folder", "issuing_agency", message, folder))
    for key, parser, portal_field in (
        ("channels", parse_channels, "cach_thuc_thuc_hien"),
        ("documents", parse_documents, "thanh_phan_ho_so"),
        ("steps", parse_steps, "trinh_tu_thuc_hien"),
        ("legal_bases", parse_legal_bases, "can_cu_phap_ly"),
    ):
        record[key], more = parser(rec.get(portal_field))
        flags.extend(more)
    online_level = parse_online_level(rec.get("cach_thuc_thuc_hien"))
    if online_level:  # only where the text states it (NĐ 42/2022: toàn trình / một phần)
        record["online_level"] = online_level
    return record


# ---------------------------------------------------------------- JSON lines


def _open_lines(path: Path):
    with path.open("rb") as probe:
        gz = probe.read(2) == GZIP_MAGIC[:2]
    return gzip.open(path, "rb") if gz else path.open("rb")


def source_hash(raw_line: bytes) -> str:
    """Hash of a raw source line and the parser version that reads it."""
    return hashlib.blake2b(PARSER_VERSION + raw_line, digest_size=16).hexdigest()


def iter_portal_jsonl(
    path: str | Path, *, known_sources: set[str] | None = None
) -> Iterator[tuple[int, ProcedureRecord | None, list]]:
    """Yield ``(line number, record or None, problems)`` per line, without raising.

    Lines are streamed (plain or gzip), so a national-scale file is never held in memory
    whole. Each record carries the hash of its raw line (``_source_hash``); a line whose
    hash is in ``known_sources`` (already imported, same parser version) is not parsed
    again and is yielded as :data:`UNCHANGED`. The building block of
    :func:`read_portal_jsonl`; problems here are per line only (duplicates across lines
    are found by the reader).
    """
    path = Path(path)
    name = str(path)
    number = 0
    seen_any = False
    seen_sources: dict[str, int] = {}
    too_big = check_file_size(path, MAX_STREAM_FILE_BYTES)
    if too_big is not None:
        yield 0, None, [too_big]
        return
    read = records = 0
    try:
        with _open_lines(path) as handle:
            while True:
                # readline with a bound: a line without an end is never held whole
                raw_line = handle.readline(MAX_LINE_BYTES + 1)
                if not raw_line:
                    break
                number += 1
                read += len(raw_line)
                if read > MAX_STREAM_DECOMPRESSED_BYTES:
                    message = f"more than {MAX_STREAM_DECOMPRESSED_BYTES} bytes of text"
                    yield number, None, [Problem(name, number, None, message)]
                    return
                if len(raw_line) > MAX_LINE_BYTES and not raw_line.endswith(b"\n"):
                    message = f"line longer than {MAX_LINE_BYTES} bytes"
                    yield number, None, [Problem(name, number, None, message)]
                    return
                if not raw_line.strip():
                    continue
                seen_any = True
                records += 1
                if records > MAX_RECORDS:
                    message = f"more than {MAX_RECORDS} records in one file"
                    yield number, None, [Problem(name, number, None, message)]
                    return
                line = raw_line.rstrip(b"\r\n")
                digest = source_hash(line)
                if digest in seen_sources:
                    message = f"duplicate procedure: same line as line {seen_sources[digest]}"
                    yield number, None, [Problem(name, number, "ma_thu_tuc", message)]
                    continue
                seen_sources[digest] = number
                if known_sources and digest in known_sources:
                    yield number, UNCHANGED, []
                    continue
                record, problems = _parse_line(name, number, line)
                if record is not None:
                    record[SOURCE_HASH_KEY] = digest
                yield number, record, problems
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield number, None, [Problem(name, number or None, None, f"cannot read file: {exc}")]
        return
    if not seen_any:
        yield 0, None, [Problem(name, None, None, "empty file: no records")]


def _parse_line(name: str, number: int, raw_line: bytes) -> tuple[ProcedureRecord | None, list]:
    try:
        text = raw_line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [
            Problem(name, number, None, f"not UTF-8 text: {exc.reason} at byte {exc.start}")
        ]
    try:
        obj = loads_json(text)
    except json.JSONDecodeError as exc:
        ended = exc.msg.startswith("Unterminated") or exc.pos >= len(text.rstrip())
        what = "truncated line" if ended else "invalid JSON"
        return None, [Problem(name, number, None, f"{what}: {exc.msg} (column {exc.colno})")]
    except JsonInputError as exc:
        where = f" (column {exc.column})" if exc.column else ""
        return None, [Problem(name, number, None, f"refused JSON: {exc.message}{where}")]
    if not isinstance(obj, dict):
        return None, [Problem(name, number, None, "a line must hold one JSON object")]
    typed = _field_type_problems(obj, name, number)
    if typed:
        return None, typed
    problems = [
        Problem(name, number, field, "required field is missing or empty")
        for field in REQUIRED_FIELDS
        if clean_text(obj.get(field)) is None
    ]
    record = parse_portal_record(obj)
    for item in record["flags"]:
        if item["kind"] in PROBLEM_FLAG_KINDS:
            field = PORTAL_FIELD_OF.get(item["field"], item["field"])
            problems.append(Problem(name, number, field, f"{item['message']}: {item['raw']!r}"))
    return record, problems


def _field_type_problems(obj: dict[str, Any], name: str, number: int) -> list[Problem]:
    """Every portal field is text or null (the portal publishes no other type)."""
    problems = []
    for field, value in obj.items():
        if value is None:
            continue
        if not isinstance(value, str):
            kind = {dict: "an object", list: "a list", bool: "true/false"}.get(
                type(value), "a number" if isinstance(value, int | float) else type(value).__name__
            )
            problems.append(Problem(name, number, field, f"must be text, got {kind}"))
            continue
        why = text_problem(value)
        if why:
            problems.append(Problem(name, number, field, why))
    return problems


def read_portal_jsonl(path: str | Path) -> list[tuple[int, ProcedureRecord]]:
    """Read a portal JSON-lines file (plain or gzip, detected by magic bytes).

    Returns ``[(line number, record), …]`` for the whole file, or raises
    :class:`ImportFailed` listing every problem: unreadable or empty file, truncated or
    invalid JSON, non-UTF-8 bytes, a missing ``ma_thu_tuc``/``ten_thu_tuc``, an unknown
    level, a negative fee, an identity key (code, levels, agency) seen twice.
    """
    name = str(path)
    records: list[tuple[int, ProcedureRecord]] = []
    problems: list[Problem] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for number, record, line_problems in iter_portal_jsonl(path):
        problems.extend(line_problems)
        if record is None:
            continue
        key = identity_key(record)
        if key in first_line:
            message = f"duplicate identity {key} (first on line {first_line[key]})"
            problems.append(Problem(name, number, "ma_thu_tuc", message))
        else:
            first_line[key] = number
        records.append((number, record))
    if problems:
        raise ImportFailed(problems)
    log.info("read %d portal records from %s", len(records), name)
    return records


# ---------------------------------------------------------------- Excel list


def read_portal_excel(path: str | Path) -> list[tuple[int, ProcedureRecord]]:
    """Read a portal "Danh sách TTHC" export: row 1 banner, row 2 the header
    ``Mã số | Tên | Cơ quan ban hành | Cơ quan thực hiện | Lĩnh vực``, then one row per
    procedure. Returns ``[(row number, record), …]`` or raises :class:`ImportFailed`.

    Levels are left empty (the export does not state them); status is active.
    """
    from openpyxl import load_workbook  # heavy import, only when an Excel file is read

    name = str(path)
    refused = check_workbook(Path(path))
    if refused:
        raise ImportFailed(refused)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ImportFailed([Problem(name, None, None, f"cannot read workbook: {exc}")]) from exc
    try:
        rows = list(worksheet_rows(workbook.worksheets[0], name, max_rows=MAX_WORKBOOK_ROWS))
    except ImportFailed:
        raise
    except Exception as exc:  # a broken sheet: openpyxl raises many types
        raise ImportFailed([Problem(name, None, None, f"cannot read workbook: {exc}")]) from exc
    finally:
        workbook.close()
    header_row = _find_header(rows)
    if header_row is None:
        expected = " | ".join(EXCEL_HEADER)
        raise ImportFailed([Problem(name, None, None, f"header row not found: {expected}")])
    columns = {str(cell).strip(): i for i, cell in enumerate(rows[header_row]) if cell}
    problems: list[Problem] = []
    records: list[tuple[int, ProcedureRecord]] = []
    first_row: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(rows[header_row + 1 :], start=header_row + 2):
        if not any(clean_text(cell) if isinstance(cell, str) else cell for cell in row):
            continue
        record = empty_record()
        for column, key in zip(EXCEL_HEADER, EXCEL_KEYS, strict=True):
            cell = row[columns[column]] if columns[column] < len(row) else None
            text = unicodedata.normalize("NFC", str(cell)) if cell is not None else None
            why = text_problem(text) if text is not None else None
            if why:
                problems.append(Problem(name, number, column, why))
                text = None
            record[key] = _single_value(record, key, column, clean_text(text))
        # a code missing from the catalogue becomes a flagged stub: no level, channel or
        # document, so it is a draft (out of every cost) until its full record is imported
        record["status"] = "draft"
        record["flags"].append(
            flag(LIST_STUB, "code", "known only from the list export; import its full record", None)
        )
        for column, key in (("Mã số", "code"), ("Tên", "name")):
            if record[key] is None:
                problems.append(Problem(name, number, column, "required cell is empty"))
        key = identity_key(record)
        if key in first_row:
            message = f"duplicate identity {key} (first on row {first_row[key]})"
            problems.append(Problem(name, number, "Mã số", message))
        else:
            first_row[key] = number
        records.append((number, record))
    if not records and not problems:
        problems.append(Problem(name, None, None, "no procedure rows under the header"))
    if problems:
        raise ImportFailed(problems)
    log.info("read %d rows from %s", len(records), name)
    return records


def _single_value(record: dict, key: str, column: str, text: str | None) -> str | None:
    """A cell of several lines: agencies are separate values (the first kept, flagged);
    other fields are one value written on several lines (joined with a space)."""
    if text is None or "\n" not in text:
        return text
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if key in ("agency", "issuing_agency"):
        message = f"{column}: {len(lines)} values on separate lines; the first is kept"
        record["flags"].append(flag("multi_value_cell", key, message, text))
        return lines[0]
    return " ".join(lines)


def _find_header(rows: list[tuple]) -> int | None:
    for index, row in enumerate(rows[:10]):
        cells = tuple(str(cell).strip() if cell is not None else "" for cell in row)
        if all(column in cells for column in EXCEL_HEADER):
            return index
    return None


# ---------------------------------------------------------------- dispatch


def is_workbook(path: Path) -> bool:
    """Whether ``path`` is an Excel export (zip magic or ``.xlsx``) rather than JSON lines."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(4).startswith(ZIP_MAGIC)
    except OSError:
        return False


def read_portal_file(path: str | Path) -> list[tuple[int, ProcedureRecord]]:
    """Read a portal file of either kind: an Excel export (zip magic or ``.xlsx``) or
    JSON lines (plain or gzip)."""
    path = Path(path)
    if not path.is_file():
        raise ImportFailed([Problem(str(path), None, None, "cannot read file: not found")])
    if is_workbook(path):
        return read_portal_excel(path)
    return read_portal_jsonl(path)
