"""Append-only history: the audit log, revisions and everything a signed decision depends on.

The database itself refuses to rewrite history, whatever session issues the SQL:

- ``audit_log`` and ``revision``: rows are only ever added (UPDATE, DELETE refused; on
  SQLite an INSERT over an existing id, i.e. ``REPLACE INTO``, refused; on PostgreSQL
  TRUNCATE refused);
- a signed decision: ``decision_figure`` stores its savings as signed, and
  ``decision_seal`` is written last when it is published; from then on no item or
  figure of it can be added, changed or removed (``decision`` and ``decision_item``
  already refuse UPDATE and DELETE since 0002; REPLACE and TRUNCATE are now refused too);
- a published plan and its proposals can no longer be updated or deleted.

Decisions published before this migration are sealed, and their figures copied from their
proposals as they stand now.

Revision ID: 0007
Revises: 0009 (chained after the review cycle's 0009, which adds decision_item columns)
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0010"  # chained last: 0006 → 0009 → 0008 → 0010 → 0007 (landing order)
branch_labels = None
depends_on = None

MESSAGE = "Lịch sử chỉ được ghi thêm (history is append-only: this change is refused)"
APPEND_ONLY = ("audit_log", "revision", "decision_figure", "decision_seal")
SEALED_CHILDREN = ("decision_item", "decision_figure")
TRUNCATE_GUARDED = (*APPEND_ONLY, "decision", "decision_item", "plan", "proposal")


def _tables() -> None:
    op.create_table(
        "decision_figure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("decision_id", sa.Integer(), sa.ForeignKey("decision.id"), nullable=False),
        sa.Column("proposal_id", sa.Integer(), sa.ForeignKey("proposal.id"), nullable=False),
        sa.Column("procedure_id", sa.Integer(), sa.ForeignKey("procedure.id"), nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("cost_before", sa.BigInteger(), nullable=True),
        sa.Column("cost_after", sa.BigInteger(), nullable=True),
        sa.Column("savings", sa.BigInteger(), nullable=True),
        sa.Column("cut_rate", sa.Float(), nullable=True),
        sa.Column("deadline_before", sa.Float(), nullable=True),
        sa.Column("deadline_after", sa.Float(), nullable=True),
        sa.UniqueConstraint("proposal_id"),
    )
    op.create_index("ix_decision_figure_decision_id", "decision_figure", ["decision_id"])
    op.create_table(
        "decision_seal",
        sa.Column("decision_id", sa.Integer(), sa.ForeignKey("decision.id"), primary_key=True),
        sa.Column("sealed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )
    op.execute(
        "INSERT INTO decision_figure (decision_id, proposal_id, procedure_id, action, "
        "cost_before, cost_after, savings, cut_rate, deadline_before, deadline_after) "
        "SELECT d.id, p.id, p.procedure_id, p.action, p.cost_before, p.cost_after, p.savings, "
        "p.cut_rate, p.deadline_before, p.deadline_after FROM decision d "
        "JOIN proposal p ON p.plan_id = d.plan_id WHERE p.status = 'approved'"
    )
    op.execute(
        "INSERT INTO decision_seal (decision_id, sealed_at) SELECT id, published_at FROM decision"
    )


def _sqlite() -> None:
    def trigger(name: str, when: str, table: str, condition: str | None = None) -> None:
        where = f" WHEN {condition}" if condition else ""
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {when} ON {table} FOR EACH ROW{where} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )

    for table in APPEND_ONLY:
        trigger(f"{table}_no_update", "UPDATE", table)
        trigger(f"{table}_no_delete", "DELETE", table)
    for table in (*APPEND_ONLY, "decision", "decision_item"):
        key = "decision_id" if table == "decision_seal" else "id"
        trigger(
            f"{table}_no_replace", "INSERT", table,
            f"EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key})",
        )  # fmt: skip
    for table in SEALED_CHILDREN:
        trigger(
            f"{table}_sealed", "INSERT", table,
            "EXISTS (SELECT 1 FROM decision_seal WHERE decision_id = NEW.decision_id)",
        )  # fmt: skip
    published = "(SELECT status FROM plan WHERE id = OLD.plan_id) = 'published'"
    trigger("proposal_published_no_update", "UPDATE", "proposal", published)
    trigger("proposal_published_no_delete", "DELETE", "proposal", published)
    trigger("plan_published_no_update", "UPDATE", "plan", "OLD.status = 'published'")
    trigger("plan_published_no_delete", "DELETE", "plan", "OLD.status = 'published'")
    trigger(
        "plan_published_no_replace", "INSERT", "plan",
        "EXISTS (SELECT 1 FROM plan WHERE id = NEW.id AND status = 'published')",
    )  # fmt: skip


def _postgresql() -> None:
    op.execute(
        "CREATE FUNCTION tthc_refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
        "END $$"
    )
    op.execute(
        "CREATE FUNCTION tthc_refuse_sealed_insert() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF EXISTS (SELECT 1 FROM decision_seal WHERE decision_id = NEW.decision_id) "
        f"THEN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
        "END IF; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE FUNCTION tthc_refuse_published_proposal() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF (SELECT status FROM plan WHERE id = OLD.plan_id) = 'published' "
        f"THEN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; "
        "END IF; IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )
    refuse = "EXECUTE FUNCTION tthc_refuse_history_change()"
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW {refuse}"
        )
    for table in TRUNCATE_GUARDED:
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT {refuse}"
        )
    for table in SEALED_CHILDREN:
        op.execute(
            f"CREATE TRIGGER {table}_sealed BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION tthc_refuse_sealed_insert()"
        )
    op.execute(
        "CREATE TRIGGER proposal_published BEFORE UPDATE OR DELETE ON proposal "
        "FOR EACH ROW EXECUTE FUNCTION tthc_refuse_published_proposal()"
    )
    op.execute(
        "CREATE TRIGGER plan_published BEFORE UPDATE OR DELETE ON plan "
        f"FOR EACH ROW WHEN (OLD.status = 'published') {refuse}"
    )


def upgrade() -> None:
    _tables()
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite()
    elif dialect == "postgresql":
        _postgresql()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        names = [f"{t}_{kind}" for t in APPEND_ONLY for kind in ("no_update", "no_delete")] + [
            f"{t}_no_replace" for t in (*APPEND_ONLY, "decision", "decision_item")
        ]
        names += [f"{t}_sealed" for t in SEALED_CHILDREN]
        names += [
            "proposal_published_no_update", "proposal_published_no_delete",
            "plan_published_no_update", "plan_published_no_delete", "plan_published_no_replace",
        ]  # fmt: skip
        for name in names:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        for table in TRUNCATE_GUARDED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        for table in SEALED_CHILDREN:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_sealed ON {table}")
        op.execute("DROP TRIGGER IF EXISTS proposal_published ON proposal")
        op.execute("DROP TRIGGER IF EXISTS plan_published ON plan")
        for fn in ("history_change", "sealed_insert", "published_proposal"):
            op.execute(f"DROP FUNCTION IF EXISTS tthc_refuse_{fn}()")
    op.drop_table("decision_seal")
    op.drop_index("ix_decision_figure_decision_id", table_name="decision_figure")
    op.drop_table("decision_figure")
