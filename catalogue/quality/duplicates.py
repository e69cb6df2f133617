"""Near-duplicate procedures across agencies and levels.

Two procedures are near-duplicates when their normalised names (boilerplate such as
"(cấp tỉnh)" removed, accents and spelling folded) score at least ``threshold`` (0–100)
and they are not the same national procedure (the same code at several agencies is how
the national catalogue is meant to be implemented, so it is not reported unless asked).

Blocking keeps this fast: procedures are first grouped by identical normalised name, and
each distinct name is only compared with the few names sharing its most informative
tokens (:meth:`catalogue.quality.search.SearchIndex.candidate_units`). Linked procedures are
gathered into groups (connected components); each group says what differs between its
members (name, field, agency, levels, fees, deadlines, documents).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from catalogue.quality.scoring import unexplained_words
from catalogue.quality.search import SearchIndex, load_search_frame
from catalogue.quality.textnorm import fold

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 90.0
WORD_PENALTY = 10.0


@dataclass
class DuplicateMember:
    """One procedure (or one code with all its instances) in a duplicate group."""

    key: str
    code: str | None
    name: str
    field: str | None
    ids: list[Any]
    agencies: list[str]
    levels: list[str]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "code": self.code,
            "name": self.name,
            "field": self.field,
            "ids": [_plain(i) for i in self.ids],
            "agencies": self.agencies,
            "levels": self.levels,
        }


@dataclass
class DuplicateGroup:
    """Near-identical procedures; ``score`` is the weakest link that joins them."""

    members: list[DuplicateMember]
    score: float
    links: list[tuple[str, str, float]] = field(default_factory=list)
    differences: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "score": self.score,
            "members": [m.as_dict() for m in self.members],
            "links": [list(link) for link in self.links],
            "differences": self.differences,
        }


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_duplicates(
    index: SearchIndex,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    same_code: bool = False,
    neighbours: int = 10,
    prefilter: int = 30,
    word_penalty: float = WORD_PENALTY,
) -> list[DuplicateGroup]:
    """Groups of near-identical procedures, highest score first.

    ``same_code`` also reports instances of one code at several agencies or levels.
    ``neighbours`` and ``prefilter`` bound how many names each name is compared with.
    Each word of one name that is not in the other, even allowing for a typo, costs
    ``word_penalty``: "Cấp lại giấy phép X" is another procedure than "Cấp giấy phép X",
    while "Cấp giấy phpé X" is the same one mistyped.
    """
    frame = index.frame
    codes = frame["code"].tolist()
    ids = frame["id"].tolist()

    def node(row: int) -> str:
        code = codes[row]
        if same_code or not isinstance(code, str) or not code:
            return f"id:{ids[row]}"
        return f"code:{code}"

    uf = _UnionFind()
    links: list[tuple[str, str, float]] = []
    unit_nodes: list[list[str]] = []
    for unit in range(index.n_units):
        nodes = list(dict.fromkeys(node(int(r)) for r in index.rows_of_unit(unit)))
        unit_nodes.append(nodes)
        for other in nodes[1:]:
            uf.union(nodes[0], other)
            links.append((nodes[0], other, 100.0))
    nearest = index.nearest_units(index.unit_names, k=neighbours, prefilter=prefilter)
    for unit, near in enumerate(nearest):
        a = unit_nodes[unit][0]
        for other, score in near:
            if other <= unit or score < threshold:
                continue
            extra = unexplained_words(index.unit_names[unit].core, index.unit_names[other].core)
            score -= word_penalty * extra
            if score < threshold:
                continue
            b = unit_nodes[other][0]
            if a != b:
                uf.union(a, b)
                links.append((a, b, round(score, 1)))

    rows_by_node: dict[str, list[int]] = defaultdict(list)
    for row in range(len(frame)):
        rows_by_node[node(row)].append(row)
    members_by_root: dict[str, list[str]] = defaultdict(list)
    for n in rows_by_node:
        members_by_root[uf.find(n)].append(n)
    links_by_root: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for a, b, s in links:
        links_by_root[uf.find(a)].append((a, b, s))

    groups = []
    for root, nodes in members_by_root.items():
        if len(nodes) < 2:
            continue
        members = [_member(index, n, rows_by_node[n]) for n in sorted(nodes)]
        group_links = links_by_root[root]
        score = min(s for _, _, s in group_links) if group_links else 100.0
        groups.append(DuplicateGroup(members, score, group_links))
    groups.sort(key=lambda g: (-g.score, g.members[0].name))
    log.info("duplicates: %d groups at threshold %s", len(groups), threshold)
    return groups


def _member(index: SearchIndex, key: str, rows: list[int]) -> DuplicateMember:
    frame = index.frame
    first = rows[0]
    agencies = sorted({a for a in frame["agency"].iloc[rows] if isinstance(a, str) and a})
    levels = sorted({lv for r in rows for lv in frame.at[r, "levels"]})
    code = frame.at[first, "code"]
    field_ = frame.at[first, "field"]
    return DuplicateMember(
        key=key,
        code=code if isinstance(code, str) else None,
        name=frame.at[first, "name"],
        field=field_ if isinstance(field_, str) else None,
        ids=[frame.at[r, "id"] for r in rows],
        agencies=agencies,
        levels=levels,
    )


def _fees(record: Mapping[str, Any]) -> list[str]:
    out = set()
    for ch in record.get("channels") or []:
        for fee in ch.get("fees") or []:
            if fee.get("free"):
                out.add("free")
            elif fee.get("amount") is not None:
                out.add(f"{fee['amount']:g} {fee.get('currency') or 'VND'}")
    return sorted(out)


def _deadlines(record: Mapping[str, Any]) -> list[str]:
    out = set()
    for ch in record.get("channels") or []:
        dl = ch.get("deadline") or {}
        if dl.get("value") is not None:
            out.add(f"{dl['value']:g} {dl.get('unit')}")
    return sorted(out)


def _documents(record: Mapping[str, Any]) -> set[str]:
    return {fold(d.get("name")) for d in record.get("documents") or [] if d.get("name")}


def describe_differences(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What differs between the records of one group; only the aspects that differ.

    Name, field, agency, levels, fees and deadlines are listed per member (in the order
    given); documents as those not common to all members.
    """
    out: dict[str, Any] = {}
    for key, get in (
        ("name", lambda r: r.get("name")),
        ("field", lambda r: r.get("field")),
        ("agency", lambda r: r.get("agency")),
        ("levels", lambda r: sorted(r.get("levels") or [])),
        ("fees", _fees),
        ("deadlines", _deadlines),
    ):
        values = [get(r) for r in records]
        if any(v != values[0] for v in values[1:]):
            out[key] = values
    docs = [_documents(r) for r in records]
    if docs and any(d != docs[0] for d in docs[1:]):
        common = set.intersection(*docs)
        out["documents"] = [sorted(d - common) for d in docs]
    return out


def duplicate_report(
    engine: Engine,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    same_code: bool = False,
    index: SearchIndex | None = None,
) -> list[DuplicateGroup]:
    """Duplicate groups of the database, each with what differs between its members.

    Only the first procedure of each member is read in full (fees, deadlines, documents).
    """
    from catalogue.registry.store import load_records

    index = index or SearchIndex.build(load_search_frame(engine))
    groups = find_duplicates(index, threshold=threshold, same_code=same_code)
    wanted = [_plain(m.ids[0]) for g in groups for m in g.members]
    if not wanted:
        return groups
    with engine.connect() as conn:
        records = load_records(conn, ids=wanted, with_ids=True)
    for g in groups:
        group_records = [records.get(_plain(m.ids[0]), {}) for m in g.members]
        g.differences = describe_differences(group_records)
    return groups
