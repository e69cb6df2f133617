"""The annual review cycle: plans, proposals, the chair's decisions and published decisions.

It will hold review plans, reviews, phương án, decisions and legal acts (PROCESS.md §1).

Life cycle (DESIGN §5)::

    plan: draft ──submit──▶ submitted ──approve──▶ approved ──publish──▶ published
    proposal: draft ──submit──▶ submitted ──decide──▶ approved | rejected | returned
              returned ──edit──▶ draft ──submit──▶ submitted …      (any open one ──▶ withdrawn)

Every service takes the session and the acting user's name keyword-only, checks the
user's role against :data:`catalogue.registry.auth.PERMISSIONS`, changes rows and writes an audit
row in the same transaction (the caller's :func:`catalogue.registry.db.session_scope` commits).
Proposals and plans carry a ``version``: every change is an ``UPDATE … WHERE version = v``
so that a second, stale save fails with :class:`~catalogue.registry.errors.ConcurrentEdit` (both
texts kept in the error) instead of silently overwriting the first.

A published decision and its items are immutable (the service refuses, and database
triggers from migration 0002 refuse too); a correction is a new decision that amends it.

Modules: :mod:`~catalogue.cycle.plans` (plans and proposals),
:mod:`~catalogue.cycle.decisions` (publication), :mod:`~catalogue.cycle.views`
(read-only frames), :mod:`~catalogue.cycle.common` (constants, cost figures).
"""

from analysis.vocab import PLAN_STATUSES, PROPOSAL_STATUSES
from catalogue.cycle.common import (
    PROPOSAL_ACTIONS,
    SECTION_OF_ACTION,
    SECTIONS,
    STATUS_AFTER,
    VERDICTS,
    CostFigures,
    Immutable,
    evaluate_option,
)
from catalogue.cycle.decisions import delete_decision, publish_decision, update_decision
from catalogue.cycle.plans import (
    add_proposal,
    approve_plan,
    create_plan,
    decide_proposal,
    edit_proposal,
    submit_plan,
    withdraw_proposal,
)
from catalogue.cycle.views import (
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
from catalogue.registry.errors import ServiceError
from catalogue.registry.models import Plan, Proposal

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
