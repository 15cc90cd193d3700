"""The terminal UI (`agent-town tui`): the town's projections in a terminal, with Textual.

`source` is where it reads the town (a saved history to scrub, a town run here; a served town
later, behind the same protocol), `rows` turns a projection document into the text it shows,
and `app` is the Textual app. Only `app` imports Textual; nothing here imports pygame or the
window.
"""
