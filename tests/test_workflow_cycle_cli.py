"""The law's sequence through the CLI: adopt, record and link the act, publish, apply.

Empty database → a small catalogue → a plan with an amend (remove a document, cut the
deadline 5 → 2 working days) and an abolish → adoption with routes → an act imported
from CSV and linked → a công bố signed 03 working days before the act is in force
(warned) → nothing changes before the date in force → everything from it.
"""

from __future__ import annotations

import json

import pytest
import typer.main
import yaml

from catalogue.cli import build_app
from tests.cli_auth import PASSWORDS
from tests.test_workflow_cli import run, write_catalogue


def _json(*args):
    return json.loads(run(*args, "--json").stdout)


def test_cycle_from_plan_to_the_date_in_force(tmp_path):
    db = f"sqlite:///{tmp_path / 'cycle.sqlite'}"
    run("import", str(write_catalogue(tmp_path / "catalogue.yaml")), "--db", db)
    # New passwords from TTHC_NEW_PASSWORD; acting users sign in through tests.cli_auth.
    run("user", "add", "admin", "--role", "admin", "--db", db,
        env={"TTHC_NEW_PASSWORD": PASSWORDS["admin"]})  # fmt: skip
    for name, role in (("ruth", "reviewer"), ("chau", "chair"), ("an", "analyst")):
        run("user", "add", name, "--role", role, "--as", "admin", "--db", db,
            env={"TTHC_NEW_PASSWORD": PASSWORDS[name]})  # fmt: skip
    plan = str(_json("plan", "new", "--name", "PA 2027", "--year", "2027", "--as", "ruth",
                     "--db", db)["plan_id"])  # fmt: skip
    option = tmp_path / "option.yaml"
    option.write_text(
        yaml.safe_dump(
            {"id": "pa", "action": "amend", "changes": [
                {"type": "remove_document", "document": "Bản sao sổ hộ khẩu",
                 "reason": "Khai thác CSDL quốc gia về dân cư"},
                {"type": "set_deadline", "days": 2, "channel": "all", "reason": "Rút ngắn"}]},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )  # fmt: skip
    amend = _json("plan", "add", plan, "1.100002", "--action", "amend", "--option", str(option),
                  "--as", "ruth", "--db", db)["proposal_id"]  # fmt: skip
    abolish = _json("plan", "add", plan, "1.100003", "--action", "abolish", "--reason", "Thừa",
                    "--cost-before", "300000", "--cost-after", "0",
                    "--figures-source", "Báo cáo rà soát", "--as", "ruth", "--db", db,
                    )["proposal_id"]  # fmt: skip
    run("plan", "submit", plan, "--as", "ruth", "--db", db)
    for proposal in (amend, abolish):
        run("plan", "decide", str(proposal), "approve", "--as", "chau", "--db", db)
    refused = run("cycle", "adopt", plan, "--number", "125/QĐ-UBND", "--signed-on", "15/01/2027",
                  "--signer", "A", "--as", "ruth", "--db", db, ok=False)  # fmt: skip
    assert "may not perform 'plan.adopt'" in refused.output
    bad = run("cycle", "adopt", plan, "--number", "125/QD-UBND", "--signed-on", "15/01/2027",
              "--signer", "A", "--as", "chau", "--db", db, ok=False)  # fmt: skip
    assert "125/QĐ-UBND" in bad.output
    adopted = _json(
        "cycle", "adopt", plan, "--number", "125/QĐ-UBND", "--signed-on", "15/01/2027",
        "--signer", "Nguyễn Văn A", "--route", f"{amend}=recommendation:Bộ Tư pháp",
        "--route", f"{abolish}=province:Sở Tư pháp:30/06/2027", "--as", "chau", "--db", db,
    )  # fmt: skip
    routing = {r["proposal_id"]: r["id"] for r in adopted["routings"]}
    assert {r["route"] for r in adopted["routings"]} == {"recommendation", "province"}
    acts = tmp_path / "acts.csv"
    acts.write_text(
        "number,title,issuer,issued_on,in_force_on,ministry_decision\n"
        "05/2027/TT-BTP,Thông tư sửa đổi,Bộ Tư pháp,01/02/2027,08/03/2027,300/QĐ-BTP\n",
        encoding="utf-8",
    )
    refused = run("act", "import", str(acts), "--as", "an", "--db", db, ok=False)
    assert "may not perform 'act.record'" in refused.output
    assert _json("act", "import", str(acts), "--as", "ruth", "--db", db) == ["05/2027/TT-BTP"]
    for proposal in (amend, abolish):
        run("act", "link", "05/2027/TT-BTP", str(routing[proposal]), "--extent", "whole",
            "--as", "ruth", "--db", db)  # fmt: skip
    published = _json(
        "cycle", "publish", "--number", "200/QĐ-UBND", "--signed-on", "03/03/2027",
        "--signer", "Nguyễn Văn A", "--entry", f"{routing[amend]}@05/2027/TT-BTP",
        "--entry", f"{routing[abolish]}@05/2027/TT-BTP", "--as", "chau", "--db", db,
    )  # fmt: skip
    assert len(published["warnings"]) == 1 and "03 ngày làm việc" in published["warnings"][0]
    assert _json("cycle", "apply", "--today", "07/03/2027", "--as", "chau", "--db", db) == []
    pending = _json("cycle", "pending", "1.100002", "--as", "an", "--db", db)
    assert pending[0]["stage"] == "published"
    assert "Thành phần hồ sơ: bỏ «Bản sao sổ hộ khẩu»" in pending[0]["changes"][0]
    stages = {r["stage"]: r for r in _json("cycle", "stages", "--today", "07/03/2027",
                                           "--as", "an", "--db", db)}  # fmt: skip
    assert stages["in_force"]["procedures"] == 0 and stages["enacted"]["procedures"] == 2
    applied = _json("cycle", "apply", "--today", "08/03/2027", "--as", "chau", "--db", db)
    assert sorted((a["code"], a["section"]) for a in applied) == [
        ("1.100002", "amended"), ("1.100003", "abolished"),
    ]  # fmt: skip
    exported = yaml.safe_load(run("export", "--format", "yaml", "--db", db).stdout)
    record = next(p for p in exported["procedures"] if p["code"] == "1.100002")
    assert [d["name"] for d in record["documents"]] == ["Tờ khai"]
    assert [c["deadline"]["value"] for c in record["channels"]] == [2, 2]
    assert record["status"] == "amended" and record["decision"] == "200/QĐ-UBND"
    stages = {r["stage"]: r for r in _json("cycle", "stages", "--today", "08/03/2027",
                                           "--as", "an", "--db", db)}  # fmt: skip
    signed = {r["proposal_id"]: r["savings"] or 0 for r in adopted["routings"]}
    assert signed[abolish] == 300_000  # as typed, with its source
    assert (stages["in_force"]["procedures"], stages["in_force"]["savings"]) == (
        2, signed[amend] + 300_000,
    )  # the figures signed with the adoption, counted from the date in force  # fmt: skip


@pytest.mark.parametrize("group", ["cycle", "act"])
def test_cycle_commands_have_help(group):
    command = typer.main.get_command(build_app())
    sub = command.commands[group]
    for name, cmd in sub.commands.items():
        assert cmd.help and cmd.help.strip(), f"{group} {name} has no help"
