"""The chair's two decisions and the act between them: adoption, legal acts, publication.

New tables: ``adoption`` (Quyết định thông qua phương án), ``routing`` (each adopted
proposal as signed, with its figures), ``legal_act`` (VBQPPL), ``act_link``,
``enactment`` (a công bố entry applied from its act's date in force),
``procedure_claim`` (one adoption and one publication per procedure at a time) and
``business_scope`` (a reviewer's correction of the NQ 68 / NQ 66 scope). Columns
``act_id``, ``routing_id``, ``replacement_procedure_id`` on ``decision_item``;
``figures_source`` on ``proposal``.

Signed rows are immutable in the database (UPDATE and DELETE refused on adoption,
routing, act_link and enactment), as decisions already are (0002).

Existing data, so that nothing is lost and nothing is invented: an "approved" plan
becomes "adopted" with an adoption whose number is not recorded (NULL) and a routing per
approved proposal whose route is ``not_recorded``; a published plan gets the same
adoption and routings; each published decision item is linked to its routing, keeps
``act_id`` NULL (act "not recorded") and gets an enactment on the decision's effective
date, because the old publication already changed the catalogue.

Revision ID: 0009
Revises: 0006
"""

import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None

SIGNED = ("adoption", "routing", "act_link", "enactment")
MESSAGE = "Quyết định đã ký không thể sửa hoặc xóa (signed decisions are immutable)"
DECISION_TRIGGERS_SQLITE = ("decision_item_no_update", "decision_item_no_delete")


def _create_tables() -> None:
    """The seven new tables. Long because it is one declaration per column, as in 0001."""
    op.create_table(
        "adoption",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id"), nullable=False, unique=True),
        sa.Column("number", sa.Text(), nullable=True, unique=True),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("signer", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("adopted_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("adopted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("totals", sa.JSON(), nullable=False),
    )
    op.create_table(
        "routing",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("adoption_id", sa.Integer(), sa.ForeignKey("adoption.id"), nullable=False),
        sa.Column(
            "proposal_id", sa.Integer(), sa.ForeignKey("proposal.id"), nullable=False, unique=True
        ),
        sa.Column("procedure_id", sa.Integer(), sa.ForeignKey("procedure.id"), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("option", sa.JSON(), nullable=False),
        sa.Column(
            "replacement_procedure_id", sa.Integer(), sa.ForeignKey("procedure.id"), nullable=True
        ),
        sa.Column("route", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("addressee", sa.Text(), nullable=True),
        sa.Column("cost_before", sa.BigInteger(), nullable=True),
        sa.Column("cost_after", sa.BigInteger(), nullable=True),
        sa.Column("savings", sa.BigInteger(), nullable=True),
        sa.Column("cut_rate", sa.Float(), nullable=True),
        sa.Column("deadline_before", sa.Float(), nullable=True),
        sa.Column("deadline_after", sa.Float(), nullable=True),
        sa.Column("figures_source", sa.Text(), nullable=True),
        sa.Column("sheet", sa.JSON(), nullable=True),
    )
    op.create_index("ix_routing_adoption_id", "routing", ["adoption_id"])
    op.create_index("ix_routing_procedure_id", "routing", ["procedure_id"])
    op.create_table(
        "legal_act",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.Text(), nullable=False, unique=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("in_force_on", sa.Date(), nullable=False),
        sa.Column("ministry_decision", sa.Text(), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )
    op.create_table(
        "act_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("act_id", sa.Integer(), sa.ForeignKey("legal_act.id"), nullable=False),
        sa.Column("routing_id", sa.Integer(), sa.ForeignKey("routing.id"), nullable=False),
        sa.Column("extent", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("act_id", "routing_id"),
    )
    op.create_index("ix_act_link_act_id", "act_link", ["act_id"])
    op.create_index("ix_act_link_routing_id", "act_link", ["routing_id"])
    op.create_table(
        "enactment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "decision_item_id",
            sa.Integer(),
            sa.ForeignKey("decision_item.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("procedure_id", sa.Integer(), sa.ForeignKey("procedure.id"), nullable=False),
        sa.Column("in_force_on", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=True),
        sa.Column("applied_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("applied_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
    )
    op.create_index("ix_enactment_procedure_id", "enactment", ["procedure_id"])
    op.create_table(
        "procedure_claim",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("procedure_id", sa.Integer(), sa.ForeignKey("procedure.id"), nullable=False),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("holder", sa.Text(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("procedure_id", "stage"),
    )
    op.create_table(
        "business_scope",
        sa.Column(
            "procedure_id",
            sa.Integer(),
            sa.ForeignKey("procedure.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("business_related", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("set_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("set_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )


def _signed_triggers(dialect: str) -> None:
    if dialect == "sqlite":
        for table in SIGNED:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION tthc_refuse_signed_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
            "END $$"
        )
        for table in SIGNED:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION tthc_refuse_signed_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION tthc_refuse_signed_change()"
            )


def _decision_item_triggers(dialect: str, enable: bool) -> None:
    """Lift the 0002 triggers on decision_item for the one data step that links items."""
    if dialect == "sqlite":
        if enable:
            for name, event in zip(DECISION_TRIGGERS_SQLITE, ("UPDATE", "DELETE"), strict=True):
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {event} ON decision_item BEGIN SELECT "
                    "RAISE(ABORT, 'Quyết định đã công bố không thể sửa hoặc xóa "
                    "(published decisions are immutable)'); END"
                )
        else:
            for name in DECISION_TRIGGERS_SQLITE:
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        state = "ENABLE" if enable else "DISABLE"
        op.execute(f"ALTER TABLE decision_item {state} TRIGGER decision_item_immutable")


def _migrate_rows(bind) -> None:
    """Old approved and published plans as adopted ones, with a routing per approved
    proposal. Long because the old rows are copied column by column, in raw SQL (the
    models describe the new schema, not the one being migrated)."""
    plans = bind.execute(
        sa.text(
            "SELECT id, status, approved_by, approved_at FROM plan "
            "WHERE status IN ('approved', 'published') ORDER BY id"
        )
    ).mappings()
    for plan in list(plans):
        proposals = list(
            bind.execute(
                sa.text(
                    "SELECT id, procedure_id, action, option, replacement_procedure_id, "
                    "cost_before, cost_after, savings, cut_rate, deadline_before, "
                    "deadline_after FROM proposal WHERE plan_id = :p AND status = 'approved' "
                    "ORDER BY id"
                ),
                {"p": plan["id"]},
            ).mappings()
        )
        totals = {
            "cost_before": sum(p["cost_before"] or 0 for p in proposals),
            "cost_after": sum(p["cost_after"] or 0 for p in proposals),
            "savings": sum(p["savings"] or 0 for p in proposals),
            "migrated": True,
        }
        adoption_table = sa.table(
            "adoption",
            sa.column("plan_id"),
            sa.column("number"),
            sa.column("signed_on"),
            sa.column("signer"),
            sa.column("adopted_by"),
            sa.column("adopted_at"),
            sa.column("totals", sa.JSON()),
        )
        signed = plan["approved_at"]
        bind.execute(
            adoption_table.insert().values(
                plan_id=plan["id"],
                number=None,
                signed_on=None,
                signer=None,
                adopted_by=plan["approved_by"],
                adopted_at=signed if signed is not None else sa.func.current_timestamp(),
                totals=totals,
            )
        )
        adoption_id = bind.execute(
            sa.text("SELECT id FROM adoption WHERE plan_id = :p"), {"p": plan["id"]}
        ).scalar_one()
        routing_table = sa.table(
            "routing",
            *(
                sa.column(c)
                for c in (
                    "adoption_id",
                    "proposal_id",
                    "procedure_id",
                    "action",
                    "replacement_procedure_id",
                    "route",
                    "cost_before",
                    "cost_after",
                    "savings",
                    "cut_rate",
                    "deadline_before",
                    "deadline_after",
                    "figures_source",
                )
            ),  # fmt: skip
            sa.column("option", sa.JSON()),
        )
        for p in proposals:
            option = p["option"]
            if isinstance(option, str):
                option = json.loads(option)
            bind.execute(
                routing_table.insert().values(
                    adoption_id=adoption_id,
                    proposal_id=p["id"],
                    procedure_id=p["procedure_id"],
                    action=p["action"],
                    option=option or {},
                    replacement_procedure_id=p["replacement_procedure_id"],
                    route="not_recorded",
                    cost_before=p["cost_before"],
                    cost_after=p["cost_after"],
                    savings=p["savings"],
                    cut_rate=p["cut_rate"],
                    deadline_before=p["deadline_before"],
                    deadline_after=p["deadline_after"],
                    figures_source="migrated (0009): figures as stored on the proposal",
                )
            )
    bind.execute(sa.text("UPDATE plan SET status = 'adopted' WHERE status = 'approved'"))


def _migrate_items(bind) -> None:
    items = list(
        bind.execute(
            sa.text(
                "SELECT i.id, i.procedure_id, i.proposal_id, d.effective_on "
                "FROM decision_item i JOIN decision d ON d.id = i.decision_id ORDER BY i.id"
            )
        ).mappings()
    )
    enactment = sa.table(
        "enactment",
        sa.column("decision_item_id"),
        sa.column("procedure_id"),
        sa.column("in_force_on"),
        sa.column("revision"),
        sa.column("applied_by"),
        sa.column("applied_at"),
        sa.column("lines", sa.JSON()),
    )
    for item in items:
        if item["proposal_id"] is not None:
            bind.execute(
                sa.text(
                    "UPDATE decision_item SET routing_id = "
                    "(SELECT id FROM routing WHERE proposal_id = :p) WHERE id = :i"
                ),
                {"p": item["proposal_id"], "i": item["id"]},
            )
        if item["procedure_id"] is None:
            continue
        bind.execute(
            enactment.insert().values(
                decision_item_id=item["id"],
                procedure_id=item["procedure_id"],
                in_force_on=item["effective_on"],
                revision=None,
                applied_by=None,
                applied_at=sa.func.current_timestamp(),
                lines=["applied at publication, before migration 0009 (act not recorded)"],
            )
        )


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    _create_tables()
    # Plain integers, checked by the services: SQLite cannot ALTER a table to add a key
    # (a batch copy would drop the 0002 triggers), and both engines keep one schema.
    for column in ("act_id", "routing_id", "replacement_procedure_id"):
        op.add_column("decision_item", sa.Column(column, sa.Integer(), nullable=True))
    op.add_column("proposal", sa.Column("figures_source", sa.Text(), nullable=True))
    _migrate_rows(bind)
    _decision_item_triggers(dialect, enable=False)
    _migrate_items(bind)
    _decision_item_triggers(dialect, enable=True)
    _signed_triggers(dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in SIGNED:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    elif dialect == "postgresql":
        for table in SIGNED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS tthc_refuse_signed_change()")
    op.execute("UPDATE plan SET status = 'approved' WHERE status = 'adopted'")
    with op.batch_alter_table("proposal") as batch:
        batch.drop_column("figures_source")
    for table in ("enactment", "procedure_claim", "business_scope"):
        op.drop_table(table)
    with op.batch_alter_table("decision_item") as batch:
        for column in ("act_id", "routing_id", "replacement_procedure_id"):
            batch.drop_column(column)
    for table in ("act_link", "legal_act", "routing", "adoption"):
        op.drop_table(table)
