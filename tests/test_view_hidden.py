"""Citizens behind buildings and trees are seen through them: the part a wall hides is drawn
as an outlined silhouette, so a ringed candidate is never a ring round nobody. Target tags keep
off the region signs and each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygame
import pytest

from game.sim.laws import eligible
from game.sim.townmap import REGION_NAMES
from game.trace.timeline import Timeline
from game.view import hidden
from game.view.app import App
from game.view.assets import Assets
from game.view.intents import ArmCard
from game.view.overlays import draw_labels
from game.view.world import FEET_X, FEET_Y, FRAME_H, FRAME_W, World
from tests.window import make_app


@pytest.fixture
def app(assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    return make_app(assets, ticks=600, speed=0)


def stand(app: App, citizen: int, tile: tuple[int, int]) -> None:
    """Put a citizen on a tile, standing (the view only reads where they are)."""
    app.flux.state.spot[citizen] = tile
    app.flux.state.walk_origin[citizen] = -1


def body_box(app: App, citizen: int) -> pygame.Rect:
    layout = app.world.layout
    assert layout is not None
    z = layout.zoom
    return pygame.Rect(int(layout.feet_x[citizen]) - FEET_X * z,
                       int(layout.feet_y[citizen]) - FEET_Y * z, FRAME_W * z, FRAME_H * z)


def pixels(app: App, box: pygame.Rect) -> list[tuple[int, ...]]:
    return [tuple(app.screen.get_at((x, y)))[:3] for x in range(box.left, box.right)
            for y in range(box.top, box.bottom)]


def drawn(app: App, citizen: int, tile: tuple[int, int], see_through: bool
          ) -> tuple[pygame.Rect, list[tuple[int, ...]]]:
    """The pixels of a citizen's box, standing on `tile` in the middle of the view, with
    silhouettes drawn opaque, or none."""
    stand(app, citizen, tile)
    app.camera.centre_on(*app.world.centre_of([citizen], app.at))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hidden, "HIDDEN_ALPHA", 255)
        if not see_through:
            patch.setattr(World, "_silhouettes", lambda *_: [])
        app.world = World(app.flux, app.assets, app.bank)  # silhouettes made afresh
        app.world.lay_out(app.at, app.now, app.camera)
        app.frame(0.0)
        box = body_box(app, citizen)
        return box, pixels(app, box)


def test_a_candidate_inside_the_library_shows_through_its_walls(app: App) -> None:
    bx, by, _, _ = app.flux.map.buildings[REGION_NAMES.index("library")]
    igor = app.flux.index["igor"]
    behind = (bx + 1, by + 1)  # inside, behind the front walls
    box, walled = drawn(app, igor, behind, see_through=False)
    stand(app, igor, (2, 45))  # away: the wall alone
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(World, "_silhouettes", lambda *_: [])
        app.frame(0.0)
    assert pixels(app, box) == walled, "without a silhouette the library hides igor"
    app.apply(ArmCard("greet"))
    assert igor in eligible("greet", app.flux.state, ())  # ringed round nobody, before
    _, seen = drawn(app, igor, behind, see_through=True)
    shown = sum(p == hidden.HIDDEN for p in seen) - sum(p == hidden.HIDDEN for p in walled)
    assert shown > FRAME_W * FRAME_H * app.camera.zoom ** 2 // 4  # most of a body


def test_a_citizen_in_front_of_a_building_gets_no_silhouette(app: App) -> None:
    bx, by, w, h = app.flux.map.buildings[REGION_NAMES.index("library")]
    igor = app.flux.index["igor"]
    front = (bx + w, by + h)  # south of the footprint: nearer the viewer than the walls
    _, plain = drawn(app, igor, front, see_through=False)
    _, marked = drawn(app, igor, front, see_through=True)
    assert plain == marked


def test_silhouettes_kept_from_the_last_frame_are_those_made_afresh(
        assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 16× a city's silhouettes are made again only for those who moved or changed frame
    since the last frame: every frame, what is drawn equals all of them made afresh."""
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    timeline = Timeline("city:400", 3)
    timeline.advance(300)
    app = make_app(assets, timeline, speed=16)
    made: list[list[tuple[pygame.Surface, tuple[int, int]]]] = []
    keep = World._silhouettes

    def both(world: World, *args: Any) -> list[tuple[pygame.Surface, tuple[int, int]]]:
        kept = keep(world, *args)
        last, world._hidden = world._hidden, None
        made.append(keep(world, *args))
        world._hidden = last
        assert kept == made[-1]
        return kept

    monkeypatch.setattr(World, "_silhouettes", both)
    for _ in range(90):
        app.frame(1 / 60)
    assert len(made) == 90 and sum(len(m) for m in made) > 90  # some covered every frame
    assert app.timeline.cursor > 700


def test_a_target_tag_keeps_off_a_region_sign_and_another_tag_near_its_head(app: App) -> None:
    layout = app.world.layout
    assert layout is not None
    screen = app.screen.get_rect()
    sign = next(r for r in app.world.sign_rects if screen.contains(r.inflate(0, 400)))

    def alone() -> pygame.Rect:
        """Where citizen 0's tag goes with nothing to keep off."""
        tag = pygame.Surface(app.screen.get_size(), pygame.SRCALPHA)
        [box] = draw_labels(tag, layout, app.widgets.labels, [(0, "subject")])
        return box

    # two citizens standing where their tags would cover the sign, and each other
    layout.visible[:2] = True
    layout.feet_x[0] = layout.feet_x[1] = sign.centerx
    for y in range(sign.bottom, sign.bottom + 200):
        layout.feet_y[0] = layout.feet_y[1] = y
        if alone().colliderect(sign):
            break
    assert alone().colliderect(sign)
    tags = pygame.Surface(app.screen.get_size(), pygame.SRCALPHA)
    boxes = draw_labels(tags, layout, app.widgets.labels, [(0, "subject"), (1, "speaker")],
                        avoid=app.world.sign_rects)
    assert len(boxes) == 2 and not boxes[0].colliderect(boxes[1])
    assert all(box.collidelist(app.world.sign_rects) < 0 for box in boxes)
    # Its place above the name taken, a tag stands beside the head, not far above it (by
    # another citizen's); with both sides taken too, it climbs, a line down to its head.
    head_x, head_y = layout.head(0)
    above = alone()
    [beside] = draw_labels(pygame.Surface(app.screen.get_size(), pygame.SRCALPHA), layout,
                           app.widgets.labels, [(0, "subject")], avoid=[above])
    assert beside.bottom == head_y and not beside.colliderect(above)
    crowded = [above, beside, beside.move(head_x - beside.centerx, 0).inflate(beside.w, 0)]
    lines = pygame.Surface(app.screen.get_size(), pygame.SRCALPHA)
    [high] = draw_labels(lines, layout, app.widgets.labels, [(0, "subject")], avoid=crowded)
    assert high.collidelist(crowded) < 0 and high.bottom < above.top
    assert lines.get_at((head_x, head_y - 1)).a == 255  # the line reaches the head


def test_a_silhouette_is_drawn_opaque_round_its_edge_and_see_through_inside() -> None:
    mask = pygame.mask.Mask((5, 5))
    mask.draw(pygame.mask.Mask((3, 3), fill=True), (1, 1))
    shape = hidden._outlined(mask, hidden.HIDDEN)
    e = hidden.EDGE
    assert shape.get_size() == (5 + 2 * e, 5 + 2 * e)
    assert tuple(shape.get_at((2 + e, 2 + e))) == (*hidden.HIDDEN, hidden.HIDDEN_ALPHA)
    assert tuple(shape.get_at((e, 2 + e))) == (*hidden.OUTLINE, 255)  # beside the mask: ring
    assert shape.get_at((0, 0)).a == 0  # further out: nothing


def test_a_full_store_of_silhouettes_keeps_those_still_asked_for(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    occluders = app.world._occluders
    made: list[tuple[int, int]] = []
    real = hidden._outlined

    def counted(mask: pygame.mask.Mask, colour: tuple[int, int, int]) -> pygame.Surface:
        made.append(mask.get_size())
        return real(mask, colour)

    monkeypatch.setattr(hidden, "_outlined", counted)
    solid = pygame.Surface((4, 4), pygame.SRCALPHA)
    solid.fill((9, 9, 9, 255))

    def ask(name: int) -> pygame.Surface | None:  # a body named `name` behind one static
        return occluders.silhouette(((name,), solid), ((0, 0, 0),), [solid], (1, 0), False)

    on_screen = ask(-1)
    for name in range(3 * hidden.MAX_SILHOUETTES):
        ask(name)
        if name % 100 == 0:  # still on screen: asked for again every hundred new ones
            assert ask(-1) is on_screen
    assert len(made) == 3 * hidden.MAX_SILHOUETTES + 1  # each made once, the one kept too
    assert len(occluders._freeing) <= hidden.MAX_SILHOUETTES  # the old ones let go as it goes
