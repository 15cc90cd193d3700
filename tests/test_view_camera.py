"""Going where things happen: following a citizen (V, a double-click) until the player pans,
the camera going to where a feed event, a story marker or a card's flag happened and to a
citizen chosen in the scatter, and the minimap (N) whose click or drag puts the view there."""

from __future__ import annotations

import math
from pathlib import Path

import pygame
import pytest

from game.projections.coalitions import CoalitionView
from game.view import effects as fx
from game.view import iso
from game.view.app import App
from game.view.assets import Assets
from game.view.hud import LINE_H, PAD
from game.view.intents import Follow, JumpToEvent, PanBy, Select, SetSpeed
from game.view.minimap import VIEW
from game.view.palette import coalition_colour
from game.view.reduce import reduce
from game.view.steering import FOLLOW_LIFT
from game.view.uistate import UiState
from game.view.world import FEET_Y
from tests.window import click, key, make_app, post

DT = 1 / 60


@pytest.fixture
def app(assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    return make_app(assets, ticks=600, speed=0)


def expected_centre(app: App, citizens: list[int], at: float) -> tuple[float, float]:
    """The camera centre that shows `citizens` at tick `at` in the middle of the map's part
    of the window (beside the inspector, above the cards): the middle of the tiles they stand
    on (native px), lifted to their bodies, as near as the map's edge allows."""
    points = [iso.to_screen(gx + 0.5, gy + 0.5)
              for gx, gy in (app.flux.position(i, at) for i in citizens)]
    x = sum(p[0] for p in points) / len(points)
    y = sum(p[1] for p in points) / len(points) - FOLLOW_LIFT
    w, h = app.camera.viewport
    area = app.widgets.map_area(app.ui)
    x += (w / 2 - area.centerx) / app.camera.zoom
    y += (h / 2 - area.centery) / app.camera.zoom
    x0, y0, x1, y1 = app.camera.bounds
    return min(max(x, x0), x1), min(max(y, y0), y1)


def settle(app: App, frames: int = 90) -> None:
    for _ in range(frames):
        app.frame(DT)


def centre(app: App) -> tuple[float, float]:
    return app.camera.cx, app.camera.cy


def tile_in_the_middle(app: App) -> tuple[int, int]:
    """The tile under the middle of the map's part of the window, at the height of a
    citizen's body."""
    x, y = app.widgets.map_area(app.ui).center
    return iso.tile_at(*app.camera.to_world(x, y + FOLLOW_LIFT * app.camera.zoom))


def far_standing_citizen(app: App) -> int:
    """A citizen standing still, far from the middle of the view and from the map's edges."""
    s = app.flux.state
    home = centre(app)

    def distance(i: int) -> float:
        x, y = iso.to_screen(float(s.spot[i, 0]), float(s.spot[i, 1]))
        return abs(x - home[0]) + abs(y - home[1])

    standing = [i for i in range(len(app.flux.citizens))
                if s.walk_origin[i] < 0 and min(s.spot[i]) >= 6 and max(s.spot[i]) <= 41]
    return max(standing, key=distance)


def test_v_follows_the_selected_citizen_until_they_are_in_the_middle(app: App) -> None:
    i = far_standing_citizen(app)
    app.apply(Select(i))
    key(app, pygame.K_v)
    assert app.steering.following == i
    assert app.widgets.toasts.texts_shown()[-1].startswith("following " + app.flux.name(i))
    settle(app)
    assert centre(app) == pytest.approx(expected_centre(app, [i], app.at), abs=0.5)
    assert tile_in_the_middle(app) == tuple(app.flux.state.spot[i])
    key(app, pygame.K_v)  # again: stop
    assert app.steering.following is None


def test_the_camera_keeps_up_with_a_walking_citizen(app: App) -> None:
    s = app.flux.state
    walkers = [i for i in range(len(app.flux.citizens)) if s.walk_origin[i] >= 0]
    i = max(walkers, key=lambda k: len(app.flux.walk_path(k)) - (app.timeline.cursor
                                                                  - int(s.walk_from[k])))
    app.apply(Select(i))
    app.apply(Follow())
    settle(app, 60)
    app.apply(SetSpeed(1))
    before = centre(app)
    settle(app, 60)  # a second of walking
    assert app.flux.state.walk_origin[i] >= 0, "still walking"
    assert centre(app) != before
    target = expected_centre(app, [i], app.at)
    assert abs(centre(app)[0] - target[0]) + abs(centre(app)[1] - target[1]) < 12


class Held:
    """What pygame.key.get_pressed() gives while the left arrow is held."""

    def __getitem__(self, key: int) -> bool:
        return key == pygame.K_LEFT


def test_a_drag_a_held_key_or_another_selection_ends_the_follow(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    i = far_standing_citizen(app)
    app.apply(Follow(i))
    assert app.ui.selected == i and app.steering.following == i
    app.apply(PanBy(30, 0))
    assert app.steering.following is None
    app.apply(Follow(i))
    with monkeypatch.context() as m:
        m.setattr(pygame.key, "get_pressed", Held)
        app.frame(DT)
    assert app.steering.following is None
    app.apply(Follow(i))
    app.apply(Select(0 if i else 1))
    app.frame(DT)
    assert app.steering.following is None


def test_a_double_click_on_a_citizen_follows_them(app: App) -> None:
    settle(app, 1)
    layout = app.world.layout
    assert layout is not None
    w, h = app.camera.viewport

    def body(i: int) -> tuple[int, int]:
        return int(layout.feet_x[i]), int(layout.feet_y[i]) - FEET_Y * layout.zoom // 2

    area = app.widgets.map_area(app.ui).inflate(-w // 10, -h // 10)
    i = next(i for i in range(len(app.flux.citizens))
             if area.collidepoint(body(i)) and app.world.citizen_at(body(i)) == i)
    at = body(i)
    click(app, at)
    assert app.ui.selected == i and app.steering.following is None
    click(app, at)
    assert app.steering.following == i


def test_following_with_nobody_selected_says_how() -> None:
    _, effects = reduce(UiState.start(1), Follow(), 0.0)
    assert effects == (fx.Say("select a citizen first, then follow them"),)


def test_clicking_a_feed_event_puts_its_participants_in_the_middle(app: App) -> None:
    row, item = app.widgets.feed.rows[3]
    click(app, row.center)
    assert app.timeline.cursor == item.tick
    event = next(e for e in app.timeline.events(start=item.tick, end=item.tick)
                 if e.id == item.event_id)
    who = [app.flux.index[c] for c in event.participants]
    assert math.dist(centre(app), expected_centre(app, who, item.tick)) > 50
    settle(app, 60)
    assert centre(app) == pytest.approx(expected_centre(app, who, item.tick), abs=1e-9)


def test_a_card_flag_goes_to_the_cards_targets_at_its_tick(app: App) -> None:
    app.timeline.play("greet", ["igor", "hugo"])
    app.timeline.advance(100)
    app.frame(0.0)
    (rect, tick, card), = app.widgets.timebar._markers
    assert card == "greet"
    click(app, rect.center)
    assert app.timeline.cursor == tick
    event = next(e for e in app.timeline.events(start=tick, end=tick) if e.card == card)
    assert event.participants == ("igor",)  # the greet begins with igor walking to hugo
    settle(app, 60)
    assert centre(app) == pytest.approx(expected_centre(app, [app.flux.index["igor"]], tick),
                                        abs=1e-9)


def test_a_story_marker_goes_to_where_its_event_happened(app: App) -> None:
    app.timeline.advance(2400)
    app.frame(0.0)
    bar = app.widgets.timebar
    story = app.view_state().track.stories[0]
    x = bar.track_rect.x + bar.track_rect.w * story.tick // app.view_state().track.span
    spot = next((x + dx, y) for dx in range(-3, 4) for y in range(bar.rect.y, bar.rect.bottom)
                if bar.story_at((x + dx, y)) == story)
    click(app, spot)
    assert app.timeline.cursor == story.tick
    event = next(e for e in app.timeline.events(start=story.tick, end=story.tick)
                 if e.id == story.event_id)
    who = [app.flux.index[c] for c in event.participants]
    assert math.dist(centre(app), expected_centre(app, who, story.tick)) > 50
    settle(app, 60)
    assert centre(app) == pytest.approx(expected_centre(app, who, story.tick), abs=1e-9)


def test_a_dot_in_the_scatter_selects_the_citizen_and_goes_to_them(app: App) -> None:
    scatter = app.widgets.scatter
    i = far_standing_citizen(app)
    click(app, scatter.where(i))
    assert app.ui.selected == i
    settle(app, 60)
    assert centre(app) == pytest.approx(expected_centre(app, [i], app.at), abs=1e-9)
    assert app.steering.following is None  # a look, not a follow


def test_n_shows_the_minimap_and_a_click_on_it_centres_the_view_there(app: App) -> None:
    key(app, pygame.K_n)
    assert app.ui.overlays["minimap"]
    app.frame(DT)
    mini = app.minimap.rect
    assert mini.w > 0 and app.widgets.map_area(app.ui).contains(mini)
    # the south-west corner of the town: a point no other click reaches
    point = (mini.x + mini.w // 4, mini.y + mini.h * 3 // 4)
    click(app, point)
    assert centre(app) == pytest.approx(app.minimap.to_world(point))
    left, top = app.minimap.to_map(*app.camera.to_world(0, 0))
    assert mini.collidepoint(round(left), round(top))
    # dragging carries the view along; letting go leaves the minimap
    post(pygame.MOUSEBUTTONDOWN, pos=point, button=1)
    to = (point[0] + 20, point[1] - 10)
    post(pygame.MOUSEMOTION, pos=to, rel=(20, -10), buttons=(1, 0, 0))
    post(pygame.MOUSEBUTTONUP, pos=to, button=1)
    app.frame(0.0)
    assert centre(app) == pytest.approx(app.minimap.to_world(to))
    assert app.router.captured is None and not app.minimap.dragging


def test_the_minimap_draws_citizens_in_their_coalitions_colour(app: App) -> None:
    app.timeline.advance(2400)
    key(app, pygame.K_n)
    coalitions = app.readout.coalitions()
    assert coalitions
    layout = app.world.layout
    assert layout is not None
    area = app.widgets.map_area(app.ui)
    ox, oy = app.camera.origin

    def dots(drawn: tuple[CoalitionView, ...]) -> list[set[tuple[int, int, int]]]:
        """Per coalition, the colours on the minimap where its members' dots are."""
        surface = app.screen.copy()
        app.minimap.draw(surface, area, app.camera, app.world, drawn)
        found = []
        for c in coalitions:
            points = [app.minimap.to_map((layout.feet_x[i] - ox) / layout.zoom,
                                         (layout.feet_y[i] - oy) / layout.zoom)
                      for i in c.members]
            found.append({tuple(surface.get_at((round(x) - 1, round(y) - 1)))[:3]
                          for x, y in points})
        return found

    for c, coloured, plain in zip(coalitions, dots(coalitions), dots(()), strict=True):
        assert coalition_colour(c.number) in coloured
        assert coalition_colour(c.number) not in plain


def test_clicking_a_why_step_goes_to_its_event_as_the_feed_does(app: App) -> None:
    app.timeline.play("greet", ["ada", "bruno"])
    app.timeline.advance(100)
    app.apply(Select(app.flux.index["ada"]))
    app.frame(0.0)
    click(app, app.widgets.card.buttons["why"].center)
    app.frame(0.0)
    card = app.widgets.card
    rows = card.rows(app.view_state())
    index, step = min(card.links.items())
    assert isinstance(step, JumpToEvent) and index < len(rows)
    click(app, (card.rect.centerx, card.rect.y + PAD // 2 + LINE_H * (index + 1) + 4))
    assert app.timeline.cursor == step.tick
    event = next(e for e in app.timeline.events(start=step.tick, end=step.tick)
                 if e.id == step.event_id)
    who = [app.flux.index[c] for c in event.participants]
    settle(app, 60)
    assert centre(app) == pytest.approx(expected_centre(app, who, step.tick), abs=1e-9)


def test_the_minimap_outlines_a_view_past_the_north_edge_on_all_four_sides(app: App) -> None:
    key(app, pygame.K_n)
    app.frame(DT)
    cx, _ = app.camera.home
    app.camera.centre_on(cx, -1e9)  # as far north as the camera goes: the view runs past it
    area = app.widgets.map_area(app.ui)
    surface = app.screen.copy()
    app.minimap.draw(surface, area, app.camera, app.world, ())
    mini = app.minimap.rect
    vx, vy, vw, vh = app.camera.view_rect()
    left, top = app.minimap.to_map(vx, vy)
    right, _ = app.minimap.to_map(vx + vw, vy + vh)
    assert top < mini.top  # the camera sees past the map's north edge
    middle = round((max(left, mini.left) + min(right, mini.right)) / 2)
    column = [tuple(surface.get_at((middle, y)))[:3] for y in range(mini.top, mini.top + 4)]
    assert VIEW in column  # the outline's top side, along the minimap's own top
