#!/usr/bin/env python3
"""Build the one-folder desktop bundle with PyInstaller, and check it.

    python3 packaging/build.py              build dist/decisionaid/ (the program is dist/decisionaid/decisionaid)
    python3 packaging/build.py --check      also run its --self-test and look inside it (the smoke test)
    python3 packaging/build.py --compare    also build a bare PySide6 hello window the same way; print the size ratio

It uses the project's .venv (made by `python3 dev.py test`, which installs PyInstaller with the test tools).
Other folders: --dist DIR (default dist/), --work DIR (default build/). Exit status 0 only if every step passed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bundle_rules import EXCLUDES  # noqa: E402

# Top-level packages that must not be inside the bundle, whatever PyInstaller's analysis found.
FORBIDDEN = ("numpy", "pandas", "scipy", "statsmodels", "pytest", "_pytest", "pytestqt", "hypothesis", "pypdf",
             "textstat", "pip", "PyInstaller", "PySide6/QtNetwork")


def _python() -> Path:
    """A Python with PyInstaller: this one (tests run it from the .venv), else the project's .venv."""
    import importlib.util

    if importlib.util.find_spec("PyInstaller") is not None:
        return Path(sys.executable)
    for candidate in (ROOT / ".venv" / "bin" / "python", ROOT / ".venv" / "Scripts" / "python.exe"):
        if candidate.exists():
            return candidate
    return Path(sys.executable)


def folder_size(path: Path) -> int:
    """Bytes of every file under path (symbolic links counted once, as links)."""
    total = 0
    for p in path.rglob("*"):
        if p.is_symlink():
            total += p.lstat().st_size
        elif p.is_file():
            total += p.stat().st_size
    return total


def build(spec: Path, dist: Path, work: Path, name: str) -> Path:
    started = time.perf_counter()
    cmd = [str(_python()), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(dist), "--workpath", str(work / name), str(spec)]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-8000:])
        raise SystemExit(f"PyInstaller failed for {spec.name} (exit {result.returncode}).")
    out = dist / name
    print(f"built {out} in {time.perf_counter() - started:.0f} s: {folder_size(out) / 1e6:.1f} MB", flush=True)
    return out


def forbidden_inside(bundle: Path) -> list[str]:
    """Forbidden packages found in the bundle, as files or as modules in its archive."""
    found = []
    internal = bundle / "_internal"
    names = {p.relative_to(internal).as_posix() for p in internal.rglob("*")} if internal.exists() else set()
    for package in FORBIDDEN:
        if any(n == package or n.startswith(package + "/") or n.startswith(package + ".")
               for n in names):
            found.append(package)
    return found


def modules_inside(exe: Path) -> set[str]:
    """Names of the Python modules in the bundle's archive (PYZ), read with PyInstaller's own reader."""
    code = ("import sys\nfrom PyInstaller.archive.readers import CArchiveReader, ZlibArchiveReader\n"
            "c = CArchiveReader(sys.argv[1])\n"
            "name = next(n for n in c.toc if n.endswith('.pyz') or n == 'PYZ-00.pyz')\n"
            "print('\\n'.join(c.open_embedded_archive(name).toc))\n")
    result = subprocess.run([str(_python()), "-c", code, str(exe)], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"Could not read the bundle's module archive: {result.stderr.strip()[-500:]}")
    return set(result.stdout.split())


def check(bundle: Path) -> bool:
    ok = True
    exe = bundle / ("decisionaid.exe" if os.name == "nt" else "decisionaid")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DECISIONAID_", "PYTHON"))}
    result = subprocess.run([str(exe), "--self-test"], capture_output=True, text=True, env=env, timeout=300)
    sys.stdout.write(result.stdout)
    if result.returncode != 0:
        sys.stdout.write(result.stderr)
        print(f"FAIL: the bundle's --self-test exited {result.returncode}")
        ok = False
    bad = forbidden_inside(bundle)
    modules = modules_inside(exe)
    bad += sorted({m.split(".")[0] for m in modules if m.split(".")[0] in EXCLUDES} |
                  {m for m in modules if m == "PySide6.QtNetwork"})
    if bad:
        print(f"FAIL: the bundle contains {', '.join(sorted(set(bad)))}")
        ok = False
    else:
        print(f"ok   nothing forbidden inside ({len(modules)} Python modules checked)")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="run the bundle's --self-test and look inside it")
    parser.add_argument("--compare", action="store_true", help="build a bare hello window too; print the ratio")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    args = parser.parse_args(argv)
    bundle = build(HERE / "decisionaid.spec", args.dist, args.work, "decisionaid")
    ok = check(bundle) if args.check else True
    if args.compare:
        hello = build(HERE / "hello" / "hello.spec", args.dist, args.work, "hello")
        ours, floor = folder_size(bundle), folder_size(hello)
        print(f"bundle size: decisionaid {ours / 1e6:.1f} MB, bare PySide6 hello window {floor / 1e6:.1f} MB, "
              f"ratio {ours / floor:.3f}x (target <= 1.2x)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
