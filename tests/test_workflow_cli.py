"""The scripted run of the issue's "Done when", through the ``tthc`` CLI.

Empty database → import a small catalogue → users → a plan with keep, amend, abolish and
replace proposals → a rejection and a return → revision and resubmission → adoption
(Quyết định thông qua) → the act recorded and linked → the công bố → its date in force
→ Excel and Word exports whose rows are exactly the approved set; forbidden actions are
refused on the way and the audit log accounts for every change.
"""

from __future__ import annotations

import io
import json

import docx
import openpyxl
import pytest
import typer.main
import yaml
from sqlmodel import select
from typer.testing import CliRunner

from catalogue.cli import build_app
from catalogue.registry.db import make_engine, session_scope
from catalogue.registry.models import AuditLog, Procedure
from tests.cli_auth import PASSWORDS, invoke
from tests.factories import make_record

runner = CliRunner()

CODES = {
    "keep": "1.100001",
    "amend": "1.100002",
    "abolish": "1.100003",
    "reject": "1.100004",
    "replace": "1.100005",
    "replacement": "1.100006",
}


def run(*args: str, ok: bool = True, env: dict | None = None):
    result = invoke(args, env=env)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def write_catalogue(path):
    docs = [
        {"name": "Tờ khai", "originals": 1, "copies": 0, "certified_copies": None,
         "template": None, "case": None, "raw": None},
        {"name": "Bản sao sổ hộ khẩu", "originals": 0, "copies": 1, "certified_copies": 1,
         "template": None, "case": None, "raw": None},
    ]  # fmt: skip
    recs = []
    for key, code in CODES.items():
        over = {"name": f"Thủ tục {key}", "documents": docs}
        if key == "replacement":
            over["status"] = "draft"
        recs.append(make_record(code=code, **over))
    path.write_text(
        yaml.safe_dump({"format": "tthc-catalogue/1", "procedures": recs}, allow_unicode=True),
        encoding="utf-8",
    )
    return path


def test_scripted_run_from_empty_database_to_exports(tmp_path):
    db = f"sqlite:///{tmp_path / 'workflow.sqlite'}"
    run("import", str(write_catalogue(tmp_path / "catalogue.yaml")), "--db", db)

    # New passwords come from TTHC_NEW_PASSWORD (never argv); the acting user signs in
    # with TTHC_USER / TTHC_PASSWORD (tests.cli_auth); the first admin needs no one.
    run("user", "add", "admin", "--role", "admin", "--db", db,
        env={"TTHC_NEW_PASSWORD": PASSWORDS["admin"]})  # fmt: skip
    for name, role in (("ruth", "reviewer"), ("chau", "chair"), ("an", "analyst")):
        run("user", "add", name, "--role", role, "--as", "admin", "--db", db,
            env={"TTHC_NEW_PASSWORD": PASSWORDS[name]})  # fmt: skip
    refused = run("user", "add", "eve", "--role", "chair", "--as", "ruth", "--db", db,
                  ok=False, env={"TTHC_NEW_PASSWORD": "x" * 12})  # fmt: skip
    assert refused.exit_code == 1 and "may not perform 'user.manage'" in refused.output

    created = run("plan", "new", "--name", "Phương án đơn giản hóa 2026", "--year", "2026",
                  "--scope", "UBND tỉnh Bình An", "--as", "ruth", "--db", db, "--json")  # fmt: skip
    plan = str(json.loads(created.stdout)["plan_id"])
    assert (
        "may not perform 'plan.create'"
        in run(
            "plan", "new", "--name", "X", "--year", "2026", "--as", "chau", "--db", db, ok=False
        ).output
    )

    option = tmp_path / "option.yaml"
    option.write_text(
        yaml.safe_dump(
            {"id": "bo-ho-khau", "action": "amend", "changes": [
                {"type": "remove_document", "document": "Bản sao sổ hộ khẩu",
                 "reason": "Khai thác CSDL quốc gia về dân cư",
                 "legal_change": "Sửa đổi Điều 5 Thông tư 01/2026/TT-BTP"}]},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )  # fmt: skip
    proposals = {}

    def add(key, *extra):
        out = run("plan", "add", plan, CODES[key], *extra, "--figures-source", "Báo cáo rà soát",
                  "--as", "ruth", "--db", db, "--json")  # fmt: skip
        proposals[key] = json.loads(out.stdout)["proposal_id"]

    add("keep", "--action", "keep", "--cost-before", "500000", "--cost-after", "500000")
    add("amend", "--action", "amend", "--option", str(option), "--content",
        "Bỏ bản sao sổ hộ khẩu", "--cost-before", "1200000", "--cost-after", "700000")  # fmt: skip
    add("abolish", "--action", "abolish", "--reason", "Không còn phù hợp", "--legal-change",
        "Bãi bỏ Điều 9", "--cost-before", "300000", "--cost-after", "0")  # fmt: skip
    add("reject", "--action", "abolish", "--reason", "Đề xuất yếu",
        "--cost-before", "100", "--cost-after", "0")  # fmt: skip
    add("replace", "--action", "replace", "--replacement", CODES["replacement"],
        "--reason", "Hợp nhất", "--cost-before", "800000", "--cost-after", "200000")  # fmt: skip
    assert (
        "may not perform 'proposal.add'"
        in run(
            "plan",
            "add",
            plan,
            CODES["keep"],
            "--action",
            "keep",
            "--as",
            "an",
            "--db",
            db,
            ok=False,
        ).output
    )

    run("plan", "submit", plan, "--as", "ruth", "--db", db)
    assert (
        "may not perform 'proposal.decide'"
        in run(
            "plan",
            "decide",
            str(proposals["keep"]),
            "approve",
            "--as",
            "ruth",
            "--db",
            db,
            ok=False,
        ).output
    )
    for key in ("keep", "abolish", "replace"):
        run("plan", "decide", str(proposals[key]), "approve", "--as", "chau", "--db", db)
    run("plan", "decide", str(proposals["reject"]), "reject", "--comment", "Chưa đủ căn cứ",
        "--as", "chau", "--db", db)  # fmt: skip
    run("plan", "decide", str(proposals["amend"]), "return", "--comment", "Nêu rõ CSDL",
        "--as", "chau", "--db", db)  # fmt: skip
    adopt = ("cycle", "adopt", plan, "--number", "120/QĐ-UBND", "--signed-on", "01/12/2026",
             "--signer", "Nguyễn Văn An")  # fmt: skip
    assert "every proposal must be" in run(*adopt, "--as", "chau", "--db", db, ok=False).output

    shown = json.loads(run("plan", "show", plan, "--as", "ruth", "--db", db, "--json").stdout)
    amend = next(p for p in shown["proposals"] if p["id"] == proposals["amend"])
    assert (amend["status"], amend["chair_comment"]) == ("returned", "Nêu rõ CSDL")
    run("plan", "edit", str(proposals["amend"]), "--version", str(amend["version"]),
        "--reason", "Khai thác CSDL quốc gia về dân cư", "--as", "ruth", "--db", db)  # fmt: skip
    stale = run("plan", "edit", str(proposals["amend"]), "--version", str(amend["version"]),
                "--reason", "bản cũ", "--as", "ruth", "--db", db, ok=False)  # fmt: skip
    assert "someone else saved" in stale.output and "bản cũ" in stale.output
    run("plan", "submit", plan, "--as", "ruth", "--db", db)
    run("plan", "decide", str(proposals["amend"]), "approve", "--as", "chau", "--db", db)
    # The old shortcut says where the law's sequence is (exit 2, nothing written).
    gone = run("plan", "approve", plan, "--as", "chau", "--db", db, ok=False)
    assert gone.exit_code == 2 and f"tthc cycle adopt {plan}" in gone.output
    gone = run("decision", "publish", plan, "--number", "1/QĐ-UBND", "--db", db, ok=False)
    assert gone.exit_code == 2 and "tthc cycle publish" in gone.output
    assert (
        "may not perform 'plan.adopt'" in run(*adopt, "--as", "ruth", "--db", db, ok=False).output
    )
    routes = [f"--route={proposals[k]}=recommendation:Bộ Tư pháp" for k in ("amend", "replace")]
    routes.append(f"--route={proposals['abolish']}=province:Sở Tư pháp:15/12/2026")
    adopted = json.loads(run(*adopt, *routes, "--as", "chau", "--db", db, "--json").stdout)
    routing = {r["proposal_id"]: r["id"] for r in adopted["routings"]}
    assert sorted(routing) == sorted(proposals[k] for k in ("amend", "abolish", "replace"))
    # The act is issued on 15/12/2026 and in force on 01/01/2027; the list is signed on
    # 22/12/2026, 08 working days before (23, 24, 25, 28, 29, 30, 31/12 and 01/01).
    run("act", "record", "--number", "05/2026/TT-BTP", "--title", "Thông tư sửa đổi",
        "--issuer", "Bộ Tư pháp", "--issued-on", "15/12/2026", "--in-force-on", "01/01/2027",
        "--as", "ruth", "--db", db)  # fmt: skip
    for routing_id in routing.values():
        run("act", "link", "05/2026/TT-BTP", str(routing_id), "--extent", "whole",
            "--as", "ruth", "--db", db)  # fmt: skip
    entries = [f"--entry={r}@05/2026/TT-BTP" for r in routing.values()]
    publish = ("cycle", "publish", "--number", "125/QĐ-UBND", "--signed-on", "22/12/2026",
               "--signer", "Trần Thị B", *entries)  # fmt: skip
    refused = run(*publish, "--as", "an", "--db", db, ok=False)
    assert "may not perform 'decision.publish'" in refused.output
    published = json.loads(run(*publish, "--as", "chau", "--db", db, "--json").stdout)
    assert published["number"] == "125/QĐ-UBND" and published["warnings"] == []
    assert published["effective_on"] == "2027-01-01"
    shown = run("decision", "show", "125/QĐ-UBND", "--as", "an", "--db", db)
    assert "Danh mục thủ tục hành chính bị bãi bỏ" in shown.stdout
    applied = json.loads(
        run("cycle", "apply", "--today", "01/01/2027", "--as", "chau", "--db", db, "--json").stdout
    )
    assert sorted((a["code"], a["section"]) for a in applied) == sorted(
        [(CODES["amend"], "amended"), (CODES["abolish"], "abolished"),
         (CODES["replace"], "replaced")]
    )  # fmt: skip

    # Exports: the decision lists exactly the approved non-keep proposals, the plan all
    # approved ones; nothing rejected appears anywhere.
    listed = {"amend": "amended", "abolish": "abolished", "replace": "replaced"}
    xlsx, docx_path = tmp_path / "qd.xlsx", tmp_path / "qd.docx"
    run(
        "decision", "export", "125/QĐ-UBND", "-f", "xlsx", "-o", str(xlsx), "--as", "an", "--db", db
    )
    # The Word decision needs the organisation profile; without it, it names what is missing.
    refused = run("decision", "export", "125/QĐ-UBND", "-f", "docx", "-o", str(docx_path),
                  "--as", "an", "--db", db, ok=False)  # fmt: skip
    assert "--authority" in refused.output and not docx_path.exists()
    run("profile", "set", "--province", "Bình An", "--authority", "Ủy ban nhân dân tỉnh Bình An",
        "--place", "Bình An", "--chair", "Nguyễn Văn An", "--vice-chair", "Trần Thị B",
        "--review-head", "Giám đốc Sở Tư pháp", "--archive", "VT, KSTT",
        "--recipient", "Cục Kiểm soát thủ tục hành chính, Văn phòng Chính phủ",
        "--as", "admin", "--db", db)  # fmt: skip
    run("decision", "export", "125/QĐ-UBND", "-f", "docx", "-o", str(docx_path), "--as", "an",
        "--db", db)  # fmt: skip
    ws = openpyxl.load_workbook(xlsx).active
    item_rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    assert sorted(r[1] for r in item_rows) == sorted(CODES[k] for k in listed)
    word = docx.Document(docx_path)
    # Tables: the heading, the signature, then one per section (group rows span the table).
    word_rows = [[c.text for c in r.cells] for t in word.tables[2:] for r in t.rows[1:]]
    word_rows = [r for r in word_rows if len(set(r)) > 1]
    assert sorted(r[1] for r in word_rows) == sorted(CODES[k] for k in listed)
    assert [r[1:3] for r in word_rows] == [[str(v) for v in r[1:3]] for r in item_rows]

    plan_xlsx = run("plan", "export", plan, "-f", "xlsx", "--as", "an", "--db", db).stdout_bytes
    rows = list(openpyxl.load_workbook(io.BytesIO(plan_xlsx)).active.iter_rows(values_only=True))
    body = rows[4:-1]
    assert sorted(r[1] for r in body) == sorted(CODES[k] for k in ("keep", *listed))
    assert rows[-1][0] == "Tổng cộng" and rows[-1][10] == 0 + 500000 + 300000 + 600000
    plan_docx = run("plan", "export", plan, "-f", "docx", "--as", "an", "--db", db).stdout_bytes
    table = docx.Document(io.BytesIO(plan_docx)).tables[0]
    assert [r.cells[1].text for r in table.rows[1:-1]] == [r[1] for r in body]

    # The catalogue followed the decision, and every change is in the audit log.
    engine = make_engine(db)
    with session_scope(engine) as s:
        status = {p.code: p.status for p in s.exec(select(Procedure))}
        audit = [(a.actor, a.action) for a in s.exec(select(AuditLog).order_by(AuditLog.id))]
    engine.dispose()
    assert status == {
        CODES["keep"]: "active",
        CODES["amend"]: "amended",
        CODES["abolish"]: "abolished",
        CODES["reject"]: "active",
        CODES["replace"]: "replaced",
        CODES["replacement"]: "active",
    }
    import getpass

    assert audit[0] == (f"os:{getpass.getuser()}", "import")  # no --as: the system account
    assert [a for a in audit if a[1] == "user.create"][0] == ("admin", "user.create")
    mutations = [action for _, action in audit]
    for action, count in {
        "user.create": 4, "plan.create": 1, "proposal.add": 5, "plan.submit": 2,
        "proposal.approve": 4, "proposal.reject": 1, "proposal.return": 1, "proposal.edit": 1,
        "plan.adopt": 1, "plan.status": 1, "act.record": 1, "act.link": 3,
        "decision.publish": 1, "procedure.enact.amended": 1, "procedure.enact.abolished": 1,
        "procedure.enact.replaced": 1,
    }.items():  # fmt: skip
        assert mutations.count(action) == count, action
    # Refused actions changed nothing: no audit row by a refused actor for them.
    assert ("ruth", "plan.adopt") not in audit and ("an", "proposal.add") not in audit
    assert ("an", "decision.publish") not in audit


def test_as_is_required(tmp_path):
    db = f"sqlite:///{tmp_path / 'w.sqlite'}"
    result = run("plan", "new", "--name", "X", "--year", "2026", "--db", db, ok=False)
    assert result.exit_code == 2 and "--as" in result.output


@pytest.mark.parametrize("group", ["user", "plan", "decision"])
def test_workflow_commands_have_help(group):
    command = typer.main.get_command(build_app()).commands[group]
    assert command.help
    for name, sub in command.commands.items():
        assert sub.help, f"{group} {name} has no help"
        result = runner.invoke(build_app(), [group, name, "--help"])
        assert result.exit_code == 0 and "--db" in result.output
