"""The engine's vocabularies as string enums (DESIGN §3).

Each is a :class:`~enum.StrEnum`: a member equals, hashes and prints as its value, so the
JSON of views, saves and state hashes is the same text as with plain strings, and scenario
data (plain strings) compares equal to the members.
"""

from __future__ import annotations

from enum import StrEnum, unique


@unique
class Phase(StrEnum):
    """Where a round stands (DESIGN §3.3)."""

    NEWS = "news"  #: events fire (automatic; named in the log only)
    TALKS = "talks"  #: bilateral sessions, one move at a time
    ORDERS = "orders"  #: each player's secret orders, then done
    RESOLUTION = "resolution"  #: orders, ratification, economy, politics, markets (automatic)
    OVER = "over"  #: the game has ended


@unique
class DealStatus(StrEnum):
    """The life of a deal (DESIGN §3.4)."""

    AGREED = "agreed"  #: accepted in talks, waiting for ratification at resolution
    IN_FORCE = "in_force"  #: ratified; its terms apply
    FAILED = "failed"  #: a ratifier's win-set refused it
    RENEGED = "reneged"  #: a party reneged; its terms are void for both
    SUPERSEDED = "superseded"  #: replaced by a later deal of the same pair (or concession)


@unique
class SessionStatus(StrEnum):
    """How a talks session ended (or that it is still open)."""

    OPEN = "open"
    AGREED = "agreed"
    REJECTED = "rejected"
    PASSED = "passed"  #: the requester made no proposal
    LAPSED = "lapsed"  #: a counter beyond max_exchanges


@unique
class LayerStatus(StrEnum):
    """Whether a tariff layer applies (DESIGN §3.9)."""

    IN_FORCE = "in_force"
    PAUSED = "paused"  #: snaps back at the deadline
    INACTIVE = "inactive"  #: takes effect on its from_day


@unique
class TermKind(StrEnum):
    """The kinds of catalogue item a deal term can be (DESIGN §3.4)."""

    TARIFF_CAP = "tariff_cap"
    TARIFF_CUT = "tariff_cut"
    QUOTA = "quota"
    PURCHASE = "purchase"
    INVESTMENT = "investment"
    COST_SHARING = "cost_sharing"
    REGULATORY = "regulatory"
    CURRENCY = "currency"
    DEBT_SWAP = "debt_swap"
    SUSPEND_COUNTERMEASURES = "suspend_countermeasures"
    DEADLINE_EXTENSION = "deadline_extension"
    PROCESS = "process"


@unique
class OrderKind(StrEnum):
    """The orders of the orders phase (DESIGN §3.3)."""

    SET_TARIFF = "set_tariff"
    COUNTERMEASURE = "countermeasure"
    CONCEDE = "concede"
    STATEMENT = "statement"
    REQUEST_TALKS = "request_talks"
    EXTEND_DEADLINE = "extend_deadline"
    RENEGE = "renege"


@unique
class TalkKind(StrEnum):
    """The moves of a talks session (DESIGN §3.3)."""

    PROPOSE = "propose"
    COUNTER = "counter"
    ACCEPT = "accept"
    REJECT = "reject"
    PASS = "pass"


@unique
class StatementKind(StrEnum):
    """Public statements and their audience costs (DESIGN §3.6)."""

    CLAIM_PROGRESS = "claim_progress"
    PUBLIC_DEMAND = "public_demand"
    THREAT = "threat"
    REASSURE = "reassure"
    FACT_CHECK = "fact_check"


@unique
class TalkLevel(StrEnum):
    """The level of a talks session: sets max_exchanges and the stakes (DESIGN §3.9)."""

    WORKING = "working"
    MINISTERIAL = "ministerial"
    LEADER = "leader"
