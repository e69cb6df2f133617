"""The bases (căn cứ) of each decision, read from ``data/documents/bases.yaml``.

The list is data so that an official can correct a base without a code change. Each
entry is a fixed ``text`` or an ``each: NAME`` template that yields one base per value
the document supplies (the ministry's Quyết định công bố, the legal acts, the review
plan…). Errors name the file and the key path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from catalogue.registry.errors import ServiceError

DOCUMENT_KINDS = ("ke_hoach", "thong_qua", "cong_bo")


def bases_path() -> Path:
    """``data/documents/bases.yaml`` of the project."""
    from catalogue.registry.settings import load_settings

    return load_settings().project_data / "documents" / "bases.yaml"


def _entries(raw: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    """The entries of one kind with their key paths, anchors (nested lists) flattened."""
    out: list[tuple[str, dict[str, Any]]] = []
    if not isinstance(raw, list):
        raise ServiceError(f"{where}: phải là một danh sách (must be a list)")
    for i, entry in enumerate(raw):
        if isinstance(entry, list):
            out += _entries(entry, f"{where}[{i}]")
        elif isinstance(entry, dict) and isinstance(entry.get("text"), str):
            out.append((f"{where}[{i}]", entry))
        else:
            raise ServiceError(f"{where}[{i}]: cần khóa 'text' (needs a 'text' key)")
    return out


def load_bases(
    kind: str,
    values: Mapping[str, Sequence[str]] | None = None,
    *,
    path: Path | None = None,
) -> list[str]:
    """The bases of a document ``kind``, in order, with the ``each`` entries filled from
    ``values`` (one base per value; none when the document supplies none).

    An ``each`` name the document does not know about is an error in the file, so that
    a misspelt name cannot silently drop a base.
    """
    import yaml

    path = path or bases_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ServiceError(f"{path}: không đọc được căn cứ (cannot read the bases: {exc})") from exc
    if not isinstance(data, dict) or kind not in data:
        raise ServiceError(f"{path}: thiếu loại văn bản '{kind}' (no bases for '{kind}')")
    values = dict(values or {})
    out = []
    for where, entry in _entries(data[kind], f"{path}:{kind}"):
        text = " ".join(entry["text"].split())
        name = entry.get("each")
        if name is None:
            out.append(text)
            continue
        if name not in values:
            raise ServiceError(
                f"{where}.each: '{name}' không phải dữ liệu của văn bản này "
                f"(unknown name; this document supplies: {', '.join(sorted(values)) or 'none'})"
            )
        out += [text.replace("{}", value) for value in values[name] if value]
    return out
