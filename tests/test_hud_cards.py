"""Cards end to end: posted clicks and keys arm a card, pick targets on the map, and the flux
runs the perturbation at the next tick; the hover text states what the flux really charges."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game import config
from game.sim.cards import CARDS, Perturbation
from game.sim.flux import TownFlux
from game.sim.laws import eligible
from game.sim.perturb import charges
from game.trace.timeline import Timeline
from game.view import iso, marks
from game.view.app import App
from game.view.assets import Assets
from tests.helpers import place, put_to_rest
from tests.window import click, key, post


@pytest.fixture
def app(assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    pygame.event.clear()
    timeline = Timeline("town", 7)
    timeline.advance(300)
    return App(timeline, speed=0, reproducible=True, assets=assets)





def card_pos(app: App, card: str) -> tuple[int, int]:
    return app.widgets.hand.card_rect(app.widgets.hand.names.index(card)).center


def citizen_pos(app: App, i: int) -> tuple[int, int]:
    """Centre the camera on citizen i and return a screen point that picks it."""
    gx, gy = app.flux.state.spot[i] + 0.5
    app.camera.cx, app.camera.cy = iso.to_screen(gx, gy)
    app.frame(0.0)
    layout = app.world.layout
    assert layout is not None
    z = app.camera.zoom
    for dy in range(4, 18, 2):
        pos = (int(layout.feet_x[i]), int(layout.feet_y[i]) - dy * z)
        if app.world.citizen_at(pos) == i:
            return pos
    raise AssertionError(f"citizen {i} cannot be clicked")


def test_playing_a_card_with_targets_puts_its_event_in_the_trace_at_the_next_tick(
        app: App) -> None:
    flux = app.flux
    a = place(flux, "ada", "garden")
    b = place(flux, "bruno", "garden")
    app.timeline.seek(app.timeline.cursor)  # the scene is set up directly in the live state
    click(app, card_pos(app, "greet"))
    assert app.ui.armed == "greet"
    click(app, citizen_pos(app, a))
    assert app.ui.targets == (a,)
    tick = app.timeline.cursor
    click(app, citizen_pos(app, b))
    assert app.ui.armed is None
    assert app.timeline.perturbations() == [Perturbation(tick=tick + 1, card="greet",
                                                         targets=("ada", "bruno"))]
    played = [e for e in app.timeline.events(start=tick + 1, end=tick + 1) if e.perturbation]
    assert played and played[0].card == "greet" and played[0].participants == ("ada", "bruno")
    assert played[0].id in {item.event_id for item in app.view_state().feed}
    assert app.view_state().hand.cooling["greet"] > 0


def test_right_click_plays_with_fewer_targets_and_the_flux_picks_the_rest(app: App) -> None:
    tick = app.timeline.cursor
    key(app, pygame.K_o)  # gossip's hotkey
    assert app.ui.armed == "gossip"
    awake = next(i for i in range(app.flux.state.n)
                 if app.flux.state.activity[i] != 4 and app.flux.state.walk_origin[i] < 0)
    click(app, citizen_pos(app, awake))
    click(app, (200, 300), button=3)
    assert app.ui.armed is None
    (p,) = app.timeline.perturbations()
    assert p.card == "gossip" and p.targets == (app.flux.citizens[awake].id,)
    assert any(e.card == "gossip" for e in app.timeline.events(start=tick + 1, end=tick + 1))


def test_a_card_without_targets_plays_at_once_and_escape_disarms(app: App) -> None:
    key(app, pygame.K_e)
    assert app.ui.armed == "teach"
    key(app, pygame.K_ESCAPE)
    assert app.ui.armed is None and "quit" not in app.ui.modals
    tick = app.timeline.cursor
    click(app, card_pos(app, "festival"))
    events = app.timeline.events(start=tick + 1, end=tick + 1)
    assert any(e.op == "festival" and e.perturbation for e in events)


def test_a_cooling_card_does_not_play_twice(app: App) -> None:
    key(app, pygame.K_m)
    key(app, pygame.K_m)
    assert [p.card for p in app.timeline.perturbations()] == ["storm"]
    app.frame(2.0)
    key(app, pygame.K_m)
    assert [p.card for p in app.timeline.perturbations()] == ["storm", "storm"]


def test_hovering_a_card_shows_its_blurb_and_charges(app: App) -> None:
    post(pygame.MOUSEMOTION, pos=card_pos(app, "trade"), rel=(0, 0), buttons=(0, 0, 0))
    app.frame(0.0)
    assert app.widgets.hand.hover == app.widgets.hand.names.index("trade")
    text = " ".join(t for t, _ in app.widgets.hand.tooltip_lines("trade"))
    assert "400 tokens" in text and "drama 0.3" in text


@pytest.mark.parametrize("card", list(CARDS))
def test_the_stated_charges_are_what_the_flux_records(card: str) -> None:
    flux = TownFlux("town", 7)
    flux.run(40)
    for name in ("ada", "bruno", "clara"):
        place(flux, name, "square")
    if card == "wake":
        put_to_rest(flux, "ada")
    two = ("ada", "bruno")[:CARDS[card].max_targets]
    targets = {"rumor": ("clara", "ada"), "gossip": ("ada", "bruno", "clara")}.get(card, two)
    flux.inject(Perturbation(tick=flux.state.tick + 1, card=card, targets=targets))
    events = flux.run(600)
    for charge in charges(card):
        recorded = [e for e in events if e.op == charge.op and e.card == card and e.success]
        assert recorded, f"{card}: no {charge.op} event"
        e = recorded[0]
        per = len(e.participants) if charge.per_head else 1
        assert e.tokens == charge.tokens * per
        negative = card == "gossip" and e.drama == pytest.approx(config.GOSSIP_NEGATIVE_DRAMA)
        assert e.drama == pytest.approx(charge.drama) or negative


def test_an_armed_card_rings_the_citizens_the_core_says_it_may_target(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    ringed: list[list[int]] = []
    monkeypatch.setattr(marks, "draw_rings",
                        lambda surface, layout, who, colour: ringed.append(list(who)))
    key(app, pygame.K_k)  # wake: only sleepers
    candidates, chosen = ringed[-2:]
    assert candidates == eligible("wake", app.flux.state) and chosen == []
    key(app, pygame.K_l)  # solo: awake and not on the road
    assert ringed[-2] == eligible("solo", app.flux.state)


def test_a_click_on_a_citizen_the_card_may_not_target_says_why_and_takes_nobody(
        app: App) -> None:
    flux = app.flux
    a = place(flux, "ada", "garden")
    sleeper = put_to_rest(flux, "bruno")
    app.timeline.seek(app.timeline.cursor)  # the scene is set up directly in the live state
    click(app, card_pos(app, "greet"))
    click(app, citizen_pos(app, a))
    click(app, citizen_pos(app, sleeper))
    assert app.ui.armed == "greet" and app.ui.targets == (a,)
    assert "Greet: rest: Bruno is resting" in app.widgets.toasts.texts_shown()
    assert app.timeline.perturbations() == []


def test_a_hand_too_narrow_for_names_shows_every_icon_whole_and_each_key(
        assets: Assets) -> None:
    from game import limits
    from game.view.hand import CardHand
    from game.view.hud import PAD, UI_SCALE

    hand = CardHand(assets)
    width = limits.MIN_WINDOW[0] - 2 * PAD  # the hand of the smallest window
    hand.layout(pygame.Rect(0, 0, width, CardHand.HEIGHT))
    assert not hand.shows_names
    x, _ = assets.entry("card.png").icon_at or (12, 8)
    icon_right = (x + assets.image("icon_greet.png").get_width()) * UI_SCALE
    assert hand.step >= icon_right  # the next card begins where this one's icon ends
    assert hand.card_rect(len(hand.names) - 1).right <= width
    # The key stands under the window, in the part of the card the next one leaves uncovered.
    face = hand.face("greet")
    under = face.subsurface((0, 28 * UI_SCALE, hand.step, 10 * UI_SCALE))
    assert pygame.transform.average_color(under) != pygame.transform.average_color(
        face.subsurface((0, 28 * UI_SCALE, UI_SCALE * 4, 10 * UI_SCALE)))


def test_the_first_run_hint_wraps_between_its_parts_in_a_narrow_window(assets: Assets) -> None:
    from game.view.hud import Hint

    hint = Hint(assets, seen=False)
    whole = hint.box.get_width()
    hint.layout(pygame.Rect(0, 0, whole + 200, 400))
    assert hint.box.get_width() == whole  # room: one line
    hint.layout(pygame.Rect(0, 0, whole - 40, 400))
    assert hint.box.get_width() <= whole - 40 and hint.box.get_height() > 0
    assert hint.rect.left >= 0


def test_a_line_of_parts_breaks_between_them(assets: Assets) -> None:
    from game.view.hud import Texts

    texts = Texts(assets)
    text = "Enter, click: rebind · Delete: every key to its default · Tab: general · Esc: close"
    width = texts.width("Enter, click: rebind · Delete: every key to its default · Tab:")
    lines = texts.wrap_parts(text, width)
    assert lines == ("Enter, click: rebind · Delete: every key to its default",
                     "Tab: general · Esc: close")
