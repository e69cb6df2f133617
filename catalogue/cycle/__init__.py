"""The annual review cycle: plans, proposals, the chair's decisions and published decisions.

It will hold review plans, reviews, phương án, decisions and legal acts (PROCESS.md §1).

The law's sequence (PROCESS.md §1, issue 12): a plan (phương án) is submitted, the
chair decides each proposal and signs the Quyết định thông qua
(:func:`~catalogue.cycle.adoption.adopt_plan`: routes each proposal, changes no record);
a legal act is recorded and linked (:mod:`~catalogue.cycle.acts`); the chair signs the
Quyết định công bố citing it (:func:`~catalogue.cycle.publication.publish_list`); from
the act's date in force :func:`~catalogue.cycle.enactment.apply_due_changes` applies
every change. The earlier shortcut (approving a plan, then a decision rewriting the
catalogue at once) is gone; decisions it published before migration 0009 are still read.

Life cycle (DESIGN §5)::

    plan: draft ──submit──▶ submitted ──adopt──▶ adopted
          (approved / published: plans of the earlier shortcut, read only)
    proposal: draft ──submit──▶ submitted ──decide──▶ approved | rejected | returned
              returned ──edit──▶ draft ──submit──▶ submitted …      (any open one ──▶ withdrawn)

Every service takes the session and the acting user's name keyword-only, checks the
user's role against :data:`catalogue.registry.auth.PERMISSIONS`, changes rows and writes an audit
row in the same transaction (the caller's :func:`catalogue.registry.db.session_scope` commits).
Proposals and plans carry a ``version``: every change is an ``UPDATE … WHERE version = v``
so that a second, stale save fails with :class:`~catalogue.registry.errors.ConcurrentEdit` (both
texts kept in the error) instead of silently overwriting the first.

A published decision and its items are immutable (the service refuses, and database
triggers from migrations 0002 and 0009 refuse too); a correction is a new decision.

Modules: :mod:`~catalogue.cycle.plans` (plans and proposals),
:mod:`~catalogue.cycle.adoption`, :mod:`~catalogue.cycle.acts`,
:mod:`~catalogue.cycle.publication`, :mod:`~catalogue.cycle.enactment` (the law's
sequence), :mod:`~catalogue.cycle.decisions` (immutability, revisions),
:mod:`~catalogue.cycle.views` (read-only frames), :mod:`~catalogue.cycle.common`
(constants, cost figures).
"""

from analysis.vocab import PLAN_STATUSES, PROPOSAL_STATUSES
from catalogue.cycle.acts import EXTENTS, import_acts, link_act, record_act
from catalogue.cycle.adoption import (
    ROUTES,
    adopt_plan,
    check_decision_number,
    default_route,
    update_adoption,
)
from catalogue.cycle.claims import ClaimConflict
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
from catalogue.cycle.cycle_views import acts_frame, find_act, find_procedure_id, routings_frame
from catalogue.cycle.decisions import delete_decision, update_decision
from catalogue.cycle.enactment import apply_due_changes, pending_changes
from catalogue.cycle.plans import (
    add_proposal,
    create_plan,
    decide_proposal,
    edit_proposal,
    submit_plan,
    withdraw_proposal,
)
from catalogue.cycle.proposal_file import proposal_files
from catalogue.cycle.publication import Publication, publish_list, working_days_between
from catalogue.cycle.scope import business_related_map, derived_business_related, set_business_scope
from catalogue.cycle.stages import STAGES, savings_by_stage, stage_totals
from catalogue.cycle.views import (
    DECISION_COLUMNS,
    ITEM_COLUMNS,
    PLAN_COLUMNS,
    PROPOSAL_COLUMNS,
    approval_queue,
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
    "EXTENTS",
    "ROUTES",
    "ClaimConflict",
    "Publication",
    "adopt_plan",
    "apply_due_changes",
    "check_decision_number",
    "default_route",
    "import_acts",
    "link_act",
    "pending_changes",
    "publish_list",
    "record_act",
    "working_days_between",
    "acts_frame",
    "find_act",
    "find_procedure_id",
    "routings_frame",
    "STAGES",
    "savings_by_stage",
    "stage_totals",
    "business_related_map",
    "derived_business_related",
    "set_business_scope",
    "update_adoption",
    "DECISION_COLUMNS",
    "ITEM_COLUMNS",
    "PLAN_COLUMNS",
    "PLAN_STATUSES",
    "PROPOSAL_ACTIONS",
    "PROPOSAL_COLUMNS",
    "PROPOSAL_STATUSES",
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
    "proposal_files",
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
    "show_decision",
    "show_plan",
    "submit_plan",
    "update_decision",
    "withdraw_proposal",
]
