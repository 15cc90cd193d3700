"""Atomic writes: an overwrite keeps the file's mode, writes through a symbolic link, a failed
write leaves the old file whole, and the temp files a killed write left are cleared at the next
start (ours only, never a live writer's). The kill -9 test kills a process writing saves in a
loop at random moments: every target stays whole, and the next start leaves no litter."""

from __future__ import annotations

import fcntl
import io
import json
import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from game.cli import main
from game.userfiles import paths
from game.userfiles.storage import (
    TEMP_NAME,
    atomic_write_text,
    atomic_writer,
    clean_stale,
    new_file_mode,
    set_aside,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def litter(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("kept", [0o644, 0o640, 0o600, 0o664])
def test_an_overwrite_keeps_the_files_mode(tmp_path: Path, kept: int) -> None:
    target = tmp_path / "settings.json"
    target.write_text("old")
    target.chmod(kept)
    atomic_write_text(target, "new")
    assert target.read_text() == "new" and mode(target) == kept


def test_a_new_file_gets_the_ordinary_mode_not_mkstemps_0600(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        assert new_file_mode() == 0o640
        atomic_write_text(tmp_path / "a.town", "x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "a.town") == 0o640


def test_a_write_through_a_link_replaces_the_file_it_points_at(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere" / "settings.json"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o644)
    hop = tmp_path / "hop.json"
    hop.symlink_to(real)
    link = tmp_path / "config" / "settings.json"
    link.parent.mkdir()
    link.symlink_to(hop)  # a chain of two links
    atomic_write_text(link, "new")
    assert link.is_symlink() and hop.is_symlink() and os.readlink(link) == str(hop)
    assert real.read_text() == "new" and mode(real) == 0o644
    assert litter(link.parent) == [] and litter(real.parent) == []


def test_a_dangling_link_gets_its_target_written(tmp_path: Path) -> None:
    link = tmp_path / "autosave-1.town"
    link.symlink_to(tmp_path / "cloud" / "autosave.town")
    atomic_write_text(link, "saved")
    assert link.is_symlink() and (tmp_path / "cloud" / "autosave.town").read_text() == "saved"


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "a.town"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_writer(target) as fh:
        fh.write("half")
        raise RuntimeError("disk on fire")
    assert target.read_text() == "old" and litter(tmp_path) == []


def test_stale_temp_files_are_ours_only_and_only_in_the_folders_given(tmp_path: Path) -> None:
    ours, other = tmp_path / "ours", tmp_path / "other"
    (ours / "deeper").mkdir(parents=True)
    other.mkdir()
    stale = [ours / ".settings.json.ab12cd_9.tmp", ours / ".autosave-1.town.zzzzzzzz.tmp"]
    kept = [ours / "notes.tmp", ours / ".x.short.tmp", ours / ".x.ABCDEFGH.tmp",
            ours / "deeper" / ".a.town.abcdefgh.tmp", other / ".a.town.abcdefgh.tmp"]
    for path in stale + kept:
        path.write_text("partial")
    assert sorted(clean_stale([ours])) == sorted(stale)
    assert all(path.exists() for path in kept) and not any(p.exists() for p in stale)
    assert clean_stale([tmp_path / "missing"]) == []


def test_a_command_removes_what_its_killed_runs_left_beside_its_output(tmp_path: Path) -> None:
    """Anywhere (an `--out` outside our folders): a temp file of this target whose writer is
    gone goes when a command checks the output; one a live writer holds, or another
    target's, stays."""
    target = tmp_path / "story.town"
    left = [tmp_path / ".story.town.abcd1234.tmp", tmp_path / ".story.town.zz_99yyy.tmp"]
    other = tmp_path / ".other.town.abcd1234.tmp"
    for path in [*left, other]:
        path.write_text("partial")
    with atomic_writer(target) as fh:
        fh.write("one")
        [busy] = [p for p in tmp_path.iterdir() if TEMP_NAME.match(p.name)
                  and p.name.startswith(".story.town.") and p not in left]
        assert main(["run", "--ticks", "10", "--out", str(target)], out=io.StringIO()) == 0
        assert busy.exists()  # a writer still at it
    assert target.read_text() == "one"
    assert not any(p.exists() for p in left) and other.exists()


def test_a_temp_file_a_live_writer_holds_is_left_alone(tmp_path: Path) -> None:
    with atomic_writer(tmp_path / "a.town") as fh:
        fh.write("under way")
        [busy] = [p for p in tmp_path.iterdir() if TEMP_NAME.match(p.name)]
        assert clean_stale([tmp_path]) == [] and busy.exists()
    assert (tmp_path / "a.town").read_text() == "under way" and litter(tmp_path) == []
    # The same name, no longer locked by anyone (its writer was killed): removed.
    busy.write_text("left behind")
    fd = os.open(busy, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    assert clean_stale([tmp_path]) == [busy]


def test_set_aside_renames_beside_and_never_over_another(tmp_path: Path) -> None:
    first = tmp_path / "settings.json"
    first.write_text("{one")
    one = set_aside(first)
    first.write_text("{two")
    two = set_aside(first)
    assert one != two and one.read_text() == "{one" and two.read_text() == "{two"
    assert one.name.startswith("settings.json.broken-") and not first.exists()


# A writer of the person's files in a loop, through the real code: settings, a save, and a file
# reached through a symbolic link; each holds its sequence number and a large body, so that a
# kill often lands mid-write. It prints each number once all three are written.
WRITER = textwrap.dedent("""
    import sys
    from game.trace import store
    from game.trace.timeline import Timeline
    from game.userfiles import paths, settings
    from game.userfiles.storage import atomic_write_text

    record = store.to_save(Timeline("village", 1), title="loop")
    body = "x" * 400_000
    n = int(sys.argv[1])
    while True:
        n += 1
        settings.save(settings.Settings(speed_index=n % 4, window_size=(800 + n, 600)))
        store.write(record.model_copy(update={"notes": f"{n} {body}"}),
                    paths.autosave_path(1))
        atomic_write_text(paths.saves_dir() / "linked.json", f'{{"n": {n}, "body": "{body}"}}')
        print(n, flush=True)
""")


def read_numbers(home: Path) -> dict[str, int]:
    """Each target's sequence number; each must parse whole (a partial file fails here)."""
    autosave = json.loads((home / "data" / "saves" / "autosave-1.town").read_text())
    linked = json.loads((home / "elsewhere" / "linked.json").read_text())
    prefs = json.loads((home / "config" / "settings.json").read_text())
    return {"autosave": int(autosave["notes"].split()[0]), "linked": linked["n"],
            "settings": prefs["window_size"][0] - 800}


@pytest.mark.slow
def test_kill_9_during_saves_leaves_every_file_whole_and_no_litter_after_the_next_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("AGENT_TOWN_HOME", str(home))
    (home / "elsewhere").mkdir(parents=True)
    paths.saves_dir().mkdir(parents=True)
    (home / "elsewhere" / "linked.json").write_text('{"n": 0}')
    (home / "elsewhere" / "linked.json").chmod(0o644)
    (paths.saves_dir() / "linked.json").symlink_to(home / "elsewhere" / "linked.json")
    rng = random.Random(17)
    done, kills, killed_mid_write, started = 0, 0, 0, time.monotonic()
    while kills < 30 and time.monotonic() - started < 60:
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(done)],
                                stdout=subprocess.PIPE, text=True, env=dict(os.environ))
        assert proc.stdout is not None
        first = proc.stdout.readline()  # one whole round written: the files exist
        assert first.strip(), "the writer did not start"
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=10)
        kills += 1
        finished = int((first + rest).split()[-1])
        numbers = read_numbers(home)
        # Whole files only: each holds the last round finished or the one under way.
        assert all(finished <= n <= finished + 1 for n in numbers.values()), numbers
        assert mode(home / "elsewhere" / "linked.json") == 0o644
        assert (paths.saves_dir() / "linked.json").is_symlink()
        everywhere = litter(paths.config_dir()) + litter(paths.saves_dir()) \
            + litter(home / "elsewhere")
        killed_mid_write += bool(everywhere)
        done = max(numbers.values())
    assert kills >= 10 and killed_mid_write >= 1, (kills, killed_mid_write)
    # The next start clears what the killed writes left in our folders, and only that.
    clean_stale(paths.own_folders())
    assert litter(paths.config_dir()) == [] and litter(paths.saves_dir()) == []
    assert read_numbers(home)["linked"] >= 1
