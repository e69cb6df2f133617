"""Cost-frame rows with their activities and fees held once, as int64 arrays.

A stored cost-frame row packs its activities and fees as little-endian int64 bytes
(:mod:`.frames`). Pricing the whole catalogue joins 130.000 such rows into the evaluator's
frames; slicing them out of the columnar copy only to join them again made a quarter of a
million Python objects for nothing. :class:`CostRows` keeps the row's scalar columns in a
frame and its activities and fees in two arrays shared by every row, each row naming its
first activity and fee and how many it has: filtering, sorting and joining rows touch the
frame only, and the evaluator's frames are gathered with numpy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

ACTIVITY_FIELDS = ("hours_e3", "people", "out_of_pocket_e2", "channel_mask")
FEE_FIELDS = ("amount_e2", "channel_mask")
PACKED = {"activities": ACTIVITY_FIELDS, "fees": FEE_FIELDS}

__all__ = ["ACTIVITY_FIELDS", "FEE_FIELDS", "PACKED", "CostRows", "unpacked"]


def unpacked(blobs: Iterable, fields: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The concatenated int64 rows of every packed blob (``len(fields)`` values a row) and
    how many rows each blob holds."""
    data = [bytes(b) for b in blobs]  # PostgreSQL returns memoryviews
    counts = np.fromiter(map(len, data), dtype=np.int64, count=len(data)) // (8 * len(fields))
    values = np.frombuffer(b"".join(data), dtype="<i8").reshape(-1, len(fields))
    return values.astype(np.int64), counts


def _starts(counts: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64) if len(counts) else counts


@dataclass(frozen=True)
class CostRows:
    """``frame``: the rows' scalar columns with ``<name>_from`` and ``<name>_n`` for each
    packed column (activities, fees): the row's first line in ``pools[name]`` and its
    number of lines. Rows may be filtered, reordered and joined; the pools stay as read."""

    frame: pd.DataFrame
    pools: dict[str, np.ndarray]

    @classmethod
    def from_packed(cls, rows: pd.DataFrame) -> CostRows:
        """Rows whose ``activities`` and ``fees`` are packed bytes (as stored in
        ``cost_frame``, or made from sheets)."""
        frame = rows.drop(columns=list(PACKED)).reset_index(drop=True)
        pools = {}
        for name, fields in PACKED.items():
            values, counts = unpacked(rows[name], fields)
            frame[f"{name}_from"], frame[f"{name}_n"] = _starts(counts), counts
            pools[name] = values
        return cls(frame, pools)

    @classmethod
    def from_pools(
        cls, frame: pd.DataFrame, pools: dict[str, np.ndarray], counts: dict[str, np.ndarray]
    ) -> CostRows:
        """Rows whose packed lines follow one another in ``pools`` (``counts`` per row)."""
        frame = frame.reset_index(drop=True)
        for name in PACKED:
            frame[f"{name}_from"], frame[f"{name}_n"] = _starts(counts[name]), counts[name]
        return cls(frame, pools)

    def __len__(self) -> int:
        return len(self.frame)

    def where(self, mask: np.ndarray | pd.Series) -> CostRows:
        """The rows where ``mask`` holds (a boolean array or Series aligned with ``frame``)."""
        return CostRows(self.frame[np.asarray(mask, dtype=bool)], self.pools)

    def with_frame(self, frame: pd.DataFrame) -> CostRows:
        """The same pools under ``frame`` (the rows' frame filtered, merged or sorted)."""
        return CostRows(frame, self.pools)

    def sorted(self) -> CostRows:
        """Ordered by procedure and variant (the evaluator's order)."""
        frame = self.frame.sort_values(["procedure_id", "variant_no"], kind="stable")
        return CostRows(frame.reset_index(drop=True), self.pools)

    def lines(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The ``name`` lines of every row in the frame's order, and each line's row
        position (0..len-1)."""
        starts = self.frame[f"{name}_from"].to_numpy(np.int64)
        counts = self.frame[f"{name}_n"].to_numpy(np.int64)
        total = int(counts.sum())
        row = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        first = np.cumsum(counts) - counts  # each row's first position in the output
        index = np.arange(total, dtype=np.int64) - first[row] + starts[row]
        return self.pools[name][index], row

    def packed(self, name: str) -> tuple[bytes, np.ndarray]:
        """The ``name`` lines of every row as one little-endian int64 buffer, and the
        number of bytes of each row's part."""
        values, _ = self.lines(name)
        sizes = self.frame[f"{name}_n"].to_numpy(np.int64) * (8 * len(PACKED[name]))
        return np.ascontiguousarray(values, dtype="<i8").tobytes(), sizes

    @staticmethod
    def concat(parts: list[CostRows]) -> CostRows:
        """The rows of every part, one after the other (each part's pools appended)."""
        parts = [p for p in parts if len(p)] or parts[:1]
        if len(parts) == 1:
            return parts[0]
        frames, pools = [], {name: [] for name in PACKED}
        offsets = dict.fromkeys(PACKED, 0)
        for part in parts:
            frame = part.frame.copy()
            for name in PACKED:
                frame[f"{name}_from"] = frame[f"{name}_from"].to_numpy(np.int64) + offsets[name]
                pools[name].append(part.pools[name])
                offsets[name] += len(part.pools[name])
            frames.append(frame)
        return CostRows(
            pd.concat(frames, ignore_index=True),
            {name: np.concatenate(arrays) for name, arrays in pools.items()},
        )
