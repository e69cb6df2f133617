"""Tables of the database's own bookkeeping: the data version and the demo marker
(``app_meta``) and the dashboard's sign-in sessions (``user_session``), migration 0012.

Kept beside :mod:`catalogue.registry.models` (which imports them at its end, so every
table is registered with the metadata and importable from there) to keep that module short.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Text
from sqlmodel import Field, SQLModel

from catalogue.registry.models import utcnow


# Database metadata: small counters and markers (``data_version``, ``mode``), see 0012.
class AppMeta(SQLModel, table=True):
    __tablename__ = "app_meta"
    key: str = Field(primary_key=True)
    value: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    text: str | None = Field(default=None, sa_column=Column(Text))


# A dashboard sign-in session: only the hash of its token is kept; expires, or is revoked
# at sign-out or when the account is deactivated.
class UserSession(SQLModel, table=True):
    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, index=True)
    username: str = Field(sa_column=Column(Text, nullable=False, index=True))
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
