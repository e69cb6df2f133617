"""The prefilter's inner loop: for each query, the units sharing the most weighted features.

A query's prefilter score of a unit is the sum of the weights of the features they share
divided by the unit's norm (:meth:`SearchIndex.candidate_block`); the ``k`` best units
are kept, best first, equal scores by unit number. The loop runs compiled (numba, without
the interpreter lock, so two chunks of queries use two cores): per query it walks the
postings of its features once, touching only the units that share one (about a thousand
of 7.000 at national scale) instead of a dense row over every unit.

The kernel is compiled on first use and cached beside this module (``__pycache__``), so
only the first process on a machine pays the compilation (about two seconds).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np


def _top_k(q_ptr, q_feats, q_wts, posting_ptr, postings, neg_norm, allowed, k):
    """The loop itself (plain Python and numpy; :func:`_kernel` compiles it)."""
    n_q = len(q_ptr) - 1
    n_units = len(neg_norm)
    top = np.zeros((n_q, k), dtype=np.int64)
    valid = np.zeros((n_q, k), dtype=np.bool_)
    acc = np.zeros(n_units, dtype=np.float64)
    seen = np.zeros(n_units, dtype=np.int64)
    touched = np.empty(n_units + 1, dtype=np.int64)
    best_v = np.empty(k, dtype=np.float64)
    best_u = np.empty(k, dtype=np.int64)
    for q in range(n_q):
        m = 0
        for j in range(q_ptr[q], q_ptr[q + 1]):
            f = q_feats[j]
            w = q_wts[j]
            for p in range(posting_ptr[f], posting_ptr[f + 1]):
                u = postings[p]
                if not allowed[u]:
                    continue
                touched[m] = u  # kept only if new: no branch to mispredict
                m += 1 - seen[u]
                seen[u] = 1
                acc[u] += w
        # the k best (score, unit) kept sorted by insertion: after the first k, a
        # unit enters only if it beats the last, which few do
        n = 0
        for i in range(m):
            u = touched[i]
            v = acc[u] / neg_norm[u]
            if n == k and (v > best_v[k - 1] or (v == best_v[k - 1] and u > best_u[k - 1])):
                continue
            pos = n if n < k else k - 1
            while pos > 0 and (
                best_v[pos - 1] > v or (best_v[pos - 1] == v and best_u[pos - 1] > u)
            ):
                best_v[pos] = best_v[pos - 1]
                best_u[pos] = best_u[pos - 1]
                pos -= 1
            best_v[pos] = v
            best_u[pos] = u
            if n < k:
                n += 1
        top[q, :n] = best_u[:n]
        valid[q, :n] = True  # the touched units are those sharing a feature
        for i in range(m):
            u = touched[i]
            acc[u] = 0.0
            seen[u] = 0
    return top, valid


@cache
def _kernel() -> Any:
    """:func:`_top_k` compiled (numba imported on first use, not at import time).

    Compiled code is cached beside this module, or in the user's cache directory when the
    module's directory is read-only; where neither can be written it is compiled again
    in each process instead of failing.
    """
    import numba

    try:
        return numba.njit(nogil=True, cache=True)(_top_k)
    except RuntimeError:  # numba: "cannot cache function …: no locator available"
        return numba.njit(nogil=True)(_top_k)


def top_units(
    query_features: Sequence[list[tuple[int, float]]],
    posting_ptr: np.ndarray,
    postings: np.ndarray,
    neg_norm: np.ndarray,
    k: int,
    allowed: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Units (queries × ``k``, best first, equal scores by unit) and whether each shares a
    feature with its query; ``neg_norm`` is ``-sqrt(norm)`` of each unit, ``allowed`` an
    optional mask of the units that may be returned. Rows with fewer sharing units are
    padded with unit 0, marked not sharing."""
    lengths = np.fromiter(map(len, query_features), dtype=np.int64, count=len(query_features))
    q_ptr = np.zeros(len(query_features) + 1, dtype=np.int64)
    np.cumsum(lengths, out=q_ptr[1:])
    pairs = [pair for feats in query_features for pair in feats]
    q_feats = np.fromiter((f for f, _ in pairs), dtype=np.int64, count=len(pairs))
    q_wts = np.fromiter((w for _, w in pairs), dtype=np.float64, count=len(pairs))
    allowed = np.ones(len(neg_norm), dtype=np.bool_) if allowed is None else allowed
    return _kernel()(
        q_ptr, q_feats, q_wts, posting_ptr, postings, neg_norm, np.asarray(allowed, bool), k
    )
