"""Each operation's effect, run through the flux by a card (the same path as the town's own)."""

from __future__ import annotations

import numpy as np
import pytest

from game import config
from game.sim.dialogue import LINES, Template
from game.sim.events import Event
from game.sim.flux import TownFlux
from game.sim.model import Activity
from game.sim.ops import OPS, saturate
from tests.helpers import all_bonds, freeze_everyone, place, play


@pytest.fixture
def flux() -> TownFlux:
    f = TownFlux("town", seed=3)
    freeze_everyone(f)
    return f


def only(events: list[Event], op: str) -> Event:
    found = [e for e in events if e.op == op]
    assert len(found) == 1, events
    return found[0]


def test_saturation_scales_gains_by_distance_to_the_bound() -> None:
    assert saturate(0.5, 0.2) == pytest.approx(0.6)
    assert saturate(-0.5, -0.2) == pytest.approx(-0.6)
    assert saturate(0.5, -0.2) == pytest.approx(0.2)
    assert saturate(0.99, 5.0) <= 1.0


def test_greet_raises_both_directions_by_mean_warmth(flux: TownFlux) -> None:
    a, b = place(flux, "ada", "inn"), place(flux, "bruno", "inn")
    s = flux.state
    before_ab, before_ba = s.bond(a, b), s.bond(b, a)
    gain = config.GREET_GAIN * s.personality[[a, b], 0].mean()
    event = only(play(flux, "greet", "ada", "bruno"), "greet")
    assert event.success and event.perturbation and event.card == "greet"
    assert s.bond(a, b) == pytest.approx(before_ab + gain * (1 - before_ab))
    assert s.bond(b, a) == pytest.approx(before_ba + gain * (1 - before_ba))
    assert s.activity[a] == s.activity[b] == Activity.SOCIALIZING
    assert s.busy_until[a] == s.tick + config.DURATION["greet"]
    assert event.tokens == config.TOKENS["greet"] and event.dialogue


def test_gossip_moves_listener_toward_speakers_opinion(flux: TownFlux) -> None:
    a, b = place(flux, "rosa", "market"), place(flux, "quinn", "market")
    subject = flux.index["igor"]
    s = flux.state
    s.set_bond(a, subject, -0.8)
    before = s.bond(b, subject)
    event = only(play(flux, "gossip", "rosa", "quinn", "igor"), "gossip")
    delta = config.GOSSIP_TRANSFER * -0.8
    assert s.bond(b, subject) == pytest.approx(before + delta * (1 + before))
    assert event.subject == "igor"
    assert event.drama == config.GOSSIP_NEGATIVE_DRAMA
    assert s.heard[b][0] == subject
    assert any(op == "gossip" for _, op, _ in s.memory(a))
    assert any(op == "gossip" for _, op, _ in s.memory(b))


def test_trade_bonds_by_trust_and_adds_surplus(flux: TownFlux) -> None:
    a, b = place(flux, "rosa", "market"), place(flux, "silas", "market")
    s = flux.state
    before = s.bond(a, b)
    gain = config.TRADE_GAIN * s.personality[[a, b], 2].mean()
    only(play(flux, "trade", "rosa", "silas"), "trade")
    assert s.bond(a, b) == pytest.approx(before + gain * (1 - before))
    assert s.surplus[a] == pytest.approx(config.TRADE_SURPLUS)
    assert s.surplus[b] == pytest.approx(config.TRADE_SURPLUS)


def test_solo_adds_surplus_and_keeps_one_busy(flux: TownFlux) -> None:
    a = place(flux, "bruno", "workshop")
    event = only(play(flux, "solo", "bruno"), "solo")
    s = flux.state
    assert s.surplus[a] == pytest.approx(config.SOLO_SURPLUS)
    assert s.activity[a] == Activity.WORKING
    assert config.SOLO_MIN <= s.busy_until[a] - s.tick <= config.SOLO_MAX
    assert event.participants == ("bruno",)


def test_dispute_sours_both_directions_less_for_the_patient(flux: TownFlux) -> None:
    a, b = place(flux, "ada", "garden"), place(flux, "mira", "garden")
    s = flux.state
    before = s.bond(a, b)
    loss = config.DISPUTE_LOSS * (1 - s.personality[[a, b], 4].mean())
    event = only(play(flux, "dispute", "ada", "mira"), "dispute")
    assert s.bond(a, b) == pytest.approx(before - loss * (1 + before))
    assert event.drama == config.DRAMA["dispute"]


def test_teach_drifts_learner_toward_teacher_by_at_most_005(flux: TownFlux) -> None:
    t, learner = place(flux, "quinn", "library"), place(flux, "ivo", "library")
    s = flux.state
    s.personality[t, 1] = 1.0
    s.personality[learner, 1] = 0.2
    s.personality[t, 3] = 0.52
    s.personality[learner, 3] = 0.5
    only(play(flux, "teach", "quinn", "ivo"), "teach")
    assert s.personality[learner, 1] == pytest.approx(0.25)
    assert s.personality[learner, 3] == pytest.approx(0.52)


def test_walk_moves_a_citizen_to_the_partners_region_then_runs_the_card(
        flux: TownFlux) -> None:
    a, b = place(flux, "ada", "inn"), place(flux, "rosa", "market", busy_for=5000)
    walk = only(play(flux, "greet", "ada", "rosa"), "walk")
    s = flux.state
    assert walk.perturbation and walk.card == "greet"
    arrive = walk.metadata["arrive"]
    assert s.activity[a] == Activity.WALKING and s.busy_until[a] == arrive
    events = flux.run(arrive - s.tick)
    assert [e.op for e in events] == ["arrive", "greet"]
    assert events[1].tick == arrive and events[1].region == "market"
    assert s.activity[b] == Activity.SOCIALIZING


def test_festival_gathers_everyone_free_and_celebrates(flux: TownFlux) -> None:
    for citizen in ("ada", "bruno", "rosa"):
        place(flux, citizen, "inn")
    s = flux.state
    before = all_bonds(s)
    events = play(flux, "festival")
    assert events[0].op == "festival" and events[0].perturbation
    walks = [e for e in events if e.op == "walk" and e.success]
    assert walks
    assert s.festival is not None
    later = flux.run(s.festival.tick - s.tick)
    party = only(later, "celebrate")
    assert party.card == "festival" and party.region == "square"
    idx = [flux.index[c] for c in party.participants]
    assert len(idx) >= 2
    grown = all_bonds(s)[np.ix_(idx, idx)] - before[np.ix_(idx, idx)]
    assert (grown[~np.eye(len(idx), dtype=bool)] > 0).all()


def test_storm_sends_outdoor_citizens_indoors(flux: TownFlux) -> None:
    a = place(flux, "ada", "garden")
    events = play(flux, "storm")
    storm = only(events, "storm")
    assert "ada" in storm.participants
    walk = next(e for e in events if e.op == "walk" and e.participants == ("ada",))
    assert walk.metadata["to"] in ("inn", "library", "observatory")
    assert not flux.map.is_outdoor(int(flux.state.region[a]))


def test_rumor_plants_a_negative_opinion_that_gossip_spreads(flux: TownFlux) -> None:
    a, b = place(flux, "rosa", "market"), place(flux, "silas", "market")
    subject = flux.index["igor"]
    events = play(flux, "rumor", "igor", "rosa")
    assert only(events, "rumor").subject == "igor"
    gossip = only(events, "gossip")
    assert gossip.participants == ("rosa", "silas") and gossip.card == "rumor"
    s = flux.state
    assert s.bond(a, subject) <= config.RUMOR_OPINION
    assert s.rumors[0].reached == {a, b}
    assert gossip.metadata["reached"] == 2


def test_an_evening_gathering_celebrates_without_a_card() -> None:
    flux = TownFlux("town", seed=2)
    events = flux.run(3 * config.DAY_TICKS)
    gatherings = [e for e in events if e.op == "celebrate"]
    assert gatherings and all(not e.perturbation and e.metadata.get("gathering")
                              for e in gatherings)
    for e in gatherings:
        assert TownFlux.phase_of(e.tick) == 2 and e.region in config.GATHERING_PLACES
        assert len(e.participants) >= 3


@pytest.mark.parametrize("scenario", ["town", "city:120"])
def test_the_accursed_share_looks_when_it_must_as_if_it_looked_after_every_gain(
        scenario: str) -> None:
    """The share adds the surplus up only once a gain may have filled the room left under its
    threshold: every feast comes at the tick it comes when it adds up after every tick."""
    room, always = TownFlux(scenario, seed=4), TownFlux(scenario, seed=4)
    feasts: list[list[int]] = [[], []]
    for _ in range(3 * config.DAY_TICKS):
        always.surplus_room = -1.0  # any gain, or none, is past the room: it adds up
        for k, flux in enumerate((room, always)):
            feasts[k] += [e.tick for e in flux.tick() if e.op == "share"]
    assert feasts[0] == feasts[1] and len(feasts[0]) >= 2
    assert room.state_hash() == always.state_hash()


@pytest.mark.parametrize("names", [("Wren", "Ed", "Pavel"), ("", "{b}", "a {s} b"),
                                   ("Ünïcödé", "O'Brien", "x}{y")])
def test_every_template_read_once_fills_as_format_does(names: tuple[str, str, str]) -> None:
    a, b, s = names
    for op in OPS.values():
        assert op.words.fill((a, b, s)) == op.message.format(a=a, b=b, s=s)
    for texts in LINES.values():
        for text in texts:
            said = Template(text, ("listener", "subject")).fill((b, s))
            assert said == text.format(listener=b, subject=s)
    assert Template("{{x}} {a}!", ("a",)).fill(("y",)) == "{x} y!"
    with pytest.raises(ValueError, match="names its fields"):
        Template("{a:>5}", ("a",))
