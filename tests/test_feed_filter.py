"""The feed's filter and search as pure functions: which rows each kind and each name keeps,
and the matches of a branch's history as the feed reads them at a moment."""

from __future__ import annotations

import pytest

from game.projections.feedfilter import FeedFilter, Found, filtered
from game.projections.history import FeedRow, feed_row
from game.trace.timeline import Timeline
from game.view.search import FeedSearch


def row(event_id: str, op: str, who: tuple[str, ...], *, card: bool = False,
        ok: bool = True, tick: int = 1) -> FeedRow:
    return FeedRow(event_id, tick, op, f"{op} {' '.join(who)}", who, card, ok)


ROWS = (
    row("e1", "greet", ("Ada", "Bruno")),
    row("e2", "storm", ("Ada", "Clara", "Ed"), card=True),
    row("e3", "walk", ("Bruno",), ok=False),
    row("e4", "coalition_formed", ("Clara", "Ed", "Adalbert")),
    row("e5", "coalition_dissolved", ("Bruno", "Ed")),
    row("e6", "gossip", ("Ed", "Clara"), card=True, ok=False),
)


def ids(wanted: FeedFilter) -> list[str]:
    return [r.event_id for r in filtered(ROWS, wanted)]


@pytest.mark.parametrize(("kind", "want"), [
    ("all", ["e1", "e2", "e3", "e4", "e5", "e6"]),
    ("cards", ["e2", "e6"]),
    ("failures", ["e3", "e6"]),
    ("coalitions", ["e4", "e5"]),
])
def test_each_kind_keeps_its_rows(kind: str, want: list[str]) -> None:
    assert ids(FeedFilter(kind)) == want


def test_one_citizen_keeps_the_rows_it_takes_part_in_and_nobody_keeps_none() -> None:
    assert ids(FeedFilter("citizen", citizen="Bruno")) == ["e1", "e3", "e5"]
    assert ids(FeedFilter("citizen")) == []  # nobody selected


def test_the_search_finds_part_of_a_name_in_any_case_and_combines_with_the_kind() -> None:
    assert ids(FeedFilter(query="ada")) == ["e1", "e2", "e4"]  # Ada, and Adalbert
    assert ids(FeedFilter(query="  ADALB ")) == ["e4"]
    assert ids(FeedFilter("cards", query="clara")) == ["e2", "e6"]
    assert ids(FeedFilter("failures", query="bru")) == ["e3"]
    assert ids(FeedFilter(query="greet")) == []  # names, not what happened


def test_words_must_all_be_in_the_text_the_operation_or_the_names_in_any_case() -> None:
    rows = (FeedRow("w1", 1, "trade", "a deal was struck", ("Ada", "Bruno"), False, True),
            FeedRow("w2", 2, "storm", "rain on the square", (), True, True),
            FeedRow("w3", 3, "gossip", "a rumor about the deal", ("Clara",), True, False))

    def kept(wanted: FeedFilter) -> list[str]:
        return [r.event_id for r in filtered(rows, wanted)]
    assert kept(FeedFilter(words="DEAL")) == ["w1", "w3"]  # the text
    assert kept(FeedFilter(words="storm")) == ["w2"]  # the operation
    assert kept(FeedFilter(words="bru")) == ["w1"]  # a name
    assert kept(FeedFilter(words="  deal  clara ")) == ["w3"]  # every word, anywhere
    assert kept(FeedFilter("cards", words="deal")) == ["w3"]  # with a kind
    assert kept(FeedFilter(words="deal nobody")) == []
    assert kept(FeedFilter(words="   ")) == ["w1", "w2", "w3"]


def test_a_filter_is_active_only_when_it_leaves_something_out() -> None:
    assert not FeedFilter().active and not FeedFilter(query="  ").active
    assert not FeedFilter(words=" ").active and FeedFilter(words="ada").active
    assert FeedFilter("cards").active and FeedFilter(query="a").active
    with pytest.raises(ValueError, match="one of all, cards"):
        FeedFilter("everything")


def test_found_reads_a_branch_history_as_the_feed_at_each_moment() -> None:
    timeline = Timeline("village", 3)
    timeline.advance(1200)
    names = {c.id: c.name for c in timeline.flux.citizens}
    someone = timeline.flux.citizens[2].name
    wanted = FeedFilter("citizen", citizen=someone)
    found = Found(wanted)
    found.add(timeline.events(start=0, end=500), names, 500)  # batch by batch, as it grows
    found.add(timeline.events(start=501, end=1200), names, 1200)
    every = [feed_row(e, names) for e in timeline.events(start=0, end=1200)]
    assert found.rows == [r for r in every if someone in r.who] and found.rows
    assert found.ticks == [r.tick for r in found.rows]
    at = found.rows[len(found.rows) // 2].tick
    want = [r for r in reversed(every) if someone in r.who and at - 300 <= r.tick <= at]
    assert list(found.before(at, 300, 1000)) == want
    assert list(found.before(at, 300, 3)) == want[:3]  # the newest first


def test_a_narrower_filter_is_read_from_a_wider_ones_matches() -> None:
    assert FeedFilter(query="Ada").narrows(FeedFilter(query="ad"))
    assert FeedFilter("cards", query="ad").narrows(FeedFilter(query="a"))
    assert not FeedFilter(query="a").narrows(FeedFilter(query="ad"))  # Backspace widens
    assert not FeedFilter("cards").narrows(FeedFilter("failures"))
    assert not FeedFilter("citizen", citizen="Ada").narrows(FeedFilter("citizen"))
    assert FeedFilter(words="storm cla").narrows(FeedFilter(words="cl"))  # each word held
    assert not FeedFilter(words="storm").narrows(FeedFilter(words="storm clara"))
    timeline = Timeline("village", 3)
    timeline.advance(900)
    names = {c.id: c.name for c in timeline.flux.citizens}
    search = FeedSearch(timeline, names)
    typed = ""
    for letter in timeline.flux.citizens[1].name[:3]:  # each letter narrows the last
        typed += letter
        fresh = Found(FeedFilter(query=typed))
        fresh.add(timeline.events(start=0, end=900), names, 900)
        assert list(search.ticks(FeedFilter(query=typed), 900)) == fresh.ticks and fresh.ticks
    timeline.advance(300)  # and each grows with the history
    fresh = Found(FeedFilter(query=typed[:1]))
    fresh.add(timeline.events(start=0, end=1200), names, 1200)
    assert list(search.ticks(FeedFilter(query=typed[:1]), 1200)) == fresh.ticks
