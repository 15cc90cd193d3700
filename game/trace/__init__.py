"""The history of a town: the trace monoid, the timeline with its branches and keyframes,
`.town` save files and the story. Reads the simulation; never imports the view, pygame or
the CLI.
"""
