"""The town on the wire: one owner, many viewers.

The owner (`owner.py`) holds the timeline and is its only writer; remote cards wait in its inbox
and are played at tick boundaries like clicks. Every newly recorded tick goes out as messages
(`messages.py`) on a bus (`bus.py`: in memory by default); the HTTP server (`server.py`:
Starlette on uvicorn) streams them as Server-Sent Events and over WebSocket. Never imports pygame
or the view; the window imports this package to share or join a town.
"""
