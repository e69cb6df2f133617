"""Data import as the pages see it: uploaded catalogue and one-stop statistics files
imported as the signed-in user (through :mod:`catalogue.sources.uploads`), the sample
statistics file, and the values the importers flagged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from catalogue.sources import uploads
from ui.state import core, session


def expected_records(name: str, payload: bytes, *, portal: bool) -> int | None:
    """How many records an upload holds, when cheap to know (:func:`uploads.expected_records`)."""
    return uploads.expected_records(name, payload, portal=portal)


def import_upload(
    name: str,
    payload: bytes,
    *,
    portal: bool,
    progress: Callable[[int], None] | None = None,
) -> Any:
    """Import one uploaded file as the signed-in user (:func:`uploads.import_upload`):
    problems name the upload; ImportFailed lists them all and nothing is written."""
    return uploads.import_upload(
        core.engine(), name, payload, actor=session.username(), portal=portal, progress=progress
    )


def import_stats_upload(name: str, payload: bytes, *, accept_above: float | None = None) -> Any:
    """Import an uploaded one-stop statistics file as the signed-in user
    (:func:`uploads.import_stats_upload`): its StatsImport, or ImportFailed and nothing
    written."""
    return uploads.import_stats_upload(
        core.engine(), name, payload, actor=session.username(), accept_above=accept_above
    )


BOM = "\ufeff".encode()


@st.cache_data(show_spinner=False, max_entries=2)
def _sample_stats(url: str, data_version: int, year: int) -> bytes:
    from catalogue.sources.stats_file import FILE_HEADERS, PEOPLE_HEADERS

    data = uploads.sample_stats(core.engine_at(url), year=year).removeprefix(BOM)
    # Headers in words ("Mã TTHC", not ma_tthc): the importer reads both spellings.
    first, _, rest = data.partition(b"\n")
    words = {FILE_HEADERS[k]: v for k, v in PEOPLE_HEADERS.items()}
    header = ",".join(words.get(h, h) for h in first.decode("utf-8").rstrip("\r").split(","))
    # With a BOM, Excel on Windows reads the file as UTF-8 (the importer accepts both).
    ending = b"\r\n" if first.endswith(b"\r") else b"\n"
    return BOM + header.encode("utf-8") + ending + rest


def sample_stats() -> tuple[str, Callable[[], bytes]]:
    """A sample statistics file for the current catalogue: its name and a function making it.

    Synthetic monthly counts of last year for every procedure in force
    (:func:`catalogue.onestop.stats.generate_stats_file`), as CSV. The file is made only when
    asked for (a national catalogue gives a large file), once per data version.
    """
    import functools

    year = date.today().year - 1
    make = functools.partial(_sample_stats, core.database_url(), core.version(), year)
    return f"MAU-thong-ke-mot-cua-{year}-so-lieu-gia-lap.csv", make


@st.cache_data(show_spinner=False, max_entries=2)
def _flags(url: str, data_version: int) -> pd.DataFrame:
    from sqlalchemy import select

    from catalogue.registry.models import Procedure

    proc = Procedure.__table__
    with core.engine_at(url).connect() as conn:
        rows = conn.execute(select(proc.c.id, proc.c.code, proc.c.name, proc.c.flags)).all()
    flat = [
        {"id": pid, "code": code, "name": name, **flag}
        for pid, code, name, flags in rows
        for flag in flags or []
    ]
    return pd.DataFrame(flat, columns=["id", "code", "name", "kind", "field", "message", "raw"])


def flags() -> pd.DataFrame:
    """Values the importers could not parse (kept raw and flagged), one row per flag."""
    return _flags(core.database_url(), core.version())
