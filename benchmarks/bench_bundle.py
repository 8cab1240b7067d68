"""Size of the desktop bundle against a bare PySide6 hello-window bundle built the same way, same run.

    python3 dev.py bench            (or: .venv/bin/python benchmarks/bench_bundle.py)

Both are built by packaging/build.py with the same rules (packaging/bundle_rules.py), one folder each, in a
temporary folder; the sizes are the bytes of every file. Target: <= 1.2x. Also prints the largest parts decisionaid
adds, so a regression names its cause. About a minute. --quick skips it (building is the slow part).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "packaging"))
import build  # noqa: E402


def _files(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*")
            if p.is_file() and not p.is_symlink()}


def main() -> int:
    if "--quick" in sys.argv:
        print("bench_bundle: skipped with --quick (it builds two bundles, about a minute)")
        return 0
    with tempfile.TemporaryDirectory(prefix="decisionaid-bench-bundle-") as tmp:
        dist, work = Path(tmp) / "dist", Path(tmp) / "work"
        ours = build.build(ROOT / "packaging" / "decisionaid.spec", dist, work, "decisionaid")
        hello = build.build(ROOT / "packaging" / "hello" / "hello.spec", dist, work, "hello")
        a, h = build.folder_size(ours), build.folder_size(hello)
        print(f"bundle size: decisionaid {a / 1e6:.1f} MB, bare PySide6 hello window {h / 1e6:.1f} MB: "
              f"ratio {a / h:.3f}x (target <= 1.2x){'' if a / h <= 1.2 else '  MISSED'}")
        mine, floor = _files(ours), _files(hello)
        extra = sorted(((size, name) for name, size in mine.items() if floor.get(name) != size), reverse=True)
        print(f"what decisionaid adds: {sum(s for s, _ in extra) / 1e6:.1f} MB in {len(extra)} files; largest:")
        for size, name in extra[:8]:
            print(f"  {size / 1e6:6.2f} MB  {name}")
        forbidden = build.forbidden_inside(ours)
        print("forbidden packages inside: " + (", ".join(forbidden) if forbidden else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
