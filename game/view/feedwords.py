"""The feed in the words a person reads: the same events, told without repeating itself.

The events' own messages are part of the history (their digest is pinned), so the window
rewords only what it shows: refusals of one op for one reason in one tick (a festival's
overflow finding the square full) become one row naming a few and counting the rest, and a
card's crowd is counted in grammatical English ("1 citizen runs", "nobody is outdoors"). A
card that failed as played is said in a toast, with the laws' reason.
Pure: never imports pygame, the timeline or the flux.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from game.projections.history import FeedRow
from game.sim.cards import CARDS
from game.sim.events import Event

NAMED = 2  # a merged row names this many citizens, then counts the rest


def crowd(names: Sequence[str]) -> str:
    """"Ada", "Ada & Bruno", "Ada, Bruno and 3 more"."""
    if len(names) <= NAMED:
        return " & ".join(names) or "the town"
    return f"{', '.join(names[:NAMED])} and {len(names) - NAMED} more"


def citizens(n: int) -> str:
    """"1 citizen", "5 citizens"."""
    return "1 citizen" if n == 1 else f"{n} citizens"


def _storm(row: FeedRow) -> str:
    n = len(row.who)
    if n == 0:
        return "a storm! nobody is outdoors: the town waits it out"
    return f"a storm! {citizens(n)} {'runs' if n == 1 else 'run'} for shelter"


def _festival(row: FeedRow) -> str:
    n = len(row.who)
    if n == 0:
        return "a festival! but nobody is free to come"
    return f"a festival! {citizens(n)} {'is' if n == 1 else 'are'} called to the square"


CARD_WORDS: dict[str, Callable[[FeedRow], str]] = {"storm": _storm, "festival": _festival}


def _reason(row: FeedRow) -> str | None:
    """A refusal's reason (its message reads "<op> failed for <names>: <reason>")."""
    if row.success or not row.text.startswith(f"{row.op} failed for "):
        return None
    return row.text.partition(": ")[2] or None


def told(rows: Sequence[FeedRow]) -> tuple[FeedRow, ...]:
    """The feed's rows (newest first) as the window shows them."""
    out: list[FeedRow] = []
    for row in rows:
        if row.perturbation and row.op in CARD_WORDS:
            row = replace(row, text=CARD_WORDS[row.op](row))
        last = out[-1] if out else None
        reason = _reason(row)
        if (last is not None and reason is not None and last.tick == row.tick
                and last.op == row.op and _reason(last) == reason):
            who = (*last.who, *row.who)
            out[-1] = replace(last, who=who, text=f"{row.op} failed for {crowd(who)}: {reason}")
        else:
            out.append(row)
    return tuple(out)


def card_failures(events: Sequence[Event]) -> list[str]:
    """What a toast says for each card among `events` that failed as played (its own op, not
    its consequences' refusals): the card's title and the laws' reason ("Wake: Wren is awake")."""
    return [f"{CARDS[e.card].title}: {e.reason or 'it did not happen'}" for e in events
            if e.perturbation and not e.success and e.card in CARDS
            and e.op == CARDS[e.card].op]
