"""A non-editable install carries everything the window needs: the wheel, installed into a fresh
virtualenv, opens the town and takes a screenshot from a folder far from the source tree.

The wheel is built from a copy of the files a release is built from, so the build leaves no
`build/` or `*.egg-info` in the checkout. The fresh venv borrows this venv's third-party
packages through a `.pth` line (no download), but not `game`: only directories named in a
`.pth` file join `sys.path`, the `.pth` files inside them (the editable install's) are not read,
and the test checks that `game` comes from the new venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tools.check_screenshot import distinct_colours

ROOT = Path(__file__).resolve().parent.parent
RELEASE_FILES = ("pyproject.toml", "README.md", "game")


def run(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(arg) for arg in argv], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, f"{argv}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_venv_opens_the_town_and_takes_a_screenshot(
        tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for name in RELEASE_FILES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", wheels, cwd=source)
    (wheel,) = wheels.glob("agent_town-*.whl")

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                    cwd=tmp_path).strip())
    borrowed = dict.fromkeys(sysconfig.get_path(key) for key in ("purelib", "platlib"))
    (site / "borrowed_from_the_test_venv.pth").write_text("\n".join(borrowed) + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
        "--no-index", wheel, cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env |= {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
            "PYGAME_HIDE_SUPPORT_PROMPT": "1", "AGENT_TOWN_HOME": str(tmp_path / "home")}
    where = run(python, "-c", "import game; print(game.__file__)", cwd=elsewhere, env=env)
    assert Path(where.strip()).is_relative_to(site), where
    assert (site / "game" / "assets" / "manifest.json").is_file()

    run(venv / "bin" / "agent-town", "--frames", "30", "--screenshot", "shot.png",
        cwd=elsewhere, env=env)
    shot = elsewhere / "shot.png"
    assert shot.is_file()
    assert distinct_colours(str(shot)) >= 16, "the screenshot looks blank"
