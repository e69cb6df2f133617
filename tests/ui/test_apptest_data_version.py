"""A change made by another process (here the CLI) shows in a running dashboard at its
next interaction: the caches key on the database's data version, read on every rerun."""

from __future__ import annotations

import yaml
from ui_helpers import no_exception, open_page, texts

from tests.cli_auth import invoke
from tests.factories import make_record


def test_cli_import_shows_at_the_next_rerun(app, app_db, tmp_path):
    at = open_page(app.run(), "catalogue")
    # The demo catalogue holds 55 procedures (data/demo/catalogue.yaml).
    assert "Hiển thị 55 / 55 thủ tục" in texts(at)
    source = tmp_path / "new.yaml"
    source.write_text(
        yaml.safe_dump(
            {"format": "tthc-catalogue/1",
             "procedures": [make_record("9.999001", "Thủ tục nhập từ dòng lệnh")]},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )  # fmt: skip
    # The dashboard process keeps running while the CLI imports as the demo admin.
    result = invoke(["import", str(source), "--db", app_db, "--as", "admin"])
    assert result.exit_code == 0, result.output
    at.run()  # the next interaction
    no_exception(at)
    assert "Hiển thị 56 / 56 thủ tục" in texts(at)
    at.text_input(key="catalogue_query").input("thu tuc nhap tu dong lenh").run()
    no_exception(at)
    assert at.dataframe[0].value.iloc[0].tolist()[:2] == ["9.999001", "Thủ tục nhập từ dòng lệnh"]
