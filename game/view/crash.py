"""When something unexpected breaks: keep the history, say so in the window, exit cleanly; and
at the next start, a safe way back in that never loops.

An unexpected exception in the loop saves the history as its own file in the saves folder,
`crash-YYYYMMDD-HHMMSS.town`, which nothing but the person ever deletes (autosaves rotate
elsewhere); logs the traceback; leaves a note for the next start; and shows a readable error
screen with the file's and the log's paths until a key or the window's close. Counted runs
(`--frames`, `--screenshot`) keep the history in a temp folder instead and leave no note: they
never write the person's files.

The next start offers the history "where it stopped" or "at its start" (tick 0, paused, nothing
re-simulated). The way chosen is written into the note before it is tried, and the note is
forgotten only once the reopened town has run `TRIAL_SECONDS` (or the window closes normally):
if reopening stops on an error again, or the process dies, the next start offers only the
safer way, and after that only says where the file is. The note names a file in the saves
folder; a note pointing anywhere else is ignored with a log line.
"""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import pygame

from game import limits
from game.trace import store
from game.trace.timeline import Timeline
from game.userfiles import logs, paths
from game.userfiles.storage import atomic_write_text
from game.view.assets import Assets
from game.view.effects import Say
from game.view.files import free_path, open_at_start, open_town
from game.view.hud import UI_SCALE, Faces, MessageBox, Texts, shade
from game.view.input import Dismiss, Intent, Quit, Reopen, key_intent
from game.view.palette import BRIGHT, DIM, TEXT, WARN

log = logging.getLogger(__name__)

WRAP = 60  # characters per line of the error screen
WAYS = ("end", "start")  # ways back into a crashed history, the riskier first
TRIAL_SECONDS = 20.0  # a reopened history that runs this long without an error is fine
ERROR_CHARS = 200  # of the error kept in the note


@dataclass(frozen=True)
class CrashNote:
    """What the last session left when it stopped on an error: the file with its history, the
    error, and the ways of reopening it already tried (each of which stopped again)."""

    history: Path
    error: str
    tried: tuple[str, ...] = ()

    @property
    def ways(self) -> tuple[str, ...]:
        """The ways still worth offering: both, then only the start, then none."""
        if "start" in self.tried:
            return ()
        return ("start",) if "end" in self.tried else WAYS


@dataclass(frozen=True)
class Kept:
    """What a crash left: the file holding the history (None: lost) and the note, if any."""

    history: Path | None
    note: CrashNote | None


def note_path() -> Path:
    return paths.data_dir() / "last-crash.json"


def pending() -> CrashNote | None:
    """The note of a crash the person has not answered yet (a broken note, or one naming a file
    outside the saves folder or gone, is ignored)."""
    try:
        raw = json.loads(note_path().read_text(encoding="utf-8"))
        return _parsed(raw)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, RecursionError) as err:
        log.warning("ignoring the broken crash note %s: %s", note_path(),
                    limits.one_line(str(err), ERROR_CHARS))
        return None


def _parsed(raw: object) -> CrashNote | None:
    if not isinstance(raw, dict):
        raise TypeError("not a JSON object")
    named = raw.get("history", raw.get("autosave"))  # "autosave": notes of 0.x
    tried = raw.get("tried", [])
    if not isinstance(named, str) or not isinstance(tried, list):
        raise TypeError("no history named")
    history = in_saves(named)
    if history is None:
        log.warning("ignoring a crash note naming a file outside the saves folder: %r",
                    named[:ERROR_CHARS])
        return None
    if not history.is_file():
        return None
    return CrashNote(history, str(raw.get("error", ""))[:ERROR_CHARS],
                     tuple(w for w in WAYS if w in tried))


def in_saves(named: str) -> Path | None:
    """The .town file `named` (a name, or a path from an older note) if it lies in the saves
    folder itself, links resolved; else None."""
    folder = paths.saves_dir()
    try:
        real, home = (folder / named).resolve(), folder.resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    return real if real.parent == home and real.suffix == ".town" else None


def write_note(note: CrashNote) -> None:
    atomic_write_text(note_path(), json.dumps({"history": note.history.name, "error": note.error,
                                               "tried": list(note.tried)}) + "\n")


def forget() -> None:
    note_path().unlink(missing_ok=True)


class Trial:
    """A crashed history being reopened: the note marked with the way tried, until the town
    has run TRIAL_SECONDS (or the window closes normally) and the note is forgotten."""

    def __init__(self) -> None:
        self.note: CrashNote | None = None
        self._until = 0.0

    def start(self, note: CrashNote, way: str, now: float) -> None:
        self.note = trying(note, way)
        self._until = now + TRIAL_SECONDS

    def settle(self, now: float, done: bool = False) -> None:
        if self.note is not None and (done or now >= self._until):
            self.note = None
            forget()

    def reopen(self, note: CrashNote, way: str, now: float) -> tuple[Timeline | None, Say]:
        """Reopen `note`'s history `way` (at its saved end, or at its start, paused) and mark
        the way tried; a file that cannot be read ends the trial at once (nothing to retry)."""
        self.start(note, way, now)
        opener = open_town if way == "end" else open_at_start
        timeline, said = opener(str(note.history))
        if timeline is None:
            self.settle(now, done=True)
        return timeline, said


def trying(note: CrashNote, way: str) -> CrashNote:
    """Before reopening `note`'s history `way`: the note says so, so that an error (or a dead
    process) while it is being tried makes the next start offer only a safer way."""
    tried = replace(note, tried=tuple(w for w in WAYS if w in (*note.tried, way)))
    try:
        write_note(tried)
    except OSError:
        log.exception("could not update the crash note")
    return tried


def save_history(timeline: Timeline, in_saves_folder: bool = True) -> Path | None:
    """The history after a crash, as a new file in the saves folder (or, when that fails or
    for a counted run, in a new temp folder). The live state may be half-updated, so
    re-simulate from a keyframe (seek to 0 first); if even that fails, keep the cards alone."""
    here, branch = timeline.cursor, timeline.current  # where it stopped: reopened there
    try:
        timeline.seek(0)
        record = store.to_save(timeline, title="history kept after an error").model_copy(
            update={"cursor": here, "current": branch})
    except Exception:
        log.exception("re-simulating after the error failed; keeping the cards alone")
        record = store.cards_only(timeline, "history kept after an error (unchecked)")
    if in_saves_folder:
        try:
            path = free_path(paths.saves_dir(), "crash", ".town")
            store.write(record, path)
            return path
        except Exception:
            log.exception("could not keep the history in the saves folder")
    try:
        path = Path(tempfile.mkdtemp(prefix="agent-town-crash-")) / "crash.town"
        store.write(record, path)
        return path
    except Exception:
        log.exception("could not keep the history at all")
        return None


def keep(error: BaseException, timeline: Timeline, *, own_files: bool,
         reopening: CrashNote | None = None) -> Kept:
    """After an unexpected error: log it, keep the history, leave a note for the next start.

    `own_files` False (counted runs) keeps it in a new temp folder and leaves no note;
    `reopening` is the note of the crashed history being tried when this error came: the next
    start offers that history again (only the safer way), whatever this session held."""
    log.error("unexpected error", exc_info=error)
    history = save_history(timeline, own_files)
    if not own_files:
        return Kept(history, None)
    if reopening is not None:
        note: CrashNote | None = replace(reopening, error=summary(error))
    else:
        found = in_saves(str(history)) if history is not None else None
        note = CrashNote(found, summary(error)) if found is not None else None
    if note is not None:
        try:
            write_note(note)
        except OSError:
            log.exception("could not write the crash note")
            note = None
    return Kept(history, note)


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


def screen_lines(error: BaseException, kept: Kept) -> list[tuple[str, tuple[int, ...]]]:
    lines: list[tuple[str, tuple[int, ...]]] = [("Agent Town stopped: something went wrong.",
                                                 WARN)]
    lines += [(part, TEXT) for part in _wrap(summary(error))]
    lines.append(("", TEXT))
    if kept.history is not None:
        lines.append(("Your history is saved in:", BRIGHT))
        lines += [(part, TEXT) for part in _wrap(str(kept.history))]
    else:
        lines.append(("The history could not be saved.", WARN))
    if kept.note is not None:
        lines += [(part, DIM) for part in _wrap(next_start(kept.note))]
    lines.append(("Details are in the log:", BRIGHT))
    lines += [(part, TEXT) for part in _wrap(str(logs.log_file()))]
    lines.append(("", TEXT))
    lines.append(("Press any key or close the window to exit.", DIM))
    return lines


def next_start(note: CrashNote) -> str:
    """What the next start will do about the note, in the error screen's words."""
    name = note.history.name
    if note.ways == WAYS:
        return "Next start offers to reopen it."
    if note.ways:
        return f"Next start offers {name} at its start only."
    return f"Next start will not offer {name} again; it stays in your saves (Ctrl+O)."


def given_up(note: CrashNote) -> str:
    """The toast when no way back in is left to offer."""
    return (f"reopening {note.history.name} stopped on an error again: it stays in your saves "
            f"(Ctrl+O), the log has the details")


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
    """At start after a crash: reopen its history where it stopped (Y, Enter or a click), at
    its start, paused (S), or start fresh (N, Esc; the file stays in the saves folder). After a
    way of reopening stopped on an error too, only the start is offered (Y, Enter, S, click).
    Other keys and clicks outside leave the question open; Ctrl+Q quits without an answer.
    """

    def __init__(self, assets: Assets) -> None:
        super().__init__(assets)
        self.note: CrashNote | None = None

    def offer(self, note: CrashNote) -> None:
        self.note = note
        name = note.history.name
        head: tuple[tuple[str, tuple[int, int, int]], ...]
        if note.ways == WAYS:
            head = (("The last session stopped on an error.", WARN),
                    (f"({note.error[:WRAP]})", DIM),
                    (f"Its history is kept in {name}.", TEXT),
                    ("Y / Enter / click: reopen where it stopped", BRIGHT),
                    ("S: reopen at its start, paused", BRIGHT))
        else:
            head = (("Reopening it where it stopped failed too.", WARN),
                    (f"({note.error[:WRAP]})", DIM),
                    (f"Its history is kept in {name}.", TEXT),
                    ("Y / S / Enter / click: reopen at its start, paused", BRIGHT))
        self.lines = (*head, ("N / Esc: start fresh (the file stays: Ctrl+O)", TEXT))

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if self.note is None or not self.note.ways:
            return Dismiss()
        first = self.note.ways[0]
        if event.type == pygame.KEYDOWN:
            if isinstance(key_intent(event), Quit):
                return Quit()  # unanswered: the next start asks again
            if event.key in (pygame.K_y, pygame.K_RETURN, pygame.K_KP_ENTER):
                return Reopen(first)
            if event.key == pygame.K_s:
                return Reopen("start")
            if event.key in (pygame.K_n, pygame.K_ESCAPE):
                return Dismiss()
            return None
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            return Reopen(first) if self.rect.collidepoint(event.pos) else None
        return None
