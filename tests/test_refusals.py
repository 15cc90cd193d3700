"""Every refusal the laws word, each provoked on purpose and asserted by its reason.

A refused card is a recorded event: failed, with no tokens and no drama, and it changes no bond.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from game import config
from game.sim import laws
from game.sim.cards import CARDS, Perturbation
from game.sim.events import Event
from game.sim.flux import TownFlux
from game.sim.model import Activity, Dim, Phase
from game.sim.perturb import RUNNERS
from tests.helpers import all_bonds, freeze_everyone, place, play, put_to_rest


@pytest.fixture
def flux() -> TownFlux:
    f = TownFlux("town", seed=5)
    freeze_everyone(f)
    return f


def refused(events: list[Event], card: str) -> Event:
    [event] = [e for e in events if e.card == card and not e.success]
    assert event.tokens == 0 and event.drama == 0.0 and event.perturbation
    return event


def test_the_storm_is_what_refuses_an_outdoor_trade(flux: TownFlux) -> None:
    play(flux, "storm")  # nobody outdoors yet: the storm only starts
    rosa, silas = place(flux, "rosa", "market"), place(flux, "silas", "market")
    before = all_bonds(flux.state)
    event = refused(play(flux, "trade", "rosa", "silas"), "trade")
    assert event.op == "trade" and event.reason == "storm: outdoor ops pause"
    np.testing.assert_array_equal(all_bonds(flux.state), before)
    # The same pair in the same place trades once the storm has passed.
    flux.run(flux.state.storm_until - flux.state.tick)
    [done] = [e for e in play(flux, "trade", "rosa", "silas") if e.card == "trade"]
    assert done.op == "trade" and done.success
    assert flux.state.bond(rosa, silas) > before[rosa, silas]


def test_a_storm_sends_a_market_pair_to_shelter_and_their_trade_finds_them_on_the_road(
        flux: TownFlux) -> None:
    place(flux, "rosa", "market")
    place(flux, "silas", "market")
    flux.inject(Perturbation(tick=1, card="storm"))
    event = refused(play(flux, "trade", "rosa", "silas"), "trade")
    assert event.reason == "locality: Rosa and Silas are both on the road"


def test_with_every_shelter_full_a_storm_leaves_citizens_out(flux: TownFlux) -> None:
    for r in flux.in_play:
        if not flux.map.is_outdoor(r):
            flux.capacity[r] = 0  # a town whose buildings hold nobody
    place(flux, "ada", "market")
    events = play(flux, "storm")
    walks = [e for e in events if e.op == "walk"]
    assert ("ada",) in [e.participants for e in walks]
    assert all(not e.success and e.reason == laws.NO_SHELTER for e in walks)


def test_solo_refusals_name_the_resting_and_the_walking(flux: TownFlux) -> None:
    put_to_rest(flux, "mira")
    assert refused(play(flux, "solo", "mira"), "solo").reason == "rest: Mira is resting"
    place(flux, "ada", "inn")
    play(flux, "greet", "ada", "bruno")  # Bruno is elsewhere: Ada sets off to meet him
    assert refused(play(flux, "solo", "ada"), "solo").reason == "locality: Ada is on the road"


def test_with_everyone_resting_cards_that_need_someone_awake_are_refused(
        flux: TownFlux) -> None:
    for c in flux.citizens:
        put_to_rest(flux, c.id)
    for card in ("greet", "solo"):
        assert refused(play(flux, card), card).reason == laws.EVERYONE_RESTING
    assert refused(play(flux, "rumor"), "rumor").reason == laws.NO_SPEAKER


def test_a_pair_card_with_nobody_else_awake_has_no_partner(flux: TownFlux) -> None:
    for c in flux.citizens[1:]:
        put_to_rest(flux, c.id)
    place(flux, flux.citizens[0].id, "inn")
    assert refused(play(flux, "teach"), "teach").reason == laws.NO_PARTNER


def test_gossip_about_one_of_the_two_talking_is_refused(flux: TownFlux) -> None:
    place(flux, "ada", "inn")
    place(flux, "bruno", "inn")
    event = refused(play(flux, "gossip", "ada", "bruno", "bruno"), "gossip")
    assert event.reason == laws.NO_SUBJECT


def test_wake_needs_a_sleeper(flux: TownFlux) -> None:
    assert refused(play(flux, "wake"), "wake").reason == laws.NOBODY_RESTING
    place(flux, "ada", "inn")
    assert refused(play(flux, "wake", "ada"), "wake").reason == "Ada is already awake"


def test_a_rumor_cannot_start_with_a_sleeper(flux: TownFlux) -> None:
    put_to_rest(flux, "bruno")
    event = refused(play(flux, "rumor", "ada", "bruno"), "rumor")
    assert event.reason == "rest: Bruno is resting" and event.subject == "ada"


def test_a_festival_that_nobody_reaches_is_not_celebrated(flux: TownFlux) -> None:
    for c in flux.citizens[1:]:
        put_to_rest(flux, c.id)
    place(flux, flux.citizens[0].id, "square")
    play(flux, "festival")
    events = flux.run(5)
    event = refused(events, "festival")
    assert event.op == "celebrate" and event.reason == laws.FEW_GUESTS


def test_every_card_has_a_runner_and_names_match_the_config() -> None:
    assert set(RUNNERS) == set(CARDS)
    assert tuple(d.name.lower() for d in Dim) == config.DIMENSIONS
    assert tuple(p.name for p in Phase) == config.PHASES


# --- eligible: the targets a card may be aimed at are the ones the laws let through ---------

Scene = Callable[[TownFlux], None]


def busy_town(flux: TownFlux) -> None:
    """Some asleep, some walking, the rest standing about: every law has someone to refuse."""
    flux.run(1350)  # into the night: some rest, some walk


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_solo_or_wake_target_is_eligible_exactly_when_the_flux_accepts_it(seed: int) -> None:
    flux = TownFlux("town", seed)
    busy_town(flux)
    snap = flux.snapshot()
    for card, op in (("solo", "solo"), ("wake", "wake")):
        ok = set(laws.eligible(card, flux.state))
        assert ok and len(ok) < flux.state.n  # the scene has both kinds
        for i in range(flux.state.n):
            flux.restore(snap)
            events = play(flux, card, flux.citizens[i].id)
            first = next(e for e in events if e.card == card and e.op == op)
            assert first.success == (i in ok), (card, flux.name(i), first.reason)


@pytest.mark.parametrize("card", ["greet", "gossip", "trade", "dispute", "teach", "rumor"])
def test_a_pair_is_refused_by_rest_or_two_walkers_exactly_when_not_eligible(card: str) -> None:
    flux = TownFlux("town", 2)
    busy_town(flux)
    s = flux.state
    assert any(s.activity == Activity.RESTING) and any(s.walk_origin >= 0)
    snap = flux.snapshot()
    for a in laws.eligible(card, s):
        second = set(laws.eligible(card, s, [a]))
        for b in range(0, s.n, 2):
            if b == a:
                continue
            flux.restore(snap)
            events = play(flux, card, flux.citizens[a].id, flux.citizens[b].id)
            blocked = [e.reason for e in events if e.card == card and not e.success
                       and (e.reason or "").startswith(("rest:", "locality")) and
                       ("resting" in (e.reason or "") or "both on the road" in (e.reason or ""))]
            assert bool(blocked) == (b not in second), (card, flux.name(a), flux.name(b))


@pytest.mark.parametrize("card", sorted(CARDS))
def test_a_target_is_refused_in_words_exactly_when_it_is_not_eligible(card: str) -> None:
    flux = TownFlux("town", 2)
    busy_town(flux)
    walker = int(np.flatnonzero(flux.state.walk_origin >= 0)[0])
    for chosen in ([], [walker], [walker, (walker + 1) % flux.state.n]):
        ok = laws.eligible(card, flux.state, chosen)
        for i in range(flux.state.n):
            refusal = laws.target_refusal(flux, card, chosen, i)
            assert (refusal is None) == (i in ok), (card, chosen, i, refusal)


def test_a_resting_or_walking_target_is_refused_with_the_laws_words() -> None:
    flux = TownFlux("town", 2)
    busy_town(flux)
    s = flux.state
    sleeper = int(np.flatnonzero(s.activity == Activity.RESTING)[0])
    walker, other = (int(i) for i in np.flatnonzero(s.walk_origin >= 0)[:2])
    assert laws.target_refusal(flux, "greet", [], sleeper) == \
        f"rest: {flux.name(sleeper)} is resting"
    assert laws.target_refusal(flux, "solo", [], walker) == \
        f"locality: {flux.name(walker)} is on the road"
    assert laws.target_refusal(flux, "trade", [walker], other) == \
        f"locality: {flux.name(walker)} and {flux.name(other)} are both on the road"
    assert laws.target_refusal(flux, "wake", [], walker) == f"{flux.name(walker)} is already awake"
