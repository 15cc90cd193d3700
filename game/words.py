"""Words a person reads: counts with the right plural, and event messages as they are shown.

An event's message is the simulation's own text and part of pinned event digests, so it never
changes; where it is shown (the command line, captions) its counts read in good grammar: "1
citizen runs for shelter", and a storm with nobody outdoors says so. Pure: no pygame, no view.
"""

from __future__ import annotations

import re


def counted(n: int, one: str, many: str) -> str:
    """"1 branch", "2 branches", "0 branches"."""
    return f"{n} {one if n == 1 else many}"


_CARDS = re.compile(r"a (festival|storm)! (\d+) citizens (gather in the square|run for shelter)")
_CELEBRATED = re.compile(r"(\d+) citizens celebrated in the (.+)")
_NOBODY = {"festival": "a festival! but nobody is free to come",
           "storm": "a storm! nobody is outdoors: the town waits it out"}
_ONE = {"gather in the square": "gathers in the square", "run for shelter": "runs for shelter"}


def shown(message: str) -> str:
    """An event's message as a person reads it (see the module's docstring)."""
    if found := _CARDS.fullmatch(message):
        card, n, what = found.group(1), int(found.group(2)), found.group(3)
        if n == 0:
            return _NOBODY[card]
        return message if n > 1 else f"a {card}! 1 citizen {_ONE[what]}"
    if (found := _CELEBRATED.fullmatch(message)) and int(found.group(1)) < 2:
        n = int(found.group(1))
        return f"{'nobody' if n == 0 else '1 citizen'} celebrated in the {found.group(2)}"
    return message
