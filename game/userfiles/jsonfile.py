"""Reading JSON files a person wrote or kept (cards, demo scripts, saves): problems in words.

Callers put the file's name in front; nothing here raises a traceback at a person. No pygame.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from game import limits


class JsonFileError(Exception):
    """Why a file could not be read as JSON, in words ("line 3: Expecting ',' delimiter")."""


def read_json(path: str | Path) -> object:
    try:  # a byte-order mark, as some editors write, is no part of the text
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as err:
        raise JsonFileError(err.strerror or str(err)) from None
    except UnicodeDecodeError:
        raise JsonFileError("not a text file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise JsonFileError(f"not JSON: line {err.lineno}: {err.msg[:1].lower()}{err.msg[1:]}"
                            ) from None
    except RecursionError:
        raise JsonFileError("nested too deeply") from None
    except ValueError:  # Python refuses to read integers of more than 4,300 digits
        raise JsonFileError("a number is too long") from None


def first_problem(err: ValidationError) -> tuple[tuple[int | str, ...], str]:
    """Where the first validation problem is, and what it is, without pydantic's prefixes, on
    one clean line (pydantic quotes the input, which may hold escapes or newlines)."""
    first = err.errors()[0]
    loc = tuple(limits.one_line(p, limits.MAX_NAME) if isinstance(p, str) else p
                for p in first["loc"])
    return loc, limits.one_line(str(first["msg"]).removeprefix("Value error, "))
