"""What a dossier document is, recognised from its name: the vocabulary of document kinds.

An estimated sheet prices each document by its kind (standard hours in the parameters,
``hours.document.<kind>``, and for technical dossiers a consultant line,
``consultant.<kind>``). The kinds, from the most specific to the most general:

=====================  ==========================================================
``shown``              shown at the counter only (xuất trình): no preparation
``environmental_report``  báo cáo đánh giá tác động môi trường (ĐTM)
``cadastral_survey``   mảnh trích đo bản đồ địa chính, bản vẽ tách thửa, hợp thửa (a new
                       survey; not a trích lục, an extract of the map already held)
``drawings``           bản vẽ, hồ sơ thiết kế
``financial_statements``  báo cáo tài chính, báo cáo kiểm toán
``project_dossier``    hồ sơ dự án, đề xuất dự án, báo cáo nghiên cứu khả thi, đề án
``technical_report``   báo cáo, thuyết minh, phương án, quy trình kỹ thuật
``confirmation``       a paper from another agency: xác nhận, chấp thuận, ý kiến
``certified_copy``     bản sao có chứng thực / công chứng
``form``               tờ khai, đơn, mẫu, văn bản/giấy đề nghị (or a template given)
``copy``               bản sao, bản chụp
``other``              any other paper one already holds
=====================  ==========================================================

``shown`` is read from the whole name; for the others the first rule that matches the
first :data:`HEAD_LENGTH` characters of the name wins (lower-case, NFC-normalised).

>>> document_kind("Báo cáo đánh giá tác động môi trường của dự án")
'environmental_report'
>>> document_kind("Bản sao có chứng thực Giấy chứng nhận đăng ký doanh nghiệp")
'certified_copy'
>>> document_kind("Giấy tờ tùy thân (xuất trình bản chính để đối chiếu)")
'shown'
>>> document_kind("Bản vẽ tách thửa đất, hợp thửa đất theo Mẫu số 22")
'cadastral_survey'
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["DOCUMENT_KINDS", "HEAD_LENGTH", "TECHNICAL_KINDS", "document_kind"]

# (kind, pattern) in order of precedence; patterns are searched in the lower-cased name.
_RULES: tuple[tuple[str, str], ...] = (
    # what a name starts with says what the paper is, before what it is about
    ("form", r"^(?:tờ khai|bản khai|đơn\b|(?:văn bản|giấy|phiếu) (?:đề nghị|đăng ký|yêu cầu))"),
    ("certified_copy", r"^bản sao (?:có |đã )?(?:được )?(?:chứng thực|công chứng)"),
    ("copy", r"^(?:bản sao|bản chụp|bản photo)"),
    (
        "confirmation",
        r"^(?:quyết định (?:phê duyệt|giao|cho phép|chấp thuận)|giấy xác nhận"
        r"|văn bản (?:chấp thuận|thông báo kết quả thẩm định|xác nhận|ý kiến))",
    ),
    ("environmental_report", r"tác động môi trường|\bđtm\b"),
    # a new survey of a parcel (trích đo, or a parcel split drawing) is made by a licensed
    # surveying service, not a designer: before "drawings" ("bản vẽ tách thửa")
    (
        "cadastral_survey",
        r"trích đo|bản vẽ (?:tách|hợp) thửa|sơ đồ (?:thửa đất|vị trí thửa đất)",
    ),
    ("drawings", r"bản vẽ|hồ sơ thiết kế|thiết kế (?:cơ sở|kỹ thuật|bản vẽ|xây dựng|kiến trúc)"),
    ("financial_statements", r"báo cáo tài chính|báo cáo kiểm toán|báo cáo quyết toán"),
    (
        "project_dossier",
        r"hồ sơ dự án|đề xuất dự án|dự án đầu tư|nghiên cứu khả thi|báo cáo kinh tế - kỹ thuật"
        r"|\bđề án\b",
    ),
    (
        "technical_report",
        r"^báo cáo|\bbáo cáo (?:kết quả|đánh giá|kỹ thuật|hiện trạng|giám sát|quan trắc|khảo sát)"
        r"|thuyết minh|phương án|quy trình|kế hoạch|luận chứng",
    ),
    (
        "confirmation",
        r"(?:văn bản|giấy|phiếu) (?:xác nhận|chấp thuận|thỏa thuận|thoả thuận)|ý kiến (?:của|bằng)"
        r"|văn bản thẩm định|kết quả thẩm định|xác nhận của"
        # the result of a specialised inspection of goods, issued by another agency
        r"|giấy chứng nhận kiểm tra|kết quả kiểm tra chuyên ngành|chứng thư giám định"
        r"|kết quả giám định",
    ),
    ("certified_copy", r"bản sao (?:có |đã )?(?:được )?(?:chứng thực|công chứng)|sao y"),
    ("form", r"tờ khai|\bđơn (?:đề nghị|xin|đăng ký)|mẫu số|(?:văn bản|giấy) đề nghị"),
    ("copy", r"bản sao|bản chụp|bản photo"),
)
# Only the head of a name is read: long names go on to list examples and cases ("Một
# trong những giấy tờ sau: … báo cáo hiện trạng …") that say nothing of the paper itself.
HEAD_LENGTH = 120
_SHOWN = re.compile(r"\bxuất trình\b(?!.*\bnộp\b)")
_COMPILED = tuple((kind, re.compile(pattern)) for kind, pattern in _RULES)

DOCUMENT_KINDS = ("shown", *dict.fromkeys(kind for kind, _ in _RULES), "other")
# Kinds that a firm usually has prepared by a consultant or a service provider.
TECHNICAL_KINDS = (
    "environmental_report",
    "drawings",
    "project_dossier",
    "technical_report",
    "cadastral_survey",
)


def document_kind(name: str | None, *, template: bool = False) -> str:
    """The kind of a document from its name (see the module docstring).

    ``template`` (the record names a form file) makes an otherwise unrecognised document
    a ``form``.

    >>> document_kind("CCCD"), document_kind("CCCD", template=True)
    ('other', 'form')
    """
    return _kind(name, template)


@functools.lru_cache(maxsize=65536)  # names repeat across procedures and provinces
def _kind(name: str | None, template: bool) -> str:
    full = " ".join(unicodedata.normalize("NFC", name or "").lower().split())
    if _SHOWN.search(full):  # "chỉ xuất trình bản chính" may come late in a long name
        return "shown"
    text = full[:HEAD_LENGTH]
    for kind, pattern in _COMPILED:
        if pattern.search(text):
            return kind
    return "form" if template else "other"
