"""The audit's fuzzers as tests (issue 17): seeded mutations of a `.town` file, a card file and a
demo script, each fed to the program in-process under a time limit.

Every `agent-town verify`, `agent-town run --perturb`, `agent-town --load FILE --frames 1` and
`agent-town demo` ends with status 0, or status 2 and exactly one clean line on stderr; every
demo script either parses or raises one `DemoError` line. Never "unexpected error", never a
traceback, never a hang. The counts are printed (`pytest -s tests/test_input_fuzz.py`).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import random
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from game.__main__ import main
from game.demos import script as demo
from tests.helpers import village_save

TIME_LIMIT = 20.0  # seconds for one input; each takes well under one


@dataclass(frozen=True)
class Raw:
    """JSON text written as is: what json.dumps cannot make (5,001 digits, deep nesting)."""

    text: str


@dataclass
class Pairs:
    """A JSON object whose keys may repeat (the last one wins when Python reads it)."""

    pairs: list[tuple[str, Any]]


DEEP = Raw("[" * 100_000 + "]" * 100_000)
HOSTILE: tuple[Any, ...] = (
    10**12, -1, -(10**12), 2**64, 584_001, Raw("9" * 5001), Raw("-" + "9" * 4400), 1e308,
    -1e308, Raw("Infinity"), Raw("-Infinity"), Raw("NaN"), -0.0, 1.5, True, False, None, "",
    "x" * 100_000, "\x1b[2J\x1b[31mOK\nagent-town: forged line\r", "main", "b1", "city:20000",
    "city:0", [], {}, [[]], DEEP, json.loads("[" * 100 + "]" * 100), {"tick": 5},
)
WHOLE_FILES = ("", "\x00\xff\xfe", "[" * 100_000, "9" * 5001, "null", "NaN", "{}", "[]",
               '{"a": 1, "a": 2}', "\ufeff{}")


def dump(value: Any) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Pairs):
        return "{" + ",".join(f"{json.dumps(k)}:{dump(v)}" for k, v in value.pairs) + "}"
    if isinstance(value, dict):
        return dump(Pairs(list(value.items())))
    if isinstance(value, list):
        return "[" + ",".join(dump(v) for v in value) + "]"
    return json.dumps(value)


def places(value: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every location in a JSON tree, the root first."""
    yield here
    if isinstance(value, dict):
        for key, item in value.items():
            yield from places(item, (*here, key))
    elif isinstance(value, list):
        for k, item in enumerate(value):
            yield from places(item, (*here, k))


def mutate(root: Any, rng: random.Random) -> Any:
    """One seeded mutation: delete, insert, duplicate or replace something somewhere."""
    path = rng.choice(list(places(root)))
    if not path:
        return rng.choice(HOSTILE)
    parent = root
    for step in path[:-1]:
        parent = parent[step]
    key = path[-1]
    how = rng.choice(("delete", "insert", "duplicate", "replace", "replace"))
    if how == "delete":
        del parent[key]
    elif how == "insert" and isinstance(parent, dict):
        parent[rng.choice(("extra", "head", "name", "tick", "version", key))] = (
            rng.choice(HOSTILE))
    elif how == "insert":
        parent.insert(key, rng.choice((*HOSTILE, parent[key])))
    elif how == "duplicate" and isinstance(parent, dict):
        pairs = list(parent.items())
        pairs.insert(rng.randrange(len(pairs) + 1), (key, rng.choice(HOSTILE)))
        parent[key] = Pairs(pairs)  # marks the object; unwrapped below
    elif how == "duplicate":
        parent.insert(key, copy.deepcopy(parent[key]))
    else:
        parent[key] = rng.choice(HOSTILE)
    return _unwrap(root)


def _unwrap(value: Any) -> Any:
    """A dict whose entry was marked with its own pairs becomes those pairs (repeated keys)."""
    if isinstance(value, dict):
        for item in value.values():
            if isinstance(item, Pairs) and any(k in value for k, _ in item.pairs) and len(
                    item.pairs) == len(value) + 1:
                return Pairs([(k, _unwrap(v)) for k, v in item.pairs])
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


class Hang(BaseException):
    """An input ran past the time limit (a BaseException: the CLI's own handler must not
    catch it)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def alarm(signum: int, frame: FrameType | None) -> None:
        raise Hang

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def through_cli(argv: list[str]) -> str:
    """Run the program in-process: 'ok', 'clean' (status 2, one clean line) or what went wrong."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(argv, out=io.StringIO())
    lines = err.getvalue().splitlines()
    if status == 0 and not lines:
        return "ok"
    if (status == 2 and len(lines) == 1 and lines[0].startswith("agent-town: ")
            and "unexpected error" not in lines[0] and "\x1b" not in lines[0]):
        return "clean"
    return f"unexpected: status {status}: {err.getvalue()[:300]!r}"


def through_demo(path: str) -> str:
    try:
        demo.load(path)
    except demo.DemoError as err:
        text = str(err)
        return "clean" if "\n" not in text and "\x1b" not in text else f"unexpected: {text!r}"
    return "ok"


def base_town() -> dict[str, Any]:
    return village_save(festival=50, head=400, fork=200)


BASE_CARDS = [{"tick": 5, "card": "festival"},
              {"tick": 20, "card": "greet", "targets": ["ada", "bruno"]},
              {"tick": 30, "card": "rumor", "targets": ["igor", "rosa"]}]
BASE_DEMO = {"title": "fuzz", "scenario": "village", "seed": 3, "fps": 30, "steps": [
    {"at": 0, "do": "speed", "speed": 4},
    {"at": 1, "do": "card", "card": "greet", "targets": ["ada", "bruno"]},
    {"at": 2, "do": "select", "citizen": "ada", "lod": 2},
    {"at": 3, "do": "scrub", "tick": 40},
    {"at": 4, "do": "caption", "text": "hello", "seconds": 2},
    {"at": 5, "do": "overlay", "name": "hud", "on": False},
    {"at": 6, "do": "branch", "name": "main"},
]}


# Short enough to play in about a second at its own pace (`demo` shows a window at the script's
# fps), with a step of each kind.
BASE_PLAYED = {"title": "fuzz", "scenario": "village", "seed": 3, "fps": 20, "steps": [
    {"at": 0, "do": "speed", "speed": 16},
    {"at": 0.05, "do": "card", "card": "greet", "targets": ["ada", "bruno"]},
    {"at": 0.1, "do": "select", "citizen": "ada", "lod": 2},
    {"at": 0.15, "do": "scrub", "tick": 40},
    {"at": 0.2, "do": "caption", "text": "hello", "seconds": 2},
    {"at": 0.25, "do": "overlay", "name": "coalitions", "on": True},
    {"at": 0.3, "do": "view", "zoom": 3},
    {"at": 0.35, "do": "card", "card": "festival"},
    {"at": 0.4, "do": "branch", "name": "main"},
    {"at": 0.45, "do": "wait"},
]}
PLAY_LIMIT = 15.0  # seconds for one demo played: the longest a mutation makes lasts ~3 s
PLAY_BUDGET = 50.0  # seconds for all of them, after which no more are started


def mutated(base: Any, count: int, rng: random.Random) -> list[str]:
    """The whole-file hostiles, then `count` texts of `base` with one to three mutations."""
    texts = list(WHOLE_FILES)
    for _ in range(count):
        value = copy.deepcopy(base)
        for _ in range(rng.randint(1, 3)):
            value = mutate(value, rng) if not isinstance(value, Pairs | Raw) else value
        texts.append(dump(value))
    return texts


def fed(path: Path, text: str, feed: Callable[[str], str], seconds: float) -> str:
    """`text` written to `path` and fed: 'ok', 'clean', 'hang' or 'unexpected' (printed)."""
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        with time_limit(seconds):
            outcome = feed(str(path))
    except Hang:
        outcome = "hang"
    if outcome.startswith("unexpected") or outcome == "hang":
        print(f"{outcome}: {text[:200]!r}")
    return outcome if outcome in ("ok", "clean", "hang") else "unexpected"


def fuzz(tmp_path: Path, count: int, seed: int, window: bool = False) -> Counter[str]:
    """`count` mutated inputs of each kind (and the whole-file hostiles): outcome → how many.
    With `window`, the .town files go to `--load FILE --frames 1` (a headless window) too."""
    rng = random.Random(seed)
    town = base_town()
    kinds: list[tuple[Any, Callable[[str], str]]] = [
        (town, lambda p: through_cli(["verify", p])),
        (BASE_CARDS, lambda p: through_cli(["run", "--scenario", "village", "--ticks", "60",
                                            "--perturb", p])),
        (BASE_DEMO, through_demo),
    ]
    if window:
        kinds.append((town, lambda p: through_cli(["--load", p, "--frames", "1"])))
    outcomes: Counter[str] = Counter()
    for base, feed in kinds:
        for text in mutated(base, count, rng):
            outcomes[fed(tmp_path / "input.json", text, feed, TIME_LIMIT)] += 1
    return outcomes


def check(outcomes: Counter[str], tried: int) -> None:
    print(f"inputs tried {sum(outcomes.values())}, accepted {outcomes['ok']}, clean errors "
          f"{outcomes['clean']}, unexpected errors {outcomes['unexpected']}, "
          f"hangs {outcomes['hang']}")
    assert sum(outcomes.values()) == tried
    assert outcomes["unexpected"] == 0 and outcomes["hang"] == 0, outcomes
    assert outcomes["clean"] > outcomes["ok"] > 0  # the mutations mostly bite, some pass


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug would write the log: into the test's folder, never the person's."""
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path / "home"))


def test_hundreds_of_mutated_inputs_end_cleanly_and_in_time(tmp_path: Path) -> None:
    check(fuzz(tmp_path, 110, seed=17), 3 * (110 + len(WHOLE_FILES)))


@pytest.mark.slow
def test_thousands_of_mutated_inputs_end_cleanly_and_in_time(tmp_path: Path) -> None:
    check(fuzz(tmp_path, 700, seed=2026), 3 * (700 + len(WHOLE_FILES)))


@pytest.mark.slow
def test_mutated_town_files_opened_headless_in_the_window_end_cleanly(tmp_path: Path) -> None:
    check(fuzz(tmp_path, 40, seed=9, window=True), 4 * (40 + len(WHOLE_FILES)))


@pytest.mark.slow
def test_mutated_demo_scripts_played_by_the_demo_command_end_cleanly(tmp_path: Path) -> None:
    """`agent-town demo FILE` for each (the window at the script's pace, headless): a script
    refused says so in one line; one accepted plays to its end and exits 0, each in its time
    limit; together within a minute."""
    outcomes: Counter[str] = Counter()
    texts = mutated(BASE_PLAYED, 150, random.Random(23))
    started = time.perf_counter()
    for text in texts:
        if time.perf_counter() - started > PLAY_BUDGET:
            break
        outcomes[fed(tmp_path / "script.json", text,
                     lambda p: through_cli(["demo", p]), PLAY_LIMIT)] += 1
    check(outcomes, sum(outcomes.values()))
    assert sum(outcomes.values()) >= 100 and outcomes["ok"] >= 10  # a few dozen played
