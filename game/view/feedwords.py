"""The feed in the words a person reads: the same events, told without repeating itself.

The events' own messages are part of the history (their digest is pinned), so the window
rewords only what it shows: rows of one tick and op that say the same of different citizens
(a festival's crowd setting off, its overflow finding the square full) become one row naming
a few and counting the rest, and a card's crowd is counted in grammatical English ("1 citizen
runs", "nobody is outdoors"). A card that failed as played is said in a toast, with the laws'
reason.
Pure: never imports pygame, the timeline or the flux.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from game.projections.history import FeedRow
from game.sim.cards import CARDS
from game.sim.events import Record

NAMED = 2  # a merged row names this many citizens, then counts the rest


def crowd(names: Sequence[str]) -> str:
    """"Ada", "Ada & Bruno", "Ada, Bruno & Ed", "Ada, Bruno and 3 more"."""
    if not names:
        return "the town"
    if len(names) <= NAMED + 1:  # "and 1 more" would say less than the name itself
        return " & ".join(filter(None, (", ".join(names[:-1]), names[-1])))
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


def _alike(row: FeedRow) -> str | None:
    """What a row says apart from who: rows of one tick and op that say the same of different
    citizens fold into one. A refusal's reason, or a lone citizen's deed ("… set off for the
    square")."""
    if not row.success:
        return _reason(row)
    if len(row.who) == 1 and row.text.startswith(row.who[0] + " "):
        return row.text[len(row.who[0]):]
    return None


def _folded(into: FeedRow, row: FeedRow, said: str) -> FeedRow:
    who = (*into.who, *row.who)
    if not row.success:
        return replace(into, who=who, text=f"{row.op} failed for {crowd(who)}: {said}")
    return replace(into, who=who, text=f"{crowd(who)}{said}")


def told(rows: Sequence[FeedRow]) -> tuple[FeedRow, ...]:
    """The feed's rows (newest first) as the window shows them."""
    out: list[FeedRow] = []
    said: list[str | None] = []  # what each row of `out` says apart from who
    for row in rows:
        if row.perturbation and row.op in CARD_WORDS:
            row = replace(row, text=CARD_WORDS[row.op](row))
        alike = _alike(row)
        last = out[-1] if out else None
        if (last is not None and alike is not None and said[-1] == alike
                and (last.tick, last.op, last.success) == (row.tick, row.op, row.success)):
            out[-1] = _folded(last, row, alike)
        else:
            out.append(row)
            said.append(alike)
    return tuple(out)


def card_failures(records: Sequence[Record]) -> list[str]:
    """What a toast says for each card among `records` that failed as played (its own op, not
    its consequences' refusals): the card's title and the laws' reason ("Wake: Wren is awake")."""
    return [f"{CARDS[r.card].title}: {r.reason or 'it did not happen'}" for r in records
            if r.card in CARDS and not r.success and r.op == CARDS[r.card].op]
