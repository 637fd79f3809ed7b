"""Check that the environment is exactly the one ``requirements.lock`` pins.

``python -m tools.lockfile`` exits 1, naming each package, when an installed
distribution is missing from the lock or installed at another version than the
lock pins. Run by ``make lint`` (and so by CI); refresh the lock with
``make lock`` after changing the dependency list in ``pyproject.toml``.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
#: Installed by the virtual environment itself or by this project, not by the lock.
NOT_LOCKED = {"pip", "setuptools", "wheel", "seq2expr-helpers"}


def canonical(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(path: Path = LOCK) -> dict[str, str]:
    """``{name: version}`` of every pin in the lock that applies to this platform.

    The lock is universal: a line may carry an environment marker
    (``; python_full_version < '3.12'``), evaluated here.
    """
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;]+)\s*(?:;\s*(.+))?$", line)
        if match and (match.group(4) is None or Marker(match.group(4)).evaluate()):
            pins[canonical(match.group(1))] = match.group(3)
    return pins


def installed_versions() -> dict[str, str]:
    """``{name: version}`` of every distribution in this environment."""
    return {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}


def problems() -> list[str]:
    """Installed packages the lock does not pin, or pins at another version."""
    pins = locked_versions()
    found = []
    for name, version in sorted(installed_versions().items()):
        if name in NOT_LOCKED:
            continue
        if name not in pins:
            found.append(f"{name}=={version} is installed but not in requirements.lock")
        elif pins[name] != version:
            found.append(f"{name}=={version} is installed but requirements.lock pins {pins[name]}")
    return found


def main() -> int:
    """Print every difference between the environment and the lock; 1 if any."""
    found = problems()
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"requirements.lock: {len(locked_versions())} pins, {len(found)} difference(s)")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
