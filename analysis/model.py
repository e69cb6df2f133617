"""The costing-sheet data model: one procedure's burden and the options to compare.

Everything is an immutable dataclass so that a proposal can only produce a new sheet,
never alter the baseline. Money and quantities are :class:`~decimal.Decimal`.

Precision limits (so that the integer vectorised evaluator is exact, see
:mod:`analysis.vectorised`): hours to 3 decimals, channel shares to 4, frequency to 6,
money to 2 (hào), deadline days to 2; people and population are whole numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from analysis.vocab import CHANNEL_CODES, METHODS

__all__ = [
    "ACTIONS",
    "CHANNEL_CODES",
    "DECIMALS",
    "METHODS",
    "SUBJECTS",
    "Activity",
    "Change",
    "DataReuse",
    "Document",
    "Fee",
    "Figure",
    "Option",
    "Sheet",
]

SUBJECTS = ("citizen", "enterprise")  # đối tượng: người dân, doanh nghiệp
ACTIONS = ("keep", "amend", "abolish")  # giữ nguyên, sửa đổi, bãi bỏ

# Maximum decimal places of each kind of input; see the module docstring.
DECIMALS = {"hours": 3, "share": 4, "frequency": 6, "money": 2, "days": 2, "count": 0}


@dataclass(frozen=True)
class Figure:
    """An input figure with where it came from (nguồn) and how it was collected."""

    value: Decimal
    source: str | None = None
    method: str | None = None  # one of METHODS, or None when not stated

    @property
    def estimated(self) -> bool:
        """True for figures that are estimates or parameter defaults, not measurements."""
        return self.method in ("estimate", "default")


@dataclass(frozen=True)
class Document:
    """One document of the dossier (thành phần hồ sơ)."""

    name: str
    copies: int = 0
    certified_copies: int = 0


@dataclass(frozen=True)
class Activity:
    """One administrative activity: hours × people × hourly rate + out-of-pocket cost.

    ``channels`` None means it applies to every channel; ``document`` links it to the
    document whose preparation it is, so removing the document removes it.
    """

    name: str
    hours: Figure
    people: Figure = field(default_factory=lambda: Figure(Decimal(1)))
    out_of_pocket: Figure = field(default_factory=lambda: Figure(Decimal(0)))
    channels: tuple[str, ...] | None = None
    document: str | None = None
    kind: str | None = None

    def applies_to(self, channel: str) -> bool:
        """Whether this activity is done when the procedure is carried out via ``channel``."""
        return self.channels is None or channel in self.channels


@dataclass(frozen=True)
class Fee:
    """A fee or charge (phí, lệ phí) per execution; ``channels`` None means every channel.

    ``alternatives`` and ``rule`` say how an estimate read the record's fee text (the cases
    it took the low average of, the computation); they are notes, not part of the figure,
    and do not take part in comparisons.
    """

    name: str
    amount: Figure
    currency: str = "VND"
    channels: tuple[str, ...] | None = None
    alternatives: tuple[str, ...] = field(default=(), compare=False)
    rule: str | None = field(default=None, compare=False)

    def applies_to(self, channel: str) -> bool:
        """Whether this fee is paid when the procedure is carried out via ``channel``."""
        return self.channels is None or channel in self.channels


@dataclass(frozen=True)
class Change:
    """One typed change of an amend option; ``args`` are already parsed and checked."""

    type: str
    args: dict
    reason: str
    legal_change: str | None = None
    path: str = ""


@dataclass(frozen=True)
class Option:
    """A proposal for the procedure: keep, amend (with changes) or abolish."""

    id: str
    action: str
    changes: tuple[Change, ...] = ()
    reason: str | None = None
    legal_change: str | None = None
    implementation_cost: Figure | None = None  # one-off cost of carrying out the option
    path: str = ""


@dataclass(frozen=True)
class DataReuse:
    """A document replaced by a lookup in a national database (tái sử dụng dữ liệu)."""

    document: str
    database: str | None = None


@dataclass(frozen=True)
class Sheet:
    """A costing sheet (bảng tính CPTT) of one procedure, with its options."""

    code: str | None
    name: str | None
    date: date
    subject: str
    hourly_rate: Figure  # đồng per hour, from parameters unless overridden
    usd_rate: Decimal  # đồng per USD at ``date``, for fees in USD
    population: Figure  # subjects per year
    frequency: Figure  # executions per subject per year
    channels: dict[str, Decimal]  # share of executions by channel, sums to 1
    deadline_days: dict[str, Decimal] = field(default_factory=dict)  # working days
    documents: tuple[Document, ...] = ()
    fees: tuple[Fee, ...] = ()
    activities: tuple[Activity, ...] = ()
    options: tuple[Option, ...] = ()
    estimated: bool = False  # derived from a registry record, not costed by a reviewer
    parameters: str | None = None  # parameter set used, ``name@date``
    source_file: str = "<sheet>"
    abolished: bool = False
    data_reuse: tuple[DataReuse, ...] = ()
    # False when no evidence gives the yearly population (no statistics, imported volume
    # or reviewer's figure): the unit cost stands, the yearly cost is unknown ("chưa có
    # số liệu") and the procedure is left out of yearly totals.
    population_known: bool = True
    # Shares of citizens and enterprises among the subjects ({citizen: 0.75, enterprise:
    # 0.25}); when given, the hourly rate is the share-weighted one unless overridden.
    subject_shares: dict[str, Decimal] = field(default_factory=dict)

    def fee_vnd(self, fee: Fee) -> Decimal:
        """The fee's amount in đồng (USD converted at the sheet's rate, exactly).

        Raises ValueError for a USD fee on a sheet without a USD rate, rather than
        counting the fee as free.
        """
        if fee.currency == "USD":
            if not self.usd_rate:
                raise ValueError(f"{self.source_file}: fee {fee.name!r} is in USD but no usd_rate")
            return fee.amount.value * self.usd_rate
        return fee.amount.value
