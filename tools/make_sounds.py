"""Sound generator for Agent Town: every sound of the game, synthesised from code.

Two ambient loops (day and night, cross-faded by the window as the light changes) and the short
sounds the window plays for what happens in the town: a card played, a greeting, a quarrel, a
coalition formed or dissolved, a storm, a festival. Writes 16-bit mono WAV files at 22,050 Hz.

Run ``python tools/make_sounds.py [--out DIR]`` (default ``game/assets/sounds/``). Output is
deterministic to the bit on any machine: the waves are built from additions, multiplications
and floor only (a polynomial sine, polynomial envelopes, no libm, no FFT), the noise comes from
one PCG64 generator with a fixed seed, and samples are rounded half to even. Imports nothing
from ``game``.
"""

from __future__ import annotations

import argparse
import wave
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

RATE = 22050  # samples a second: the sounds are soft and low, this keeps the files small
SEED = 20261130
OUT = Path(__file__).resolve().parent.parent / "game" / "assets" / "sounds"
LOOP_SECONDS = 4.0  # each ambient loop; every partial in it has a whole number of cycles
TAU = 6.283185307179586

Wave = NDArray[np.float64]


# --- deterministic building blocks ----------------------------------------------------------

def times(seconds: float) -> Wave:
    return np.arange(round(seconds * RATE), dtype=np.float64) / RATE


def sine_cycles(phase: Wave) -> Wave:
    """sin(2π·phase), phase in cycles: folded to a quarter cycle, then a Taylor polynomial to
    the 13th power (error under 1e-9) — plain arithmetic, the same bits everywhere."""
    x = phase - np.floor(phase)
    u = np.where(x < 0.25, x, np.where(x < 0.75, 0.5 - x, x - 1.0))
    a = u * TAU
    a2 = a * a
    poly = np.full_like(a, _inverse_factorial(13))
    for k in (11, 9, 7, 5, 3):
        poly = poly * -a2 + _inverse_factorial(k)
    return a * (1.0 + poly * -a2)


def _inverse_factorial(k: int) -> float:
    product = 1
    for n in range(2, k + 1):
        product *= n
    return 1.0 / product


def tone(t: Wave, hz: float, partials: Sequence[float] = (1.0,)) -> Wave:
    """A note at `hz`: its harmonics weighted by `partials` (the first is the fundamental)."""
    out = np.zeros_like(t)
    for k, weight in enumerate(partials, start=1):
        out = out + weight * sine_cycles(t * (hz * k))
    return out


def pluck(t: Wave, length: float, attack: float = 0.005, power: int = 3) -> Wave:
    """A struck envelope: a short linear rise, then (1 − t/length)^power down to silence."""
    rise = np.clip(t / attack, 0.0, 1.0)
    fall = np.clip(1.0 - t / length, 0.0, 1.0)
    shaped = np.ones_like(t)
    for _ in range(power):
        shaped = shaped * fall
    return rise * shaped


def smooth_noise(rng: np.random.Generator, n: int, keep: float) -> Wave:
    """Uniform noise through a one-pole low-pass (`keep` near 1: darker)."""
    white = rng.random(n) * 2.0 - 1.0
    out = np.empty(n)
    level = 0.0
    for i in range(n):  # a plain loop: a fixed order of operations
        level = level * keep + white[i] * (1.0 - keep)
        out[i] = level
    return out


def at(length: float, *notes: tuple[float, Wave]) -> Wave:
    """Sounds placed at their start times (seconds) in one buffer `length` seconds long."""
    out = np.zeros(round(length * RATE))
    for start, sound in notes:
        first = round(start * RATE)
        piece = sound[: max(0, len(out) - first)]
        out[first:first + len(piece)] += piece
    return out


def note(hz: float, length: float, partials: Sequence[float] = (1.0, 0.3, 0.1),
         power: int = 3) -> Wave:
    t = times(length)
    return tone(t, hz, partials) * pluck(t, length, power=power)


# --- the sounds -----------------------------------------------------------------------------

def ambient_day(rng: np.random.Generator) -> Wave:
    """A warm, slowly breathing major chord with a breath of wind; a seamless 4 s loop."""
    t = times(LOOP_SECONDS)
    # Frequencies are multiples of 1/LOOP_SECONDS: every partial ends where it began.
    chord = sum((tone(t, hz, (1.0, 0.25)) for hz in (130.75, 196.0, 261.5, 329.5)),
                np.zeros_like(t))
    breathing = 0.75 + 0.25 * sine_cycles(t * 0.25)
    wind = _looped(smooth_noise(rng, len(t) + RATE // 2, 0.985))
    return 0.18 * chord * breathing + 0.35 * wind


def ambient_night(rng: np.random.Generator) -> Wave:
    """A low minor drone and crickets; a seamless 4 s loop."""
    t = times(LOOP_SECONDS)
    drone = sum((tone(t, hz, (1.0, 0.2)) for hz in (110.0, 130.75, 164.75)), np.zeros_like(t))
    swell = 0.7 + 0.3 * sine_cycles(t * 0.5)
    chirp = tone(times(0.045), 4400.0) * pluck(times(0.045), 0.045, 0.004, 2)
    crickets = at(LOOP_SECONDS, *((start, chirp) for start in _cricket_starts(rng)))
    return 0.17 * drone * swell + 0.06 * crickets


def _cricket_starts(rng: np.random.Generator) -> list[float]:
    """Bursts of three chirps at a few random moments, clear of the loop's seam."""
    starts = []
    for burst in np.sort(rng.random(5)) * (LOOP_SECONDS - 0.6):
        starts += [float(burst) + k * 0.07 for k in range(3)]
    return starts


def _looped(noise: Wave) -> Wave:
    """Noise `RATE // 2` samples longer than the loop, its tail cross-faded into its head."""
    n = len(noise) - RATE // 2
    fade = np.arange(RATE // 2, dtype=np.float64) / (RATE // 2)
    out = noise[:n].copy()
    out[: RATE // 2] = noise[:RATE // 2] * fade + noise[n:] * (1.0 - fade)
    return out


def card(rng: np.random.Generator) -> Wave:
    """A card played: a bright rising pair, like a chime."""
    return 0.5 * at(0.45, (0.0, note(784.0, 0.3, (1.0, 0.4, 0.2))),
                    (0.08, note(1175.0, 0.37, (1.0, 0.4, 0.2))))


def greet(rng: np.random.Generator) -> Wave:
    """A greeting: two soft notes, a third apart, up."""
    return 0.35 * at(0.35, (0.0, note(523.25, 0.2, (1.0, 0.15))),
                     (0.1, note(659.25, 0.25, (1.0, 0.15))))


def dispute(rng: np.random.Generator) -> Wave:
    """A quarrel: a short, low, grating tritone."""
    t = times(0.4)
    buzz = tone(t, 155.0, (1.0, 0.6, 0.45, 0.3)) + tone(t, 219.0, (1.0, 0.5, 0.3))
    return 0.22 * buzz * pluck(t, 0.4, 0.01, 2)


def coalition_formed(rng: np.random.Generator) -> Wave:
    """A coalition formed: a major arpeggio rising."""
    return 0.4 * at(0.6, *((k * 0.09, note(hz, 0.35)) for k, hz in
                           enumerate((392.0, 493.88, 587.33, 783.99))))


def coalition_dissolved(rng: np.random.Generator) -> Wave:
    """A coalition dissolved: a minor arpeggio falling."""
    return 0.4 * at(0.6, *((k * 0.1, note(hz, 0.35)) for k, hz in
                           enumerate((659.25, 523.25, 440.0, 329.63))))


def storm(rng: np.random.Generator) -> Wave:
    """A storm: a low rumble of thunder that rolls in and fades."""
    t = times(1.6)
    rumble = smooth_noise(rng, len(t), 0.992)
    swell = np.clip(t / 0.15, 0.0, 1.0) * pluck(t, 1.6, 0.001, 2)
    return 9.0 * rumble * swell


def festival(rng: np.random.Generator) -> Wave:
    """A festival: a quick bright fanfare of bells."""
    bells = (1.0, 0.0, 0.5, 0.0, 0.25)
    return 0.3 * at(0.8, *((start, note(hz, 0.4, bells)) for start, hz in
                           ((0.0, 523.25), (0.1, 659.25), (0.2, 783.99), (0.3, 1046.5),
                            (0.45, 783.99), (0.55, 1046.5))))


SOUNDS: dict[str, Callable[[np.random.Generator], Wave]] = {
    "ambient_day": ambient_day, "ambient_night": ambient_night, "card": card, "greet": greet,
    "dispute": dispute, "coalition_formed": coalition_formed,
    "coalition_dissolved": coalition_dissolved, "storm": storm, "festival": festival,
}


def pcm16(samples: Wave) -> bytes:
    """Samples in −1…1 as little-endian 16-bit PCM (clipped, rounded half to even)."""
    return np.round(np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def write_wav(path: Path, samples: Wave) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm16(samples))


def generate(out: Path = OUT) -> list[Path]:
    """Write every sound into `out`; each draws its noise from its own seeded generator, so
    changing one sound leaves the others' bytes alone."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for k, (name, make) in enumerate(SOUNDS.items()):
        path = out / f"{name}.wav"
        write_wav(path, make(np.random.Generator(np.random.PCG64([SEED, k]))))
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT,
                        help="folder to write (default: %(default)s)")
    for path in generate(parser.parse_args().out):
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
