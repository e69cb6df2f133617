"""The fast paths of the name normaliser and of batch ranking give the plain definition's result.

The speed work on matching (issue 17: 100.000 × 7.000 within its earlier time) added cheap
tests before the normaliser's scans (a pattern is only run when the text has its literal
parts; the slipped "tại cấp X" tail only when the compact name ends in "cấp" + a level;
the typo distance to the canonical notes in one call)
and, in ranking, one score per distinct name, the whole-name tie-break only for tied
candidates near the top, and one numpy sort instead of a loop per query.

Each is compared here with a slow path written the plain way, in this file:

* the level-note typo distance (one rapidfuzz call over the table of canonical notes)
  against the loop over the table, on 5.000 canonical notes with up to three slips;
* the normaliser as it was before the fast paths (every pattern scanned, every tail run
  tried), on the 2.039 real names and 20.000 names typed with people's slips
  (``tests/people_typing.py``): identical :class:`NormalisedName`;
* ranking one query at a time with per-pair rapidfuzz calls and a Python sort on the key
  (score, agreeing level, whole-name closeness, prefilter order), on 3.000 typed names
  against the real catalogue: identical units and scores.
"""

from __future__ import annotations

import random
import re
import unicodedata

import numpy as np
import pytest
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from catalogue.quality import textnorm as tn
from catalogue.quality.search import SearchIndex
from tests.match_support import read_real_records
from tests.people_typing import KINDS, typed

SEED = 20261


@pytest.fixture(scope="module")
def real_records():
    from tests.conftest import PORTAL_JSONL, require_file

    return read_real_records(require_file(PORTAL_JSONL))


def _typed_names(records, n, seed):
    rng = random.Random(seed)
    names = []
    while len(names) < n:
        name = rng.choice(records)["name"]
        names.append(typed(name, rng.choice(KINDS), rng) or name)
    return names


# -- the normaliser, plain ------------------------------------------------------------


def _slow_near_note_level(compact):
    if len(compact) < 5:
        return None
    allowed = 1 if len(compact) <= 10 else 2
    for canonical, level in tn._CANONICAL_NOTES.items():
        if (
            abs(len(canonical) - len(compact)) <= allowed
            and OSA.distance(compact, canonical) <= allowed
        ):
            return level
    return None


def test_note_level_distance_in_one_call_equals_the_loop_over_the_table():
    rng = random.Random(SEED)
    canon = list(tn._CANONICAL_NOTES)
    samples = list(canon)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(5_000):
        text = list(rng.choice(canon))
        for _ in range(rng.randint(0, 3)):
            pos = rng.randrange(len(text) + 1)
            op = rng.choice(("drop", "add", "swap", "change"))
            if op == "drop" and pos < len(text):
                del text[pos]
            elif op == "add":
                text.insert(pos, rng.choice(letters))
            elif op == "swap" and pos + 1 < len(text):
                text[pos], text[pos + 1] = text[pos + 1], text[pos]
            elif pos < len(text):
                text[pos] = rng.choice(letters)
        samples.append("".join(text))
    found = [tn._near_note_level(c) for c in samples]
    assert found == [_slow_near_note_level(c) for c in samples]
    assert sum(f is not None for f in found) > 2_000
    assert sum(f is None for f in found) > 500


def _slow_compact(text):
    return re.sub(r"[\W_]+", "", text)


def test_ascii_tables_equal_the_non_word_pattern():
    rng = random.Random(SEED)
    alphabet = [chr(c) for c in range(128)] + ["đ", "ă", "Ư", "é", "\u0301", "–", "…"]
    samples = [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5_000)
    ]
    samples += [chr(c) * 3 for c in range(128)]
    for text in samples:
        assert tn._words(text) == " ".join(re.sub(r"[\W_]+", " ", text).split()), repr(text)
        assert tn._compact(text) == _slow_compact(text), repr(text)
    assert sum(t.isascii() for t in samples) > 128


def _slow_slipped_note_spans(folded, found):
    taken = lambda s, e: any(a < e and s < b for a, b in found)  # noqa: E731
    extra = []
    for match in re.finditer(r"\(([^()]*)\)", folded):
        if taken(*match.span()):
            continue
        compact = _slow_compact(match.group(1))
        if (
            tn._COMPACT_NOTE.match(compact)
            or _slow_near_note_level(compact)
            or tn._LOOSE_CODE.fullmatch(match.group(0))
        ):
            extra.append(match.span())
    words = list(re.finditer(r"\S+", folded))
    for k in range(min(6, len(words) - 1), 0, -1):
        start = words[-k].start()
        if tn._COMPACT_TAIL.fullmatch(_slow_compact(folded[start:])):
            if not taken(start, len(folded)):
                extra.append((start, len(folded)))
            break
    return extra


def _slow_normalise_name(name):
    if not name:
        return tn.NormalisedName("")
    original = unicodedata.normalize("NFC", name).strip()
    folded = tn.fold_chars(original)
    spans = []
    for pattern in tn._NOTE_PATTERNS:
        for match in pattern.finditer(folded):
            spans.append(match.span())
    spans.extend(_slow_slipped_note_spans(folded, spans))
    lead = tn._slipped_lead(folded)
    if lead and not any(start == 0 for start, _ in spans):
        spans.append((0, lead))
    spans.sort()
    kept, notes, pos = [], [], 0
    for start, end in spans:
        if start < pos:
            continue
        kept.append(folded[pos:start])
        note = original[start:end].strip(" ,;-–.")
        if note:
            notes.append(note)
        pos = end
    kept.append(folded[pos:])
    words = " ".join(re.sub(r"[\W_]+", " ", " ".join(kept)).split())
    core = " ".join(tn.ABBREVIATIONS.get(t, t) for t in words.split())
    if not core:
        folded_all = " ".join(re.sub(r"[\W_]+", " ", tn.fold_chars(original)).split())
        core = " ".join(tn.ABBREVIATIONS.get(t, t) for t in folded_all.split())
    return tn.NormalisedName(core, tuple(notes))


# Level notes as a name's tail, the way lists write them (typed with slips below).
TAILS = (
    " thực hiện tại cấp tỉnh",
    " tại cấp huyện",
    " - cấp Trung ương",
    ", thực hiện tại cấp xã.",
    " (cấp Tỉnh)",
    " ở cấp xã",
    " cấp tỉnh",
)


def test_normaliser_fast_path_equals_the_plain_one_on_real_and_typed_names(real_records):
    rng = random.Random(SEED)
    names = [r["name"] for r in real_records] + _typed_names(real_records, 20_000, SEED)
    for r in rng.sample(real_records, 1_500):
        name = r["name"] + rng.choice(TAILS)
        names.append(typed(name, rng.choice(KINDS), rng) or name)
    # the slow path must see the cases the fast paths skip work for, or this proves little
    slow = [_slow_normalise_name(n) for n in names]
    assert sum(bool(s.notes) for s in slow) > 2_000
    tails = [s for s in slow if s.notes and re.search(r"c\s*a\s*p", tn.fold(s.notes[-1]))]
    assert len(tails) > 1_000
    differ = [(n, s, tn.normalise_name(n)) for n, s in zip(names, slow, strict=True)]
    differ = [d for d in differ if d[1] != d[2]]
    assert differ == []


def test_normaliser_fast_path_on_hand_written_edge_cases():
    cases = [
        "Cấp giấy phép - cấp Tỉnh",
        "Cấp giấy phép thực hiện tạ icấp huyện",
        "Cấp giấy phép (thựchiện tại cấp xã) ..........................",
        "Cấp giấy phép tại cấp tỉnh!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        "Thủ tụ cđăng ký kết hôn",
        "(cấp tỉnh)",
        "Cấp lại GCN (1.00123 )",
        "Đổi giấy phép lái xe cấp tinh",
        "",
        "   ",
        "tai cap",
    ]
    for name in cases:
        assert tn.normalise_name(name) == _slow_normalise_name(name), name


# -- ranking, plain -------------------------------------------------------------------


def _slow_nearest(index, names, k, prefilter, level_penalty=5.0):
    """One query at a time, per-pair scores, the order written as a sort key."""
    feats = [index._informative(index._query_features(n.core)) for n in names]
    cands = index.candidate_units(feats, prefilter)
    out = []
    for norm, cand in zip(names, cands, strict=True):
        q_sorted = " ".join(sorted(norm.core.split()))
        q_compact = norm.core.replace(" ", "")
        whole = tn.fold_chars(norm.core + " " + " ".join(norm.notes))
        q_full = " ".join(sorted(re.sub(r"[\W_]+", " ", whole).split()))
        q_act = tn.actions_of(norm.core)
        q_lvl = norm.note_levels
        keyed = []
        for pos, unit in enumerate(cand.tolist()):
            u = index.unit_names[unit]
            score = np.float32(fuzz.ratio(q_sorted, index.unit_sorted[unit]))
            if Levenshtein.distance(q_compact, index.unit_compact[unit]) <= 2:
                score = max(score, np.float32(fuzz.ratio(q_compact, index.unit_compact[unit])))
            u_act = index.unit_actions[unit]
            if q_act and u_act and not (q_act & u_act):
                score = max(np.float32(0.0), score - np.float32(15.0))
            u_lvl = u.note_levels
            if q_lvl and u_lvl and not (q_lvl & u_lvl):
                score = max(np.float32(0.0), score - np.float32(level_penalty))
            agree = bool(q_lvl and (q_lvl & u_lvl))
            close = np.float32(fuzz.ratio(q_full, index.unit_full_sorted[unit]))
            keyed.append(((-score, -agree, -close, pos), unit, float(score)))
        keyed.sort(key=lambda item: item[0])
        out.append([(unit, score) for _, unit, score in keyed[:k]])
    return out


def test_batch_ranking_equals_ranking_one_query_at_a_time(real_records):
    index = SearchIndex.build(real_records)
    names = _typed_names(real_records, 3_000, SEED + 1) + [r["name"] for r in real_records[:500]]
    # repeated names and names equal once normalised are ranked once: include both
    names += names[:300] + [n.upper() for n in names[:300]]
    norms = [tn.normalise_name(n) for n in names]
    fast = index.nearest_units(norms, k=10, prefilter=40)
    slow = _slow_nearest(index, norms, k=10, prefilter=40)
    assert len(fast) == len(slow) == len(names)
    differ = [i for i, (f, s) in enumerate(zip(fast, slow, strict=True)) if f != s]
    assert differ == []
    # ties resolved by the whole-name closeness do occur in this set
    assert sum(len(f) > 1 and f[0][1] == f[1][1] for f in fast) > 50


def test_batch_ranking_of_nothing_and_of_an_empty_index():
    index = SearchIndex.build([{"id": 1, "code": "1.1", "name": "Cấp giấy phép"}])
    assert index.nearest_units([], k=5) == []
    assert index.nearest_units([tn.normalise_name("")], k=5) == [[]]
    empty = SearchIndex.build([])
    assert empty.nearest_units([tn.normalise_name("Cấp giấy phép")], k=5) == [[]]
