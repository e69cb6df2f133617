"""Parse coverage of the portal reader, judged by an independent reading of the raw text.

The reader below is written in this test from ``../shared/data/README.md`` (what the
flattened tables look like) and imports nothing from ``catalogue`` but the function under
test. It reads each record's *whole* raw fields itself — it does not use the parser's cut
of a row, its raw sub-strings or its vocabularies:

* channels (``cach_thuc_thuc_hien``): the table header, then rows that start with a
  channel name (``Trực tiếp``, ``Trực tuyến``, ``Dịch vụ bưu chính``) followed by a deadline
  (a number with its unit word, a bare number, or ``Không có thông tin``) and a fee
  (``Miễn phí``, ``Không có thông tin``, or digits with a currency word);
* documents (``thanh_phan_ho_so``): after the table header, each document ends with its
  count text (``1 bản chính``, ``0 bản chính,1 bản sao``, ``2 bản chụp``).

A row the reader cannot read with certainty (a bare number glued to a fee amount, a fee
in prose, text after the last document's count, no header) is **unverified**: it is
reported and left out of the denominator, never counted as correct. The agreement rate
is taken over the verified rows.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from catalogue.sources.portal import read_portal_jsonl
from catalogue.sources.portal_documents import parse_documents

JSONL = Path(__file__).resolve().parents[1].parent / "shared/data/portal/procedures.jsonl.gz"

# Measured on the 2.039 real records (01/12/2026): channel rows 5.426 / 5.426 verified
# agree (150 unverified); records' document counts 1.936 / 1.936 (103 unverified; before
# the fix of glued small-letter names and bullets, 1.903 / 1.936: 33 records had
# documents merged); document rows' counts 11.589 / 11.589 (622 unverified).
CHANNEL_FLOOR = 0.999
DOCUMENT_COUNT_FLOOR = 0.995
DOCUMENT_FIELD_FLOOR = 0.999

CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
DOCUMENT_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
NO_INFORMATION = "Không có thông tin"
# The README's reading of the portal's words (written here, not taken from the parser).
CHANNEL_WORDS = {"Trực tiếp": "direct", "Trực tuyến": "online", "Dịch vụ bưu chính": "postal"}
UNIT_WORDS = {"ngày làm việc": "working_days", "ngày": "days", "giờ": "hours", "tháng": "months"}
CURRENCY_WORDS = {"việt nam đồng": "VND", "vnđ": "VND", "đồng": "VND", "usd": "USD"}

_ROW_START = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=\d|Không có thông tin)")
_WITH_UNIT = re.compile(r"(\d+)\s?(ngày làm việc|ngày|giờ|tháng)", re.IGNORECASE)
_BARE = re.compile(r"(\d+)(?=Miễn phí|Không có thông tin)")
# an amount: plain digits, or thousands in groups of three ("1,350,000", "70.000"), then
# an optional unit such as "/lần", then the currency word
_AMOUNT = re.compile(
    r"(\d{1,3}(?:[.,]\d{3})+|\d+)\s?(?:/[^\s\d/]+\s?)?(Việt Nam Đồng|VNĐ|USD|Đồng|đồng)"
)
_COUNT = re.compile(r"(\d+) bản (?:chính|sao|chụp)(?:, ?\d+ bản (?:chính|sao|chụp))*")


@dataclass
class Tally:
    """Rows judged: agreeing, disagreeing (with examples), and unverified."""

    agree: int = 0
    disagree: list = field(default_factory=list)
    unverified: int = 0

    def judge(self, ok: bool, example) -> None:
        if ok:
            self.agree += 1
        else:
            self.disagree.append(example)

    @property
    def verified(self) -> int:
        return self.agree + len(self.disagree)

    @property
    def rate(self) -> float:
        return self.agree / self.verified

    def line(self, what: str) -> str:
        return (
            f"{what}: {self.agree}/{self.verified} verified agree ({self.rate:.2%}), "
            f"{len(self.disagree)} disagree, {self.unverified} unverified"
        )


# --- the independent reader --------------------------------------------------------------


def read_channel_row(body: str) -> dict | None:
    """Deadline and fee of one row's text after its channel name; None when unreadable."""
    if body.startswith(NO_INFORMATION):
        deadline, rest = (None, None), body[len(NO_INFORMATION) :]
    elif m := _WITH_UNIT.match(body):
        deadline, rest = (int(m.group(1)), UNIT_WORDS[m.group(2).lower()]), body[m.end() :]
    elif m := _BARE.match(body):
        deadline, rest = (int(m.group(1)), "unspecified"), body[m.end() :]
    else:
        return None  # e.g. "140,000 Việt Nam Đồng": a deadline glued to an amount
    if rest.startswith("Miễn phí"):
        fee = ("free",)
    elif rest.startswith(NO_INFORMATION):
        fee = ("unknown",)
    elif m := _AMOUNT.match(rest):
        fee = ("amount", int(re.sub(r"[.,]", "", m.group(1))), CURRENCY_WORDS[m.group(2).lower()])
    else:
        return None
    return {"deadline": deadline, "fee": fee}


def read_channels(text: str | None) -> list[dict | None] | None:
    """Each row: kind, deadline, fee (None for a row it cannot read); None without header."""
    text = (text or "").strip()
    if not text.startswith(CHANNEL_HEADER):
        return None
    text = text[len(CHANNEL_HEADER) :]
    starts = list(_ROW_START.finditer(text))
    if not starts or starts[0].start() != 0:
        return None
    rows = []
    for here, after in zip(starts, [*starts[1:], None], strict=True):
        body = text[here.end() : after.start() if after else len(text)]
        row = read_channel_row(body)
        rows.append(None if row is None else {"kind": CHANNEL_WORDS[here.group(1)], **row})
    return rows


def _count_cell(body: str, m: re.Match) -> bool | None:
    """Whether a count phrase is the table's count cell (True), words of a name (False),
    or cannot be told (None).

    The portal writes the cell as a plain number glued to the name before it and to the
    next name after it (``…hợp lệ.1 bản chínhĐơn đề nghị…``); a name that mentions copies
    writes them as prose, with a padded number after a space (``…: 01 bản sao kèm…``).
    """
    number = m.group(1)
    before = body[m.start() - 1] if m.start() else ""
    after = body[m.end() : m.end() + 1]
    padded = len(number) > 1 and number.startswith("0")
    if padded and len(number) == 2 and before in (" ", "(", ":"):
        return False
    if padded or before in (" ", "(") or before.isdigit():
        return None  # "Mẫu số 081 bản chính": template "08" + "1", or "081"?
    if after == "" or after.isalnum() or after in "-+*•(\t\n\uf0fc\uf0d8":
        return True  # the next name, its list mark or bullet, glued on
    return None  # followed by a space or punctuation: prose, or the cell?


def read_documents(text: str | None) -> list[dict] | None:
    """Each document's stated counts, in order; None when the text cannot be accounted for."""
    text = (text or "").strip()
    if text in ("", NO_INFORMATION):
        return []
    if DOCUMENT_HEADER not in text:
        return None
    documents = []
    sections = text.split(DOCUMENT_HEADER)[1:]
    for index, section in enumerate(sections, start=1):
        tail = section
        for m in _COUNT.finditer(section):
            judged = _count_cell(section, m)
            if judged is None:
                return None
            if judged:
                stated = re.findall(r"(\d+) bản (chính|sao|chụp)", m.group())
                documents.append({word: int(n) for n, word in stated})
                tail = section[m.end() :]
        if index == len(sections) and tail.strip(" -\t\n"):
            return None  # text after the last count: a document without one, or prose
    return documents


# --- judging the parser ------------------------------------------------------------------


def channel_agrees(mine: dict, parsed: dict) -> bool:
    if parsed["kind"] != mine["kind"]:
        return False
    value, unit = mine["deadline"]
    deadline = parsed["deadline"]
    if deadline["value"] != value or (unit is not None and deadline["unit"] != unit):
        return False
    fees = parsed["fees"]
    if mine["fee"] == ("free",):
        return bool(fees) and fees[0]["free"] and fees[0]["amount"] == 0
    if mine["fee"] == ("unknown",):
        return fees == []
    _, amount, currency = mine["fee"]
    return bool(fees) and fees[0]["amount"] == amount and fees[0]["currency"] == currency


def document_agrees(mine: dict, parsed: dict) -> bool:
    """The counts the text states: bản chính → originals, bản sao → copies."""
    if "chính" in mine and parsed["originals"] != mine["chính"]:
        return False
    return not ("sao" in mine and parsed["copies"] != mine["sao"])


@pytest.fixture(scope="module")
def judged():
    if not JSONL.exists():
        pytest.skip(f"real data not available: {JSONL}")
    with gzip.open(JSONL, "rt", encoding="utf-8") as handle:
        raw = [json.loads(line) for line in handle]
    parsed = [record for _, record in read_portal_jsonl(JSONL)]
    assert len(raw) == len(parsed) == 2039
    channels, doc_counts, doc_fields = Tally(), Tally(), Tally()
    for obj, record in zip(raw, parsed, strict=True):
        code = obj["ma_thu_tuc"]
        mine = read_channels(obj.get("cach_thuc_thuc_hien"))
        if mine is None:
            channels.unverified += len(record["channels"])
        else:
            theirs = record["channels"]
            for i in range(max(len(mine), len(theirs))):
                if i < len(mine) and mine[i] is None:
                    channels.unverified += 1
                    continue
                ok = i < len(mine) and i < len(theirs) and channel_agrees(mine[i], theirs[i])
                channels.judge(ok, (code, i, mine[i] if i < len(mine) else None))
        documents = read_documents(obj.get("thanh_phan_ho_so"))
        if documents is None:
            doc_counts.unverified += 1
            doc_fields.unverified += len(record["documents"])
            continue
        same = len(documents) == len(record["documents"])
        doc_counts.judge(same, (code, len(documents), len(record["documents"])))
        if not same:
            doc_fields.unverified += len(record["documents"])
            continue
        for i, (stated, theirs) in enumerate(zip(documents, record["documents"], strict=True)):
            doc_fields.judge(document_agrees(stated, theirs), (code, i, stated))
    return channels, doc_counts, doc_fields


def test_channels_deadlines_and_fees_agree_with_an_independent_reading(judged, capsys):
    channels, _, _ = judged
    with capsys.disabled():
        print("\n" + channels.line("channel rows (kind, deadline, fee)"))
    assert channels.verified >= 5000  # the reader reads most rows (of 5.576), or it proves nothing
    assert channels.rate >= CHANNEL_FLOOR, channels.disagree[:10]


def test_document_counts_agree_with_an_independent_reading(judged, capsys):
    _, doc_counts, doc_fields = judged
    with capsys.disabled():
        print("\n" + doc_counts.line("records' document counts"))
        print(doc_fields.line("document rows (bản chính, bản sao)"))
    assert doc_counts.verified >= 1900  # of 2.039 records
    assert doc_fields.verified >= 11000  # of about 12.200 document rows
    assert doc_counts.rate >= DOCUMENT_COUNT_FLOOR, doc_counts.disagree[:10]
    assert doc_fields.rate >= DOCUMENT_FIELD_FLOOR, doc_fields.disagree[:10]


def test_the_reader_itself_on_rows_worked_by_hand():
    """The judge is checked too: rows from the data README, read by hand."""
    assert read_channel_row("7 Ngày làm việc70,000 Việt Nam Đồng(- Cấp lại …)") == {
        "deadline": (7, "working_days"),
        "fee": ("amount", 70000, "VND"),
    }
    assert read_channel_row("1Miễn phí") == {"deadline": (1, "unspecified"), "fee": ("free",)}
    assert read_channel_row("3 Tháng10 USD(/lần)") == {
        "deadline": (3, "months"),
        "fee": ("amount", 10, "USD"),
    }
    assert read_channel_row("8 Giờ15000000/lần Đồng")["fee"] == ("amount", 15000000, "VND")
    assert read_channel_row("140,000 Việt Nam Đồng") is None  # deadline 1 or 140? unverified
    header = "--Tên giấy tờMẫu đơn, tờ khaiSố lượng"
    two = "Đơn đề nghịmau.docx1 bản chínhBản sao CCCD0 bản chính,1 bản sao"
    assert read_documents(header + two) == [{"chính": 1}, {"chính": 0, "sao": 1}]
    glued_lower = "Văn bản1 bản chínhbiên bản kiểm tra1 bản chính"
    assert read_documents(header + glued_lower) == [{"chính": 1}, {"chính": 1}]
    prose = "Tờ khai: 01 bản sao kèm bản chính để đối chiếu1 bản chính"
    assert read_documents(header + prose) == [{"chính": 1}]
    assert read_documents(header + "Đơn theo Mẫu số 081 bản chính") is None  # 08 + 1, or 081?
    assert read_documents("Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn1 bản chínhGiấy khác") is None


def test_a_count_glued_to_a_small_letter_or_a_bullet_ends_a_document():
    """Found by the reading above: 33 real records had two documents merged into one."""
    header = "--Tên giấy tờMẫu đơn, tờ khaiSố lượng"
    rows = "Văn bản đề nghị1 bản chínhbiên bản kiểm tra1 bản chính\uf0fc\tBản sao0 bản chính"
    text = header + rows + ",1 bản sao"
    documents, _ = parse_documents(text)
    assert [(d["name"], d["originals"], d["copies"]) for d in documents] == [
        ("Văn bản đề nghị", 1, None),
        ("biên bản kiểm tra", 1, None),
        ("Bản sao", 0, 1),
    ]
