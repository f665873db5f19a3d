"""The fixed vocabulary of regwatch (docs/vocabulary.md): every status, measure and stage is one of these."""

from __future__ import annotations

from enum import StrEnum


class Substance(StrEnum):
    KRATOM = "kratom"
    SEVEN_OH = "7-oh"
    SYNTHETIC = "synthetic"


class Measure(StrEnum):
    BAN = "ban"
    RESTRICT = "restrict"
    REGULATE = "regulate"
    UNBAN = "unban"
    PROTECT = "protect"
    STUDY = "study"
    WITHDRAW = "withdraw"
    ENFORCE = "enforce"
    UNRELATED = "unrelated"
    UNCLASSIFIED = "unclassified"


class Scope(StrEnum):
    """What a provision governs."""

    SALE = "sale"
    POSSESSION = "possession"
    MANUFACTURE = "manufacture"
    IMPORT = "import"
    ALL = "all"


class DatePrecision(StrEnum):
    """How much of a date is known: a fact known only to a year is dated to its year, not to its 1st."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Stage(StrEnum):
    PROPOSED = "proposed"
    INTRODUCED = "introduced"
    PASSED_CHAMBER = "passed_chamber"
    PASSED_LEGISLATURE = "passed_legislature"
    ENACTED = "enacted"
    EFFECTIVE = "effective"
    FAILED = "failed"
    VETOED = "vetoed"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    PUBLISHED = "published"


class Status(StrEnum):
    LEGAL = "legal"
    REGULATED = "regulated"
    RESTRICTED = "restricted"
    BANNED = "banned"
    UNKNOWN = "unknown"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Higher is more severe: low 0 ... critical 3."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 0, Severity.MEDIUM: 1, Severity.HIGH: 2, Severity.CRITICAL: 3}


class NoticeKind(StrEnum):
    BILL = "bill"
    RESOLUTION = "resolution"
    STATUTE = "statute"
    RULE = "rule"
    EMERGENCY_RULE = "emergency_rule"
    NOTICE = "notice"
    PRESS_RELEASE = "press_release"
    ADVISORY = "advisory"
    IMPORT_ALERT = "import_alert"
    WARNING_LETTER = "warning_letter"
    ORDINANCE = "ordinance"
    COURT = "court"
    GUIDANCE = "guidance"
    OTHER = "other"


class ChangeKind(StrEnum):
    STATUS_CHANGED = "status_changed"
    SCHEDULED_ADDED = "scheduled_added"
    SCHEDULED_DROPPED = "scheduled_dropped"
    PENDING_ADDED = "pending_added"
    PENDING_ADVANCED = "pending_advanced"
    PENDING_DROPPED = "pending_dropped"
    NEWS = "news"
    CONFLICT = "conflict"
    STATUS_CORRECTED = "status_corrected"
    SOURCE_BROKEN = "source_broken"
    # Not a change of the law: the current status for a new subscriber's filters, sent once with their first
    # digest (regwatch.notify.subscribers). It travels through the outbox like a change, never in a run.
    WELCOME = "welcome"


class ReviewReason(StrEnum):
    """Why a reading waits for a person (regwatch review list)."""

    CONFLICT = "conflict"
    UNCLASSIFIED = "unclassified"
    UNVERIFIED = "unverified"
    LOW_CONFIDENCE = "low_confidence"


class Cadence(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


class RunState(StrEnum):
    """A run is built while `running` and readable by everyone once `published` (one transaction)."""

    RUNNING = "running"
    PUBLISHED = "published"


class OutboxState(StrEnum):
    """One outbox row's life: queued -> sending (claimed) -> sent, failed (refused for good), or queued again."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Reliability(StrEnum):
    """How sure a reading or a cell is: official text (primary), agreeing reporting (secondary), or unverified."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"

    @classmethod
    def _missing_(cls, value: object) -> Reliability | None:
        # The baseline's first files, and stores written before migration 0004, spell them P, S, UNVERIFIED.
        return _OLD_RELIABILITY.get(str(value).upper())

    @property
    def rank(self) -> int:
        """Higher is surer: unverified 0 ... primary 2."""
        return _RELIABILITY_RANK[self]


_OLD_RELIABILITY = {"P": Reliability.PRIMARY, "S": Reliability.SECONDARY, "UNVERIFIED": Reliability.UNVERIFIED}
_RELIABILITY_RANK = {Reliability.UNVERIFIED: 0, Reliability.SECONDARY: 1, Reliability.PRIMARY: 2}


# Stages of a live proposal, in the order a bill advances through them.
PROPOSAL_STAGES: tuple[Stage, ...] = (
    Stage.PROPOSED,
    Stage.INTRODUCED,
    Stage.PASSED_CHAMBER,
    Stage.PASSED_LEGISLATURE,
)
IN_FORCE_STAGES: tuple[Stage, ...] = (Stage.ENACTED, Stage.EFFECTIVE)
ENDED_STAGES: tuple[Stage, ...] = (Stage.FAILED, Stage.VETOED, Stage.WITHDRAWN, Stage.EXPIRED)

# Measures that set a status once in force; the others are evidence and news.
STATUS_MEASURES: dict[Measure, Status] = {
    Measure.BAN: Status.BANNED,
    Measure.RESTRICT: Status.RESTRICTED,
    Measure.REGULATE: Status.REGULATED,
    Measure.UNBAN: Status.LEGAL,
}

# How strict a status is: on one date, the stricter of two acts is applied last and wins.
STATUS_STRICTNESS: dict[Status, int] = {
    Status.UNKNOWN: -1,
    Status.LEGAL: 0,
    Status.REGULATED: 1,
    Status.RESTRICTED: 2,
    Status.BANNED: 3,
}
