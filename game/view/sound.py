"""The window's sound: a quiet ambient loop that follows day and night, and short sounds for
what the town does (a card played, a greeting, a quarrel, a coalition formed or dissolved, a
storm, a festival), at the volumes the person set.

The sounds are WAV files under game/assets/sounds/, written by tools/make_sounds.py. The day
and night loops play together on two channels, cross-faded by the daylight (`daylight`); the
short sounds are chosen from the events the app hears, at most one a moment and each kind
no more often than its own gap, so 16× sounds like 1×, only busier.

`Sound.start` opens the mixer; when there is no audio device (or no mixer) it says so in one
log line and gives a `Sound` that does nothing. Demos and renders get none unless asked
(`--sound`). Never imports the app, the widgets or the flux.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import pygame

from game.sim.events import Record
from game.userfiles.settings import Settings
from game.view.assets import resource_path
from game.view.daylight import light_at
from game.view.palette import DAYLIGHT_TINTS

log = logging.getLogger(__name__)

SOUND_DIR = ("assets", "sounds")
AMBIENT = ("ambient_day", "ambient_night")
FADE_MS = 1500  # the ambient loops fade in at start
RATE = 22050  # the sounds' own rate: nothing to resample
BUFFER = 1024  # samples: ~46 ms of latency, few underruns on a busy machine
SHORT_CHANNELS = 6  # short sounds may overlap this much
PLAYED_KEPT = 32


@dataclass(frozen=True)
class Cue:
    """A short sound: its file, the least time between two of it (seconds) and its rank when
    several are due at once (higher wins)."""

    name: str
    gap: float
    rank: int


# What each event sounds like. Failed operations (a refused card) stay silent: the toast says it.
CUES: dict[str, Cue] = {
    "card": Cue("card", 0.3, 5),
    "storm": Cue("storm", 4.0, 6),
    "festival": Cue("festival", 4.0, 6),
    "coalition_formed": Cue("coalition_formed", 1.5, 4),
    "coalition_dissolved": Cue("coalition_dissolved", 1.5, 4),
    "dispute": Cue("dispute", 1.2, 3),
    "greet": Cue("greet", 1.0, 1),
}
ANY_GAP = 0.25  # seconds between any two short sounds


def cue_of(record: Record) -> Cue | None:
    """The short sound an event makes, if any: a card's own events sound as a card, the storm
    and festival cards as themselves."""
    if not record.success:
        return None
    if record.op in ("storm", "festival"):
        return CUES[record.op]
    if record.card is not None:
        return CUES["card"]
    return CUES.get(record.op)


def _brightness(tint: tuple[int, int, int]) -> float:
    return sum(tint) / (3 * 255)


NIGHT_LIGHT = min(_brightness(tint) for _, tint in DAYLIGHT_TINTS)


def daylight(tick: float) -> float:
    """How light the town is at a tick, 0 (the darkest night) … 1 (full day): the brightness
    of the tint the town is drawn in."""
    light = (_brightness(light_at(tick).tint) - NIGHT_LIGHT) / (1.0 - NIGHT_LIGHT)
    return min(1.0, max(0.0, light))


class Throttle:
    """Which short sound to play now, from the cues heard: the highest ranked one that is off
    its own gap, and only once `ANY_GAP` has passed since the last."""

    def __init__(self) -> None:
        self.last: dict[str, float] = {}
        self.last_any = float("-inf")

    def pick(self, cues: Iterable[Cue], now: float) -> Cue | None:
        if now - self.last_any < ANY_GAP:
            return None
        ready = [c for c in cues if now - self.last.get(c.name, float("-inf")) >= c.gap]
        if not ready:
            return None
        chosen = max(ready, key=lambda c: c.rank)
        self.last[chosen.name] = self.last_any = now
        return chosen


class Sound:
    """The sound of one window. A silent one (no mixer) takes every call and does nothing."""

    def __init__(self, sounds: dict[str, pygame.mixer.Sound], settings: Settings) -> None:
        self.sounds = sounds
        self.settings = settings
        self.throttle = Throttle()
        self.played: deque[str] = deque(maxlen=PLAYED_KEPT)  # the latest short sounds chosen
        self._ambient: list[pygame.mixer.Channel] = []
        self._shorts: list[pygame.mixer.Channel] = []

    @classmethod
    def silent(cls, settings: Settings | None = None) -> Sound:
        return cls({}, settings if settings is not None else Settings())

    @classmethod
    def start(cls, settings: Settings) -> Sound:
        """Open the mixer and load the sounds; a silent Sound (and one log line) when there is
        no audio device or the files cannot be read."""
        try:
            pygame.mixer.init(frequency=RATE, size=-16, channels=2, buffer=BUFFER)
            pygame.mixer.set_num_channels(len(AMBIENT) + SHORT_CHANNELS)
            pygame.mixer.set_reserved(len(AMBIENT))
            sounds = {name: pygame.mixer.Sound(str(resource_path(*SOUND_DIR, f"{name}.wav")))
                      for name in (*AMBIENT, *(c.name for c in CUES.values()))}
        except (pygame.error, OSError) as err:
            log.warning("no sound: %s", err)
            pygame.mixer.quit()  # a mixer opened for files that could not be read
            return cls.silent(settings)
        sound = cls(sounds, settings)
        sound._begin()
        return sound

    @property
    def on(self) -> bool:
        return bool(self.sounds)

    def _begin(self) -> None:
        self._ambient = [pygame.mixer.Channel(k) for k in range(len(AMBIENT))]
        self._shorts = [pygame.mixer.Channel(len(AMBIENT) + k) for k in range(SHORT_CHANNELS)]
        for channel, name in zip(self._ambient, AMBIENT, strict=True):
            channel.set_volume(0.0)
            channel.play(self.sounds[name], loops=-1, fade_ms=FADE_MS)

    def follow(self, tick: float) -> None:
        """Each frame: the ambient loops' mix for the light at `tick`, at the music volume."""
        if not self.on:
            return
        day = daylight(tick)
        music = 0.0 if self.settings.muted else self.settings.music_volume
        for channel, share in zip(self._ambient, (day, 1.0 - day), strict=True):
            channel.set_volume(music * share)

    def hear(self, records: Iterable[Record], now: float) -> None:
        """The records of the ticks just run: play the one short sound they call for, if any
        is off its gap."""
        cues = [cue for record in records if (cue := cue_of(record)) is not None]
        if not cues:
            return
        chosen = self.throttle.pick(cues, now)
        if chosen is None:
            return
        self.played.append(chosen.name)
        if not self.on or self.settings.muted:
            return
        channel = pygame.mixer.find_channel(True)
        if channel is not None:
            channel.set_volume(self.settings.sound_volume)
            channel.play(self.sounds[chosen.name])

    def toggle_mute(self) -> bool:
        """Mute or unmute everything; returns whether it is muted now."""
        self.settings.muted = not self.settings.muted
        if self.settings.muted:
            for channel in self._shorts:
                channel.stop()
        return self.settings.muted

    def close(self) -> None:
        if self.on:
            pygame.mixer.quit()
            self.sounds = {}
