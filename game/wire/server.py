"""The town over HTTP (Starlette on uvicorn): a live stream (SSE and WebSocket), cards, the record.

Routes (under /api/v1/world/town): `flux` (Server-Sent Events), `ws` (the same stream over a
WebSocket, and cards sent on it), `perturb` (POST a card), `status`, `trace` (the `.town`
record). `/v1/town/{id}/events` is the stream's alias; `/` is a small page that shows the live
feed and plays cards. Every request that reaches the town goes through the owner's inbox: this
module never touches the timeline. With a token, every request and socket needs it (a bearer
header, or `?token=` where a browser cannot set headers).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from importlib import resources
from typing import Any

from pydantic import ValidationError
from sse_starlette import EventSourceResponse
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from game import limits
from game.projections.card import MAX_LOD, check_lod
from game.projections.document import document, to_json
from game.trace import store
from game.userfiles.jsonfile import first_problem
from game.wire import messages as msg
from game.wire.bus import Subscription
from game.wire.owner import Accepted, Cursor, Owner, Refused

BASE = "/api/v1/world/town"
KEEPALIVE_SECONDS = 15
ASK_SECONDS = 30.0  # the longest a request waits for the owner (a /trace of a long history)
CLIENT_HEADER = "x-agent-town-client"  # names a client for the card cooldown (else its host)
# A card request (body, client) to its answer (status, body): the owner's, or a gateway's.
CardAnswer = Callable[[bytes, str], Awaitable[tuple[int, dict[str, Any]]]]


def problem(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


async def ask(owner: Owner, job: Callable[[Any], Any]) -> Any:
    """Run a job on the owner's thread and wait for its answer here."""
    return await asyncio.wait_for(asyncio.wrap_future(owner.call(job)), ASK_SECONDS)


def waker(ready: asyncio.Event) -> Callable[[], None]:
    """Set `ready` from any thread (the owner's), on this loop."""
    loop = asyncio.get_running_loop()

    def wake() -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: the viewer is gone
            loop.call_soon_threadsafe(ready.set)
    return wake


def client_of(conn: HTTPConnection) -> str:
    named = conn.headers.get(CLIENT_HEADER, "")[:limits.MAX_NAME]
    host = conn.client.host if conn.client else "?"
    return f"{host}/{named}" if named else host


async def card_answer(owner: Owner, body: bytes, client: str) -> tuple[int, dict[str, Any]]:
    """A card request's answer: (status, body), the one path for HTTP, WebSocket and NATS."""
    if len(body) > msg.MAX_BODY_BYTES:
        return 413, {"error": f"a card request is at most {msg.MAX_BODY_BYTES} bytes"}
    try:
        request = msg.CardRequest.model_validate_json(body)
    except ValidationError as err:
        loc, why = first_problem(err)
        where = ".".join(map(str, loc))
        return 422, {"error": f"{where}: {why}" if where else why}
    try:
        done: Accepted = await asyncio.wrap_future(owner.play(request, client))
    except Refused as err:
        return err.status, {"error": err.message, **err.extra}
    return 202, {"tick": done.tick, "branch": done.branch, "index": done.index}


def authorized(conn: HTTPConnection, token: str | None) -> bool:
    """Whether `conn` carries the token (a bearer header, or `?token=`); any, without one."""
    if token is None:
        return True
    header = conn.headers.get("authorization", "")
    given = header.removeprefix("Bearer ") if header.startswith("Bearer ") else \
        conn.query_params.get("token", "")
    return hmac.compare_digest(given.encode(), token.encode())


def matcher(conn: HTTPConnection) -> Callable[[msg.Message], bool]:
    """The viewer's filters (`?branch=`, `?ops=`) as a test of a message; ValueError in words."""
    q = conn.query_params
    branch = q.get("branch") or None
    ops = msg.parse_ops(q.get("ops", ""))

    def match(m: msg.Message) -> bool:
        if branch is not None and m.branch != branch:
            return False
        return m.kind != "event" or ops is None or m.op in ops
    return match


async def read_body(request: Request) -> bytes | None:
    """A request's body, or None past MAX_BODY_BYTES (read no further)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > msg.MAX_BODY_BYTES:
            return None
    return bytes(body)


async def trace_record(owner: Owner) -> str:
    """The town's save record as JSON (what `agent-town verify` accepts), made on the owner's
    thread: the one answer for `trace` over HTTP and over NATS."""
    made: str = await ask(owner, lambda tl: store.to_save(tl).model_dump_json(indent=1))
    return made


async def sse_of(batches: AsyncGenerator[list[msg.Message], None]) -> AsyncIterator[bytes]:
    """A stream as Server-Sent Events: one write for all the messages that came at once."""
    try:
        async for batch in batches:
            yield b"".join(m.sse for m in batch)
    finally:
        await batches.aclose()  # the viewer went away: its subscription goes at once


async def accepted(socket: WebSocket, token: str | None) -> bool:
    """Accept a viewer's socket when it carries the token; else refuse the handshake with the
    401 and the words any other route gives without it."""
    if not authorized(socket, token):
        await socket.send_denial_response(problem(401, "this town needs its token"))
        return False
    await socket.accept()
    return True


async def refuse(socket: WebSocket, err: Refused) -> None:
    """A viewer whose stream cannot start: the status and why, on the socket, then the end."""
    await socket.send_json({"type": "error", "status": err.status, "error": err.message})
    await socket.close()


async def live(sub: Subscription, ready: asyncio.Event,
               keep: Callable[[list[msg.Message]], list[msg.Message]] | None = None
               ) -> AsyncGenerator[list[msg.Message], None]:
    """A subscription's messages as they come, in the batches they came in (what `keep`
    keeps of each); a viewer dropped for falling behind hears why, then the end. `ready` is
    set when the subscription has something new: the owner's server and a gateway both."""
    while True:
        ready.clear()
        batch = sub.take() if keep is None else keep(sub.take())
        if batch:
            yield batch
        if sub.dropped:
            yield [msg.notice_message("", "you fell too far behind the town and were "
                                          "dropped: reconnect with Last-Event-ID")]
            return
        if sub.closed:
            return
        await ready.wait()


async def stream_socket(socket: WebSocket, batches: AsyncGenerator[list[msg.Message], None],
                        answer: CardAnswer) -> None:
    """The stream over a WebSocket (one text frame a message) while cards sent on the same
    socket are answered on it: the one loop of the owner's server and of a gateway."""
    reader = asyncio.create_task(_socket_cards(socket, answer))
    try:
        # A viewer that went away (a disconnect, or a send on a closed socket) takes its
        # stream with it.
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            async for batch in batches:
                for m in batch:
                    await socket.send_text(m.frame)
                if reader.done():
                    break
    finally:
        reader.cancel()
        await batches.aclose()


async def _socket_cards(socket: WebSocket, answer: CardAnswer) -> None:
    """Cards sent on the socket, each answered on it (accepted or refused, in words)."""
    try:
        while True:
            frame = await socket.receive()
            if frame["type"] == "websocket.disconnect":
                return
            # A card is JSON in a text frame; a binary frame is read as the same bytes.
            text = frame.get("text")
            data: bytes = text.encode() if text is not None else frame.get("bytes") or b""
            status, body = await answer(data[: msg.MAX_BODY_BYTES + 1], client_of(socket))
            await socket.send_text(json.dumps({"type": "perturb", **body, "status": status}))
    except (WebSocketDisconnect, RuntimeError):
        return


class TownApp:
    """The routes of one owner's town, with the server's settings."""

    def __init__(self, owner: Owner, token: str | None = None) -> None:
        self.owner = owner
        self.token = token

    # --- guards -------------------------------------------------------------------------------

    def cursor(self, conn: HTTPConnection) -> Cursor:
        """Where a new viewer starts; Refused in words for a bad filter."""
        q = conn.query_params
        last = conn.headers.get("last-event-id") or q.get("last_event_id")
        since = q.get("since")
        if since is not None and not self.owner.switches.trace_replay:
            raise Refused(403, "trace replay is switched off for this town: no since=")
        try:
            after = msg.parse_event_id(last) if last else None
            start = int(since) if since is not None else None
        except ValueError as err:
            raise Refused(400, limits.one_line(str(err) if last else
                                               f"since must be a tick, got {since!r}")) from None
        if start is not None and start < 0:
            raise Refused(400, f"since must be a tick, got {since!r}")
        return Cursor(after, start, q.get("branch") or None)

    async def open(self, conn: HTTPConnection, wake: Callable[[], None]) -> Subscription:
        try:
            match = matcher(conn)
        except ValueError as err:
            raise Refused(400, limits.one_line(str(err))) from None
        sub = Subscription(match, wake)
        try:
            await asyncio.wrap_future(self.owner.subscribe(sub, self.cursor(conn)))
        except BaseException:
            self.owner.hub.remove(sub)
            raise
        return sub

    # --- routes -------------------------------------------------------------------------------

    async def flux(self, request: Request) -> Response:
        if not authorized(request, self.token):
            return problem(401, "this town needs its token")
        town = request.path_params.get("town_id")
        if town is not None and town != self.owner.town_id:
            return problem(404, f"no town named {limits.shown(town)}")
        ready = asyncio.Event()
        try:
            sub = await self.open(request, waker(ready))
        except Refused as err:
            return problem(err.status, err.message)
        return EventSourceResponse(sse_of(self._batches(sub, ready)), ping=KEEPALIVE_SECONDS)

    async def _batches(self, sub: Subscription, ready: asyncio.Event
                       ) -> AsyncGenerator[list[msg.Message], None]:
        try:
            async for batch in live(sub, ready):
                yield batch
        finally:
            self.owner.hub.remove(sub)

    async def ws(self, socket: WebSocket) -> None:
        if not await accepted(socket, self.token):
            return
        ready = asyncio.Event()
        try:
            sub = await self.open(socket, waker(ready))
        except Refused as err:
            await refuse(socket, err)
            return
        try:
            await stream_socket(socket, self._batches(sub, ready), self.card_answer)
        finally:
            sub.close()

    async def card_answer(self, body: bytes, client: str) -> tuple[int, dict[str, Any]]:
        return await card_answer(self.owner, body, client)

    async def perturb(self, request: Request) -> Response:
        if not authorized(request, self.token):
            return problem(401, "this town needs its token")
        body = await read_body(request)
        if body is None:
            return problem(413, f"a card request is at most {msg.MAX_BODY_BYTES} bytes")
        status, answer = await card_answer(self.owner, body, client_of(request))
        return JSONResponse(answer, status_code=status)

    async def status(self, request: Request) -> Response:
        if not authorized(request, self.token):
            return problem(401, "this town needs its token")
        return JSONResponse(await ask(self.owner, lambda _tl: self.owner.status()))

    async def state(self, request: Request) -> Response:
        """The projections of the town where the owner stands (the document `agent-town state`
        prints): made on the owner's thread, turned into JSON here."""
        if not authorized(request, self.token):
            return problem(401, "this town needs its token")
        try:
            lod = check_lod(int(request.query_params.get("lod", "0")))
        except ValueError:
            return problem(400, f"lod must be a level of detail 0–{MAX_LOD}, got "
                                f"{limits.shown(request.query_params.get('lod', ''))}")
        made = await ask(self.owner, lambda tl: document(tl, lod))
        return Response(to_json(made), media_type="application/json")

    async def trace(self, request: Request) -> Response:
        if not authorized(request, self.token):
            return problem(401, "this town needs its token")
        return Response(await trace_record(self.owner), media_type="application/json")

    async def page(self, request: Request) -> Response:
        return HTMLResponse(resources.files("game.wire").joinpath("page.html").read_text())


def make_app(owner: Owner, *, token: str | None = None, cors: Sequence[str] = ()) -> Starlette:
    """The Starlette app of one owner's town (CORS only for the origins listed)."""
    town = TownApp(owner, token)
    middleware = [Middleware(CORSMiddleware, allow_origins=list(cors),
                             allow_methods=["GET", "POST"], allow_headers=["*"])] if cors else []
    routes: list[Route | WebSocketRoute] = [
        Route("/", town.page),
        Route(f"{BASE}/flux", town.flux),
        Route("/v1/town/{town_id}/events", town.flux),
        WebSocketRoute(f"{BASE}/ws", town.ws),
        Route(f"{BASE}/perturb", town.perturb, methods=["POST"]),
        Route(f"{BASE}/status", town.status),
        Route(f"{BASE}/state", town.state),
        Route(f"{BASE}/trace", town.trace),
    ]
    return Starlette(routes=routes, middleware=middleware)

