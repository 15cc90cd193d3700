"""Sound: the committed WAVs are exactly what tools/make_sounds.py synthesises; the ambient
loops follow the light; short sounds come from the events, throttled so 16× does not clatter;
Ctrl+M mutes; demos are silent unless asked; the dummy driver and a missing audio device are
harmless; and under a driver that really mixes (SDL's disk driver) the sound reaches the
output."""

from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
import sys
import wave
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import numpy as np
import pygame
import pytest

from game import config
from game.demos.script import DemoScript
from game.sim.events import Record
from game.trace.timeline import Timeline
from game.userfiles import settings as user_settings
from game.userfiles.settings import Settings
from game.view import playback
from game.view.app import App
from game.view.assets import Assets
from game.view.sound import AMBIENT, ANY_GAP, CUES, Sound, cue_of, daylight
from tests.window import key

ROOT = Path(__file__).resolve().parent.parent
SOUNDS = ROOT / "game" / "assets" / "sounds"
NOON = config.DAY_TICKS // 2 - 2 * config.DAY_TICKS // 24  # the day starts at 6:00
MIDNIGHT = NOON + config.DAY_TICKS // 2


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sounds", ROOT / "tools" / "make_sounds.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def event(op: str, tick: int = 1, *, success: bool = True, card: bool = False) -> Record:
    """An event of citizen 0 as the flux records it (what the window hears)."""
    return Record(tick, 0, op, (0,), -1, -1, success, None, "", None, 0, 0.0,
                  op if card else None, {})


@pytest.fixture
def mixer() -> Iterator[Sound]:
    """A Sound on the dummy audio driver: a real mixer that plays into nothing."""
    sound = Sound.start(Settings())
    yield sound
    sound.close()


# --- the files -----------------------------------------------------------------------------

def test_the_tool_regenerates_the_committed_sounds_bit_for_bit(tmp_path: Path) -> None:
    written = load_tool().generate(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in SOUNDS.glob("*.wav"))
    for path in written:
        assert path.read_bytes() == (SOUNDS / path.name).read_bytes(), path.name


def test_the_sounds_are_small_16_bit_files_the_window_names() -> None:
    names = {p.stem for p in SOUNDS.glob("*.wav")}
    assert names == {*AMBIENT, *(c.name for c in CUES.values())}
    assert sum(p.stat().st_size for p in SOUNDS.glob("*.wav")) < 700_000
    for path in SOUNDS.glob("*.wav"):
        with wave.open(str(path)) as w:
            assert (w.getsampwidth(), w.getnchannels(), w.getframerate()) == (2, 1, 22050)
            samples = np.frombuffer(w.readframes(w.getnframes()), "<i2")
        assert 4000 < np.abs(samples).max() < 32767, path.name  # audible, never clipped


def test_the_ambient_loops_join_without_a_click() -> None:
    for name in AMBIENT:
        with wave.open(str(SOUNDS / f"{name}.wav")) as w:
            s = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(int)
        steps = np.abs(np.diff(s))
        assert abs(s[0] - s[-1]) <= steps.max(), name  # the seam is a step like any other


# --- what plays ----------------------------------------------------------------------------

def test_events_sound_as_their_kind_and_refusals_stay_silent() -> None:
    assert cue_of(event("greet")) == CUES["greet"]
    assert cue_of(event("dispute")) == CUES["dispute"]
    assert cue_of(event("coalition_formed")) == CUES["coalition_formed"]
    assert cue_of(event("coalition_dissolved")) == CUES["coalition_dissolved"]
    assert cue_of(event("storm", card=True)) == CUES["storm"]
    assert cue_of(event("festival", card=True)) == CUES["festival"]
    assert cue_of(event("gossip", card=True)) == CUES["card"]
    assert cue_of(event("greet", success=False)) is None
    assert cue_of(event("walk")) is None and cue_of(event("rest")) is None


def test_at_16x_a_town_full_of_greetings_plays_a_few_sounds_not_hundreds() -> None:
    sound = Sound.silent()
    frames = 60 * 10  # ten seconds at 60 fps, a dozen greetings and a quarrel every frame
    for frame in range(frames):
        sound.hear([event("greet", frame)] * 12 + [event("dispute", frame)], frame / 60)
    played = list(sound.played)
    assert 15 <= len(played) <= 10 / ANY_GAP  # greet ≤ 1/s, dispute ≤ 1/1.2 s
    assert played.count("greet") <= 11 and played.count("dispute") <= 9


def test_the_rarer_sound_wins_when_several_are_due() -> None:
    sound = Sound.silent()
    sound.hear([event("greet"), event("coalition_formed"), event("dispute")], 0.0)
    assert list(sound.played) == ["coalition_formed"]


def test_the_ambient_loops_cross_fade_with_the_light(mixer: Sound) -> None:
    assert mixer.on
    assert daylight(NOON) == 1.0 and daylight(MIDNIGHT) == 0.0
    day, night = (pygame.mixer.Channel(k) for k in range(len(AMBIENT)))
    mixer.follow(NOON)
    assert day.get_busy() and night.get_busy()
    assert day.get_volume() > 0.35 and night.get_volume() < 0.05  # music volume 0.4
    mixer.follow(MIDNIGHT)
    assert day.get_volume() < night.get_volume()
    mixer.settings.muted = True
    mixer.follow(NOON)
    assert day.get_volume() == night.get_volume() == 0.0


def test_under_the_dummy_driver_sound_is_silent_and_harmless(mixer: Sound) -> None:
    assert os.environ["SDL_AUDIODRIVER"] == "dummy" and mixer.on
    for frame in range(30):
        mixer.follow(frame * 40.0)
        mixer.hear([event("festival", frame, card=True), event("greet", frame)], frame * 0.5)
    assert "festival" in mixer.played
    assert mixer.toggle_mute() is True and mixer.toggle_mute() is False


def test_no_audio_device_is_one_log_line_and_a_silent_window(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("SDL_AUDIODRIVER", "no-such-driver")
    with caplog.at_level(logging.WARNING, logger="game.view.sound"):
        sound = Sound.start(Settings())
    assert not sound.on and pygame.mixer.get_init() is None
    assert [r.getMessage()[:9] for r in caplog.records] == ["no sound:"]
    sound.follow(NOON)
    sound.hear([event("storm", card=True)], 0.0)
    assert list(sound.played) == ["storm"]  # chosen, played into nothing
    sound.close()


DISK_CHECK = """
import time
from game.sim.events import Record
from game.userfiles import settings as user_settings
from game.userfiles.settings import Settings
from game.view.sound import Sound
sound = Sound.start(Settings())
assert sound.on
sound.follow(600)
sound.hear([Record(1, 0, "festival", (), -1, -1, True, None, "", None, 0, 0.0, None, {})], 0.0)
time.sleep(1.0)
sound.close()
"""


def test_a_real_driver_mixes_the_sound_into_its_output(tmp_path: Path) -> None:
    """SDL's disk driver mixes exactly as a sound card's would, into a file instead."""
    out = tmp_path / "mixed.raw"
    env = {**os.environ, "SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(out),
           "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
    subprocess.run([sys.executable, "-c", DISK_CHECK], env=env, check=True, timeout=60,
                   capture_output=True)
    samples = np.frombuffer(out.read_bytes(), "<i2")
    assert len(samples) > 22050  # about a second of stereo, 22,050 frames a second
    assert np.count_nonzero(samples) > len(samples) // 2 and np.abs(samples).max() > 3000


# --- the window ----------------------------------------------------------------------------

def test_ctrl_m_mutes_and_unmutes_and_the_settings_remember(assets: Assets) -> None:
    pygame.event.clear()
    app = App(Timeline("town", 7), speed=0, reproducible=True, assets=assets)
    key(app, pygame.K_m, pygame.KMOD_LCTRL)
    assert app.settings.muted and "sound off" in app.widgets.toasts.texts_shown()
    key(app, pygame.K_m, pygame.KMOD_LCTRL)
    assert not app.settings.muted and "sound on" in app.widgets.toasts.texts_shown()
    assert app.ui.armed is None  # Ctrl+M is not M, the storm card


def test_the_app_hears_a_played_card(assets: Assets) -> None:
    pygame.event.clear()
    app = App(Timeline("town", 7), speed=0, reproducible=True, assets=assets)
    key(app, pygame.K_f)  # arm the festival…
    key(app, pygame.K_RETURN)  # …and play it
    app.frame(1.0)  # paused: the card's tick is stepped at once
    assert list(app.sound.played) == ["festival"]


def test_a_demo_is_silent_unless_asked() -> None:
    script = DemoScript(scenario="village", seed=1, fps=10, steps=())  # ten frames
    mixers: list[object] = []

    def sink(frame: int, surface: pygame.Surface) -> None:
        mixers.append(pygame.mixer.get_init())

    playback.play_script(script, "test", window=False, on_frame=sink)
    assert set(mixers) == {None}
    mixers.clear()
    playback.play_script(script, "test", window=False, on_frame=sink, sound=True)
    assert None not in mixers


def test_sound_files_that_cannot_be_read_leave_a_silent_window_and_no_mixer(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr("game.view.sound.SOUND_DIR", ("assets", "no-such-folder"))
    with caplog.at_level(logging.WARNING, logger="game.view.sound"):
        sound = Sound.start(Settings())
    assert not sound.on and pygame.mixer.get_init() is None
    assert len(caplog.records) == 1


def test_the_volumes_and_mute_are_remembered_with_the_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    user_settings.save(Settings(music_volume=0.25, sound_volume=0.5, muted=True), path)
    loaded, problem = user_settings.load(path)
    assert problem is None
    assert (loaded.music_volume, loaded.sound_volume, loaded.muted) == (0.25, 0.5, True)
    assert (Settings().music_volume, Settings().sound_volume, Settings().muted) == (
        0.4, 0.7, False)
