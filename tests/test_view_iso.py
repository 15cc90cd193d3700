"""Projection, its inverse, the camera and daylight: pure math, no window."""

from __future__ import annotations

import numpy as np

from game import config
from game.sim.townmap import SIZE
from game.view import iso
from game.view.camera import ZOOM_MAX, ZOOM_MIN, Camera
from game.view.daylight import light_at
from game.view.palette import DAYLIGHT_TINTS

NIGHT_LIGHT = DAYLIGHT_TINTS[0][1]  # from midnight until dawn


def test_projection_and_inverse_round_trip_for_every_tile_of_the_map() -> None:
    for gx in range(SIZE):
        for gy in range(SIZE):
            x, y = iso.to_screen(gx, gy)
            assert iso.to_grid(x, y) == (gx, gy)
            cx, cy = iso.to_screen(gx + 0.5, gy + 0.5)
            assert iso.tile_at(cx, cy) == (gx, gy)
            # Points just inside the diamond's four vertices belong to the same tile.
            inside = ((cx, cy - iso.HALF_H + 1), (cx + iso.HALF_W - 1, cy),
                      (cx, cy + iso.HALF_H - 1), (cx - iso.HALF_W + 1, cy))
            for px, py in inside:
                assert iso.tile_at(px, py) == (gx, gy)


def test_array_projection_matches_the_scalar_one() -> None:
    gx, gy = np.meshgrid(np.arange(SIZE, dtype=np.float64), np.arange(SIZE, dtype=np.float64))
    xs, ys = iso.to_screen_arrays(gx.ravel(), gy.ravel())
    expected = [iso.to_screen(a, b) for a, b in zip(gx.ravel(), gy.ravel(), strict=True)]
    assert np.array_equal(np.stack([xs, ys], axis=1), np.array(expected))


def test_the_projection_follows_the_issue_formula() -> None:
    assert iso.to_screen(3, 1) == ((3 - 1) * 16, (3 + 1) * 8)


def camera() -> Camera:
    return Camera((1280, 720), iso.map_bounds(SIZE), iso.to_screen(SIZE / 2, SIZE / 2))


def test_camera_screen_and_world_are_inverse_at_every_zoom() -> None:
    cam = camera()
    for zoom in range(ZOOM_MIN, ZOOM_MAX + 1):
        cam.zoom = zoom
        for point in ((0.0, 0.0), (-333.0, 512.0), (640.5, 17.25)):
            assert cam.to_world(*cam.to_screen(*point)) == point


def test_zooming_keeps_the_world_point_under_the_cursor_still() -> None:
    cam = camera()
    at = (900, 200)
    before = cam.to_world(*at)
    cam.zoom_at(1, at)
    assert cam.zoom == 3
    after = cam.to_world(*at)
    assert abs(after[0] - before[0]) <= 1 and abs(after[1] - before[1]) <= 1


def test_zoom_stays_in_whole_steps_from_one_to_four() -> None:
    cam = camera()
    for _ in range(10):
        cam.zoom_at(1, (0, 0))
    assert cam.zoom == ZOOM_MAX
    for _ in range(10):
        cam.zoom_at(-1, (0, 0))
    assert cam.zoom == ZOOM_MIN


def test_recentre_returns_home_and_panning_stops_at_the_map_edge() -> None:
    cam = camera()
    cam.pan(10**6, 10**6)
    x0, y0, _, _ = iso.map_bounds(SIZE)
    assert (cam.cx, cam.cy) == (x0, y0)
    cam.recentre()
    assert (cam.cx, cam.cy) == cam.home


def test_night_is_blue_violet_and_noon_is_untinted() -> None:
    night = light_at(3 * config.PHASE_TICKS + config.PHASE_TICKS / 2)
    r, g, b = night.tint
    assert b > r + 40 and b > g + 40
    assert night.lit
    noon = light_at(config.PHASE_TICKS + config.PHASE_TICKS / 2)
    assert noon.plain and not noon.lit


def test_the_tint_changes_smoothly_across_every_phase_change() -> None:
    previous = light_at(0).tint
    for k in range(1, 2 * config.DAY_TICKS * 4):
        tint = light_at(k / 4).tint
        assert max(abs(a - b) for a, b in zip(tint, previous, strict=True)) <= 12, k / 4
        previous = tint
    assert light_at(config.PHASE_TICKS * 3 + 200).tint == NIGHT_LIGHT


def tick_of(hour: float) -> float:
    """The first day's tick at a clock hour (the day starts at 06:00)."""
    return (hour - 6) % 24 * config.DAY_TICKS / 24


def test_the_light_follows_the_clock_dawn_day_dusk_night() -> None:
    assert light_at(tick_of(23.4)).tint == NIGHT_LIGHT  # "Evening 23:24" is night
    assert light_at(tick_of(23.4)).lit
    dawn = light_at(tick_of(6.1))  # "Morning 06:08" is not yet full day
    assert not dawn.plain and sum(dawn.tint) < sum(light_at(tick_of(8)).tint)
    assert light_at(tick_of(12)).plain
    dusk = light_at(tick_of(19.5))
    assert dusk.lit and dusk.tint not in (NIGHT_LIGHT, light_at(tick_of(12)).tint)
    assert not light_at(tick_of(18.5)).lit  # the lamps wait for dusk
