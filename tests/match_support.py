"""Helpers for the search / duplicates / matching tests: small records and real names."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import yaml


def rec(pid, code, name, *, field="Hộ tịch", agency="UBND tỉnh A", levels=("province",)):
    """A search record (the columns of the search frame)."""
    return {
        "id": pid,
        "code": code,
        "name": name,
        "field": field,
        "agency": agency,
        "levels": list(levels),
        "status": "active",
    }


SMALL = [
    rec(1, "1.000894", "Thủ tục đăng ký kết hôn", levels=("commune",)),
    rec(2, "1.004746", "Thủ tục đăng ký lại kết hôn", levels=("commune",)),
    rec(3, "2.000806", "Thủ tục đăng ký kết hôn có yếu tố nước ngoài"),
    rec(4, "2.001019", "Chứng thực di chúc", field="Chứng thực", levels=("commune",)),
    rec(
        5,
        "1.010719",
        "Cấp giấy phép môi trường (cấp Bộ)",
        field="Môi trường",
        agency="Bộ NN và MT",
        levels=("ministry",),
    ),
    rec(6, "1.010727", "Cấp giấy phép môi trường (cấp Tỉnh)", field="Môi trường"),
    rec(7, "1.001765", "Cấp Giấy chứng nhận giáo viên dạy thực hành lái xe", field="Đường bộ"),
    rec(
        8,
        "1.002877",
        "Cấp, cấp lại Giấy phép liên vận giữa Việt Nam, Lào và Campuchia",
        field="Đường bộ",
    ),
    rec(9, "1.000894", "Thủ tục đăng ký kết hôn", agency="UBND tỉnh B", levels=("commune",)),
]


def write_catalogue_yaml(path: Path, records=SMALL) -> Path:
    """The project's own YAML catalogue holding ``records`` (ids dropped)."""
    procedures = [{k: r[k] for k in ("code", "name", "field", "levels", "agency")} for r in records]
    path.write_text(
        yaml.safe_dump(
            {"format": "tthc-catalogue/1", "procedures": procedures}, allow_unicode=True
        ),
        encoding="utf-8",
    )
    return path


def read_real_records(path: Path) -> list[dict]:
    """The real portal records as search records (only the fields matching needs)."""
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for pos, line in enumerate(fh):
            r = json.loads(line)
            out.append(
                rec(
                    pos,
                    r["ma_thu_tuc"],
                    r["ten_thu_tuc"],
                    field=r.get("linh_vuc"),
                    agency=r.get("co_quan_thuc_hien"),
                    levels=(),
                )
            )
    return out
