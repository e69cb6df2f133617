"""Scores that compare two procedure names (rapidfuzz), used by search and matching.

- :func:`name_score`: word order ignored (token-sorted Indel ratio);
- :func:`compact_score`: names typed with a missing or shifted space;
- :func:`unexplained_words`: words of one name the other cannot explain even with a typo;
- :func:`coverage`: the share of a typed name's words a candidate explains, by rarity;
- :func:`typed_scores`: the interactive search's score of candidates for a typed query;
- :data:`ACTION_PENALTY`: the cost of a leading verb that differs ("Cấp" / "Cấp lại").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

if TYPE_CHECKING:
    from catalogue.quality.search import SearchIndex


def sorted_tokens(core: str) -> str:
    return " ".join(sorted(core.split()))


def name_score(query_sorted: Sequence[str], choice_sorted: Sequence[str]) -> np.ndarray:
    """Similarity 0–100 of names pairwise, word order ignored (token-sorted Indel ratio).

    Both sequences hold token-sorted cores (:func:`NormalisedName.core` with sorted tokens).
    """
    if not len(query_sorted):
        return np.zeros(0, dtype=np.float32)
    return process.cpdist(
        query_sorted, choice_sorted, scorer=fuzz.ratio, workers=-1, dtype=np.float32
    )


def compact_score(query_compact: Sequence[str], choice_compact: Sequence[str]) -> np.ndarray:
    """Similarity 0–100 of names typed with a missing or shifted space, else 0.

    Both sides have every space removed (word order kept). Only pairs within
    :data:`COMPACT_EDITS` letters of each other score (then by the Indel ratio): a dropped
    or shifted space ("cấplại", "tạ icấp") with a typo or two, not two names that merely
    share a long prefix ("Cấp giấy phép nuôi …" / "Cấp giấy phép môi trường").
    """
    if not len(query_compact):
        return np.zeros(0, dtype=np.float32)
    # bounded distance (anything beyond the bound reads bound + 1), then the ratio only
    # for the few pairs within it
    edits = process.cpdist(
        query_compact,
        choice_compact,
        scorer=Levenshtein.distance,
        workers=-1,
        dtype=np.int32,
        score_cutoff=COMPACT_EDITS,
    )
    out = np.zeros(len(query_compact), dtype=np.float32)
    close = np.flatnonzero(edits <= COMPACT_EDITS).tolist()
    if close:
        out[close] = name_score(
            [query_compact[i] for i in close], [choice_compact[i] for i in close]
        )
    return out


COMPACT_EDITS = 2


def unexplained_words(a: str, b: str) -> int:
    """Words of either name absent from the other even allowing one or two typos.

    >>> unexplained_words("cap lai giay phep", "cap giay phpe")
    1
    >>> unexplained_words("dang ky ta icap tinh", "dang ky tai cap tinh")
    0
    """
    ta, tb = Counter(a.split()), Counter(b.split())
    count = 0
    # Multisets: "cấp lại … lái xe" has one more "lai" than "cấp … lái xe".
    only_a, only_b = ta - tb, tb - ta
    # A mistyped word of one name stands for a word the other name has and it lacks.
    for mine, theirs in ((only_a, list(only_b)), (only_b, list(only_a))):
        for tok in mine.elements():
            allowed = 1 if len(tok) < 6 else 2
            near = process.extractOne(tok, theirs, scorer=OSA.distance, score_cutoff=allowed)
            if near is None:
                count += 1
    # Words split or joined by a misplaced space ("tạ icấp", "cấplại") explain themselves:
    # without spaces the names differ by at most two letters.
    if count and OSA.distance(a.replace(" ", ""), b.replace(" ", ""), score_cutoff=2) <= 2:
        return 0
    return count


# Points lost by a candidate whose leading action differs from the query's
# ("Cấp giấy phép" typed, "Cấp lại giấy phép" proposed): the verb changes the procedure.
ACTION_PENALTY = 15.0


def coverage(index: SearchIndex, query_core: str, unit: int) -> float:
    """Share (0–1) of the query's words the unit's name explains, weighted by rarity.

    A word counts when the name has it, or a word within one or two typos of it, or
    when the two names differ only in spacing; a word the index has never seen weighs
    like the rarest word. "Cấp giấy phép nuôi rồng" against "Cấp giấy phép môi
    trường" covers only the common words, so the match is not proposed.
    """
    tokens = query_core.split()
    if not tokens:
        return 0.0
    name = index.unit_names[unit].core
    if OSA.distance(query_core.replace(" ", ""), name.replace(" ", ""), score_cutoff=2) <= 2:
        return 1.0
    theirs = name.split()
    weights = index._weights
    top = index.top_weight
    total = covered = 0.0
    for tok in tokens:
        fid = index.feature_ids.get(tok)
        weight = weights[fid] if fid is not None else top
        total += weight
        allowed = 1 if len(tok) < 6 else 2
        if tok in theirs or process.extractOne(
            tok, theirs, scorer=OSA.distance, score_cutoff=allowed
        ):
            covered += weight
    return covered / total if total else 0.0


def typed_scores(index: SearchIndex, core: str, cand: np.ndarray) -> np.ndarray:
    """Score 0–100 of candidate units for a typed query.

    Mostly how much of the query the name covers (each query word found exactly, with
    a typo, or as a prefix for the word being typed, weighted by rarity), a little how
    close the whole name is, so that among names containing the query the shortest wins.
    """
    q_tokens = core.split()
    weights = []
    for tok in q_tokens:
        fid = index.feature_ids.get(tok)
        if fid is None:
            # An unknown word weighs like the vocabulary word it most likely misspells.
            near = process.extractOne(tok, index.vocabulary, scorer=fuzz.ratio, score_cutoff=70)
            fid = index.feature_ids[near[0]] if near else None
        weights.append(index.feature_weight[fid] if fid is not None else index.feature_weight.max())
    total = sum(weights) or 1.0
    closeness = process.cdist(
        [sorted_tokens(core)],
        [index.unit_sorted[u] for u in cand],
        scorer=fuzz.ratio,
        dtype=np.float32,
    )[0]
    scores = np.empty(len(cand), dtype=np.float32)
    last = len(q_tokens) - 1
    for i, unit in enumerate(cand):
        name_tokens = index.unit_names[unit].core.split()
        token_set = set(name_tokens)
        covered = 0.0
        for pos, (tok, w) in enumerate(zip(q_tokens, weights, strict=True)):
            if tok in token_set:
                covered += w
                continue
            if pos == last and any(t.startswith(tok) for t in name_tokens):
                covered += w
                continue
            best = process.extractOne(tok, token_set, scorer=fuzz.ratio, score_cutoff=70)
            if best is not None:
                covered += w * best[1] / 100.0
        scores[i] = 100.0 * covered / total * (0.8 + 0.2 * closeness[i] / 100.0)
    return scores
