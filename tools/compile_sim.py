"""Compile the simulation's hot modules (`game.sim.COMPILED`) with mypyc into game/sim/_built/.

    python tools/compile_sim.py      # needs the dev extra (mypy, setuptools) and a C compiler

The town then runs some 1.5–2× faster, bit for bit the same (`tests/test_compiled.py`): mypyc
compiles the same typed code to C, and the C compiler is told never to fuse a multiply and an
add into one rounding (`-ffp-contract=off`: on a CPU with FMA that would change the last bits).
`game.sim` imports the build only while it matches the sources, so run this again after
editing any of those modules (nothing breaks if you don't: they run interpreted). The new build
replaces the old one whole, or not at all.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GROUP = "game.sim.native"  # the shared library every compiled module's shim loads


def build(into: Path) -> list[Path]:
    """Compile into the folder `into`; the extension modules made, in `into`/game/sim/."""
    from mypyc.build import mypycify
    from setuptools import setup

    from game.sim import COMPILED

    paths = [f"game/sim/{name}.py" for name in COMPILED]
    # setuptools' or distutils' Extension, as mypyc finds them: setup takes either.
    extensions: list[Any] = mypycify(paths, opt_level="3", debug_level="0", group_name=GROUP,
                          target_dir=str(into / "c"))
    if sys.platform != "win32":  # MSVC neither fuses by default nor knows the flag
        for extension in extensions:
            extension.extra_compile_args.append("-ffp-contract=off")
    setup(name="agent-town-sim", ext_modules=extensions, script_args=[
        "-q", "build_ext", "--build-lib", str(into / "lib"), "--build-temp", str(into / "tmp")])
    return sorted((into / "lib" / "game" / "sim").iterdir())


def install(built: list[Path], digest: str, target: Path) -> None:
    """Put the modules and their stamp in `target`, replacing what was there as one rename."""
    staging = Path(tempfile.mkdtemp(prefix="_built.", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private
    for path in built:
        shutil.copy2(path, staging / path.name)
    (staging / "SOURCES").write_text(digest + "\n", encoding="ascii")
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def main() -> int:
    os.chdir(ROOT)  # mypyc names a module by its path from here
    sys.path.insert(0, str(ROOT))
    from game.sim import BUILT, sources_digest

    digest = sources_digest()  # before compiling: an edit meanwhile leaves the build stale
    with tempfile.TemporaryDirectory() as tmp:
        try:
            built = build(Path(tmp))
        except (SystemExit, Exception) as err:  # mypy's, setuptools' and the compiler's errors
            print(f"compile_sim: not compiled ({err}); the simulation runs interpreted",
                  file=sys.stderr)
            return 1
        install(built, digest, BUILT)
    print(f"compile_sim: {len(built)} modules in {BUILT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
