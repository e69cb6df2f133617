"""Small factory helpers for tests (instead of big fixtures)."""

from __future__ import annotations

from typing import Any

from catalogue.registry.records import empty_record


def make_record(code: str = "1.000001", name: str = "Cấp bản sao trích lục hộ tịch", **over: Any):
    """A valid canonical procedure record; keyword arguments override fields."""
    rec = empty_record()
    rec.update(
        code=code,
        name=name,
        field="Hộ tịch",
        kind="TTHC được giao luật quy định chi tiết",
        levels=["province", "commune"],
        subjects=["Công dân Việt Nam"],
        agency="Sở Tư pháp",
        issuing_agency="Bộ Tư pháp",
        decision="1234/QĐ-BTP",
        channels=[
            {
                "kind": "direct",
                "deadline": {"value": 5, "unit": "working_days", "raw": "5 Ngày làm việc"},
                "fees": [
                    {
                        "kind": "le_phi",
                        "amount": 8000,
                        "currency": "VND",
                        "free": False,
                        "unit": "/bản",
                        "raw": "8.000 đồng/bản",
                    }
                ],
                "description": None,
                "raw": "Trực tiếp5 Ngày làm việc8.000 đồng/bản",
            },
            {
                "kind": "online",
                "deadline": {"value": 3, "unit": "working_days", "raw": "3 Ngày làm việc"},
                "fees": [
                    {
                        "kind": "unspecified",
                        "amount": 0,
                        "currency": "VND",
                        "free": True,
                        "unit": None,
                        "raw": "Miễn phí",
                    }
                ],
                "description": "Nộp qua Cổng dịch vụ công",
                "raw": None,
            },
        ],
        documents=[
            {
                "name": "Tờ khai cấp bản sao trích lục",
                "originals": 1,
                "copies": 0,
                "certified_copies": None,
                "template": "Mau01.docx",
                "case": None,
                "raw": "Tờ khai…1 bản chính",
            }
        ],
        steps=[
            {"order": 1, "text": "Nộp hồ sơ", "actor": None},
            {"order": 2, "text": "Trả kết quả", "actor": "Sở Tư pháp"},
        ],
        legal_bases=[
            {"number": "123/2015/NĐ-CP", "title": "Nghị định 123/2015/NĐ-CP", "raw": None}
        ],
        volumes=[
            {
                "year": 2024,
                "received": 1000,
                "resolved_early": 300,
                "resolved_on_time": 650,
                "resolved_late": 30,
                "pending": 20,
                "online": 400,
            }
        ],
    )
    rec.update(over)
    return rec


def add_users(engine, roles: dict[str, str]) -> None:
    """Active users name → role, with a placeholder hash (for services that only check roles)."""
    from catalogue.registry.auth import hash_password
    from catalogue.registry.models import User, utcnow
    from tests.cli_auth import PASSWORDS

    # Real (toy-cost) hashes of the test passwords, so CLI tests can sign these users in.
    hashes = {name: hash_password(PASSWORDS.get(name, "mat-khau-123"), n=16) for name in roles}
    with engine.begin() as conn:
        conn.execute(
            User.__table__.insert(),
            [
                {
                    "username": name,
                    "role": role,
                    "password_hash": hashes[name],
                    "active": True,
                    "created_at": utcnow(),
                }
                for name, role in roles.items()
            ],
        )
