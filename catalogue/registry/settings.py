"""Typed settings, loaded by a function and never at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_DATABASE_URL = "TTHC_DATABASE_URL"
ENV_DATA_DIR = "TTHC_DATA_DIR"
ENV_DEMO = "TTHC_DEMO"


@dataclass(frozen=True)
class Settings:
    """Where the catalogue lives and where the project's own data files are."""

    database_url: str
    data_dir: Path
    project_data: Path
    load_demo: bool = True  # the demo may be loaded (False: TTHC_DEMO=0 forbids it)
    dashboard_demo: bool = False  # the dashboard creates a demo database (TTHC_DEMO=1)


def default_data_dir() -> Path:
    """Per-user data directory (never inside the repository)."""
    if os.environ.get(ENV_DATA_DIR):
        return Path(os.environ[ENV_DATA_DIR])
    from platformdirs import user_data_dir

    return Path(user_data_dir("tthc", appauthor=False))


def project_data_dir() -> Path:
    """The project's own ``data/`` folder (demo catalogue, parameters, sheets)."""
    return Path(__file__).resolve().parents[2] / "data"


def load_settings(db: str | None = None) -> Settings:
    """Resolve settings: ``--db URL`` first, then ``TTHC_DATABASE_URL``, then SQLite.

    A bare file path is accepted for ``db`` and turned into an SQLite URL.
    """
    data_dir = default_data_dir()
    url = db or os.environ.get(ENV_DATABASE_URL)
    if not url:
        url = f"sqlite:///{data_dir / 'tthc.sqlite'}"
    elif "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    demo = os.environ.get(ENV_DEMO, "").strip().lower()
    load_demo = demo not in ("0", "false", "no", "off")
    return Settings(
        database_url=url,
        data_dir=data_dir,
        project_data=project_data_dir(),
        load_demo=load_demo,
        dashboard_demo=demo in ("1", "true", "yes", "on"),
    )
