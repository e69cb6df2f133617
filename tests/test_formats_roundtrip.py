"""Own formats: YAML and the workbook round-trip losslessly (hypothesis), CSV is neutralised."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.registry.db import make_engine, upgrade
from catalogue.registry.vocab import CHANNEL_CODES, DEADLINE_UNIT_CODES, FEE_KIND_CODES, LEVEL_CODES
from catalogue.sources.formats import neutralise, read_catalogue_file, write_csv
from catalogue.sources.service import export_catalogue, import_files
from tests.factories import make_record

ALPHABET = st.characters(
    whitelist_categories=("Lu", "Ll", "Nd", "Zs"),
    whitelist_characters="àáảãạăắằđêếộưữỹ=+-@/.,()'\"",
    max_codepoint=0x1EF9,
)
TEXT = st.text(ALPHABET, min_size=1, max_size=20).filter(lambda s: s.strip() == s and s)
OPT_TEXT = st.none() | TEXT
COUNT = st.none() | st.integers(0, 5)


def _fee(currency: str, amount):
    return st.fixed_dictionaries(
        {
            "kind": st.sampled_from(FEE_KIND_CODES),
            "amount": amount,
            "currency": st.just(currency),
            "free": st.booleans(),
            "unit": OPT_TEXT,
            "raw": OPT_TEXT,
        }
    )


# whole đồng; US cents (analysis.limits: a fraction of a đồng is refused at the door)
fee = _fee("VND", st.none() | st.integers(0, 10**9)) | _fee(
    "USD", st.none() | st.integers(0, 10**6) | st.sampled_from([0.5, 12.75])
)
channel = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(CHANNEL_CODES),
        "deadline": st.fixed_dictionaries(
            {
                "value": st.none() | st.integers(0, 90) | st.just(0.5),
                "unit": st.sampled_from(DEADLINE_UNIT_CODES),
                "raw": OPT_TEXT,
            }
        ),
        "fees": st.lists(fee, max_size=2),
        "description": OPT_TEXT,
        "raw": OPT_TEXT,
    }
)
document = st.fixed_dictionaries(
    {
        "name": TEXT,
        "originals": COUNT,
        "copies": COUNT,
        "certified_copies": COUNT,
        "template": OPT_TEXT,
        "case": OPT_TEXT,
        "raw": OPT_TEXT,
    }
)


@st.composite
def records(draw):
    n = draw(st.integers(1, 4))
    out = []
    for i in range(n):
        steps = draw(st.lists(TEXT, max_size=3))
        rec = make_record(
            code=f"1.{i:06d}",
            name=draw(TEXT),
            field=draw(OPT_TEXT),
            kind=draw(OPT_TEXT),
            levels=draw(st.lists(st.sampled_from(LEVEL_CODES), max_size=3, unique=True)),
            subjects=draw(st.lists(TEXT, max_size=3)),
            agency=draw(OPT_TEXT),
            result=draw(OPT_TEXT),
            channels=draw(st.lists(channel, max_size=3)),
            documents=draw(st.lists(document, max_size=3)),
            steps=[{"order": k + 1, "text": t, "actor": None} for k, t in enumerate(steps)],
            legal_bases=[{"number": draw(OPT_TEXT), "title": draw(TEXT), "raw": draw(OPT_TEXT)}],
            flags=draw(
                st.lists(
                    st.fixed_dictionaries(
                        {"kind": TEXT, "field": TEXT, "message": TEXT, "raw": OPT_TEXT}
                    ),
                    max_size=2,
                )
            ),
        )
        out.append(rec)
    return out


def _fresh():
    engine = make_engine("sqlite://")
    upgrade(engine)
    return engine


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(recs=records(), fmt=st.sampled_from(["yaml", "xlsx", "json"]))
def test_export_import_export_is_identical(tmp_path, recs, fmt):
    first = _fresh()
    import_files(first, [_write(tmp_path, "seed.yaml", _yaml(recs))])
    exported = export_catalogue(first, fmt)
    second = _fresh()
    import_files(second, [_write(tmp_path, f"again.{fmt}", exported)])
    again = export_catalogue(second, fmt)
    if fmt == "xlsx":  # zip timestamps differ; compare the cells instead
        assert _cells(exported) == _cells(again)
    else:
        assert exported == again
    assert export_catalogue(first, "json") == export_catalogue(second, "json")


def _yaml(recs) -> bytes:
    import yaml

    return yaml.safe_dump(
        {"format": "tthc-catalogue/1", "procedures": recs}, allow_unicode=True
    ).encode("utf-8")


def _cells(data: bytes):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


def test_workbook_text_cells_are_never_formulas(tmp_path):
    engine = _fresh()
    rec = make_record(name='=HYPERLINK("http://x")', agency="+Sở Tư pháp")
    import_files(engine, [_write(tmp_path, "a.yaml", _yaml([rec]))])
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(export_catalogue(engine, "xlsx")))
    cells = [c for row in wb["procedures"].iter_rows() for c in row]
    assert any(c.value == '=HYPERLINK("http://x")' for c in cells)
    assert all(c.data_type != "f" for c in cells)


def test_csv_neutralises_formula_cells_and_reads_them_back(tmp_path):
    rec = make_record(name="=1+2", agency="@Sở", field="-Hộ tịch")
    buf = io.StringIO()
    write_csv([rec], buf)
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    header, row = rows[0], rows[1]
    assert row[header.index("name")] == "'=1+2"
    assert row[header.index("agency")] == "'@Sở"
    back = read_catalogue_file(_write(tmp_path, "x.csv", buf.getvalue().encode("utf-8")))
    assert back[0][1]["name"] == "=1+2" and back[0][1]["field"] == "-Hộ tịch"


def test_neutralise_leaves_ordinary_values():
    assert neutralise("Hộ tịch") == "Hộ tịch"
    assert neutralise(5) == 5
    assert neutralise("+84") == "'+84"
