"""What any face shows of the town, as pure functions of its state: the personality scatter,
the citizen card at each level of detail, coalitions, metrics, the clock, feed rows and story
markers, and the whole JSON document (`document`). The window, the terminal UI, `agent-town
state` and the HTTP `state` endpoint all draw these; none computes its own.

Each projection returns frozen dataclasses that serialise to JSON (`document.to_json`).
`Projected` pairs a state with its projection, for widgets that redraw only when the state moves.
Pure: imports sim, trace and config; never pygame, the view or the command line.
"""
