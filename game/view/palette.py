"""Every colour the game shows: the ENDESGA 32 palette by name, and the roles the view gives them.

The art is drawn in these 32 colours only (tools/make_assets.py reads `ENDESGA_32` from here and
writes the palette indices of its PNGs in this order), and the window draws its text, panels,
marks and rings in the same colours, so HUD and sprites speak one pixel language. Roles (`TEXT`,
`CANDIDATE`, `OP_COLOURS` …) are names for what a colour means on screen; widgets use the roles.

Two sets of colours here are not palette ink: `DAYLIGHT_TINTS`, light that multiplies the drawn
pixels, not a colour drawn; and `OKABE_ITO`, the colour-blind-safe coalition colours a person
may choose in the settings (`use`), since no eight ENDESGA colours are told apart as well.

Pure data: never imports pygame or anything from the game (the asset tool imports this file).
"""

from __future__ import annotations

Colour = tuple[int, int, int]

# ENDESGA 32 in its published order (the order is the palette index in the PNGs), with our names.
ENDESGA_32: tuple[tuple[str, str], ...] = (
    ("rust", "be4a2f"),
    ("clay", "d77643"),
    ("sand", "ead4aa"),
    ("tan", "e4a672"),
    ("brown", "b86f50"),
    ("umber", "733e39"),
    ("soot", "3e2731"),
    ("wine", "a22633"),
    ("red", "e43b44"),
    ("orange", "f77622"),
    ("gold", "feae34"),
    ("yellow", "fee761"),
    ("leaf", "63c74d"),
    ("green", "3e8948"),
    ("pine", "265c42"),
    ("moss", "193c3e"),
    ("navy", "124e89"),
    ("sky", "0099db"),
    ("cyan", "2ce8f5"),
    ("white", "ffffff"),
    ("silver", "c0cbdc"),
    ("grey", "8b9bb4"),
    ("slate", "5a6988"),
    ("steel", "3a4466"),
    ("night", "262b44"),
    ("ink", "181425"),
    ("neon", "ff0044"),
    ("plum", "68386c"),
    ("rose", "b55088"),
    ("salmon", "f6757a"),
    ("skin", "e8b796"),
    ("tawny", "c28569"),
)
INKS: dict[str, Colour] = {
    name: (int(code[0:2], 16), int(code[2:4], 16), int(code[4:6], 16)) for name, code in ENDESGA_32
}

# The palette colours the view names directly.
SAND = INKS["sand"]
TAN = INKS["tan"]
BROWN = INKS["brown"]
UMBER = INKS["umber"]
RED = INKS["red"]
ORANGE = INKS["orange"]
GOLD = INKS["gold"]
YELLOW = INKS["yellow"]
LEAF = INKS["leaf"]
SKY = INKS["sky"]
CYAN = INKS["cyan"]
WHITE = INKS["white"]
SILVER = INKS["silver"]
GREY = INKS["grey"]
SLATE = INKS["slate"]
STEEL = INKS["steel"]
NIGHT = INKS["night"]
INK = INKS["ink"]
NEON = INKS["neon"]
PLUM = INKS["plum"]
ROSE = INKS["rose"]
SALMON = INKS["salmon"]

# --- roles: text ------------------------------------------------------------------------------
TEXT = SAND  # ordinary HUD text
BRIGHT = YELLOW  # titles, the current choice, what wants attention
DIM = GREY  # secondary text: hints, costs, the hash
WARN = RED  # errors, paused, a failed event
GOOD = LEAF  # live, filled bars
HOTKEY = UMBER  # a card's hotkey letter on the paper of the card
SPEECH = INK  # a speech bubble's words
SIGN = SAND  # region signs on the map
NAME = WHITE  # a citizen's name over its head
OUTLINE = INK  # the outline round text on the map, rings and marks
RAIN = SILVER  # a storm's streaks of rain over the map
BUNTING: tuple[Colour, ...] = (RED, GOLD, SKY, LEAF)  # a festival's pennants, in turn

# --- roles: surfaces --------------------------------------------------------------------------
BACKDROP = INK  # the window behind the map's edge
SHADE = INK  # the veil behind modal boxes and over cooling cards
SUNKEN = NIGHT  # inside a panel: tracks, bars, fields
CHOSEN_ROW = STEEL  # the chosen row of a list (a focused event, the file to open)
FUTURE = INK  # the timeline past the head
# Morning, afternoon, evening, night bands along the timeline, by phase index.
PHASE_BANDS: tuple[Colour, ...] = (TAN, SAND, BROWN, STEEL)
SPARK_TENSION = RED
SPARK_COOPERATION = LEAF
SPARK_DRAMA = GOLD

# --- roles: the map ---------------------------------------------------------------------------
CANDIDATE = SILVER  # the ring round a citizen the armed card may target
BRIDGE_RING = WHITE  # the ring round the scatter dot of a citizen in two or more coalitions
DOT_KEY = NEON  # the scatter dots' transparent colour key: no dot is drawn in it

# One colour per kind of event: timeline marks, feed chips and perturbation markers agree.
OP_COLOURS: dict[str, Colour] = {
    "greet": LEAF, "gossip": SALMON, "trade": GOLD, "solo": SKY, "walk": SLATE,
    "arrive": STEEL, "dispute": RED, "celebrate": ORANGE, "festival": ORANGE, "teach": CYAN,
    "rest": PLUM, "wake": YELLOW, "share": TAN, "storm": SILVER, "rumor": ROSE,
    "coalition_formed": WHITE, "coalition_dissolved": UMBER,
}
# Coalition colours, by slot (a coalition's number modulo their count).
COALITION_COLOURS: tuple[Colour, ...] = (RED, SKY, LEAF, GOLD, ROSE, CYAN, ORANGE, SALMON)
# The colour-blind-safe set (Okabe & Ito, "Color Universal Design", 2008): eight colours
# told apart with any common colour vision deficiency. Not palette ink: a person asked for them.
OKABE_ITO: tuple[Colour, ...] = (
    (230, 159, 0),  # orange
    (86, 180, 233),  # sky blue
    (0, 158, 115),  # bluish green
    (240, 228, 66),  # yellow
    (0, 114, 178),  # blue
    (213, 94, 0),  # vermilion
    (204, 121, 167),  # reddish purple
    (255, 255, 255),  # white (Okabe–Ito's black would vanish on the night map)
)
# The coalitions' palettes a person may choose (the settings' `palette`), by name.
COALITION_PALETTES: dict[str, tuple[Colour, ...]] = {
    "standard": COALITION_COLOURS, "colour-blind": OKABE_ITO}
_chosen: list[tuple[Colour, ...]] = [COALITION_COLOURS]


def use(name: str) -> None:
    """Draw coalitions in the palette `name` from now on (an unknown name: the standard one)."""
    _chosen[0] = COALITION_PALETTES.get(name, COALITION_COLOURS)


def chosen() -> str:
    """The name of the coalitions' palette in use (a key of caches drawn in its colours)."""
    return next(n for n, p in COALITION_PALETTES.items() if p is _chosen[0])


def coalition_colour(slot: int) -> Colour:
    """The colour of a coalition's slot in the palette in use; slots past the table's end wrap
    round."""
    colours = _chosen[0]
    return colours[slot % len(colours)]


# (hour of the clock, light) through a day, blended linearly in between: night until dawn,
# a warm morning, plain day, a golden evening, dusk, night again. Multipliers of the drawn
# pixels (white leaves them as they are), so not palette ink.
DAYLIGHT_TINTS: tuple[tuple[float, Colour], ...] = (
    (0.0, (104, 108, 196)),
    (4.5, (104, 108, 196)),
    (5.5, (176, 150, 200)),  # dawn
    (6.5, (255, 222, 196)),
    (8.5, WHITE),
    (16.5, WHITE),
    (18.0, (255, 196, 150)),  # golden hour
    (19.5, (196, 140, 172)),  # dusk
    (21.0, (104, 108, 196)),
    (24.0, (104, 108, 196)),
)
