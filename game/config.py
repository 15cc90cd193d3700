"""Every tunable number of the town, in one place (DESIGN.md's defaults unless noted).

Pure data: no imports from the rest of the game. Where a value departs from DESIGN.md the
comment beside it says why.
"""

from __future__ import annotations

from typing import Final

# --- Personality -------------------------------------------------------------------------------
DIMENSIONS: Final = ("warmth", "curiosity", "trust", "creativity", "patience", "resilience",
                     "ambition")
PERSONALITY_BASE: Final = 0.5
PERSONALITY_JITTER: Final = 0.05

# --- Time --------------------------------------------------------------------------------------
TICKS_PER_SECOND: Final = 20
PHASE_TICKS: Final = 400
PHASES: Final = ("MORNING", "AFTERNOON", "EVENING", "NIGHT")
DAY_TICKS: Final = PHASE_TICKS * len(PHASES)
# DESIGN.md: "at the end of EVENING each available citizen rests with p = 0.3, at the end of
# NIGHT with p = 0.7", and everyone wakes at MORNING. Read literally the second draw would be
# undone at once, so it applies to each citizen whose activity ends during the NIGHT.
REST_P_EVENING_END: Final = 0.3
REST_P_NIGHT: Final = 0.7

# --- Decisions ---------------------------------------------------------------------------------
# Phase weights of greet / gossip / trade / solo, by phase index.
PHASE_WEIGHTS: Final = (
    (0.20, 0.10, 0.30, 0.40),
    (0.25, 0.20, 0.35, 0.20),
    (0.30, 0.30, 0.20, 0.20),
    (0.10, 0.20, 0.10, 0.60),
)
# Weights of the rarer choices, scaled by personality in the flux.
DISPUTE_WEIGHT: Final = 0.12  # × (1 − patience) × 2
TEACH_WEIGHT: Final = 0.10  # × curiosity × 2
WALK_WEIGHT: Final = 0.06  # × (curiosity + ambition)
# With no free partner in the region: walk elsewhere, or linger (another idle pause) for one.
LONELY_WALK_WEIGHT: Final = 0.12
LINGER_WEIGHT: Final = 0.5  # × (0.5 + patience)
# In the evening and at night a citizen away from home wanders this many times as often, and
# prefers each neighbouring region nearer home this many times over the others.
HOMESICK_PULL: Final = 3.0
HOMEWARD_PREFERENCE: Final = 3.0
# An evening gathering: with two or more free citizens about in one of these places, a citizen
# may call everyone free there to celebrate (so celebrate happens without a Festival card too).
GATHERING_PLACES: Final = ("square", "inn")
GATHERING_WEIGHT: Final = 0.08  # × (0.5 + warmth)
GATHERING_MAX: Final = 12  # citizens at most in one gathering
# Location bonus: (region, op) → multiplier of that op's weight.
LOCATION_BONUS: Final = {
    ("market", "trade"): 2.5,
    ("square", "greet"): 1.5,
    ("square", "gossip"): 1.3,
    ("inn", "gossip"): 1.6,
    ("inn", "greet"): 1.3,
    ("garden", "greet"): 1.3,
    ("library", "solo"): 1.5,
    ("archive", "solo"): 1.5,
    ("observatory", "solo"): 1.5,
    ("workshop", "solo"): 1.5,
    ("library", "teach"): 2.0,
    ("observatory", "teach"): 1.5,
}

# Mood (derived, never stored): a socializing citizen above this warmth is "warm", an idle one
# above this curiosity "curious".
WARM_MOOD: Final = 0.7
CURIOUS_MOOD: Final = 0.7

# --- Durations (ticks) -------------------------------------------------------------------------
DURATION: Final = {
    "greet": 20,
    "gossip": 40,
    "trade": 60,
    "dispute": 40,
    "teach": 80,
    "celebrate": 100,
}
SOLO_MIN: Final = 60
SOLO_MAX: Final = 140
TICKS_PER_ROAD_TILE: Final = 8
IDLE_MIN: Final = 10
IDLE_MAX: Final = 40

# --- Operation effects -------------------------------------------------------------------------
# Calibrated (DESIGN.md: greet 0.10, trade 0.20, relax 2 %, affinity 0.35): with the design's
# values the default town rarely has two coalitions after one day, and within ten days every
# bond saturates into one town-wide coalition. Tripled gains with a much faster relaxation
# (bonds need upkeep) give 2–6 coalitions on day one and keep the largest near ten citizens
# over twenty days (measured over eight seeds).
GREET_GAIN: Final = 0.30  # × mean warmth
GOSSIP_TRANSFER: Final = 0.5  # listener's rel to subject += this × speaker's rel to subject
GOSSIP_REPEAT_P: Final = 0.30
TRADE_GAIN: Final = 0.60  # × mean trust
TRADE_SURPLUS: Final = 20.0
SOLO_SURPLUS: Final = 15.0
DISPUTE_LOSS: Final = 0.20  # × (1 − mean patience)
CELEBRATE_GAIN: Final = 0.10
CELEBRATE_SPEND: Final = 0.5  # fraction of its surplus each celebrant spends
TEACH_DRIFT: Final = 0.05  # at most, per dimension
EVOLVE_DRIFT: Final = 0.01  # at most, per interaction, for evolving citizens
RELAX_TOWARD_INITIAL: Final = 0.16  # at each phase end (calibrated, see GREET_GAIN)
INITIAL_REL_SCALE: Final = 0.3
MEMORY_LIMIT: Final = 12
HEARD_LIMIT: Final = 6

TOKENS: Final = {
    "greet": 200, "gossip": 500, "trade": 400, "solo": 300, "walk": 0,
    "dispute": 600, "celebrate": 400, "teach": 800,
}
DRAMA: Final = {
    "greet": 0.1, "gossip": 0.4, "trade": 0.3, "solo": 0.1, "walk": 0.0,
    "dispute": 0.8, "celebrate": 0.2, "teach": 0.2,
    # The flux's own events (not in DESIGN.md's op table): what each adds to the town's drama.
    "festival": 0.5, "storm": 0.6, "rumor": 0.5, "share": 0.2,
    "coalition_formed": 0.5, "coalition_dissolved": 0.3,
}
GOSSIP_NEGATIVE_DRAMA: Final = 0.6
# Drama decays by this factor each tick (half-life of 10 simulated seconds): 0.5 ** (1 / 200),
# written out so that no platform's pow decides its last bit.
DRAMA_DECAY: Final = float.fromhex("0x1.fe3a867bfc623p-1")

# --- Accursed share ----------------------------------------------------------------------------
# Calibrated from DESIGN.md's 20: at 20 the town feasted every ~100 ticks (16 times a day) and
# its town-wide spend events drowned the feed and every why chain; at 60 it is a few times a day.
SHARE_THRESHOLD_PER_CITIZEN: Final = 60.0
SHARE_FRACTION: Final = 0.5

# --- Perturbations -----------------------------------------------------------------------------
RUMOR_OPINION: Final = -0.6  # the planted speaker's opinion of the rumor's subject, at most
STORM_TICKS: Final = PHASE_TICKS
# Whoever carries a fresh rumor gossips more and tells that rumor first, for a day.
RUMOR_TICKS: Final = DAY_TICKS
RUMOR_GOSSIP_BOOST: Final = 6.0
RUMOR_TELL_P: Final = 0.8

# --- Social structure --------------------------------------------------------------------------
COALITION_K: Final = 3
COALITION_AFFINITY: Final = 0.32  # calibrated from 0.35, see GREET_GAIN
COALITION_HYSTERESIS: Final = 0.02  # members' bonds hold down to affinity − this
COALITION_MATCH_JACCARD: Final = 0.5  # a recomputed coalition this alike is the same one
EIGENTRUST_ALPHA: Final = 0.15
EIGENTRUST_MAX_ITER: Final = 50
EIGENTRUST_TOL: Final = 1e-4

# --- Keyframes and screen (used by the timeline and the view) ----------------------------------
KEYFRAME_INTERVAL: Final = 200
# What the keyframes may hold, by `snapshot_bytes`' estimate, which counts each keyframe's
# memories whole though neighbours share most of them: an hour of `town` holds 80 MB by it and
# grows the process by about 32 MB, and a seek re-simulates at most 800 ticks (1,600 at 50 MB:
# p95 26 ms of CPU on a slower machine, 12 at this budget).
KEYFRAME_BUDGET_MB: Final = 100.0
METRIC_SAMPLE_TICKS: Final = 100  # the timeline samples town metrics this often
WINDOW_SIZE: Final = (1280, 720)
SPEEDS: Final = (0, 1, 2, 4, 8, 16, -1)  # ticks-per-tick multipliers; -1 = max

# --- Defaults a person gets when it names none ---------------------------------------------------
DEFAULT_SCENARIO: Final = "town"
DEFAULT_SEED: Final = 7
FRAME_RATE: Final = 60  # frames per second of the window, demos and video
