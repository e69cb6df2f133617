"""Batch ranking of many normalised names against a :class:`~catalogue.quality.search.SearchIndex`.

:func:`nearest_units` is the engine behind matching a local list and duplicate detection
(:meth:`SearchIndex.nearest_units` calls it). It is written for volume: a name repeated
in the input (the same core, notes and levels) is ranked once; every candidate score is
computed for all queries at once (rapidfuzz's C batch distances, numpy bit masks for the
penalties); the whole-name tie-break, the only score that matters just for equal scores,
is computed only for the candidates that tie near the top; the per-query ordering is
one numpy sort over a (queries × candidates) block, not a loop per query.

The result is the one the plain definition gives (each query's candidates ordered by
score, then agreeing level note, then closeness of the whole names, then prefilter order).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

from catalogue.quality.scoring import ACTION_PENALTY, compact_score, name_score, sorted_tokens
from catalogue.quality.textnorm import NormalisedName, actions_of, fold, levels_of_note

if TYPE_CHECKING:
    from catalogue.quality.search import SearchIndex

_FOLDED = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a batch of ranking or matching.

    Such a batch creates millions of small tuples and lists but no reference cycles, and
    each full pass of the collector walks every live object (seconds at 100.000 names).
    Reference counting still frees everything at once; the collector runs again on exit
    if it was running (a nested or concurrent batch leaves that to the outermost one).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _strings(values: Sequence[str]) -> np.ndarray:
    """A list of strings as a 1-D numpy object array (gathered by index arrays)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def masks(sets: Sequence[frozenset[str]], bits: dict[str, int]) -> np.ndarray:
    """Each set as an int64 bit mask; ``bits`` numbers the members as they are met."""
    out = np.zeros(len(sets), dtype=np.int64)
    for i, members in enumerate(sets):
        mask = 0
        for member in members:
            mask |= 1 << bits.setdefault(member, len(bits))
        if len(bits) > 62:
            raise ValueError(f"{len(bits)} distinct actions and levels do not fit a bit mask")
        out[i] = mask
    return out


class _Queries:
    """The distinct queries among ``names``: what ranking reads of a name, once each.

    Ranking reads a name's core, its level-note levels and its whole folded text (core
    plus notes, for the tie-break); names equal in those three are ranked once.
    """

    def __init__(self, names: Sequence[NormalisedName]) -> None:
        seen: dict[tuple[str, tuple[str, ...]], int] = {}  # (core, notes): a C-level hash
        keys: dict[tuple[str, str, frozenset[str]], int] = {}
        self.cores: list[str] = []
        self.sorted: list[str] = []  # the core's words sorted
        self.full: list[str] = []
        self.levels: list[frozenset[str]] = []
        self.position: list[int] = []  # name → distinct query
        self._note_memo: dict[str, frozenset[str]] = {}
        for norm in names:
            name_key = (norm.core, norm.notes)
            pos = seen.get(name_key)
            if pos is None:
                ordered = sorted_tokens(norm.core)
                full = _whole_sorted(norm, ordered)
                levels = self._levels(norm.notes)
                key = (norm.core, full, levels)
                pos = keys.get(key)
                if pos is None:
                    pos = keys[key] = len(self.cores)
                    self.cores.append(norm.core)
                    self.sorted.append(ordered)
                    self.full.append(full)
                    self.levels.append(levels)
                seen[name_key] = pos
            self.position.append(pos)

    def _levels(self, notes: tuple[str, ...]) -> frozenset[str]:
        """:attr:`NormalisedName.note_levels`, each distinct note read once per batch."""
        if not notes:
            return frozenset()
        memo = self._note_memo
        for note in notes:
            if note not in memo:
                memo[note] = levels_of_note(note)
        return frozenset().union(*(memo[note] for note in notes))


def _whole_sorted(norm: NormalisedName, core_sorted: str) -> str:
    """Token-sorted comparison form of the whole name, notes included.

    A core of lower-case ASCII words and single spaces is its own fold, so without notes
    it is ``core_sorted`` (a core from :func:`normalise_name` nearly always is one).
    """
    if not norm.notes and _FOLDED.fullmatch(norm.core):
        return core_sorted
    return sorted_tokens(fold(norm.core + " " + " ".join(norm.notes)))


def nearest_units(
    index: SearchIndex,
    names: Sequence[NormalisedName],
    *,
    k: int = 5,
    prefilter: int = 40,
    level_penalty: float = 5.0,
) -> list[list[tuple[int, float]]]:
    """For each normalised name, the ``k`` most similar units with scores 0–100.

    Scores compare cores with word order ignored; a level note that contradicts the
    unit's level note ("(cấp tỉnh)" against "(cấp Bộ)") costs ``level_penalty``; a
    leading action that differs ("Cấp" / "Cấp lại") costs :data:`ACTION_PENALTY`.
    Equal scores are ordered by an agreeing level note, then by how close the whole
    names are (notes included), then by prefilter order.
    """
    if not names or index.n_units == 0:
        return [[] for _ in names]
    with collector_paused():
        return _nearest(index, names, k, prefilter, level_penalty)


def _nearest(
    index: SearchIndex,
    names: Sequence[NormalisedName],
    k: int,
    prefilter: int,
    level_penalty: float,
) -> list[list[tuple[int, float]]]:
    """:func:`nearest_units` of a non-empty batch against a non-empty index."""
    queries = _Queries(names)
    feats = index.batch_features(queries.cores)
    top, valid = index.candidate_block(feats, prefilter)
    q_pos, col = np.nonzero(valid)
    flat = top[q_pos, col]
    scores = _scores(index, queries, q_pos, flat)
    agree = np.zeros(len(flat), dtype=np.int8)
    if level_penalty:
        bits: dict[str, int] = {}
        q_lvl = masks(queries.levels, bits)
        seen = np.unique(flat)
        u_lvl = np.zeros(index.n_units, dtype=np.int64)
        u_lvl[seen] = masks([index.unit_names[u].note_levels for u in seen.tolist()], bits)
        ql, ul = q_lvl[q_pos], u_lvl[flat]
        clash = (ql != 0) & (ul != 0) & ((ql & ul) == 0)
        scores = np.where(clash, np.maximum(0.0, scores - level_penalty), scores)
        agree = ((ql != 0) & ((ql & ul) != 0)).astype(np.int8)
    # (queries × candidates) blocks; a missing candidate scores -1 and sorts last.
    block_s = np.full(top.shape, -1.0, dtype=np.float32)
    block_s[q_pos, col] = scores
    block_a = np.zeros(top.shape, dtype=np.int8)
    block_a[q_pos, col] = agree
    order = _order(index, queries, top, block_s, block_a, k)
    units = np.take_along_axis(top, order, axis=1)[:, :k].tolist()
    best = np.take_along_axis(block_s, order, axis=1)[:, :k]
    counts = (best >= 0).sum(axis=1).tolist()
    distinct = [
        list(zip(u[:n], s[:n], strict=True))
        for u, s, n in zip(units, best.tolist(), counts, strict=True)
    ]
    return [list(distinct[pos]) for pos in queries.position]


def _scores(
    index: SearchIndex, queries: _Queries, q_pos: np.ndarray, flat: np.ndarray
) -> np.ndarray:
    """Name score of each (query, candidate) pair, spacing slips and verbs weighed."""
    # strings gathered per pair as numpy object arrays (a C loop, not a Python one)
    q_sorted = _strings(queries.sorted)
    scores = name_score(q_sorted[q_pos], index.string_arrays["sorted"][flat])
    q_compact = _strings([c.replace(" ", "") for c in queries.cores])
    compact = compact_score(q_compact[q_pos], index.string_arrays["compact"][flat])
    scores = np.maximum(scores, compact)
    # Penalties as bit masks, one bit per action verb: no loop per candidate.
    bits: dict[str, int] = {}
    q_act = masks([actions_of(c) for c in queries.cores], bits)
    u_act = masks(index.unit_actions, bits)
    qa, ua = q_act[q_pos], u_act[flat]
    clash = (qa != 0) & (ua != 0) & ((qa & ua) == 0)
    return np.where(clash, np.maximum(0.0, scores - ACTION_PENALTY), scores)


def _order(
    index: SearchIndex,
    queries: _Queries,
    top: np.ndarray,
    block_s: np.ndarray,
    block_a: np.ndarray,
    k: int,
) -> np.ndarray:
    """Per row, candidate columns by score, agreeing level, whole-name closeness, column.

    The closeness is computed only for candidates tied on score and level with another
    candidate of their row, in a tie group that starts within the first ``k``: elsewhere
    it cannot change the first ``k``.
    """
    n_rows, width = block_s.shape
    order = np.lexsort((-block_a, -block_s), axis=1)
    s = np.take_along_axis(block_s, order, axis=1)
    a = np.take_along_axis(block_a, order, axis=1)
    same = (s[:, 1:] == s[:, :-1]) & (a[:, 1:] == a[:, :-1]) & (s[:, 1:] >= 0)
    if not same.any():
        return order
    new_group = np.ones((n_rows, width), dtype=bool)
    new_group[:, 1:] = ~same
    cols = np.broadcast_to(np.arange(width), (n_rows, width))
    group_start = np.maximum.accumulate(np.where(new_group, cols, 0), axis=1)
    tied = np.zeros((n_rows, width), dtype=bool)
    tied[:, 1:] |= same
    tied[:, :-1] |= same
    tied &= group_start < k
    rows, pos = np.nonzero(tied)
    units = np.take_along_axis(top, order, axis=1)[rows, pos]
    closeness = np.zeros((n_rows, width), dtype=np.float32)
    closeness[rows, pos] = name_score(
        _strings(queries.full)[rows], index.string_arrays["full"][units]
    )
    group = np.cumsum(new_group, axis=1)
    regroup = np.lexsort((-closeness, group), axis=1)
    return np.take_along_axis(order, regroup, axis=1)
