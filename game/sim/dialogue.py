"""Template dialogue: what each archetype says in each operation, filled with real names.

No language model: a line is picked with the town's own random generator, so dialogue replays
exactly. Pure: never imports pygame or the view.
"""

from __future__ import annotations

import string
from typing import Final

from game.sim.draws import Draws

# (archetype, op) → lines. {listener} and {subject} are citizens' first names. No line names a
# time of day: any may be said at any hour.
LINES: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("Builder", "greet"): ("Hey, {listener}! Walls are up, spirits too.",
                           "{listener}, good to see you on solid ground."),
    ("Builder", "gossip"): ("Between us, {listener}: {subject} builds on sand.",
                            "{subject}? Steady hands, {listener}. I'd build with them."),
    ("Builder", "trade"): ("Timber for your trouble, {listener}?",
                           "A fair beam for a fair price, {listener}."),
    ("Builder", "dispute"): ("That's not how it's built, {listener}!",
                             "You knocked down my work, {listener}."),
    ("Builder", "teach"): ("Measure twice, {listener}. Then once more.",
                           "See this joint, {listener}? It holds because it gives."),
    ("Builder", "celebrate"): ("Raise a roof and a cup!",),
    ("Builder", "solo"): ("One more course of bricks.", "Plumb, level, square."),
    ("Trader", "greet"): ("{listener}! What's the news worth today?",
                          "Ah, {listener}, my favourite customer."),
    ("Trader", "gossip"): ("Word is {subject} owes half the market, {listener}.",
                           "I'd trust {subject} with my ledger, {listener}. Almost."),
    ("Trader", "trade"): ("Let's call it even, {listener}. Nearly even.",
                          "For you, {listener}, a special price."),
    ("Trader", "dispute"): ("You short-changed me, {listener}!",
                            "That was not the deal, {listener}."),
    ("Trader", "teach"): ("Never open with your best offer, {listener}.",),
    ("Trader", "celebrate"): ("Drinks are on the house. Which house, who can say.",),
    ("Trader", "solo"): ("Counting, counting.", "The ledger balances. Today."),
    ("Healer", "greet"): ("How are you really, {listener}?",
                          "{listener}, you look rested. Good."),
    ("Healer", "gossip"): ("I worry about {subject}, {listener}.",
                           "{subject} has a kind heart, {listener}, whatever they say."),
    ("Healer", "trade"): ("Herbs for bread, {listener}? Both of us eat well.",),
    ("Healer", "dispute"): ("That hurt, {listener}, and you know it.",),
    ("Healer", "teach"): ("Listen first, {listener}. Mend after.",),
    ("Healer", "celebrate"): ("Look at everyone, together!",),
    ("Healer", "solo"): ("Tending the beds.", "Grinding willow bark."),
    ("Scholar", "greet"): ("{listener}! Did you notice the light today?",
                           "Hello, {listener}. A question for you, later."),
    ("Scholar", "gossip"): ("Curious thing about {subject}, {listener}...",
                            "{subject} asked me something clever, {listener}."),
    ("Scholar", "trade"): ("A book for your map, {listener}?",),
    ("Scholar", "dispute"): ("Your premise is wrong, {listener}.",
                             "Cite your sources, {listener}!"),
    ("Scholar", "teach"): ("Here is how the stars keep time, {listener}.",
                           "Try it yourself, {listener}: what do you see?"),
    ("Scholar", "celebrate"): ("A festival! For science, of course.",),
    ("Scholar", "solo"): ("Taking notes.", "One more chapter."),
    ("Watcher", "greet"): ("I saw you coming, {listener}.",
                           "{listener}. All quiet on my watch."),
    ("Watcher", "gossip"): ("I saw {subject} at the edge of town, {listener}.",
                            "{subject} keeps their word, {listener}. I have watched."),
    ("Watcher", "trade"): ("A fair exchange, {listener}. I'll remember it.",),
    ("Watcher", "dispute"): ("I saw what you did, {listener}.",),
    ("Watcher", "teach"): ("Watch the small things, {listener}.",),
    ("Watcher", "celebrate"): ("I'll remember this night.",),
    ("Watcher", "solo"): ("Keeping watch.", "Writing it all down."),
}


class Template:
    """A `str.format` text of named fields, read once: filled, it gives what `format` gives,
    joining its pieces (`format` reads the text again each time: some 3,000 instructions)."""

    def __init__(self, text: str, fields: tuple[str, ...]) -> None:
        # Each literal piece, then the index in `fields` of the value that follows it (−1: none).
        self.pieces: list[tuple[str, int]] = []
        for literal, field, spec, conversion in string.Formatter().parse(text):
            if spec or conversion:
                raise ValueError(f"{text!r}: a template names its fields, nothing more")
            self.pieces.append((literal, -1 if field is None else fields.index(field)))

    def fill(self, values: tuple[str, ...]) -> str:
        """The text with each field replaced by its value (in the order of `fields`)."""
        out: list[str] = []
        for literal, k in self.pieces:
            out.append(literal)
            if k >= 0:
                out.append(values[k])
        return "".join(out)


_SAID: Final = ("listener", "subject")
_TEMPLATES: Final[dict[tuple[str, str], tuple[Template, ...]]] = {
    key: tuple(Template(text, _SAID) for text in texts) for key, texts in LINES.items()}


def line(draws: Draws, archetype: str, op: str, listener: str = "",
         subject: str = "") -> str | None:
    """A line for `archetype` doing `op`, or None when that op has no words."""
    options = _TEMPLATES.get((archetype, op))
    if not options:
        return None
    pick = options[draws.integers(0, len(options))] if len(options) > 1 else options[0]
    return pick.fill((listener, subject))
