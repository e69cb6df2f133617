"""The text rules and data shapes of Nghị định 30/2020/NĐ-CP, without python-docx.

Dates, counts and endings as the decree writes them, and the shapes the layout layer
(:mod:`catalogue.documents.layout`, which re-exports all of this) fills: the heading, the
signature block, table columns and group rows. Excel uses them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

END_MARK = "./."


# --------------------------------------------------------------------------- text rules


def long_date(on: date | None, *, year: int | None = None) -> str:
    """``ngày 05 tháng 3 năm 2027``: a leading zero only for days below 10 and months 1, 2.

    Without a date (a draft not yet signed) the day and month are left blank for the pen.

    >>> long_date(date(2027, 3, 5)), long_date(date(2027, 2, 14)), long_date(date(2026, 12, 31))
    ('ngày 05 tháng 3 năm 2027', 'ngày 14 tháng 02 năm 2027', 'ngày 31 tháng 12 năm 2026')
    >>> long_date(None, year=2027)
    'ngày     tháng     năm 2027'
    """
    if on is None:
        if year is None:
            raise ValueError("an unsigned date needs its year")
        return f"ngày     tháng     năm {year}"
    month = f"{on.month:02d}" if on.month <= 2 else str(on.month)
    return f"ngày {on.day:02d} tháng {month} năm {on.year}"


def date_line(place: str, on: date | None, *, year: int | None = None) -> str:
    """Place and date under the motto: ``Bình An, ngày 05 tháng 3 năm 2027``."""
    return f"{place}, {long_date(on, year=year)}"


def count(n: int) -> str:
    """A count of items as written in the text: a leading zero below ten (``05 thủ tục``).

    >>> count(5), count(12), count(1234)
    ('05', '12', '1.234')
    """
    if n < 10:
        return f"{n:02d}"
    return f"{n:,}".replace(",", ".")


def with_end(text: str, end: str) -> str:
    """``text`` ending with exactly ``end`` (``;`` or ``.``), whatever it ended with.

    >>> with_end("Căn cứ Luật X,", ";"), with_end("Theo đề nghị của Y;", ".")
    ('Căn cứ Luật X;', 'Theo đề nghị của Y.')
    """
    return text.rstrip().rstrip(";.,:") + end


def proposal_line(proposer: str, submission: str | None, on: date | None) -> str:
    """``Theo đề nghị của Giám đốc Sở Tư pháp tại Tờ trình số 15/TTr-STP ngày 10 tháng 02 năm
    2027`` (without the Tờ trình when none is known)."""
    text = f"Theo đề nghị của {proposer}"
    if submission:
        text += f" tại Tờ trình số {submission}"
        if on is not None:
            text += f" {long_date(on)}"
    return text


# --------------------------------------------------------------------------- data shapes


@dataclass(frozen=True)
class Heading:
    """The heading block: issuing body (left) and national title with place and date (right).

    ``issuer`` lines are printed bold in capitals; ``parent`` (the governing body, e.g.
    ``UBND TỈNH BÌNH AN`` above ``SỞ TƯ PHÁP``) regular capitals above them. ``number`` is
    the whole symbol (``12/QĐ-UBND``); a draft may give only ``/QĐ-UBND``.
    """

    issuer: tuple[str, ...]
    number: str
    place: str
    on: date | None
    year: int | None = None
    parent: str | None = None


@dataclass(frozen=True)
class Signature:
    """The signature block: authority and title lines (bold capitals), then the name (bold).

    >>> Signature.of(title="CHỦ TỊCH", deputy="PHÓ CHỦ TỊCH", name="Trần Văn Bình").lines
    ('KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH')
    >>> Signature.of(title="CHỦ TỊCH", collective="ỦY BAN NHÂN DÂN", name="Lê An").lines
    ('TM. ỦY BAN NHÂN DÂN', 'CHỦ TỊCH')
    """

    lines: tuple[str, ...]
    name: str

    @classmethod
    def of(
        cls, *, title: str, name: str, deputy: str | None = None, collective: str | None = None
    ) -> Signature:
        """TM. (on behalf of a collective body) and KT. (a deputy signing for the head)."""
        lines: list[str] = [f"TM. {collective.upper()}"] if collective else []
        if deputy:
            lines += [f"KT. {title.upper()}", deputy.upper()]
        else:
            lines.append(title.upper())
        return cls(tuple(lines), name)


@dataclass(frozen=True)
class Column:
    """A table column: header text, share of the text width, alignment of its cells."""

    header: str
    weight: float
    align: str = "left"  # left | center | right


@dataclass(frozen=True)
class GroupRow:
    """A row spanning the whole table (``A. THỦ TỤC HÀNH CHÍNH CẤP TỈNH``, ``I. Lĩnh vực …``)."""

    text: str
    bold: bool = True
    italic: bool = False
