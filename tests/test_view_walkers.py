"""The map draws a walker where the flux says it stands: the window places a city's hundreds of
walkers at once, with the very arithmetic of `TownFlux.position`, keeping each walk's path
while it lasts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.trace.timeline import Timeline
from game.view.assets import Assets
from tests.window import make_app


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))


def test_walkers_stand_where_the_flux_places_them_bit_for_bit(assets: Assets) -> None:
    timeline = Timeline("city:250", 7)
    timeline.advance(700)
    app = make_app(assets, timeline)
    seen = 0
    for tick in (700, 701, 760, 300, 301):  # on, a walk further, then back in the past
        timeline.seek(tick)
        state = app.flux.state
        walkers = np.flatnonzero(state.walk_origin >= 0)
        assert walkers.size > 5
        standing = app.world._standing_now()  # worked out once a tick
        assert np.array_equal(standing.walkers, walkers)
        for at in (tick, tick + 0.25, tick + 0.5, tick + 0.999):
            got = app.world._walking(standing, at)
            wanted = np.array([app.flux.position(i, at) for i in walkers.tolist()])
            assert np.array_equal(got, wanted)
            seen += walkers.size
        # Only the walks on the road now are kept.
        assert len(app.world._paths) == walkers.size
    assert seen > 100
