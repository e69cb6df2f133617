"""Matching and duplicate-detection quality measured on the 2.039 real portal names.

The labelled sets are built by perturbing real names the way people type them (fixed
seed). A name-level miss that is indistinguishable by name (two codes whose names are
identical once accents and spacing are folded) is counted as a miss in ``top1`` and as a
hit in ``top1_name``. Figures reached (seed 20260):

==================  =====  =====  =========  ========  =========
perturbation        rows   top1   top1_name  recall@5  ambiguous
==================  =====  =====  =========  ========  =========
accents dropped     2039   0.994  1.000      1.000     0.066
one typo            2039   0.989  0.995      1.000     0.083
two typos           2039   0.984  0.991      1.000     0.112
word order swap     2039   0.994  1.000      1.000     0.073
level note cut/add  2039   0.964  0.970      1.000     0.103
abbreviation         633   0.994  1.000      1.000     0.111
all                 10828  0.985  0.992      1.000     0.089
==================  =====  =====  =========  ========  =========

Level-note misses are procedures published once per level ("… (cấp Bộ)" / "… (cấp Tỉnh)")
whose note was cut: both candidates score alike and the row is marked ambiguous.

Duplicates (threshold 90; 300 perturbed copies + natural level variants, 400 true pairs):
precision 0.992, recall 0.968 (threshold 85: 0.826 / 0.973; 95: 0.992 / 0.953).
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict

import pytest

from catalogue.quality.duplicates import find_duplicates
from catalogue.quality.matching import PERTURBATIONS, match_names, perturb_name
from catalogue.quality.search import SearchIndex
from catalogue.quality.textnorm import normalise_name
from tests.match_support import read_real_records

SEED = 20260


@pytest.fixture(scope="module")
def real(request):
    path = request.getfixturevalue("portal_jsonl")
    records = read_real_records(path)
    return records, SearchIndex.build(records)


@pytest.fixture(scope="module")
def portal_jsonl():
    from tests.conftest import PORTAL_JSONL, require_file

    return require_file(PORTAL_JSONL)


def test_matching_quality_on_real_names(real):
    records, index = real
    key = {r["code"]: normalise_name(r["name"]).key for r in records}
    rng = random.Random(SEED)
    queries, truth, kinds = [], [], []
    for kind in PERTURBATIONS:
        for r in records:
            typed = perturb_name(r["name"], kind, rng)
            if typed is not None:
                queries.append(typed)
                truth.append(r["code"])
                kinds.append(kind)
    results = match_names(queries, index, top_k=5)
    per_kind = defaultdict(lambda: [0, 0, 0, 0])
    for res, code, kind in zip(results, truth, kinds, strict=True):
        got = [c.code for c in res.candidates]
        counts = per_kind[kind]
        counts[0] += 1
        counts[1] += bool(got) and got[0] == code
        counts[2] += bool(got) and key[got[0]] == key[code]
        counts[3] += code in got
    total = [sum(c[i] for c in per_kind.values()) for i in range(4)]
    top1, top1_name, recall5 = (total[i] / total[0] for i in (1, 2, 3))
    assert total[0] > 10_000
    assert top1 >= 0.985
    assert top1_name >= 0.99
    assert recall5 >= 0.999
    for kind, (n, t1, _, r5) in per_kind.items():
        assert t1 / n >= 0.96, kind
        assert r5 / n >= 0.999, kind


def test_duplicate_detection_quality(real):
    records, _ = real
    rng = random.Random(SEED)
    labelled = list(records)
    true_links = []
    # Copies of real procedures at another agency without a code, as typed locally.
    for pos, r in enumerate(rng.sample(records, 300)):
        kind = rng.choice(["accents", "typo1", "word_order", "level_note", "abbreviation"])
        typed = perturb_name(r["name"], kind, rng) or perturb_name(r["name"], "typo1", rng)
        copy = dict(r, id=len(records) + pos, code=None, agency="UBND tỉnh Thử nghiệm", name=typed)
        labelled.append(copy)
        true_links.append((r["id"], copy["id"]))
    # Natural near-duplicates: real procedures (different codes) whose names differ only in
    # level notes, accents or punctuation.
    by_core = defaultdict(list)
    for r in records:
        by_core[normalise_name(r["name"]).core].append(r["id"])
    for ids in by_core.values():
        true_links.extend(itertools.combinations(ids, 2))
    truth = _pairs_of_components(true_links)

    groups = find_duplicates(SearchIndex.build(labelled), threshold=90)
    predicted = set()
    for g in groups:
        ids = sorted(i for m in g.members for i in m.ids)
        predicted.update(itertools.combinations(ids, 2))
    hits = len(predicted & truth)
    precision, recall = hits / len(predicted), hits / len(truth)
    assert precision >= 0.99
    assert recall >= 0.965


def _pairs_of_components(links):
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in links:
        parent[find(a)] = find(b)
    members = defaultdict(list)
    for x in list(parent):
        members[find(x)].append(x)
    return {p for m in members.values() for p in itertools.combinations(sorted(m), 2)}
