"""Questions the HUD asks the trace: why a citizen is where it is, and a clicked event's
causes and consequences. Read-only over the timeline: the why chain is a projection of the
moment shown (`Readout.why`), the focus goes back to the reducer as `ShowFocus`. Never imports
pygame.
"""

from __future__ import annotations

from typing import NamedTuple

from game import config
from game.trace.monoid import TraceIndex
from game.trace.timeline import Timeline
from game.view.uistate import Focus
from game.view.when import on_the_clock

FOCUS_WINDOW = config.PHASE_TICKS  # ticks either side searched for a clicked event's causes
FOCUS_CHAIN = 24  # causes and consequences shown, each way


class WhyLine(NamedTuple):
    """One line of the why chain; a step's line names its event, so a click can go there."""

    text: str
    event_id: str | None = None
    tick: int = 0


def why(timeline: Timeline, citizen: int) -> tuple[WhyLine, ...]:
    """The reason citizen `citizen` is as it is at the cursor, then the chain back to it (one
    line per step, naming its event), with times as day and clock."""
    flux = timeline.flux
    names = {c.id: c.name for c in flux.citizens}
    chain = TraceIndex(timeline.events(end=timeline.cursor)).why(
        flux.citizens[citizen].id, timeline.cursor, names)
    steps = [WhyLine(on_the_clock(line), e.id, e.tick)  # the screen's time, not ticks
             for line, e in zip(chain.lines(names), chain.events, strict=False)]
    return (WhyLine(on_the_clock(chain.reason)), *steps)


def focus(timeline: Timeline, event_id: str, tick: int) -> Focus | None:
    """Event `event_id` at `tick` with its causal chain; None if it is not found there."""
    events = timeline.events(start=max(0, tick - FOCUS_WINDOW),
                             end=min(timeline.branch.head, tick + FOCUS_WINDOW))
    index = TraceIndex(events)
    try:
        past = index.causal_past(event_id)[-FOCUS_CHAIN:]
    except KeyError:
        return None
    chain = [*past, *index.causal_future(event_id)[:FOCUS_CHAIN]]
    event = events[index.position(event_id)]
    return Focus(event_id, frozenset({event_id, *(e.id for e in chain)}),
                 frozenset({tick, *(e.tick for e in chain)}),
                 tuple(timeline.flux.index[c] for c in event.participants))
