"""A gateway: a town's HTTP stream served from NATS JetStream instead of from its owner.

Viewers scale out across machines behind one owner: each gateway reads the stream the owner
publishes (`nats_bus.py`) and serves the same routes a viewer knows — the live stream as
Server-Sent Events (`flux` and its alias) and over a WebSocket (`ws`, cards sent on it too),
cards (`perturb`, forwarded to the owner over `town.<town_id>.cmd.perturb` and answered as the
owner answers them), `status`, `trace` (the owner's record, over `cmd.trace`) and the page; the
streams and the socket's loop are the owner's server's own code (`server.py`).

A gateway reads the town's messages once, through one JetStream consumer of its own
(`FanOut`), and fans them out to its viewers through bounded queues (the in-memory bus's,
`bus.py`): a viewer that falls behind is dropped and told so, never the others. A viewer starts
where it asks: after a `Last-Event-ID` (an event id, or a stream sequence), at `since=<tick>`,
or just after the head the owner's status names; what came before the live fan-out is replayed
from the stream first, up to the last message the fan-out had passed on when the viewer joined,
so nothing falls between the two and nothing comes twice. A gateway never holds a timeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any

import uvicorn
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.errors import NoRespondersError
from nats.js import JetStreamContext, api
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError
from sse_starlette import EventSourceResponse
from starlette.applications import Starlette
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from game import limits
from game.wire import messages as msg
from game.wire.bus import MemoryBus, Subscription
from game.wire.commands import check_bind
from game.wire.nats_bus import (
    CONNECT_SECONDS,
    REPLY_SECONDS,
    command_subject,
    servers_of,
    shown_url,
    stream_name,
    token,
)
from game.wire.owner import Refused
from game.wire.serve import start_on_thread
from game.wire.server import (
    ASK_SECONDS,
    BASE,
    CLIENT_HEADER,
    KEEPALIVE_SECONDS,
    accepted,
    authorized,
    client_of,
    live,
    matcher,
    problem,
    read_body,
    refuse,
    sse_of,
    stream_socket,
)

STATUS_SECONDS = 2.0  # a new viewer waits this long for the owner's status (else goes without)
PENDING_LIMIT = 200_000  # messages a consumer may hold unread before NATS calls it slow
INACTIVE_SECONDS = 30.0  # a consumer whose gateway went away is removed after this
REPLAY_IDLE_SECONDS = 5.0  # a replay that hears nothing this long has read what is left
REPLAY_BATCH = 256  # replayed messages sent to a viewer at once
REPLAY_DIRECT = 256  # a replay this long or shorter is read message by message (no consumer)


def tick_of(subject: str, data: bytes) -> int:
    """The tick a stream message belongs to (its payload says)."""
    body = json.loads(data)
    if subject.endswith(".tick"):
        return int(body["tick"])
    if subject.endswith(".input"):
        return int(body["card"]["tick"])
    return int(body["event"]["tick"])


def message_of(town_id: str, subject: str, ident: str, data: bytes) -> msg.Message:
    """A stream message as the owner's server would send it (what the filters and SSE read)."""
    tail = subject.split(".", 3)[3]
    branch = ident[len(town_id) + 1:].rpartition(":")[0]
    name = f"town.{tail}"
    if tail in ("tick", "input"):
        return msg.Message(tail, branch, -1, -1, tail, name, None, data.decode())
    own_id = ident[len(town_id) + 1:]
    _, tick, seq = msg.parse_event_id(own_id)
    return msg.Message("event", branch, tick, seq, tail.rpartition(".")[2], name, own_id,
                       data.decode())


@dataclass
class View:
    """What one viewer wants of the messages: its filters, and nothing of `after`'s branch up
    to its head (the stream lags the owner: those may come after where the viewer starts)."""

    match: Callable[[msg.Message], bool]
    after: tuple[str, int] | None

    def kept(self, batch: list[msg.Message]) -> list[msg.Message]:
        out = []
        for m in batch:
            if not self.match(m):
                continue
            if self.after is not None and m.branch == self.after[0]:
                if tick_of(m.name, m.data.encode()) <= self.after[1]:
                    continue
                self.after = None  # a branch's messages come in tick order: the rest are new
            out.append(m)
        return out


class FanOut:
    """The gateway's one reading of the town's stream, handed to every viewer's queue.

    One ordered consumer from the end of the stream as it was at the start; `seq` is the stream
    sequence of the last message handed on, so a viewer joining now hears live every message
    after it. The consumer may start over from an earlier sequence (the client library restarts
    an ordered consumer that has delivered nothing yet from sequence 1): what was handed on
    already is skipped, so no viewer hears a message twice."""

    def __init__(self, app: GatewayApp) -> None:
        self.app = app
        self.bus = MemoryBus()
        self.seq = 0
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def join(self, sub: Subscription) -> int:
        """Add a viewer's queue (starting the reading on the first): the sequence after which
        it hears everything live."""
        async with self._lock:
            if self._task is None:
                state = (await self.app.js.stream_info(self.app.stream)).state
                self.seq = state.last_seq
                source = await self.app.subscribe(self.app.subject(None), self.seq + 1)
                self._task = asyncio.create_task(self._run(source))
        self.bus.add(sub)
        return self.seq

    async def _run(self, source: JetStreamContext.PushSubscription) -> None:
        try:
            async for m in source.messages:
                seq = m.metadata.sequence.stream
                if seq <= self.seq:
                    continue
                self.seq = seq
                message = self.app.message(m.subject, m.headers, m.data)
                if message is not None:
                    self.bus.publish([message])
        finally:
            self._task = None  # the next viewer reads again
            self.bus.close()
            with contextlib.suppress(NatsError):
                await source.unsubscribe()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, NatsError):
                await self._task
        self.bus.close()


class GatewayApp:
    """The routes of a gateway, over one NATS connection."""

    def __init__(self, url: str, town_id: str = "town", token: str | None = None) -> None:
        self.url = url
        self.town_id = town_id
        self.token = token
        self.stream = stream_name(town_id)
        self.nc = Client()
        self._js: JetStreamContext | None = None
        self.fan = FanOut(self)

    @property
    def js(self) -> JetStreamContext:
        assert self._js is not None, "the gateway connects when it starts"
        return self._js

    @asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        await self.nc.connect(servers_of(self.url), connect_timeout=int(CONNECT_SECONDS),
                              max_reconnect_attempts=-1, error_cb=self._on_error,
                              name=f"agent-town gateway {self.town_id}")
        self._js = self.nc.jetstream(timeout=REPLY_SECONDS)
        try:
            yield
        finally:
            await self.fan.close()
            await self.nc.close()

    async def _on_error(self, err: Exception) -> None:
        """Reconnection trouble: the client retries; nothing for a viewer to see."""

    # --- where a viewer starts ---------------------------------------------------------------

    async def start_of(self, conn: HTTPConnection, replay: bool = True) -> int | None:
        """The stream sequence a viewer starts at (None: what comes next); Refused in words.
        Without `replay` (the owner's trace replay is switched off) there is no `since=`."""
        q = conn.query_params
        last = conn.headers.get("last-event-id") or q.get("last_event_id")
        since = q.get("since")
        if since is not None and not replay:
            raise Refused(403, "trace replay is switched off for this town: no since=")
        try:
            if last and last.isdigit():
                return int(last) + 1
            if last:
                branch, tick, _ = msg.parse_event_id(last)
                return await self._after(branch, tick, f"{self.town_id}:{last}")
            if since is not None:
                if not since.isdigit():
                    raise ValueError(f"since must be a tick, got {since!r}")
                return await self._first_at(q.get("branch") or "main", int(since))
        except ValueError as err:
            raise Refused(400, limits.one_line(str(err))) from None
        return None

    async def _next(self, seq: int, branch: str | None) -> RawStreamMsg | None:
        """The branch's (the town's) first message at or after stream sequence `seq`."""
        try:
            return await self.js.get_msg(self.stream, seq=seq, subject=self.subject(branch),
                                         next=True)
        except NotFoundError:
            return None

    async def _first_at(self, branch: str, tick: int) -> int:
        """The sequence of the branch's first message at `tick` or later (binary search: a
        branch's messages are in tick order in the stream); past them all, the next one's."""
        state = (await self.js.stream_info(self.stream)).state
        lo, hi = max(state.first_seq, 1), state.last_seq + 1
        best = hi
        while lo < hi:
            mid = (lo + hi) // 2
            found = await self._next(mid, branch)
            if found is None or found.seq is None:
                hi = mid
            elif tick_of(found.subject or "", found.data or b"") >= tick:
                best, hi = min(best, found.seq), mid
            else:
                lo = found.seq + 1
        return best

    async def _after(self, branch: str, tick: int, ident: str) -> int:
        """The sequence just after the message `ident` (an event at `tick`); when it is gone
        from the stream, the first of the next tick."""
        seq = await self._first_at(branch, tick)
        while (found := await self._next(seq, branch)) is not None and found.seq is not None:
            if tick_of(found.subject or "", found.data or b"") != tick:
                return found.seq
            if (found.headers or {}).get("Nats-Msg-Id") == ident:
                return found.seq + 1
            seq = found.seq + 1
        return seq

    # --- routes -------------------------------------------------------------------------------

    async def viewer(self, conn: HTTPConnection) -> AsyncGenerator[list[msg.Message], None]:
        """A viewer's stream, as the owner's server gives it: the owner's status, then every
        message from where the viewer starts (after the status's head when it names no start),
        filtered as it asks. Refused in words for a bad request."""
        town = conn.path_params.get("town_id")
        if town is not None and town != self.town_id:
            raise Refused(404, f"no town named {limits.shown(town)}")
        status = await self._status()
        if status is not None:
            for branch in named_branches(conn):
                if branch not in status["branches"]:
                    raise Refused(404, f"no branch named {limits.shown(branch)}")
        replay = status is None or bool(status.get("features", {}).get("trace_replay", True))
        after: tuple[str, int] | None = None  # (branch, head): what the viewer has already
        try:
            match = matcher(conn)
            start = await self.start_of(conn, replay)
            if start is None and status is not None:  # nothing between the status and the stream
                after = (str(status["branch"]), int(status["head"]))
                start = await self._first_at(after[0], after[1] + 1)
        except ValueError as err:
            raise Refused(400, limits.one_line(str(err))) from None
        ready = asyncio.Event()
        fan, floor = self.fan, start or 0
        sub = Subscription(lambda m: fan.seq >= floor and match(m), ready.set)
        joined = await fan.join(sub)
        view = View(match, after)
        head = [msg.status_message(status)] if status is not None else []
        backlog = self._replay(start, joined, conn.query_params.get("branch"), view)
        return self._batches(head, backlog, sub, ready, view)

    async def _batches(self, head: list[msg.Message],
                       backlog: AsyncGenerator[list[msg.Message], None], sub: Subscription,
                       ready: asyncio.Event, view: View
                       ) -> AsyncGenerator[list[msg.Message], None]:
        """The status, what is replayed, then the live fan-out as it comes (in the batches it
        came in); a viewer dropped for falling behind hears why, then the end."""
        try:
            if head:
                yield head
            async for batch in backlog:
                yield batch
            async for batch in live(sub, ready, view.kept):
                yield batch
        finally:
            await backlog.aclose()
            self.fan.bus.remove(sub)

    async def _replay(self, start: int | None, last: int, branch: str | None, view: View
                      ) -> AsyncGenerator[list[msg.Message], None]:
        """The stream's messages from sequence `start` to `last` (what came before the viewer
        joined the fan-out), as the viewer wants them, a batch at a time: a few read one by
        one, more through a consumer of their own."""
        if start is None or start > last:
            return
        read = self._direct if last - start < REPLAY_DIRECT else self._consumed
        batch: list[msg.Message] = []
        async for message in read(start, last, branch):
            batch += view.kept([message])
            if len(batch) >= REPLAY_BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    async def _direct(self, start: int, last: int, branch: str | None
                      ) -> AsyncIterator[msg.Message]:
        """The messages from `start` to `last`, asked for one by one."""
        seq = start
        while (found := await self._next(seq, branch)) is not None and found.seq is not None \
                and found.seq <= last:
            message = self.message(found.subject or "", found.headers, found.data or b"")
            if message is not None:
                yield message
            seq = found.seq + 1

    async def _consumed(self, start: int, last: int, branch: str | None
                        ) -> AsyncIterator[msg.Message]:
        """The messages from `start` to `last`, through an ordered consumer removed after."""
        source = await self.subscribe(self.subject(branch), start)
        try:
            while True:
                try:
                    m = await source.next_msg(timeout=REPLAY_IDLE_SECONDS)
                except TimeoutError:
                    return  # the rest is gone from the stream (its limits)
                meta = m.metadata
                if meta.sequence.stream < start:
                    continue  # the consumer started over from sequence 1: seen already
                if meta.sequence.stream > last:
                    return
                message = self.message(m.subject, m.headers, m.data)
                if message is not None:
                    yield message
                if meta.sequence.stream == last or not meta.num_pending:
                    return
        finally:
            with contextlib.suppress(NatsError):
                await source.unsubscribe()
            with contextlib.suppress(NatsError):  # else it would linger, unread, for a while
                await self.js.delete_consumer(self.stream, (await source.consumer_info()).name)

    def subject(self, branch: str | None) -> str:
        """The subjects of the town's messages (of one branch's, when named)."""
        return f"town.{token(self.town_id)}.{token(branch) if branch else '*'}.>"

    async def subscribe(self, subject: str, start: int) -> JetStreamContext.PushSubscription:
        """An ordered consumer of the stream's `subject` messages from sequence `start`."""
        return await self.js.subscribe(
            subject, stream=self.stream, ordered_consumer=True,
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
            config=api.ConsumerConfig(opt_start_seq=start, inactive_threshold=INACTIVE_SECONDS),
            pending_msgs_limit=PENDING_LIMIT)

    async def flux(self, request: Request) -> Response:
        if not authorized(request, self.token):
            return problem(401, "this town needs its token")
        try:
            batches = await self.viewer(request)
        except Refused as err:
            return problem(err.status, err.message)
        return EventSourceResponse(sse_of(batches), ping=KEEPALIVE_SECONDS)

    async def ws(self, socket: WebSocket) -> None:
        if not await accepted(socket, self.token):
            return
        try:
            batches = await self.viewer(socket)
        except Refused as err:
            await refuse(socket, err)
            return
        await stream_socket(socket, batches, self.card_answer)

    def message(self, subject: str, headers: dict[str, str] | None, data: bytes
                ) -> msg.Message | None:
        """A stream message as the owner's server sends it; None for one not the owner's."""
        ident = (headers or {}).get("Nats-Msg-Id", "")
        if not ident.startswith(f"{self.town_id}:"):
            return None
        try:
            return message_of(self.town_id, subject, ident, data)
        except (ValueError, IndexError):
            return None

    async def _ask(self, command: str, body: bytes = b"", seconds: float = REPLY_SECONDS,
                   headers: dict[str, str] | None = None) -> bytes:
        """The owner's answer to a command over NATS; Refused in words when none comes."""
        try:
            reply = await self.nc.request(command_subject(self.town_id, command), body,
                                          timeout=seconds, headers=headers)
        except NoRespondersError:
            raise Refused(503, f"no owner of town {limits.shown(self.town_id)} answers on "
                               f"NATS at {shown_url(self.url)}") from None
        except (NatsError, TimeoutError):
            raise Refused(504, "the town's owner did not answer in time") from None
        return reply.data

    async def _status(self) -> dict[str, Any] | None:
        """The owner's status, asked over NATS (None when no owner answers)."""
        try:
            status: dict[str, Any] = json.loads(await self._ask("status", seconds=STATUS_SECONDS))
        except Refused:
            return None
        return None if "error" in status else status

    async def card_answer(self, body: bytes, client: str) -> tuple[int, dict[str, Any]]:
        """A card forwarded to the owner, answered as the owner answers it."""
        try:
            answer = json.loads(await self._ask("perturb", body, headers={CLIENT_HEADER: client}))
        except Refused as err:
            return err.status, {"error": err.message}
        return int(answer.pop("status")), answer

    async def perturb(self, request: Request) -> Response:
        if not authorized(request, self.token):
            return problem(401, "this town needs its token")
        body = await read_body(request)
        if body is None:
            return problem(413, f"a card request is at most {msg.MAX_BODY_BYTES} bytes")
        status, answer = await self.card_answer(body, client_of(request))
        return JSONResponse(answer, status_code=status)

    async def status(self, request: Request) -> Response:
        if not authorized(request, self.token):
            return problem(401, "this town needs its token")
        status = await self._status()
        if status is None:
            return problem(503, f"no owner of town {limits.shown(self.town_id)} answers")
        return JSONResponse(status)

    async def trace(self, request: Request) -> Response:
        """The owner's save record, asked over NATS (`agent-town verify` accepts it)."""
        if not authorized(request, self.token):
            return problem(401, "this town needs its token")
        try:
            record = await self._ask("trace", seconds=ASK_SECONDS)
        except Refused as err:
            return problem(err.status, err.message)
        if record.startswith(b'{"error"'):
            return problem(503, json.loads(record)["error"])
        return Response(record, media_type="application/json")

    async def page(self, request: Request) -> Response:
        return HTMLResponse(resources.files("game.wire").joinpath("page.html").read_text())


def named_branches(conn: HTTPConnection) -> list[str]:
    """The branches a viewer names: its `?branch=`, and its Last-Event-ID's (a bad id is told
    where the start is read)."""
    q = conn.query_params
    named = [q["branch"]] if q.get("branch") else []
    last = conn.headers.get("last-event-id") or q.get("last_event_id")
    if last and not last.isdigit():
        with contextlib.suppress(ValueError):
            named.append(msg.parse_event_id(last)[0])
    return named


def make_gateway_app(gateway: GatewayApp) -> Starlette:
    routes: list[Route | WebSocketRoute] = [
        Route("/", gateway.page),
        Route(f"{BASE}/flux", gateway.flux),
        Route("/v1/town/{town_id}/events", gateway.flux),
        WebSocketRoute(f"{BASE}/ws", gateway.ws),
        Route(f"{BASE}/perturb", gateway.perturb, methods=["POST"]),
        Route(f"{BASE}/status", gateway.status),
        Route(f"{BASE}/trace", gateway.trace),
    ]
    return Starlette(routes=routes, lifespan=gateway.lifespan)


async def probe(url: str, town_id: str) -> None:
    """Check NATS answers and holds the town's stream: OSError in words otherwise."""
    nc = Client()

    async def quiet(_err: Exception) -> None:
        """Each failed try: the error below says it once."""

    try:
        await nc.connect(servers_of(url), connect_timeout=int(CONNECT_SECONDS),
                         max_reconnect_attempts=1,
                         reconnect_time_wait=0, error_cb=quiet)
    except (NatsError, OSError) as err:
        raise OSError(f"cannot reach NATS at {shown_url(url)} "
                      f"({limits.one_line(str(err) or type(err).__name__)})") from None
    try:
        await nc.jetstream(timeout=REPLY_SECONDS).stream_info(stream_name(town_id))
    except NotFoundError:
        raise OSError(f"NATS at {shown_url(url)} holds no town {limits.shown(town_id)} "
                      f"(serve it with --nats {shown_url(url)})") from None
    finally:
        await nc.close()


class Gateway:
    """A gateway on the network: uvicorn serving `GatewayApp`, on a thread or this one."""

    def __init__(self, nats_url: str, *, town_id: str = "town", host: str = "127.0.0.1",
                 port: int = 0, token: str | None = None) -> None:
        check_bind(host, token)
        self.nats_url = nats_url
        self.town_id = town_id
        self.host = host
        # Listening from now on: a viewer told the address at once queues until uvicorn runs.
        self._socket = socket.create_server((host, port))
        self.port = int(self._socket.getsockname()[1])
        app = make_gateway_app(GatewayApp(nats_url, town_id, token))
        config = uvicorn.Config(app, host=host, port=self.port, log_level="warning",
                                lifespan="on", timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.run, name="gateway", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def check(self) -> Gateway:
        """NATS answers and holds the town: OSError in words otherwise."""
        asyncio.run(probe(self.nats_url, self.town_id))
        return self

    def start(self) -> Gateway:
        """Serve on a thread; returns once uvicorn accepts connections."""
        start_on_thread(self.server, self._thread, f"{self.host}:{self.port}")
        return self

    def run(self) -> None:
        """Serve on this thread until Ctrl+C or SIGTERM (uvicorn's own handling)."""
        self.server.run(sockets=[self._socket])

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=5)
