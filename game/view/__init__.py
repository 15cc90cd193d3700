"""The window: the town drawn in pixel art, the camera, input, HUD and the app loop (pygame).

view → trace → sim: only the command line imports from here (and only when it opens a
window or renders).
"""

import os

# Before any module of the package imports pygame: no banner on stdout.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
