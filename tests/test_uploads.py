"""Uploads handed over as a name and bytes: counting the records an upload holds, and
reading an uploaded local list, with errors that name the upload, never a temporary file.

(Moved from the dashboard tests with the code: the UI only calls these services.)"""

import gzip

import pytest

from catalogue.sources import uploads

# A local list as a district keeps it: a name column, but not the one asked for.
LOCAL_CSV = "stt,ten_thu_tuc,co_quan\n1,dang ky khai sinh,UBND huyện Tân Phước\n".encode()


@pytest.mark.parametrize(
    ("name", "payload", "portal", "expected"),
    [
        ("tthc.jsonl", b'{"a": 1}\n{"a": 2}\n\n{"a": 3}\n', True, 3),
        ("tthc.jsonl.gz", gzip.compress(b'{"a": 1}\n{"a": 2}\n', mtime=0), True, 2),
        ("danh-muc.csv", b"code,name\n1,a\n2,b\n", False, 2),
        ("danh-muc.yaml", b"procedures:\n  - {name: a}\n", False, None),
        ("danh-sach.xlsx", b"PK\x03\x04rest-of-a-workbook", True, None),
    ],
)
def test_expected_records(name, payload, portal, expected):
    assert uploads.expected_records(name, payload, portal=portal) == expected


def test_matching_errors_name_the_upload_not_a_temporary_file():
    from catalogue.quality.matching import MatchError

    with pytest.raises(MatchError, match=r"^column 'ten' not found") as raised:
        # The column is missing, so the file is refused before any index is searched.
        uploads.match_upload("ds.csv", LOCAL_CSV, "ten", index=None)
    assert "/tmp" not in str(raised.value)
    with pytest.raises(MatchError, match=r"^ds\.xlsx: cannot be read"):
        uploads.upload_columns("ds.xlsx", b"not a workbook")
    # The uploader only takes CSV and Excel; the service refuses anything else too.
    with pytest.raises(MatchError, match=r"^ds\.pdf: not a CSV or Excel"):
        uploads.upload_columns("ds.pdf", b"%PDF-1.4")
