"""When something unexpected breaks: save the history, say so in the window, exit cleanly.

An unexpected exception in the loop autosaves the history atomically, logs the traceback, leaves
a note for the next start (which then offers to reopen the autosave), and shows a readable error
screen with the autosave's and the log's paths until a key or the window's close.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pygame

from game.trace import store
from game.trace.timeline import Timeline
from game.userfiles import logs, paths
from game.userfiles.storage import atomic_write_text
from game.view.assets import Assets
from game.view.hud import UI_SCALE, Faces, MessageBox, Texts, shade
from game.view.input import Dismiss, Intent, OpenSave
from game.view.palette import BRIGHT, DIM, TEXT, WARN

log = logging.getLogger(__name__)

WRAP = 60  # characters per line of the error screen


@dataclass(frozen=True)
class CrashNote:
    """What the last session left when it stopped on an error."""

    autosave: Path
    error: str


def note_path() -> Path:
    return paths.data_dir() / "last-crash.json"


def pending() -> CrashNote | None:
    """The note of a crash the person has not been told about yet (a broken note is ignored)."""
    try:
        raw = json.loads(note_path().read_text(encoding="utf-8"))
        note = CrashNote(Path(raw["autosave"]), str(raw["error"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as err:
        log.warning("ignoring a broken crash note: %s", err)
        return None
    return note if note.autosave.exists() else None


def forget() -> None:
    note_path().unlink(missing_ok=True)


def save_history(timeline: Timeline) -> Path | None:
    """Autosave after a crash. The live state may be half-updated, so re-simulate from a
    keyframe (seek to 0 first); if even that fails, keep the cards without checkpoints."""
    path = paths.autosave_path()
    try:
        timeline.seek(0)
        store.save(timeline, path, title="autosave after an error")
        return path
    except Exception:
        log.exception("autosave after the error failed; saving the cards alone")
    try:
        store.write(store.cards_only(timeline, "autosave after an error (unchecked)"), path)
        return path
    except Exception:
        log.exception("could not save the history at all")
        return None


def record(error: BaseException, autosave: Path | None) -> None:
    """Log the traceback and leave a note for the next start."""
    log.error("unexpected error", exc_info=error)
    if autosave is None:
        return
    try:
        atomic_write_text(note_path(), json.dumps({"autosave": str(autosave),
                                                   "error": summary(error)}) + "\n")
    except OSError:
        log.exception("could not write the crash note")


def summary(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _wrap(text: str) -> list[str]:
    words, lines, line = text.split(" "), [], ""
    for word in words:
        while len(word) > WRAP:  # paths have no spaces: cut them
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:WRAP])
            word = word[WRAP:]
        if line and len(line) + 1 + len(word) > WRAP:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def screen_lines(error: BaseException, autosave: Path | None) -> list[tuple[str, tuple[int, ...]]]:
    lines: list[tuple[str, tuple[int, ...]]] = [("Agent Town stopped: something went wrong.",
                                                 WARN)]
    lines += [(part, TEXT) for part in _wrap(summary(error))]
    lines.append(("", TEXT))
    if autosave is not None:
        lines.append(("Your history is saved in:", BRIGHT))
        lines += [(part, TEXT) for part in _wrap(str(autosave))]
        lines.append(("Next start offers to reopen it.", DIM))
    else:
        lines.append(("The history could not be saved.", WARN))
    lines.append(("Details are in the log:", BRIGHT))
    lines += [(part, TEXT) for part in _wrap(str(logs.log_file()))]
    lines.append(("", TEXT))
    lines.append(("Press any key or close the window to exit.", DIM))
    return lines


def draw(screen: pygame.Surface, assets: Assets,
         lines: list[tuple[str, tuple[int, ...]]]) -> None:
    """The error screen: the last frame dimmed, a panel of readable lines over it."""
    shade(screen, screen.get_rect(), 200)
    texts, faces = Texts(assets), Faces(assets)
    rendered = [texts.get(text or " ", (c[0], c[1], c[2])) for text, c in lines]
    step = 11 * UI_SCALE
    w = max(s.get_width() for s in rendered) + 24 * UI_SCALE
    h = step * len(rendered) + 16 * UI_SCALE
    panel = pygame.Rect(0, 0, min(w, screen.get_width() - 8), min(h, screen.get_height() - 8))
    panel.center = screen.get_rect().center
    faces.panel(screen, panel)
    y = panel.y + 8 * UI_SCALE
    for surface in rendered:
        screen.blit(surface, (panel.x + 12 * UI_SCALE, y))
        y += step


def show(screen: pygame.Surface, assets: Assets, lines: list[tuple[str, tuple[int, ...]]],
         frames: int | None) -> None:
    """Show the error screen until a key, a click or the window's close (or `frames` frames)."""
    draw(screen, assets, lines)
    clock = pygame.time.Clock()
    shown = 0
    while frames is None or shown < frames:
        pygame.display.flip()
        if any(e.type in (pygame.QUIT, pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN)
               for e in pygame.event.get()):
            return
        clock.tick(30)
        shown += 1


class ReopenPrompt(MessageBox):
    """At start after a crash: reopen the autosave (Y, Enter or a click) or start fresh (N, Esc).
    """

    def __init__(self, assets: Assets) -> None:
        super().__init__(assets)
        self.note: CrashNote | None = None

    def offer(self, note: CrashNote) -> None:
        self.note = note
        self.lines = (("The last session stopped on an error.", WARN),
                      (f"({note.error[:WRAP]})", DIM),
                      ("Reopen its autosave?", BRIGHT),
                      ("Y / Enter / click: reopen    N / Esc: start fresh", TEXT))

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if self.note is None:
            return Dismiss()
        yes = (event.type == pygame.KEYDOWN and event.key in (pygame.K_y, pygame.K_RETURN)) \
            or (event.type == pygame.MOUSEBUTTONDOWN and self.rect.collidepoint(event.pos))
        if yes:
            return OpenSave(str(self.note.autosave))
        if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
            return Dismiss()
        return None
