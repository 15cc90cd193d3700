"""The window: the town drawn in pixel art, the camera, input, HUD and the app loop (pygame).

view → trace → sim: nothing outside game/view imports from here.
"""

import os

# Before any module of the package imports pygame: no banner on stdout.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
