"""The simulation: the town's state, map and citizens, the laws, operations, decisions, card
runners and phase ends, and `TownFlux`, which ticks them (docs/ARCHITECTURE.md has the rooms).

Pure: imports numpy, pydantic and `game.config`, never the trace, the view, pygame or the CLI.
"""
