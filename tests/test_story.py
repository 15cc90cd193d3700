"""Story markers and captions from a real history."""

from __future__ import annotations

from game.sim.cards import Perturbation
from game.trace.story import Storyline, caption, story_markers
from game.trace.timeline import Timeline


def test_a_played_history_has_markers_for_its_turning_points() -> None:
    tl = Timeline("town", 2)
    tl.add_perturbation(Perturbation(tick=20, card="rumor", targets=("igor",)))
    tl.add_perturbation(Perturbation(tick=500, card="festival"))
    tl.advance(3200)
    names = {c.id: c.name for c in tl.flux.citizens}
    markers = story_markers(tl.events(), names, rumor_reach=3)
    kinds = {m.kind for m in markers}
    assert {"festival", "dispute", "coalition_formed", "rumor"} <= kinds
    assert [m.tick for m in markers] == sorted(m.tick for m in markers)
    rumor = next(m for m in markers if m.kind == "rumor")
    assert rumor.text == "the rumor about Igor reached 3 citizens"
    assert sum(m.kind == "rumor" for m in markers) == 1  # one marker per rumor
    disputes = [e for e in tl.events() if e.op == "dispute" and e.success]
    assert [m.text for m in markers if m.kind == "dispute"] == [
        f"{names[e.participants[0]]} and {names[e.participants[1]]} quarrel" for e in disputes]


def test_captions_name_who_did_what() -> None:
    tl = Timeline("town", 7)
    tl.add_perturbation(Perturbation(tick=5, card="rumor", targets=("igor",)))
    events = tl.advance(5)
    names = {c.id: c.name for c in tl.flux.citizens}
    spread = [caption(e, names) for e in events if e.op == "gossip"]
    assert spread and spread[0].endswith("about Igor · a rumor spreads")


def test_a_storyline_fed_in_batches_marks_what_one_pass_marks() -> None:
    tl = Timeline("town", 7)
    tl.add_perturbation(Perturbation(tick=481, card="rumor", targets=("igor", "nadia")))
    tl.advance(1600)
    names = {c.id: c.name for c in tl.flux.citizens}
    events = tl.events()
    storyline = Storyline(names)
    batched = [m for k in range(0, len(events), 50) for m in storyline.add(events[k:k + 50])]
    assert batched == story_markers(events, names)
    assert sum(m.kind == "rumor" for m in batched) == 1
