"""Ranked, accent- and typo-tolerant search over procedure names, built once and reused.

``SearchIndex.build(frame_or_records)`` groups procedures by normalised name (a national
catalogue instantiated in every province repeats the same name thousands of times), then
indexes each distinct name by its tokens and token pairs (an inverted index with IDF
weights). A query is scored with rapidfuzz only against the few hundred names that share
the most informative tokens with it, never against every name, so one search over 100.000
procedures stays well under the dashboard's 300 ms.

The same prefilter, run for many queries at once with numpy, serves matching a local list
to national codes (:mod:`catalogue.quality.matching`) and duplicate detection
(:mod:`catalogue.quality.duplicates`).
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy import Text, cast, select
from sqlalchemy.engine import Engine

from catalogue.quality.prefilter import top_units
from catalogue.quality.ranking import nearest_units
from catalogue.quality.scoring import sorted_tokens, typed_scores
from catalogue.quality.textnorm import NormalisedName, actions_of, fold, normalise_name

log = logging.getLogger(__name__)

FRAME_COLUMNS = ("id", "code", "name", "field", "agency", "levels", "status")
FILTER_COLUMNS = ("field", "agency", "levels", "status", "code")
# Queries per call of the compiled prefilter: small enough that two threads share a
# batch evenly, large enough that the calls' overhead does not count.
PREFILTER_CHUNK = 2_000
_CODE_QUERY = re.compile(r"^\s*\d\.\d{0,6}(?:\.[0-9A-Za-z]*)?\s*$")


class SearchHit(NamedTuple):
    """One search result: procedure id, score 0–100, name and code."""

    id: Any
    score: float
    name: str
    code: str | None


def _features(tokens: list[str]) -> list[str]:
    """Index features of a name: its tokens and its adjacent token pairs."""
    return tokens + [f"{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def _as_frame(data: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A search frame (columns :data:`FRAME_COLUMNS`) from a frame or canonical records."""
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
    else:
        rows = []
        for pos, rec in enumerate(data):
            rows.append({col: rec.get(col) for col in FRAME_COLUMNS})
            if rows[-1]["id"] is None:
                rows[-1]["id"] = pos
        frame = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
    for col in FRAME_COLUMNS:
        if col not in frame.columns:
            frame[col] = range(len(frame)) if col == "id" else None
    frame["levels"] = [list(v) if isinstance(v, list | tuple) else [] for v in frame["levels"]]
    frame["name"] = frame["name"].fillna("").astype(str)
    return frame.reset_index(drop=True)


def load_search_frame(engine: Engine) -> pd.DataFrame:
    """Columns id, code, name, field, agency, levels, status of every procedure.

    Reads only those columns (procedure joined with its implementing agency), ordered by
    code then id; the dashboard caches the frame and the index built from it.
    """
    from catalogue.registry.models import Agency, Procedure

    proc = Procedure.__table__
    agency = Agency.__table__
    query = (
        select(
            proc.c.id,
            proc.c.code,
            proc.c.name,
            proc.c.field,
            agency.c.name.label("agency"),
            cast(proc.c.levels, Text).label("levels"),
            proc.c.status,
        )
        .select_from(proc.outerjoin(agency, proc.c.agency_id == agency.c.id))
        .order_by(proc.c.code, proc.c.id)
    )
    from catalogue.costing.frames import frame_of  # the driver's cursor: no per-row work

    with engine.connect() as conn:
        frame = frame_of(conn, query, list(FRAME_COLUMNS))
    # JSON decoded once per distinct list of levels (a handful), not once per procedure
    texts = frame["levels"].to_numpy(dtype=object)
    decoded = {text: json.loads(text) if text else [] for text in set(texts)}
    frame["levels"] = [list(decoded[text] or []) for text in texts]
    return frame


@dataclass
class SearchIndex:
    """Procedures grouped into distinct normalised names ("units"), with an inverted index.

    Build it with :meth:`build`; it is read-only afterwards and safe to cache and share.
    """

    frame: pd.DataFrame
    unit_of_row: np.ndarray
    unit_names: list[NormalisedName]
    unit_sorted: list[str]
    unit_full_sorted: list[str]
    unit_row_ptr: np.ndarray
    unit_rows: np.ndarray
    feature_ids: dict[str, int]
    feature_weight: np.ndarray
    posting_ptr: np.ndarray
    postings: np.ndarray
    unit_norm: np.ndarray
    vocabulary: list[str]
    unit_compact: list[str]
    unit_actions: list[frozenset[str]]
    # each distinct name of the frame, normalised (matching reuses it for names typed exactly)
    name_norms: dict[str, NormalisedName] = field(default_factory=dict)

    @cached_property
    def _weights(self) -> list[float]:
        """:attr:`feature_weight` as Python floats (read per query token)."""
        return self.feature_weight.tolist()

    @cached_property
    def neg_sqrt_norm(self) -> np.ndarray:
        """``-sqrt(unit_norm)``: the prefilter's divisor (:mod:`.prefilter`)."""
        return -np.sqrt(self.unit_norm)

    @cached_property
    def string_arrays(self) -> dict[str, np.ndarray]:
        """Unit strings as numpy object arrays: "sorted", "compact" and "full" (notes)."""
        out = {}
        for key, values in (
            ("sorted", self.unit_sorted),
            ("compact", self.unit_compact),
            ("full", self.unit_full_sorted),
        ):
            out[key] = np.empty(len(values), dtype=object)
            out[key][:] = values
        return out

    @cached_property
    def top_weight(self) -> float:
        """The largest feature weight (1 for an empty index): an unknown word's weight."""
        return float(self.feature_weight.max()) if len(self.feature_weight) else 1.0

    @cached_property
    def unit_codes(self) -> list[tuple[tuple[str, str, Any], ...]]:
        """Per unit, (code, name, id) of its procedures with a code, first row of a code."""
        codes = self.frame["code"].tolist()
        names = self.frame["name"].tolist()
        ids = [plain(i) for i in self.frame["id"].tolist()]
        rows = self.unit_rows.tolist()
        ptr = self.unit_row_ptr.tolist()
        out = []
        for unit in range(self.n_units):
            seen: dict[str, tuple[str, str, Any]] = {}
            for row in rows[ptr[unit] : ptr[unit + 1]]:
                code = codes[row]
                if isinstance(code, str) and code and code not in seen:
                    seen[code] = (code, names[row], ids[row])
            out.append(tuple(seen.values()))
        return out

    @cached_property
    def _doc_freq(self) -> list[int]:
        """Number of units having each feature (read per query feature)."""
        return (self.posting_ptr[1:] - self.posting_ptr[:-1]).tolist()

    @classmethod
    def build(cls, data: pd.DataFrame | Iterable[Mapping[str, Any]]) -> SearchIndex:
        """Index a search frame (see :func:`load_search_frame`) or canonical records."""
        frame = _as_frame(data)
        unit_index: dict[str, int] = {}
        unit_names: list[NormalisedName] = []
        cache: dict[str, NormalisedName] = {}
        unit_of_row = np.empty(len(frame), dtype=np.int64)
        for pos, name in enumerate(frame["name"]):
            norm = cache.get(name)
            if norm is None:
                norm = cache[name] = normalise_name(name)
            unit = unit_index.get(norm.key)
            if unit is None:
                unit = unit_index[norm.key] = len(unit_names)
                unit_names.append(norm)
            unit_of_row[pos] = unit
        n_units = len(unit_names)
        order = np.argsort(unit_of_row, kind="stable")
        counts = np.bincount(unit_of_row, minlength=n_units)
        unit_row_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

        feature_ids: dict[str, int] = {}
        pair_units: list[int] = []
        pair_feats: list[int] = []
        for unit, norm in enumerate(unit_names):
            for feat in set(_features(norm.core.split())):
                fid = feature_ids.setdefault(feat, len(feature_ids))
                pair_units.append(unit)
                pair_feats.append(fid)
        feats = np.asarray(pair_feats, dtype=np.int64)
        units = np.asarray(pair_units, dtype=np.int64)
        df = np.bincount(feats, minlength=len(feature_ids))
        weight = np.log((n_units + 1) / (df + 0.5)).astype(np.float64)
        by_feat = np.argsort(feats, kind="stable")
        posting_ptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
        unit_norm = np.sqrt(np.bincount(units, weights=weight[feats] ** 2, minlength=n_units))
        log.info("search index: %d procedures, %d distinct names", len(frame), n_units)
        return cls(
            frame=frame,
            unit_of_row=unit_of_row,
            unit_names=unit_names,
            unit_sorted=[sorted_tokens(n.core) for n in unit_names],
            unit_full_sorted=[
                sorted_tokens(fold(n.core + " " + " ".join(n.notes))) for n in unit_names
            ],
            unit_row_ptr=unit_row_ptr,
            unit_rows=order,
            feature_ids=feature_ids,
            feature_weight=weight,
            posting_ptr=posting_ptr,
            postings=units[by_feat],
            unit_norm=np.maximum(unit_norm, 1e-9),
            vocabulary=sorted(f for f in feature_ids if "_" not in f),
            unit_compact=[n.core.replace(" ", "") for n in unit_names],
            unit_actions=[actions_of(n.core) for n in unit_names],
            name_norms=cache,
        )

    @property
    def n_units(self) -> int:
        """Number of distinct normalised names."""
        return len(self.unit_names)

    def rows_of_unit(self, unit: int) -> np.ndarray:
        """Row positions (in :attr:`frame`) of the procedures sharing one normalised name."""
        return self.unit_rows[self.unit_row_ptr[unit] : self.unit_row_ptr[unit + 1]]

    # -- prefilter -------------------------------------------------------------------
    def _query_features(
        self, core: str, *, fuzzy: bool = False, prefix: bool = False
    ) -> list[tuple[int, float]]:
        """Feature ids and weights of a query; unknown tokens map to close vocabulary tokens."""
        tokens = core.split()
        found: dict[int, float] = {}
        for feat in _features(tokens):
            fid = self.feature_ids.get(feat)
            if fid is not None:
                found[fid] = max(found.get(fid, 0.0), self._weights[fid])
        if fuzzy:
            for pos, tok in enumerate(tokens):
                if tok in self.feature_ids and not (prefix and pos == len(tokens) - 1):
                    continue
                near = process.extract(
                    tok, self.vocabulary, scorer=OSA.distance, score_cutoff=1, limit=20
                )
                if prefix and pos == len(tokens) - 1:
                    near += [(v, 1, 0) for v in self.vocabulary if v.startswith(tok) and v != tok][
                        :20
                    ]
                for alt, _dist, _ in near:
                    fid = self.feature_ids[alt]
                    found[fid] = max(found.get(fid, 0.0), 0.7 * self._weights[fid])
        return list(found.items())

    def _informative(
        self, feats: list[tuple[int, float]], max_share: float = 0.05, keep: int = 4
    ) -> list[tuple[int, float]]:
        """Drop features found in more than ``max_share`` of the names (keeping the ``keep``
        rarest): words like "cấp", "giấy phép" barely rank candidates but cost the most."""
        limit = max(50, max_share * self.n_units)
        df = self._doc_freq
        rare = [f for f in feats if df[f[0]] <= limit]
        if len(rare) >= keep:
            return rare
        return sorted(feats, key=lambda f: df[f[0]])[: max(keep, len(rare))]

    def batch_features(self, cores: Sequence[str]) -> list[list[tuple[int, float]]]:
        """:meth:`_informative` of :meth:`_query_features` (exact words) for many cores."""
        ids = self.feature_ids.get
        weights = self._weights
        df = self._doc_freq
        limit = max(50, 0.05 * self.n_units)
        out = []
        for core in cores:
            tokens = core.split()
            pairs = map("_".join, zip(tokens, tokens[1:], strict=False))
            # a feature's weight is fixed: each id once, where it first occurs
            found = dict.fromkeys(map(ids, itertools.chain(tokens, pairs)))
            found.pop(None, None)
            rare = [(f, weights[f]) for f in found if df[f] <= limit]
            if len(rare) < 4:
                rare = [(f, weights[f]) for f in sorted(found, key=df.__getitem__)[:4]]
            out.append(rare)
        return out

    def candidate_units(
        self,
        query_features: Sequence[list[tuple[int, float]]],
        k: int,
        *,
        allowed: np.ndarray | None = None,
    ) -> list[np.ndarray]:
        """For each query, up to ``k`` units sharing the most (IDF-weighted) features.

        Scores are cosine-like, so short names that contain the query rank above long
        names that merely include it; see :meth:`candidate_block`.
        """
        top, positive = self.candidate_block(query_features, k, allowed=allowed)
        if not len(top):
            return [np.zeros(0, dtype=np.int64) for _ in query_features]
        return np.split(top[positive], np.cumsum(positive.sum(axis=1))[:-1])

    def candidate_block(
        self,
        query_features: Sequence[list[tuple[int, float]]],
        k: int,
        *,
        allowed: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Units (queries × ``k``, best first) and whether each one shares a feature.

        A unit's score is the summed weight of the features it shares with the query over
        the unit's norm; equal scores are ordered by unit number. Runs compiled
        (:mod:`~catalogue.quality.prefilter`), two chunks of queries at a time on two
        cores. A row's sharing units come first.
        """
        n_units = self.n_units
        k = min(k, n_units)
        if n_units == 0 or not len(query_features):
            return np.zeros((0, k), dtype=np.int64), np.zeros((0, k), dtype=bool)
        step = PREFILTER_CHUNK
        parts = [query_features[i : i + step] for i in range(0, len(query_features), step)]

        def block(part: Sequence[list[tuple[int, float]]]) -> tuple[np.ndarray, np.ndarray]:
            return top_units(part, self.posting_ptr, self.postings, self.neg_sqrt_norm, k, allowed)

        if len(parts) == 1:
            blocks = [block(parts[0])]
        else:
            # the compiled loop releases the interpreter lock: two chunks use two cores
            with ThreadPoolExecutor(max_workers=2) as pool:
                blocks = list(pool.map(block, parts))
        tops = [top for top, _ in blocks]
        positives = [positive for _, positive in blocks]
        return np.concatenate(tops), np.concatenate(positives)

    def nearest_units(
        self,
        names: Sequence[NormalisedName],
        *,
        k: int = 5,
        prefilter: int = 40,
        level_penalty: float = 5.0,
    ) -> list[list[tuple[int, float]]]:
        """For each normalised name, the ``k`` most similar units with scores 0–100
        (:func:`catalogue.quality.ranking.nearest_units`)."""
        return nearest_units(self, names, k=k, prefilter=prefilter, level_penalty=level_penalty)

    # -- interactive search -------------------------------------------------------
    def _allowed_rows(self, filters: Mapping[str, Any] | None) -> np.ndarray | None:
        if not filters:
            return None
        mask = np.ones(len(self.frame), dtype=bool)
        for col, wanted in filters.items():
            if col not in FILTER_COLUMNS:
                raise ValueError(f"unknown search filter {col!r}; use one of {FILTER_COLUMNS}")
            if wanted is None or wanted == [] or wanted == ():
                continue
            values = {wanted} if isinstance(wanted, str) else set(wanted)
            if col == "levels":
                mask &= np.fromiter(
                    (bool(values.intersection(v)) for v in self.frame["levels"]),
                    dtype=bool,
                    count=len(self.frame),
                )
            else:
                mask &= self.frame[col].isin(values).to_numpy()
        return mask

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        filters: Mapping[str, Any] | None = None,
        min_score: float = 50.0,
        candidates: int = 300,
    ) -> list[SearchHit]:
        """Procedures matching ``query``, best first, at most ``limit``.

        The query may be typed without accents, with typos, in another word order, with
        abbreviations ("GCN"), or be a code prefix ("1.0012"). ``filters`` maps a column
        (field, agency, levels, status, code) to one value or a list of accepted values.
        """
        row_mask = self._allowed_rows(filters)
        if _CODE_QUERY.match(query or ""):
            return self._search_code(query.strip(), limit, row_mask)
        norm = normalise_name(query)
        core = norm.core
        if not core:
            return []
        allowed = None
        if row_mask is not None:
            allowed = np.zeros(self.n_units, dtype=bool)
            allowed[self.unit_of_row[row_mask]] = True
        feats = self._query_features(core, fuzzy=True, prefix=True)
        if not feats:
            return []
        (cand,) = self.candidate_units([feats], candidates, allowed=allowed)
        if not len(cand):
            return []
        scores = typed_scores(self, core, cand)
        if norm.note_levels:
            for i, unit in enumerate(cand):
                levels = self.unit_names[unit].note_levels
                if levels and not (levels & norm.note_levels):
                    scores[i] -= 5.0
        order = np.argsort(-scores, kind="stable")
        hits: list[SearchHit] = []
        frame = self.frame
        for i in order:
            if scores[i] < min_score:
                break
            for row in self.rows_of_unit(int(cand[i])):
                if row_mask is not None and not row_mask[row]:
                    continue
                hits.append(
                    SearchHit(
                        plain(frame.at[row, "id"]),
                        round(float(scores[i]), 1),
                        frame.at[row, "name"],
                        _none_if_na(frame.at[row, "code"]),
                    )
                )
                if len(hits) >= limit:
                    return hits
        return hits

    def _search_code(self, query: str, limit: int, row_mask: np.ndarray | None) -> list[SearchHit]:
        codes = self.frame["code"].fillna("").astype(str)
        # pandas may hand back a read-only view: combine into a new array, never in place.
        mask = codes.str.startswith(query).to_numpy(dtype=bool)
        if row_mask is not None:
            mask = mask & row_mask
        hits = []
        for row in np.flatnonzero(mask)[:limit]:
            score = 100.0 if codes.iat[row] == query else 90.0
            hits.append(
                SearchHit(
                    plain(self.frame.at[row, "id"]),
                    score,
                    self.frame.at[row, "name"],
                    codes.iat[row],
                )
            )
        hits.sort(key=lambda h: -h.score)
        return hits


def _none_if_na(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return plain(value)


def plain(value: Any) -> Any:
    """A numpy scalar as the Python value (JSON-ready); anything else unchanged."""
    return value.item() if isinstance(value, np.generic) else value


def search_catalogue(
    engine: Engine, query: str, *, limit: int = 20, filters: Mapping[str, Any] | None = None
) -> list[SearchHit]:
    """One-off search of the database (the CLI's entry point; the dashboard caches the index)."""
    return SearchIndex.build(load_search_frame(engine)).search(query, limit=limit, filters=filters)
