"""Search, duplicate and matching commands: ``tthc search``, ``tthc duplicates``, ``tthc match``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from catalogue.cli.common import DbOption, JsonOption, fail


def search(
    query: Annotated[str, typer.Argument(help="Words of the name (accents optional) or a code.")],
    limit: Annotated[int, typer.Option("--limit", min=1, help="Maximum results.")] = 20,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Tìm thủ tục / search procedures by name, ignoring accents, typos and word order."""
    from catalogue.quality.search import search_catalogue
    from catalogue.sources.service import open_catalogue

    hits = search_catalogue(open_catalogue(db), query, limit=limit)
    if as_json:
        typer.echo(json.dumps([h._asdict() for h in hits], ensure_ascii=False))
        return
    if not hits:
        typer.echo("Không tìm thấy / no match.")
    for h in hits:
        typer.echo(f"{h.score:5.1f}  {h.code or '-':<14} {h.name}")


def duplicates(
    threshold: Annotated[
        float, typer.Option("--threshold", min=0, max=100, help="Minimum score 0–100.")
    ] = 90.0,
    same_code: Annotated[
        bool, typer.Option("--same-code", help="Also list one code at several agencies.")
    ] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Thủ tục trùng lặp / groups of near-identical procedures across agencies and levels."""
    from catalogue.quality.duplicates import duplicate_report
    from catalogue.sources.service import open_catalogue

    groups = duplicate_report(open_catalogue(db), threshold=threshold, same_code=same_code)
    if as_json:
        typer.echo(json.dumps([g.as_dict() for g in groups], ensure_ascii=False))
        return
    typer.echo(f"{len(groups)} nhóm trùng lặp / duplicate groups (threshold {threshold:g}).")
    for n, g in enumerate(groups, start=1):
        typer.echo(f"[{n}] score {g.score:g}")
        for m in g.members:
            where = ", ".join(m.agencies) or "-"
            typer.echo(f"    {m.code or '-':<14} {m.name}  ({where}; {', '.join(m.levels)})")
        if g.differences:
            typer.echo(f"    khác nhau / differs in: {', '.join(g.differences)}")


def match(
    file: Annotated[Path, typer.Argument(help="Local list: CSV or Excel (.xlsx).")],
    column: Annotated[str, typer.Option("--column", help="Header of the name column.")],
    top: Annotated[int, typer.Option("--top", min=1, help="Candidates per row.")] = 5,
    margin: Annotated[
        float, typer.Option("--margin", help="Two best scores this close: ambiguous.")
    ] = 3.0,
    accept_above: Annotated[
        float,
        typer.Option("--accept-above", help="With --write-back: auto-accept at this score."),
    ] = 90.0,
    write_back: Annotated[
        Path | None,
        typer.Option("--write-back", help="Write a copy with accepted codes to this path."),
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel sheet name.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Gắn mã TTHC / match a local list without codes to national codes, with scores."""
    from catalogue.quality.matching import (
        MatchError,
        accepted_codes,
        auto_decisions,
        match_file,
    )
    from catalogue.quality.matching import write_back as do_write_back
    from catalogue.quality.search import SearchIndex, load_search_frame
    from catalogue.sources.service import open_catalogue

    index = SearchIndex.build(load_search_frame(open_catalogue(db)))
    try:
        results = match_file(file, column, index, sheet=sheet, top_k=top, margin=margin)
        if write_back is not None:
            decisions = auto_decisions(results, min_score=accept_above)
            do_write_back(file, write_back, column, accepted_codes(results, decisions), sheet=sheet)
    except MatchError as exc:
        fail(f"Lỗi / error: {exc}", 1)
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in results], ensure_ascii=False))
    else:
        for r in results:
            best = r.best
            line = f"row {r.row}: {r.status:<9} {r.query}"
            if best is not None:
                line += f"  →  {best.code} ({best.score:g}) {best.name}"
            typer.echo(line)
    if write_back is not None:
        typer.echo(f"Đã ghi / written: {write_back}", err=True)


def register(app: typer.Typer) -> None:
    """Add the ``search``, ``duplicates`` and ``match`` commands to ``app``."""
    app.command("search")(search)
    app.command("duplicates")(duplicates)
    app.command("match")(match)
