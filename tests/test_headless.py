"""The headless commands never load pygame: a server or a script runs them without a display.

Each command runs in a fresh interpreter (this test process has pygame loaded already), through
the same `main` the `agent-town` script calls, and the interpreter then says which of its
modules are loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs each command of argv lists read from a JSON file; after each one, prints whether pygame
# (or any module of it, or the view) is loaded. Exits non-zero if a command fails.
PROBE = """
import json, sys
from game.__main__ import main
for argv in json.load(open(sys.argv[1])):
    code = main(argv)
    loaded = sorted(m for m in sys.modules
                    if m.split(".")[0] == "pygame" or m.startswith("game.view"))
    print("PROBE", json.dumps({"argv": argv, "code": code, "loaded": loaded}))
"""


def test_run_verify_seek_events_and_why_never_import_pygame(tmp_path: Path) -> None:
    town, cards, jsonl = tmp_path / "story.town", tmp_path / "cards.json", tmp_path / "ev.jsonl"
    cards.write_text(json.dumps([{"tick": 20, "card": "festival"},
                                 {"tick": 60, "card": "rumor", "targets": ["igor"]}]))
    commands = [
        ["run", "--ticks", "100"],
        ["run", "--ticks", "200", "--perturb", str(cards), "--events", str(jsonl),
         "--hash-at", "100", "--out", str(town)],
        ["verify", str(town)],
        ["seek", str(town), "--tick", "150"],
        ["events", str(town), "--from", "0", "--to", "120"],
        ["why", str(town), "--citizen", "igor", "--tick", "150"],
    ]
    argv_file = tmp_path / "argv.json"
    argv_file.write_text(json.dumps(commands))
    done = subprocess.run([sys.executable, "-c", PROBE, str(argv_file)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    probes = [json.loads(line.removeprefix("PROBE "))
              for line in done.stdout.splitlines() if line.startswith("PROBE ")]
    assert [probe["argv"] for probe in probes] == commands
    for probe in probes:
        assert probe["code"] == 0, probe
        command = " ".join(probe["argv"])
        assert probe["loaded"] == [], f"agent-town {command} loaded {probe['loaded']}"
