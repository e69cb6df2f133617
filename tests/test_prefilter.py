"""The compiled prefilter gives the plain definition's candidates, in its order.

The definition (``SearchIndex.candidate_block``): a unit's score for a query is the sum of
the weights of the features they share divided by the unit's norm; the ``k`` best units
sharing a feature come first, best first, equal scores by unit number. The plain version
here builds the whole (queries × units) matrix from the index's postings with Python
loops and sorts every row on (-score, unit); nothing of the prefilter module is used.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from catalogue.quality.search import SearchIndex
from catalogue.quality.textnorm import normalise_name
from tests.match_support import read_real_records
from tests.people_typing import KINDS, typed


def _plain_block(index, query_features, k, allowed=None):
    """Per query, [(unit, shares a feature)] of the first ``k`` units, written plainly."""
    postings = {}
    for f in range(len(index.posting_ptr) - 1):
        postings[f] = index.postings[index.posting_ptr[f] : index.posting_ptr[f + 1]].tolist()
    out = []
    for feats in query_features:
        acc = {}
        for f, w in feats:
            for u in postings[f]:
                if allowed is None or allowed[u]:
                    acc[u] = acc.get(u, 0.0) + w
        ranked = sorted(acc, key=lambda u: (-(acc[u] / math.sqrt(index.unit_norm[u])), u))
        out.append(ranked[:k])
    return out


def _as_lists(index, query_features, k, allowed=None):
    top, valid = index.candidate_block(query_features, k, allowed=allowed)
    return [row[ok].tolist() for row, ok in zip(top, valid, strict=True)]


@pytest.fixture(scope="module")
def index_and_queries():
    from tests.conftest import PORTAL_JSONL, require_file

    records = read_real_records(require_file(PORTAL_JSONL))
    index = SearchIndex.build(records)
    rng = random.Random(17)
    names = [typed(r["name"], rng.choice(KINDS), rng) or r["name"] for r in records[:1500]]
    names += [r["name"] for r in records[1500:1800]]
    cores = [normalise_name(n).core for n in names]
    return index, index.batch_features(cores)


def test_compiled_prefilter_equals_the_plain_ranking_on_real_names(index_and_queries):
    index, feats = index_and_queries
    # more queries than one compiled call takes: the threads' chunks are joined in order
    feats = feats * 2
    fast = _as_lists(index, feats, 40)
    assert fast == _plain_block(index, feats, 40)
    assert sum(len(row) == 40 for row in fast) > 1000


def test_units_outside_the_allowed_mask_are_never_returned(index_and_queries):
    index, feats = index_and_queries
    allowed = np.zeros(index.n_units, dtype=bool)
    allowed[::3] = True
    fast = _as_lists(index, feats[:400], 25, allowed)
    assert fast == _plain_block(index, feats[:400], 25, allowed)
    assert all(u % 3 == 0 for row in fast for u in row)


def test_equal_scores_are_ordered_by_unit_number():
    # four names sharing one word, equally long: equal scores, so unit order decides;
    # "cap giay phep" shares two words and comes first
    names = ["xay dung cau", "cap giay phep", "xay dung nha", "xay dung duong", "xay dung ke"]
    index = SearchIndex.build([{"id": i, "code": f"1.{i}", "name": n} for i, n in enumerate(names)])
    (feats,) = [index._query_features("xay dung giay phep")]
    top, valid = index.candidate_block([feats], 3)
    assert top[0].tolist() == [1, 0, 2]
    assert valid[0].tolist() == [True, True, True]
    # fewer sharing units than asked: the rest of the row is marked not sharing
    (few,) = [index._query_features("giay")]
    top, valid = index.candidate_block([few], 3)
    assert top[0][valid[0]].tolist() == [1]
    assert valid[0].tolist() == [True, False, False]


def test_without_a_writable_cache_the_loop_is_compiled_in_the_process(monkeypatch):
    import numba

    from catalogue.quality import prefilter

    real_njit = numba.njit

    def njit(**options):
        if options.get("cache"):
            raise RuntimeError("cannot cache function '_top_k': no locator available")
        return real_njit(**options)

    monkeypatch.setattr(numba, "njit", njit)
    prefilter._kernel.cache_clear()
    try:
        kernel = prefilter._kernel()
        ptr, postings = np.array([0, 2]), np.array([0, 1])
        top, valid = kernel(
            np.array([0, 1]),
            np.array([0]),
            np.array([1.0]),
            ptr,
            postings,
            -np.sqrt(np.array([4.0, 1.0])),
            np.ones(2, dtype=bool),
            2,
        )
        # the second unit has the smaller norm: 1/1 beats 1/2
        assert top.tolist() == [[1, 0]] and valid.tolist() == [[True, True]]
    finally:
        prefilter._kernel.cache_clear()
