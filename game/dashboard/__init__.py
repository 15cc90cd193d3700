"""The marimo dashboard (`agent-town dashboard`): the town's projections in a notebook.

`town.py` is the notebook itself (shipped as package data, runnable with `marimo run` and
editable with `marimo edit`); `sources.py` reads a town (a saved history, a fresh run, or a
served town over HTTP) as the projections' JSON document; `widgets.py` draws it (the scatter
as an anywidget, the metrics and the coalition graph as inline SVG, nothing from a CDN);
`launch.py` starts `marimo run` for the command line. Reads projections, wire, trace, sim and
config; never pygame or the view.
"""
