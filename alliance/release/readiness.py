"""Release readiness: how far a person's pre-release programme is, and whether they are ready
(every step that blocks readiness done or not applicable). One rule, for a person, for a page
of people and for a facility."""

import datetime
from dataclasses import dataclass

from .models import StepStatus


@dataclass(frozen=True)
class Readiness:
    total: int = 0
    done: int = 0  # done or not applicable
    outstanding: int = 0
    overdue: int = 0
    blocking: int = 0  # outstanding steps that block readiness

    @property
    def ready(self) -> bool:
        return self.total > 0 and self.blocking == 0

    @property
    def started(self) -> bool:
        return self.total > 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def readiness_of(steps, today: datetime.date) -> Readiness:
    """From a person's steps (of one custody episode; templates selected with them)."""
    total = done = outstanding = overdue = blocking = 0
    for step in steps:
        total += 1
        if step.status != StepStatus.PENDING:
            done += 1
            continue
        outstanding += 1
        overdue += step.due_on < today
        blocking += step.template.blocks_readiness
    return Readiness(total, done, outstanding, overdue, blocking)


def by_episode(steps, today: datetime.date) -> dict[int, Readiness]:
    """episode id -> readiness, for a list of steps of many people."""
    grouped: dict[int, list] = {}
    for step in steps:
        grouped.setdefault(step.episode_id, []).append(step)
    return {episode_id: readiness_of(rows, today) for episode_id, rows in grouped.items()}
