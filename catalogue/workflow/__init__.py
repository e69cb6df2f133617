"""Review workflow services: plans, proposals, the chair's decisions and published decisions.

Life cycle (DESIGN §5)::

    plan: draft ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published
    proposal: draft ──submit──▶ submitted ──decide──▶ approved | rejected | returned
              returned ──edit──▶ draft ──submit──▶ submitted …      (any open one ──▶ withdrawn)

Every service takes the session and the acting user's name keyword-only, checks the
user's role against :data:`catalogue.auth.PERMISSIONS`, changes rows and writes an audit
row in the same transaction (the caller's :func:`catalogue.db.session_scope` commits).
Proposals and plans carry a ``version``: every change is an ``UPDATE … WHERE version = v``
so that a second, stale save fails with :class:`~catalogue.errors.ConcurrentEdit` (both
texts kept in the error) instead of silently overwriting the first.

A published decision and its items are immutable (the service refuses, and database
triggers from migration 0002 refuse too); a correction is a new decision that amends it.

Modules: :mod:`~catalogue.workflow.plans` (plans and proposals),
:mod:`~catalogue.workflow.decisions` (publication), :mod:`~catalogue.workflow.views`
(read-only frames), :mod:`~catalogue.workflow.common` (constants, cost figures).
"""

from catalogue.errors import ServiceError
from catalogue.models import Plan, Proposal
from catalogue.workflow.common import (
    PLAN_STATUSES,
    PROPOSAL_ACTIONS,
    PROPOSAL_STATUSES,
    SECTION_OF_ACTION,
    SECTIONS,
    STATUS_AFTER,
    VERDICTS,
    CostFigures,
    Immutable,
    cut_rate,
    evaluate_option,
)
from catalogue.workflow.decisions import delete_decision, publish_decision, update_decision
from catalogue.workflow.plans import (
    add_proposal,
    approve_plan,
    create_plan,
    decide_proposal,
    edit_proposal,
    submit_plan,
    withdraw_proposal,
)
from catalogue.workflow.views import (
    DECISION_COLUMNS,
    ITEM_COLUMNS,
    PLAN_COLUMNS,
    PROPOSAL_COLUMNS,
    SAVINGS_COLUMNS,
    approval_queue,
    approved_savings_frame,
    audit_frame,
    decision_items_frame,
    decisions_frame,
    find_decision,
    plans_frame,
    proposals_frame,
    show_decision,
    show_plan,
)

__all__ = [
    "DECISION_COLUMNS",
    "ITEM_COLUMNS",
    "PLAN_COLUMNS",
    "PLAN_STATUSES",
    "PROPOSAL_ACTIONS",
    "PROPOSAL_COLUMNS",
    "PROPOSAL_STATUSES",
    "SAVINGS_COLUMNS",
    "SECTIONS",
    "SECTION_OF_ACTION",
    "STATUS_AFTER",
    "VERDICTS",
    "CostFigures",
    "Immutable",
    "Plan",
    "Proposal",
    "ServiceError",
    "add_proposal",
    "approval_queue",
    "approve_plan",
    "approved_savings_frame",
    "audit_frame",
    "create_plan",
    "cut_rate",
    "decide_proposal",
    "decision_items_frame",
    "decisions_frame",
    "delete_decision",
    "edit_proposal",
    "evaluate_option",
    "find_decision",
    "plans_frame",
    "proposals_frame",
    "publish_decision",
    "show_decision",
    "show_plan",
    "submit_plan",
    "update_decision",
    "withdraw_proposal",
]
