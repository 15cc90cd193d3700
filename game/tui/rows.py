"""What the terminal shows of a projection document, as text: the clock line, the metrics line
and sparkline series, the citizens table's rows, the feed's rows under a filter, and a citizen
card's lines. Pure functions of the projections; the Textual app only places them."""

from __future__ import annotations

from game.projections.card import MAX_LOD, Card
from game.projections.coalitions import membership
from game.projections.document import TownDocument
from game.projections.feedfilter import EVERY_EVENT, FeedFilter, filtered
from game.projections.town import clock_text

CITIZEN_COLUMNS = ("citizen", "region", "activity", "mood", "coalition")
FEED_COLUMNS = ("tick", "time", "op", "what happened")
SERIES = ("tension", "cooperation", "drama")


def clock_line(doc: TownDocument, head: int, playing: bool) -> str:
    c = doc.clock
    return (f"{c.branch} · tick {c.tick:,} of {head:,} · day {c.day} {c.phase.lower()} "
            f"{c.time} · {'playing' if playing else 'paused'} · hash {doc.hash}")


def metrics_line(doc: TownDocument) -> str:
    m = doc.metrics
    return (f"tension {m.tension:.4f} · cooperation {m.cooperation:.3f} · "
            f"surplus {m.surplus:.0f} · drama {m.drama:.2f} · events today {m.events_today} · "
            f"coalitions {len(doc.coalitions)}")


def series(doc: TownDocument, name: str) -> list[float]:
    """A metric's samples up to the tick, for a sparkline: none before there are two (a
    sparkline of one sample is a solid bar that says nothing)."""
    values = [float(getattr(sample, name)) for sample in doc.series]
    return values if len(values) >= 2 else []


def citizen_rows(doc: TownDocument) -> list[tuple[str, str, str, str, str]]:
    held = membership(doc.coalitions, len(doc.citizens))
    return [(c.name, c.region, c.activity, c.temper.mood if c.temper else "",
             " ".join(held[c.index]) or "—") for c in doc.citizens]


def feed_rows(doc: TownDocument, wanted: FeedFilter = EVERY_EVENT
              ) -> list[tuple[str, str, str, str]]:
    """The feed, newest first: the rows `wanted` keeps (the feed filter's words: what is typed
    after `/`)."""
    return [(str(row.tick), clock_text(row.tick), row.op, row.text)
            for row in filtered(doc.feed, wanted)]


def card_lines(c: Card) -> list[str]:
    """A citizen's card, a line for each thing its level of detail shows (the window's
    inspector shows the same sections)."""
    lines = [f"{c.name} · detail {c.lod}/{MAX_LOD} (+ -)", c.doing]
    if c.temper is not None:
        lines.append(f"{c.temper.archetype} · {c.temper.mood}")
    if c.voice is not None:
        lines.append(f"{c.voice.worldview}: {c.voice.metaphor}")
        lines += [f'"{line}"' for line in c.voice.lines]
    if c.ties is not None:
        lines.append("memories: " + ("; ".join(c.ties.memories) or "none yet"))
        lines.append("closest: " + ", ".join(f"{b.name} {b.weight:+.2f}" for b in c.ties.bonds))
    if c.measures is not None:
        lines.append(" ".join(f"{t.dimension[:3]} {t.value:.2f}" for t in c.measures.personality))
        lines.append(f"surplus {c.measures.surplus:.0f} · "
                     f"reputation {c.measures.reputation:.3f}")
    if c.opacity is not None:
        lines.append(f"keeps to itself: {c.opacity}")
    return lines
