"""The registry's controlled vocabularies: the one definition in :mod:`analysis.vocab`.

Re-exported here so that registry code reads ``catalogue.registry.vocab``; nothing is
defined in this module.
"""

from analysis.vocab import (
    CHANNEL_CODES,
    CHANNELS,
    CURRENCIES,
    DEADLINE_UNIT_CODES,
    DEADLINE_UNITS,
    FEE_KIND_CODES,
    FEE_KINDS,
    IN_FORCE_STATUSES,
    LEVEL_CODES,
    LEVELS,
    METHODS,
    ONLINE_LEVEL_CODES,
    ONLINE_LEVELS,
    PLAN_STATUSES,
    PROPOSAL_STATUSES,
    STATUSES,
    UnknownSpelling,
    channel_code,
    level_code,
    to_code,
)

__all__ = [
    "CHANNELS",
    "CHANNEL_CODES",
    "CURRENCIES",
    "DEADLINE_UNITS",
    "DEADLINE_UNIT_CODES",
    "FEE_KINDS",
    "FEE_KIND_CODES",
    "LEVELS",
    "LEVEL_CODES",
    "METHODS",
    "IN_FORCE_STATUSES",
    "ONLINE_LEVELS",
    "ONLINE_LEVEL_CODES",
    "PLAN_STATUSES",
    "PROPOSAL_STATUSES",
    "STATUSES",
    "UnknownSpelling",
    "channel_code",
    "level_code",
    "to_code",
]
