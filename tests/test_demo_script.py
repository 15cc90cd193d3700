"""Demo scripts: validation with errors that name the step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.demos import script as demo


def test_the_built_in_demo_is_valid_and_about_a_minute_long() -> None:
    script = demo.default_script()
    assert 55 * 60 <= script.frames <= 70 * 60
    assert {s.do for s in script.steps} >= {"card", "scrub", "branch", "caption", "speed"}


def test_steps_map_to_frames() -> None:
    script = demo.parse({"fps": 60, "steps": [{"at": 1.5, "do": "wait"}]})
    assert script.frame_of(script.steps[0]) == 90 and script.frames == 150


@pytest.mark.parametrize(("steps", "message"), [
    ([{"at": 1, "do": "card", "card": "party"}], "step 0 (card): card: unknown card 'party'"),
    ([{"at": 1, "do": "wait"}, {"at": 2, "do": "fly"}], "step 1 (fly)"),
    ([{"at": 1, "do": "speed", "speed": 3}], "step 0 (speed): speed: speed must be one of"),
    ([{"at": -1, "do": "wait"}], "step 0 (wait): at:"),
    ([{"at": 1, "do": "select", "citizen": "zed"}], "step 0 (select): unknown citizen 'zed'"),
    ([{"at": 1, "do": "card", "card": "greet", "targets": ["ada", "nobody"]}],
     "step 0 (card): unknown citizen 'nobody'"),
    ([{"at": 5, "do": "wait"}, {"at": 2, "do": "wait"}], "step 1 (wait): starts at 2.0 s"),
    ([{"at": 1, "do": "select", "citizen": "ada", "lod": 9}], "step 0 (select): lod:"),
    ([{"at": 1, "do": "wait", "extra": 1}], "step 0 (wait): extra:"),
    ([{"at": 1, "do": "card", "card": "festival", "targets": ["ada"]}],
     "step 0 (card): festival takes no targets"),
    ([{"at": 1, "do": "card", "card": "wake", "targets": ["ada", "otto"]}],
     "step 0 (card): wake takes one target at most"),
])
def test_a_malformed_script_names_the_step(tmp_path: Path, steps: list[object],
                                           message: str) -> None:
    path = tmp_path / "demo.json"
    path.write_text(json.dumps({"steps": steps}))
    with pytest.raises(demo.DemoError) as err:
        demo.load(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value), err.value


def test_unreadable_and_broken_json_scripts_are_clear(tmp_path: Path) -> None:
    with pytest.raises(demo.DemoError, match="cannot read"):
        demo.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"steps": [')
    with pytest.raises(demo.DemoError, match="line 1"):
        demo.load(bad)
    with pytest.raises(demo.DemoError, match="unknown scenario"):
        demo.parse({"scenario": "moon", "steps": []})
