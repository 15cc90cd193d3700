"""Command line: argument parsing and the headless commands (`run`, `verify`, `seek`, `events`,
`why`, `state`), the window by default, a scripted `demo` in the window and `render` to a video
file.

Errors a person can read: bad input exits 2 with one line `agent-town: …`, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pydantic import TypeAdapter, ValidationError

from game import __version__, clock, config, limits, speed
from game.demos import script as demo
from game.projections.card import MAX_LOD, check_lod
from game.projections.document import document, to_json
from game.projections.town import clock_text
from game.sim import social
from game.sim.cards import Perturbation
from game.sim.events import Event, Record
from game.sim.flux import TownFlux
from game.sim.model import Activity
from game.sim.townmap import REGION_NAMES
from game.trace import store
from game.trace.monoid import TraceIndex
from game.trace.timeline import Timeline
from game.userfiles import logs, paths
from game.userfiles.jsonfile import JsonFileError, first_problem, read_json
from game.userfiles.storage import atomic_writer, clean_beside
from game.wire import commands as wire
from game.words import counted

if TYPE_CHECKING:  # the window's modules load only when a command opens or renders it
    from game.view.window import FrameSink

PROG = "agent-town"
BRANCH_HELP = "branch name (default: the file's current branch)"
SEED_HELP = "the town's seed: the same seed grows the same town"
FILE_HELP = "a saved history (.town)"
MAX_WORKERS = 256  # worker processes of a local sweep cluster


class CliError(Exception):
    """A problem with the user's input: printed as one line, exit status 2."""


class Terminated(Exception):
    """SIGTERM, heard by a command that cleans up on its way out (a render's partial file)."""


def _terminated(_signum: int, _frame: object) -> None:
    raise Terminated


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number, got {limits.shown(text)}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {limits.number(value)}")
    return value


def _within(check: Callable[[int], int]) -> Callable[[str], int]:
    """A whole-number option checked against a limit."""
    def parse(text: str) -> int:
        value = _count(text)
        try:
            return check(value)
        except limits.LimitError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    return parse


_tick = _within(limits.check_ticks)
_days = _within(lambda d: limits.check_count(d, limits.MAX_DAYS, "days (a simulated year)"))
_seed = _within(lambda s: limits.check_count(s, limits.MAX_SEED, "as a seed"))
_frames = _within(lambda f: limits.check_count(
    f, limits.MAX_FRAMES, f"frames (an hour at {config.FRAME_RATE} fps)"))


def _path(text: str) -> str:
    """A file name: never empty (an empty option would be silently ignored)."""
    if not text:
        raise argparse.ArgumentTypeError("expected a file name, got ''")
    return text


def _name(text: str) -> str:
    try:
        return limits.check_name(text, "branch name")
    except limits.LimitError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _ticks_list(text: str) -> list[int]:
    try:
        ticks = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected ticks like 100,200, got {limits.shown(text)}") from None
    if not ticks or any(t < 0 for t in ticks):
        raise argparse.ArgumentTypeError(
            f"expected non-negative ticks, got {limits.shown(text)}")
    return sorted(set(ticks))


def _port(text: str) -> int:
    value = _count(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is at most 65535, got {limits.number(value)}")
    return value


def _workers(text: str) -> int:
    value = _count(text)
    if not 1 <= value <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(
            f"a local cluster takes 1 to {MAX_WORKERS} workers, got {limits.number(value)}")
    return value


def _speed(text: str) -> int:
    try:
        return speed.parse(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _video_size(text: str) -> tuple[int, int]:
    from game.demos import video

    try:
        return video.parse_size(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _render_speed(text: str) -> int:
    try:
        return speed.parse(text, moving=True)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


class _Help(argparse.HelpFormatter):
    """Every option's help ends with its default, unless it names it or has none to name."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if ("default" in text or action.required or default is None or default is False
                or default in ([], "", argparse.SUPPRESS)):
            return text
        return f"{text} (default: %(default)s)"


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Help)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise CliError(message)


class _Version(argparse.Action):
    """--version: the version, and how the simulation runs (compiled is some 1.5–2× quicker)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from game import sim

        how = "compiled" if sim.compiled() else "interpreted"
        with contextlib.suppress(OSError):  # a reader gone: quietly, as argparse's --help
            print(f"{PROG} {__version__} (simulation {how})", flush=True)
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Agent Town: a living, rewindable town. "
                     "With no command it opens the window.")
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="show the version, and whether the simulation runs compiled")
    # None when not given: a window asked for a town opens on it, not on an offer to continue.
    parser.add_argument("--scenario", default=None,
                        help=f"mpp, village, town or city:N (default: {config.DEFAULT_SCENARIO})")
    parser.add_argument("--seed", type=_seed, default=None,
                        help=f"{SEED_HELP} (default: {config.DEFAULT_SEED})")
    parser.add_argument("--speed", type=_speed, default=None,
                        help="0 (pause), 1, 2, 4, 8, 16 or -1 (max); default: the last speed")
    parser.add_argument("--load", type=_path, metavar="FILE.town",
                        help="open a saved history (default: a new town, or the offer to "
                             "continue the last)")
    parser.add_argument("--continue", dest="resume", action="store_true",
                        help="continue the last session (open its autosave)")
    parser.add_argument("--start-tick", type=_tick, default=0,
                        help="run the town headless this far before the window opens "
                        "(with --load: open the history at this tick)")
    parser.add_argument("--frames", type=_frames,
                        help="run exactly N frames (1/60 s each), exit (default: until the "
                             "window is closed)")
    parser.add_argument("--screenshot", type=_path, metavar="OUT.png",
                        help="save the last frame as a PNG (default: none)")
    net = parser.add_argument_group("the window on the network")
    net.add_argument("--serve", action="store_true",
                     help="share the window's town over HTTP (see `serve` for the endpoints)")
    net.add_argument("--join", metavar="URL",
                     help="open the town served at URL, in lockstep (default: a town of your own)")
    net.add_argument("--host", default="127.0.0.1", help="with --serve: address to listen on")
    net.add_argument("--port", type=_port, default=8000, help="with --serve: port (0: any free)")
    net.add_argument("--token", help="with --serve: a token every request must carry; with "
                     "--join: the served town's token (default: none)")
    net.add_argument("--nats", metavar="auto|URL",
                     help="with --serve: publish to NATS JetStream too (auto: our own server; "
                          "default: no NATS)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    _add_run(sub)
    _add_history_commands(sub)
    _add_show_commands(sub)
    _add_wire_commands(sub)
    _add_projection_commands(sub)
    _add_sweep_commands(sub)
    for choice in sub._choices_actions:  # each command's --help opens with its one line
        sub.choices[choice.dest].description = sub.choices[choice.dest].description or choice.help
    return parser


Subparsers = argparse._SubParsersAction  # argparse names no public type for it


def _add_run(sub: Subparsers[_Parser]) -> None:
    run = sub.add_parser("run", help="run the town headless and print a summary")
    run.add_argument("--scenario", default=config.DEFAULT_SCENARIO,
                     help="mpp, village, town or city:N")
    run.add_argument("--seed", type=_seed, default=config.DEFAULT_SEED,
                     help=SEED_HELP)
    length = run.add_mutually_exclusive_group()
    length.add_argument("--days", type=_days, help="days to run (default: 1)")
    length.add_argument("--ticks", type=_tick, help="ticks to run instead of days (default: days)")
    run.add_argument("--events", type=_path, metavar="OUT.jsonl",
                     help="write every event as a JSON line to this file (default: none)")
    run.add_argument("--perturb", type=_path, metavar="CARDS.json",
                     help='a JSON list of {"tick": T, "card": "festival", "targets": [...]} '
                          "(default: no cards)")
    run.add_argument("--hash-at", type=_ticks_list, default=[], metavar="T1,T2,...",
                     help="print the state hash after these ticks (default: only the last)")
    run.add_argument("--out", type=_path, metavar="FILE.town",
                     help="save the history to a .town file (default: not saved)")


def _add_history_commands(sub: Subparsers[_Parser]) -> None:
    """Commands that read a saved history: verify, seek, events, why."""
    verify = sub.add_parser("verify", help="re-simulate a .town file and check its hashes")
    verify.add_argument("file", type=_path, metavar="FILE.town", help=FILE_HELP)

    seek = sub.add_parser("seek", help="the town at a tick of a saved history")
    seek.add_argument("file", type=_path, metavar="FILE.town", help=FILE_HELP)
    seek.add_argument("--tick", type=_tick, required=True, help="the tick to stand at")
    seek.add_argument("--branch", type=_name, help=BRANCH_HELP)

    events = sub.add_parser("events", help="a saved history's events as JSON lines")
    events.add_argument("file", type=_path, metavar="FILE.town", help=FILE_HELP)
    events.add_argument("--branch", type=_name, help=BRANCH_HELP)
    events.add_argument("--from", dest="start", type=_tick, default=0, metavar="T0",
                        help="first tick")
    events.add_argument("--to", dest="end", type=_tick, metavar="T1",
                        help="last tick (default: the branch's head)")

    why = sub.add_parser("why", help="why a citizen is as it is: the chain from a perturbation")
    why.add_argument("file", type=_path, metavar="FILE.town", help=FILE_HELP)
    why.add_argument("--citizen", required=True, help="citizen id or name")
    why.add_argument("--tick", type=_tick, required=True, help="the tick to stand at")
    why.add_argument("--branch", type=_name, help=BRANCH_HELP)


def _add_show_commands(sub: Subparsers[_Parser]) -> None:
    """Commands that show the town: a demo in the window, a video without one."""
    show = sub.add_parser("demo", help="play a scripted demo in the window, then close it")
    show.add_argument("script", nargs="?", type=_path, metavar="SCRIPT.json",
                      help="a demo script (default: the built-in one-minute demo)")
    show.add_argument("--sound", action="store_true",
                      help="play the music and sounds (a demo is silent without it)")

    render = sub.add_parser("render", help="render a saved history or a demo script to a video "
                            "(.mp4 or .gif, 60 fps), without a window")
    render.add_argument("file", nargs="?", type=_path, metavar="FILE.town",
                        help="a saved history (without it, a demo script)")
    render.add_argument("--script", type=_path, metavar="SCRIPT.json",
                        help="a demo script, or 'default' for the built-in demo")
    render.add_argument("--out", type=_path, required=True, metavar="OUT.mp4",
                        help="the video to write: .mp4, or .gif")
    render.add_argument("--from", dest="start", type=_tick, metavar="T0",
                        help="first tick of the history to show (default: 0)")
    render.add_argument("--to", dest="end", type=_tick, metavar="T1",
                        help="last tick (default: the branch's head)")
    render.add_argument("--speed", type=_render_speed, default=1, help="1, 2, 4, 8 or 16")
    render.add_argument("--size", type=_video_size, metavar="WxH",
                        help="the video's size (default: 1280x720 for .mp4, 480x270 for .gif)")
    render.add_argument("--branch", type=_name, help=BRANCH_HELP)
    render.add_argument("--hud", action="store_true",
                        help="draw the full HUD instead of presentation mode")


def _add_wire_commands(sub: Subparsers[_Parser]) -> None:
    """Commands that put a town on the network, or watch one there."""
    serve = sub.add_parser("serve", help="serve a town headless over HTTP (SSE, WebSocket, cards)")
    serve.add_argument("--scenario", default=config.DEFAULT_SCENARIO,
                       help="mpp, village, town or city:N")
    serve.add_argument("--seed", type=_seed, default=config.DEFAULT_SEED,
                       help=SEED_HELP)
    serve.add_argument("--load", type=_path, metavar="FILE.town",
                       help="serve a saved history (default: a new town)")
    serve.add_argument("--speed", type=_speed, default=1, help="0, 1, 2, 4, 8, 16 or -1 (max)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1; another needs --token)")
    serve.add_argument("--port", type=_port, default=8000, help="0 picks a free port")
    serve.add_argument("--token", help="a bearer token every request and socket must carry "
                                       "(default: none, loopback only)")
    serve.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                       help="let pages from ORIGIN (e.g. http://localhost:3000) call the town; "
                       "repeat for more (default: none)")
    serve.add_argument("--out", type=_path, metavar="FILE.town",
                       help="save the history here when serving stops (default: not saved)")
    serve.add_argument("--nats", metavar="auto|URL",
                       help="publish to NATS JetStream too: 'auto' starts a nats-server of its "
                            "own, or a server's URL (nats://host:4222) (default: no NATS, "
                            "viewers served from memory)")

    gateway = sub.add_parser("gateway", help="serve a town's live stream from NATS (its owner "
                             "runs serve --nats), so viewers scale out")
    gateway.add_argument("--nats", required=True, metavar="URL", help="the NATS server's URL")
    gateway.add_argument("--town", default="town", type=_name, help="the town's id (default: town)")
    gateway.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default: 127.0.0.1; another needs --token)")
    gateway.add_argument("--port", type=_port, default=8000, help="0 picks a free port")
    gateway.add_argument("--token", help="a bearer token every request must carry (default: "
                                         "none, loopback only)")

    follow = sub.add_parser("follow", help="print a served town's live events")
    follow.add_argument("url", help="the town's address, e.g. http://127.0.0.1:8000")
    follow.add_argument("--ops", default="",
                        help="only these kinds, e.g. greet,gossip (default: every kind)")
    follow.add_argument("--json", action="store_true", help="JSON lines (the envelopes)")
    follow.add_argument("--token", help="the town's token, if it has one (default: none)")


def _add_projection_commands(sub: Subparsers[_Parser]) -> None:
    """Commands that show the town's projections (`game.projections`) outside the window."""
    state = sub.add_parser("state", help="the town at a tick of a saved history as one JSON "
                           "document: clock, hash, metrics, scatter, coalitions, cards, feed")
    state.add_argument("file", type=_path, metavar="FILE.town", help=FILE_HELP)
    state.add_argument("--tick", type=_tick, required=True, help="the tick to stand at")
    state.add_argument("--branch", type=_name, help=BRANCH_HELP)
    state.add_argument("--lod", type=_lod, default=0,
                       help=f"the citizens' cards' level of detail, 0 to {MAX_LOD} (default: 0)")

    tui = sub.add_parser("tui", help="the town in the terminal: clock, metrics, citizens, feed; "
                         "a saved history to scrub, a served town to follow and play cards "
                         "on, or a town run here")
    tui.add_argument("file", nargs="?", type=_path, metavar="FILE.town | URL",
                     help="a saved history, or a served town's http:// address (without it, "
                     "a town runs here and plays)")
    tui.add_argument("--branch", type=_name, help=BRANCH_HELP)
    tui.add_argument("--scenario", default=config.DEFAULT_SCENARIO,
                     help="without a file: mpp, village, town or city:N")
    tui.add_argument("--seed", type=_seed, default=config.DEFAULT_SEED,
                     help=SEED_HELP)

    dashboard = sub.add_parser("dashboard", help="the town in a marimo notebook in the browser: "
                               "a saved history to scrub, or a served town to follow and play")
    dashboard.add_argument("source", nargs="?", metavar="FILE.town | DIR | URL",
                           help="a saved history, a sweep's folder (its runs to pick from), or "
                           "a served town's http:// address (without it, a fresh default town)")
    dashboard.add_argument("--port", type=_port, help="the page's port (default: marimo's)")
    dashboard.add_argument("--no-browser", action="store_true",
                           help="serve the page without opening a browser")


def _lod(text: str) -> int:
    try:
        return check_lod(_count(text))
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _add_sweep_commands(sub: Subparsers[_Parser]) -> None:
    """Experiments: many runs of a spec on Dask, and a report of their table."""
    sweep = sub.add_parser(
        "sweep", help="run a sweep spec's runs on Dask into one table (or: sweep report DIR)",
        description="agent-town sweep SPEC.json --out DIR: every (scenario, variant, seed) of "
        "the spec as a Dask task, one Parquet table and a .town per run. agent-town sweep "
        "report DIR: plots and an HTML page from a sweep's table.")
    sweep.add_argument("spec", type=_path, metavar="SPEC.json",
                       help="a sweep spec (or the word 'report', then the sweep's folder)")
    sweep.add_argument("folder", nargs="?", type=_path, metavar="DIR",
                       help="with 'report': the folder a sweep wrote")
    sweep.add_argument("--out", type=_path, metavar="DIR",
                       help="the folder to write (required to run a spec)")
    sweep.add_argument("--scheduler", metavar="tcp://HOST:8786",
                       help="run on this Dask cluster (default: a local one on this machine)")
    sweep.add_argument("--workers", type=_workers,
                       help="worker processes of the local cluster (default: one per core)")
    sweep.add_argument("--resume", action="store_true",
                       help="finish a sweep stopped part-way: runs written are kept, not redone")


def load_perturbations(path: str) -> list[Perturbation]:
    """Read a perturbation file; a CliError names the file and the problem."""
    try:
        raw = read_json(path)
    except JsonFileError as err:
        raise CliError(f"cannot read {path}: {err}") from None
    if isinstance(raw, list) and len(raw) > limits.MAX_CARDS:
        raise CliError(f"{path}: {len(raw):,} cards: the limit is {limits.MAX_CARDS:,}")
    try:
        return TypeAdapter(list[Perturbation]).validate_python(raw)
    except ValidationError as err:
        loc, message = first_problem(err)
        if not loc:  # the file as a whole
            raise CliError(f"{path}: a list of cards is expected, e.g. "
                           f'[{{"tick": 300, "card": "festival"}}]') from None
        raise CliError(f"{path}: item {'.'.join(map(str, loc))}: {message}") from None


def check_output(path: str) -> None:
    """Refuse, before any work, an output file that cannot be written: one line saying why.
    (The writers make missing folders, so the nearest existing one must take a new file.)"""
    target = Path(path)
    try:
        if target.is_dir():
            raise CliError(f"cannot write {path}: it is a folder")
        folder = target.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir():
            raise CliError(f"cannot write {path}: {folder} is not a folder")
        if not os.access(folder, os.W_OK | os.X_OK) or (
                target.exists() and not os.access(target, os.W_OK)):
            raise CliError(f"cannot write {path}: permission denied")
    except OSError as err:
        raise CliError(f"cannot write {path}: {err.strerror or err}") from None
    clean_beside(target)  # what a killed run of this command left beside it


class Progress:
    """A one-line progress bar on a terminal; silent when output is not a terminal."""

    def __init__(self, total: int, stream: TextIO, minimum: int = 20000) -> None:
        self.total = max(total, 1)
        self.stream = stream
        self.enabled = stream.isatty() and total >= minimum
        self.shown = -1

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        pct = done * 100 // self.total
        if pct != self.shown:
            self.shown = pct
            bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
            self.stream.write(f"\r[{bar}] {pct:3d}%")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 40 + "\r")
            self.stream.flush()


def cmd_run(args: argparse.Namespace, out: TextIO) -> int:
    ticks = args.ticks if args.ticks is not None else (
        args.days if args.days is not None else 1) * config.DAY_TICKS
    for path in (args.out, args.events):
        if path is not None:
            check_output(path)
    if args.hash_at and args.hash_at[-1] > ticks:
        raise CliError(f"--hash-at: tick {args.hash_at[-1]:,} is after the run's last tick "
                       f"({ticks:,})")
    # The save reads the day's-end hashes the timeline keeps as it runs: no keyframe, no event
    # is kept, and nothing is simulated twice.
    timeline = _make_timeline(args.scenario, args.seed, keep_keyframes=False, keep_events=False)
    if args.perturb is not None:
        cards = load_perturbations(args.perturb)
        late = next((p for p in cards if p.tick > ticks), None)
        if late is not None:  # it would never run, yet be saved as part of the history
            raise CliError(f"{args.perturb}: card {late.card!r} at tick {late.tick:,} is after "
                           f"the run's last tick ({ticks:,})")
        try:
            timeline.add_perturbations(cards)
        except ValueError as err:
            raise CliError(f"{args.perturb}: {err}") from None
    try:
        with _event_sink(args.events) as write:
            tally = _run_ticks(timeline, ticks, args.hash_at, write, out)
        if args.out:
            store.save(timeline, args.out)
    except OSError as err:
        raise CliError(f"cannot write {err.filename or args.out or args.events}: "
                       f"{err.strerror or err}") from None
    out.write(run_summary(timeline.flux, tally))
    if args.out:
        out.write(f"saved: {args.out}\n")
    return 0


@dataclass
class Tally:
    """What a run's summary counts of its events, counted as they come."""

    events: int = 0
    per_op: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    cards: Counter[str] = field(default_factory=Counter)

    def add(self, record: Record) -> None:
        self.events += 1
        self.per_op[record.op] += 1
        if not record.success:
            self.failed[record.op] += 1
        if record.card:
            self.cards[record.card] += 1


def _run_ticks(timeline: Timeline, ticks: int, hash_at: list[int],
               write: Callable[[Event], None] | None, out: TextIO) -> Tally:
    """Run `ticks` ticks, writing each event (if asked) and the hashes asked for; the events'
    tally. A thousand ticks at a time, or up to the next hash: the timeline leaps over the
    ticks where nothing happens, and an event is built only to be written."""
    if 0 in hash_at:
        out.write(f"tick 0: {timeline.flux.state_hash()}\n")
    due = [t for t in hash_at if t > 0]
    progress = Progress(ticks, sys.stderr)
    tally = Tally()
    t = 0
    while t < ticks:
        stop = min(ticks, (t // 1000 + 1) * 1000, due[0] if due else ticks)
        for record in timeline.advance_records(stop - t):
            tally.add(record)
            if write is not None:
                write(record.event(timeline.flux.ids))
        t = stop
        if due and due[0] == t:
            out.write(f"tick {t}: {timeline.flux.state_hash()}\n")
            due.pop(0)
        if t % 1000 == 0:
            progress.update(t)
    progress.close()
    return tally


class LoadProgress:
    """Progress for work whose size is told with each report (`store.verify`, a walk, a
    sweep's runs); shown for long work, or for work of any size (`always`)."""

    def __init__(self, stream: TextIO, *, always: bool = False) -> None:
        self.stream = stream
        self.always = always
        self.bar: Progress | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = (Progress(total, self.stream, minimum=0) if self.always
                        else Progress(total, self.stream))
        self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _up_to_head(record: store.SaveFile, name: str, tick: int) -> int:
    """`tick`, refused when past branch `name`'s head: a saved history ends there (what lies
    beyond would be simulated, not read)."""
    head = next(b.head for b in record.branches if b.name == name)
    if tick > head:
        raise _past_head(tick, name, head)
    return tick


def _past_head(tick: int, name: str, head: int) -> CliError:
    return CliError(f"tick {tick:,} is past the head of branch {name} (tick {head:,}): "
                    f"choose a tick up to {head:,}")


def _open_at(path: str, branch: str | None, tick: int | None,
             keep_events: bool) -> tuple[Timeline, str, int]:
    """A saved history standing at `tick` (default: the head; past it, refused before anything
    is simulated) on `branch`, with the stored hashes on the way there checked and no others:
    (timeline, branch, tick). Two bars on a terminal: the way through the stored hashes, then
    on to the tick."""
    progress = LoadProgress(sys.stderr)
    try:
        record = store.read(path)
        # One way, walked once: no keyframe would be read again.
        timeline = store.build(record, path, keep_events, keyframe_budget_mb=0.0)
        name = _branch(timeline, record, branch)
        head = next(b.head for b in record.branches if b.name == name)
        if tick is not None and tick > head:
            raise _past_head(tick, name, head)
        at = head if tick is None else tick
        store.verify_to(record, timeline, name, store.last_check(record, timeline, name, at),
                        path, progress)
    except store.SaveError as err:
        raise CliError(str(err)) from None
    finally:
        progress.close()
    _reach(timeline, name, at)
    return timeline, name, at


def _load(path: str) -> tuple[Timeline, store.SaveFile, dict[str, str]]:
    progress = LoadProgress(sys.stderr)
    try:
        return store.load(path, progress)
    except store.SaveError as err:
        raise CliError(str(err)) from None
    finally:
        progress.close()


def _branch(timeline: Timeline, record: store.SaveFile, name: str | None) -> str:
    name = record.current if name is None else name
    if name not in timeline.branches:
        known = list(timeline.branches)
        listed = ", ".join(known[:10]) + (f", … ({len(known)} in all)" if len(known) > 10 else "")
        raise CliError(f"no branch {limits.shown(name)} (branches: {listed})")
    return name


def cmd_verify(args: argparse.Namespace, out: TextIO) -> int:
    progress = LoadProgress(sys.stderr)
    try:
        record = store.read(args.file)
        timeline = store.build(record, args.file, keep_events=False)
        finals = store.verify(record, timeline, args.file, progress)
    except store.HashMismatch as err:
        progress.close()
        out.write(f"MISMATCH {err}\n")
        raise CliError(str(err)) from None
    except store.SaveError as err:
        raise CliError(str(err)) from None
    finally:
        progress.close()
    checked = sum(len(b.hashes) for b in record.branches)
    if checked == 0:
        raise CliError(f"{args.file}: holds no state hashes: nothing to verify")
    out.write(f"OK {args.file}: {record.scenario}, seed {record.seed}, "
              f"{counted(len(record.branches), 'branch', 'branches')}, "
              f"{counted(checked, 'state hash', 'state hashes')} checked\n")
    for b in record.branches:
        out.write(f"  {b.name}: head tick {b.head}, state hash {finals[b.name]}\n")
    return 0


def cmd_seek(args: argparse.Namespace, out: TextIO) -> int:
    timeline, name, _ = _open_at(args.file, args.branch, args.tick, keep_events=False)
    out.write(f"branch {name} · tick {args.tick}\n")
    out.write(town_summary(timeline.flux))
    return 0


def _reach(timeline: Timeline, name: str, tick: int) -> None:
    """Stand at `tick` on branch `name`, with progress on a terminal for a long way."""
    progress = LoadProgress(sys.stderr)
    try:
        timeline.walk(tick, name, lambda at: progress(at, tick))
    finally:
        progress.close()


def cmd_state(args: argparse.Namespace, out: TextIO) -> int:
    """The projections' JSON document at a tick of a saved history."""
    timeline, record, _ = _load(args.file)
    name = _branch(timeline, record, args.branch)
    _reach(timeline, name, _up_to_head(record, name, args.tick))
    out.write(to_json(document(timeline, args.lod)) + "\n")
    return 0


def cmd_tui(args: argparse.Namespace, out: TextIO) -> int:
    """The terminal UI (Textual, loaded here: the other commands never need it)."""
    try:
        from game.tui.app import TownApp
    except ImportError:
        raise CliError("the terminal UI needs Textual: pip install 'agent-town[tui]'") from None
    from game.tui.source import HistorySource, LiveSource, Source

    source: Source
    if args.file is not None and args.file.startswith(("http://", "https://")):
        if args.branch is not None:
            raise CliError("--branch goes with a FILE.town")
        try:
            source = LiveSource.open(args.file, os.environ.get("AGENT_TOWN_TOKEN") or None)
        except OSError as err:
            raise CliError(str(err)) from None
    elif args.file is None:
        if args.branch is not None:
            raise CliError("--branch goes with a FILE.town")
        timeline = _make_timeline(args.scenario, args.seed, keep_keyframes=True)
        source = HistorySource(timeline, f"{args.scenario} · seed {args.seed}", playing=True)
    else:
        timeline, record, _ = _load(args.file)
        timeline.switch(_branch(timeline, record, args.branch))
        source = HistorySource(timeline, Path(args.file).name)
    TownApp(source).run()
    return 0


def cmd_dashboard(args: argparse.Namespace, out: TextIO) -> int:
    """The marimo dashboard (loaded here: the other commands never need marimo)."""
    from game.dashboard import launch

    if not launch.available():
        raise CliError("the dashboard needs marimo: pip install 'agent-town[dashboard]'")
    if args.port is not None and launch.port_taken(args.port):
        raise CliError(f"cannot serve the dashboard on {launch.HOST}:{args.port} (is the port "
                       f"taken?)")
    source: str | None = args.source
    if source and Path(source).is_dir():
        if not (Path(source) / "sweep.parquet").is_file():
            raise CliError(f"{limits.shown(source)}: no finished sweep here (no sweep.parquet)")
    elif source and not source.startswith(("http://", "https://")):
        if not Path(source).is_file():
            raise CliError(f"{limits.shown(source)}: no such file (a .town file, a sweep's "
                           f"folder or an http:// address)")
        try:  # a broken file is told here in one line, not in the browser
            store.read(source)
        except store.SaveError as err:
            raise CliError(str(err)) from None
    launch.run(source, args.port, browser=not args.no_browser)  # becomes marimo


def cmd_events(args: argparse.Namespace, out: TextIO) -> int:
    if args.end is not None and args.end < args.start:
        raise CliError(f"--to {args.end:,} is before --from {args.start:,}: no tick lies between")
    timeline, name, end = _open_at(args.file, args.branch, args.end, keep_events=True)
    if args.start > end:  # from past the head, to the head
        raise _past_head(args.start, name, end)
    for event in timeline.events(name, args.start, end):
        out.write(event.model_dump_json() + "\n")
    return 0


def cmd_why(args: argparse.Namespace, out: TextIO) -> int:
    timeline, name, _ = _open_at(args.file, args.branch, args.tick, keep_events=True)
    flux = timeline.flux
    wanted = args.citizen.lower()
    citizen = next((c for c in flux.citizens if wanted in (c.id, c.name.lower())), None)
    if citizen is None:
        raise CliError(f"no citizen {limits.shown(args.citizen)} in {args.file}")
    names = {c.id: c.name for c in flux.citizens}
    chain = TraceIndex(timeline.events(name, 0, args.tick)).why(citizen.id, args.tick, names)
    out.write(f"why is {citizen.name} as they are at tick {args.tick} (branch {name})?\n")
    out.write(f"  {chain.reason}\n")
    for line in chain.lines(names) if chain.events else ():
        out.write(f"  {line}\n")
    return 0


@contextlib.contextmanager
def _event_sink(path: str | None) -> Iterator[Callable[[Event], None] | None]:
    """Writes events as JSON lines to a file atomically; None when they go nowhere."""
    if path is None:
        yield None
        return
    with atomic_writer(path) as fh:

        def write(event: Event) -> None:
            fh.write(event.model_dump_json() + "\n")

        yield write


def _make_timeline(scenario_name: str, seed: int, keep_keyframes: bool,
                   keep_events: bool = True) -> Timeline:
    budget = config.KEYFRAME_BUDGET_MB if keep_keyframes else 0.0
    try:
        return Timeline(scenario_name, seed, keyframe_budget_mb=budget, keep_events=keep_events)
    except ValueError as err:
        raise CliError(str(err)) from None


def run_summary(flux: TownFlux, tally: Tally) -> str:
    """A readable summary of a run: its events per op and perturbations, then the town."""
    lines = [
        f"scenario {flux.scenario.name} · seed {flux.seed} · "
        f"{counted(len(flux.citizens), 'citizen', 'citizens')}",
        f"events: {tally.events}",
    ]
    for op, count in sorted(tally.per_op.items(), key=lambda kv: (-kv[1], kv[0])):
        extra = f" ({tally.failed[op]} failed)" if tally.failed[op] else ""
        lines.append(f"  {op:<20} {count:>6}{extra}")
    cards = tally.cards
    lines.append(f"perturbations: {counted(sum(cards.values()), 'event', 'events')}"
                 + (f" ({', '.join(f'{c} {n}' for c, n in sorted(cards.items()))})"
                    if cards else ""))
    return "\n".join(lines) + "\n" + town_summary(flux)


def elapsed(ticks: int) -> str:
    """A run's length in plain words: "after 3 days", "after 1 day 6 hours", "at the start"."""
    days, rest = divmod(ticks, config.DAY_TICKS)
    hours = rest * 24 // config.DAY_TICKS
    parts = [counted(days, "day", "days")] if days else []
    parts += [counted(hours, "hour", "hours")] if hours else []
    if not parts:
        return "at the start" if ticks == 0 else f"after {counted(ticks, 'tick', 'ticks')}"
    return "after " + " ".join(parts)


def town_summary(flux: TownFlux) -> str:
    """The town now: time, where everyone is, coalitions, bonds, metrics, and its hash."""
    s = flux.state
    lines = [f"time: {elapsed(s.tick)}: day {flux.day} {flux.phase.lower()} "
             f"{clock_text(s.tick)} (tick {s.tick})"]
    where = Counter(REGION_NAMES[int(r)] for r in s.region)
    lines.append("regions: " + ", ".join(f"{r} {n}" for r, n in sorted(where.items())))
    doing = Counter(Activity(int(a)).name.lower() for a in s.activity)
    lines.append("activities: " + ", ".join(f"{a} {n}" for a, n in sorted(doing.items())))
    lines.append(f"coalitions: {len(s.coalitions)}")
    for c in s.coalitions:
        names = ", ".join(flux.name(i) for i in sorted(c.members))
        lines.append(f"  {c.id}: {names}")
    lines.append("strongest bonds:")
    for i, j, w in social.strongest_pairs(s.bonds, 5):
        lines.append(f"  {flux.name(i)} – {flux.name(j)}: {w:+.2f}")
    m = flux.metrics()
    lines.append(f"metrics: tension {m['tension']:.4f} · cooperation {m['cooperation']:.3f} · "
                 f"surplus {m['surplus']:.0f} · drama {m['drama']:.2f} · "
                 f"tokens {s.tokens}")
    lines.append(f"state hash: {flux.state_hash()}")
    return "\n".join(lines) + "\n"


def cmd_window(args: argparse.Namespace) -> int:
    """Open the window (imported here: the headless commands never load pygame)."""
    from game.view.assets import AssetError
    from game.view.window import AppCrashed, Network, run_app

    if args.screenshot is not None:
        check_output(args.screenshot)
    if args.resume:
        args.load = _last_session(args.load)
    if args.load is not None:
        # A file missing or broken is told here in one line, not by a window opening on
        # another town (which would become the autosave offered next time). Re-simulating it
        # and checking its hashes is the window's opening (`run_app`): behind a progress bar
        # in the window, or before the first frame of a counted run, whose wrong hash fails
        # the run (nobody reads its window) with the terminal's bar meanwhile.
        try:
            store.read(args.load)
        except store.SaveError as err:
            raise CliError(str(err)) from None
    if args.serve and args.join:
        raise CliError("--serve and --join: a window either shares its town or joins another")
    if args.nats and not args.serve:
        raise CliError("--nats goes with --serve (or use: agent-town serve --nats …)")
    network = Network(serve=args.serve, join=args.join, host=args.host, port=args.port,
                      token=args.token, nats=args.nats)
    if args.serve:
        try:
            wire.check_bind(args.host, args.token)
        except ValueError as err:
            raise CliError(str(err)) from None
    logs.setup()
    progress = LoadProgress(sys.stderr)
    try:
        asked = args.scenario is not None or args.seed is not None
        return run_app(args.scenario or config.DEFAULT_SCENARIO,
                       config.DEFAULT_SEED if args.seed is None else args.seed, args.frames,
                       args.screenshot, args.speed, args.start_tick, load=args.load,
                       network=network, asked=asked, progress=progress)
    except (ValueError, AssetError, store.SaveError) as err:
        raise CliError(limits.one_line(str(err))) from None
    except OSError as err:  # the screenshot could not be written (a full disk), a port taken
        raise CliError(limits.one_line(f"cannot write {err.filename}: {err.strerror}"
                                       if err.filename else str(err))) from None
    except ImportError as err:
        raise CliError(str(wire.need_stream_extra(err))) from None
    except AppCrashed as err:
        saved = f"; history saved to {err.autosave}" if err.autosave else ""
        _complain(f"{PROG}: stopped on an unexpected error ({err}){saved}; "
                  f"details in {logs.log_file()}")
        return 1
    finally:
        progress.close()


def _last_session(load: str | None) -> str:
    """--continue: the autosave the last session left, or one line saying why there is none."""
    if load is not None:
        raise CliError("--continue and --load: choose one history to open")
    autosave = paths.autosave_path(1)
    if not autosave.is_file():
        raise CliError(f"nothing to continue: no autosave in {autosave.parent} "
                       f"(a session autosaves every few minutes and when it closes)")
    return str(autosave)


def _script(arg: str | None) -> tuple[demo.DemoScript, str]:
    """The demo script a command names: a file, or the built-in one for None or 'default'."""
    try:
        if arg is None or arg == "default":
            return demo.default_script(), "built-in demo"
        return demo.load(arg), arg
    except demo.DemoError as err:
        raise CliError(str(err)) from None


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    """Play a demo script in the window; the window closes when the script ends."""
    script, where = _script(args.script)
    from game.view.playback import play_script

    logs.setup()
    try:
        play_script(script, where, window=True, sound=args.sound)
    except demo.DemoError as err:
        raise CliError(str(err)) from None
    return 0


def cmd_render(args: argparse.Namespace, out: TextIO) -> int:
    """Render frames offscreen, frame-exact at 60 fps, into a video file."""
    # Before pygame loads: rendering never opens a window, whatever the environment says.
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    # Ours before SDL's: SDL makes SIGTERM a quit event, which ended the render early as if
    # it were done (a short file, "wrote …"); heard here, it is an interruption.
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        return _render(args, out)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _render(args: argparse.Namespace, out: TextIO) -> int:
    import pygame

    from game.demos import video

    check_output(args.out)
    if Path(args.out).suffix.lower() not in video.WRITERS:
        raise CliError(f"cannot write {args.out}: choose a .mp4 or .gif file")
    play, fps, total = _render_source(args)
    size = args.size or video.default_size(args.out)
    try:
        writer = video.open_writer(args.out, size, fps)
    except (video.VideoError, OSError) as err:
        raise CliError(str(err)) from None
    progress = Progress(total, sys.stderr, minimum=0)

    def sink(frame: int, surface: pygame.Surface) -> None:
        if surface.get_size() != size:
            surface = pygame.transform.smoothscale(surface, size)
        writer.write(pygame.image.tobytes(surface, "RGB"))
        progress.update(frame + 1)

    try:
        shown = play(sink)
        writer.close()
    except BaseException as err:
        writer.abort()  # an interrupted or failed render leaves no partial file
        progress.close()
        if isinstance(err, demo.DemoError | video.VideoError):
            raise CliError(str(err)) from None
        if isinstance(err, OSError):
            raise CliError(f"cannot write {args.out}: {err.strerror or err}") from None
        raise
    progress.close()
    out.write(f"wrote {args.out}: {counted(shown, 'frame', 'frames')} "
              f"({shown / fps:.1f} s at {fps} fps)\n")
    return 0


def _render_source(args: argparse.Namespace) -> tuple[Callable[[FrameSink], int], int, int]:
    """What `render` plays (a span of a saved history, or a demo script), at what frame rate,
    and how many frames that makes."""
    span_options = (args.start is not None or args.end is not None or args.branch is not None
                    or args.hud)
    if args.file is not None and args.script is not None:
        raise CliError("render either a FILE.town or a --script, not both")
    if args.file is None and span_options:
        raise CliError("--from, --to, --branch and --hud go with a FILE.town "
                       "(a script sets its own)")
    from game.view import playback

    if args.file is None:
        script, where = _script(args.script)

        def play_script(sink: FrameSink) -> int:
            return playback.play_script(script, where, window=False, on_frame=sink)
        return play_script, script.fps, script.frames
    timeline, record, _ = _load(args.file)
    name = _branch(timeline, record, args.branch)
    timeline.seek(timeline.cursor, name)
    start = args.start or 0
    end = timeline.branch.head if args.end is None else _up_to_head(record, name, args.end)
    if end <= start:
        raise CliError(f"--to ({end}) must be after --from ({start})")
    fps = config.FRAME_RATE

    def play_span(sink: FrameSink) -> int:
        return playback.play_span(timeline, start, end, args.speed, hud=args.hud, fps=fps,
                                  on_frame=sink)
    frames = playback.frames_for(end - start, args.speed, fps)
    if frames > limits.MAX_FRAMES:
        raise CliError(f"ticks {start:,} to {end:,} at {args.speed}× make {frames:,} frames: the "
                       f"limit is {limits.MAX_FRAMES:,} (an hour at {fps} fps); choose a higher "
                       f"--speed or a shorter span")
    return play_span, fps, frames


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    if args.out is not None:
        check_output(args.out)
    timeline = (_load(args.load)[0] if args.load is not None
                else _make_timeline(args.scenario, args.seed, keep_keyframes=True))
    try:
        return wire.serve(timeline, out, host=args.host, port=args.port, token=args.token,
                          speed=args.speed, save_to=args.out, cors=args.cors, nats=args.nats)
    except wire.WireError as err:
        raise CliError(str(err)) from None


def cmd_gateway(args: argparse.Namespace, out: TextIO) -> int:
    try:
        return wire.gateway(args.nats, out, host=args.host, port=args.port, token=args.token,
                            town_id=args.town)
    except wire.WireError as err:
        raise CliError(str(err)) from None


def cmd_sweep(args: argparse.Namespace, out: TextIO) -> int:
    """Run a sweep spec, or (`sweep report DIR`) draw a sweep's report."""
    if args.spec == "report":
        return _sweep_report(args, out)
    if args.folder is not None:
        raise CliError(f"sweep takes one SPEC.json (and --out DIR), got also {args.folder!r}")
    if args.out is None:
        raise CliError("sweep needs --out DIR: the folder for the table and the runs")
    if args.scheduler is not None and args.workers is not None:
        raise CliError("--workers sizes a local cluster: a --scheduler's cluster has its own")
    from game.experiments import spec as sweep_spec  # pydantic only: checked before Dask loads

    try:
        spec = sweep_spec.load(args.spec)
    except sweep_spec.SpecError as err:
        raise CliError(str(err)) from None
    folder = Path(args.out)
    if folder.exists() and not folder.is_dir():
        raise CliError(f"cannot write {args.out}: it is not a folder")
    try:
        from game.experiments import sweep
    except ImportError as err:
        raise CliError(_need_sweep_extra(err)) from None
    bar = LoadProgress(sys.stderr, always=True)  # every run counts
    try:
        with sweep.connect(args.scheduler, args.workers) as client:
            done = sweep.run_sweep(spec, folder, client, resume=args.resume, progress=bar)
    except sweep.SweepError as err:
        raise CliError(str(err)) from None
    except OSError as err:
        raise CliError(f"cannot write {args.out}: {err.strerror or err}") from None
    except KeyboardInterrupt:
        _complain(f"{PROG}: the runs written so far are kept: add --resume to finish")
        raise
    finally:
        bar.close()
    out.write(f"sweep {spec.name}: {counted(done.runs, 'run', 'runs')} ({done.kept} already "
              f"written, {done.ran} run now) → {done.table}\n"
              f"  a run opens with: {PROG} --load {folder / 'runs' / '<run>.town'} "
              f"--start-tick T\n  plots: {PROG} sweep report {folder}\n")
    return 0


def _sweep_report(args: argparse.Namespace, out: TextIO) -> int:
    if args.folder is None:
        raise CliError("sweep report needs the sweep's folder: agent-town sweep report DIR")
    if args.out is not None or args.scheduler is not None or args.workers is not None \
            or args.resume:
        raise CliError("sweep report takes only the sweep's folder (it writes DIR/report)")
    try:
        from game.experiments import report
    except ImportError as err:
        raise CliError(_need_sweep_extra(err)) from None
    try:
        page = report.write(Path(args.folder))
    except report.ReportError as err:
        raise CliError(str(err)) from None
    except OSError as err:
        raise CliError(f"cannot write the report in {args.folder}: {err.strerror or err}"
                       ) from None
    out.write(f"report: {page} ({len(report.plots(page.parent))} plots)\n")
    return 0


def _need_sweep_extra(err: ImportError) -> str:
    return (f"sweeps need the sweep extra ({err.name} is missing): "
            f"pip install 'agent-town[sweep]'")


def cmd_follow(args: argparse.Namespace, out: TextIO) -> int:
    try:
        return wire.follow(args.url, out, ops=args.ops, as_json=args.json, token=args.token)
    except wire.WireError as err:
        raise CliError(str(err)) from None


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "run": cmd_run, "verify": cmd_verify, "seek": cmd_seek, "events": cmd_events, "why": cmd_why,
    "demo": cmd_demo, "render": cmd_render, "serve": cmd_serve, "follow": cmd_follow,
    "gateway": cmd_gateway, "state": cmd_state, "tui": cmd_tui, "sweep": cmd_sweep,
    "dashboard": cmd_dashboard,
}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    stream = out or sys.stdout
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            status = cmd_window(args)
        else:
            clock.for_batch()
            status = COMMANDS[args.command](args, stream)
        stream.flush()  # a reader gone before the last lines is met here, not at exit
        return status
    except (CliError, limits.LimitError) as err:  # a limit met mid-way (a seek past a full
        _complain(f"{PROG}: {err}")  # history) is the person's input too
        return 2
    except KeyboardInterrupt:
        _complain(f"{PROG}: interrupted")
        return 130
    except Terminated:
        _complain(f"{PROG}: stopped (SIGTERM)")
        return 143
    except BrokenPipeError:  # the reader went away (`| head`): nothing to tell anyone
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as err:
        # A bug, not bad input: the traceback goes to the log file, the person gets one line.
        logs.ensure()
        logging.getLogger(PROG).exception("unexpected error")
        first = str(err).splitlines()[0] if str(err) else ""
        _complain(f"{PROG}: unexpected error ({type(err).__name__}: {first}); "
                  f"details in {logs.log_file()}")
        return 1


def _complain(line: str) -> None:
    """One line for the person: on stderr when there is one (a windowed app has none)."""
    if sys.stderr is not None:
        sys.stderr.write(line + "\n")
    if logging.getLogger().handlers:  # the window set up its log file
        logging.getLogger(PROG).error(line)
