#!/usr/bin/python3
"""What a screen reader hears: start the app under Xvfb with a D-Bus session and the AT-SPI registry, open the
Consultation screen, walk the accessibility tree through AT-SPI (what Orca reads) and fail if a focusable control
that is showing has no name, or if the controls a consultation needs are not there by name (the suicidal-thoughts
question's Yes and No, Notes, Save).

Run it with the system's Python, which has Debian's python3-pyatspi (the app itself runs from .venv):

    sudo apt-get install -y python3-pyatspi at-spi2-core dbus-x11 xvfb
    python3 tools/atspi_check.py            # exit 0: all named; 1: a problem (listed); 0 with "skipped": no tools

Where pyatspi, Xvfb, dbus-daemon or the AT-SPI bus launcher is missing, it says so in one line and exits 0
(--strict: exits 2 instead). It starts its own Xvfb, D-Bus and registry and stops them, and the app with an empty
data folder of its own: nothing of the clinician's is opened.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PYTHON = ROOT / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
BUS_LAUNCHER = next((p for p in ("/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher")
                     if os.path.exists(p)), None)
SUICIDE_QUESTION = "current thoughts of suicide"  # checklist item safety_suicidal_thoughts
REQUIRED = (("radio button", SUICIDE_QUESTION, "Yes"), ("radio button", SUICIDE_QUESTION, "No"),
            ("text", "Notes", None), ("push button", "Save", None))
CONTAINERS = {"table", "tree table", "list", "tree", "menu bar", "menu"}  # named themselves; their cells not walked


def missing_tools() -> str:
    if importlib.util.find_spec("pyatspi") is None:
        return "python3-pyatspi is not installed for this Python (apt-get install python3-pyatspi)"
    for tool in ("Xvfb", "dbus-daemon"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install xvfb dbus-x11)"
    if BUS_LAUNCHER is None:
        return "the AT-SPI bus launcher is not installed (apt-get install at-spi2-core)"
    if not APP_PYTHON.exists():
        return f"{APP_PYTHON} does not exist: run `python3 dev.py test tests/test_resources.py -q` once first"
    return ""


class Session:
    """Xvfb, a D-Bus session bus and the AT-SPI bus launcher (which starts the registry), stopped on exit."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []
        self.env = dict(os.environ)

    def start(self, command: list[str], **kw) -> subprocess.Popen:
        proc = subprocess.Popen(command, env=self.env, stdin=subprocess.DEVNULL, start_new_session=True, **kw)
        self.procs.append(proc)
        return proc

    def __enter__(self) -> "Session":
        try:
            return self._start_all()
        except BaseException:
            self.__exit__()
            raise

    def _start_all(self) -> "Session":
        self.runtime = tempfile.TemporaryDirectory(prefix="decisionaid-atspi-run-")  # its own bus sockets
        os.chmod(self.runtime.name, 0o700)
        self.env["XDG_RUNTIME_DIR"] = self.runtime.name
        read, write = os.pipe()
        self.start(["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                   pass_fds=(write,), stderr=subprocess.DEVNULL)
        os.close(write)
        display = b""
        while not display.endswith(b"\n"):  # Xvfb writes the display's number and a newline once it is ready
            chunk = os.read(read, 32)
            if not chunk:
                break
            display += chunk
        os.close(read)
        display = display.decode().strip()
        if not display.isdigit():
            raise RuntimeError("Xvfb did not start")
        self.env["DISPLAY"] = f":{display}"
        bus = self.start(["dbus-daemon", "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()
        self.env.pop("AT_SPI_BUS_ADDRESS", None)
        self.start([BUS_LAUNCHER, "--launch-immediately"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.environ.update({k: self.env[k] for k in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR")})
        self.wait_for_registry()
        return self

    def wait_for_registry(self, timeout: float = 15) -> None:
        """Until the accessibility bus answers and the registry runs on it: an app started earlier would
        not find it (and would never be accessible), and libatspi asked too early stays without a desktop."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            ask = subprocess.run(["dbus-send", "--session", "--print-reply=literal", "--dest=org.a11y.Bus",
                                  "/org/a11y/bus", "org.a11y.Bus.GetAddress"], env=self.env, capture_output=True,
                                 text=True)
            address = ask.stdout.strip()
            if ask.returncode == 0 and address:
                owner = subprocess.run(["dbus-send", f"--bus={address}", "--print-reply=literal",
                                        "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                                        "org.freedesktop.DBus.StartServiceByName", "string:org.a11y.atspi.Registry",
                                        "uint32:0"],
                                       env=self.env, capture_output=True, text=True)
                if owner.returncode == 0:  # started now, or already running
                    return
            time.sleep(0.2)
        raise RuntimeError("the AT-SPI registry did not start")

    def __exit__(self, *exc) -> None:
        for proc in reversed(self.procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # the process and what it started (the bus launcher's bus)
            except ProcessLookupError:
                continue
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if getattr(self, "runtime", None) is not None:
            self.runtime.cleanup()


def role(node) -> str:
    return node.getRoleName()


def walk(node, depth=0, out=None):
    """(node, role, name, focusable) of every showing node under `node`; cells of tables and lists left out."""
    import pyatspi

    out = [] if out is None else out
    try:
        states = node.getState()
        r = role(node)
        if not states.contains(pyatspi.STATE_SHOWING) and depth > 1:
            return out
        out.append((node, r, (node.name or "").strip(), states.contains(pyatspi.STATE_FOCUSABLE)))
        if r in CONTAINERS or depth > 40:
            return out
        for i in range(node.childCount):
            child = node.getChildAtIndex(i)
            if child is not None:
                walk(child, depth + 1, out)
    except Exception as exc:  # a node that went away while walking: skip it  # noqa: BLE001
        if "GLib.GError" not in type(exc).__module__ + type(exc).__name__ and depth == 0:
            raise
    return out


def find_app(name: str, timeout: float):
    import pyatspi

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and (app.name or "").lower() == name:
                if app.childCount:
                    return app
        time.sleep(0.5)
    return None


def _children(node):
    return [c for c in (node.getChildAtIndex(i) for i in range(node.childCount)) if c is not None]


def open_screen(app, screen: str) -> bool:
    """Go > <screen>, as a screen-reader user would: open the Go menu (its ShowMenu action) and press the item."""
    bars = [node for node, r, _n, _f in walk(app) if r == "menu bar"]
    for go in (m for bar in bars for m in _children(bar) if (m.name or "").replace("&", "") == "Go"):
        go.queryAction().doAction(0)  # ShowMenu
        for _ in range(20):
            items = [item for popup in _children(go) for item in _children(popup)
                     if (item.name or "").endswith(screen)]
            if items:
                items[0].queryAction().doAction(0)  # Press
                return True
            time.sleep(0.2)
    return False


def check(timeout: float) -> int:
    started = time.monotonic()
    with Session() as session, tempfile.TemporaryDirectory(prefix="decisionaid-atspi-") as data:
        session.env.update(QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1", QT_ACCESSIBILITY="1", QT_QPA_PLATFORM="xcb",
                           DECISIONAID_DATA_DIR=data, QT_LOGGING_RULES="qt.qpa.*=false;qt.accessibility.*=false")
        app_proc = session.start([str(APP_PYTHON), "-m", "decisionaid"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
        app = find_app("decisionaid", timeout)
        if app is None:
            err = app_proc.stderr.read1(4000).decode(errors="replace") if app_proc.poll() is not None else ""
            if os.environ.get("ATSPI_DEBUG"):
                print(session.env["DISPLAY"], err)
            print(f"atspi check FAILED: decisionaid did not appear on the accessibility bus within {timeout:.0f} s"
                  + (f" ({err.strip().splitlines()[-1]})" if err.strip() else ""))
            return 1
        time.sleep(1.5)  # the evidence is laid out after the first paint
        if not open_screen(app, "Consultation"):
            print("atspi check FAILED: no Go > Consultation in the menus the accessibility bus shows.")
            return 1
        nodes = []
        for _ in range(20):
            time.sleep(0.5)
            nodes = walk(app)
            if any(r == "push button" and n == "Save" for _, r, n, _f in nodes):
                break
        focusable = [(r, n) for _, r, n, f in nodes if f]
        unnamed = sorted({r for r, n in focusable if not n})
        print(f"Consultation opened by Go > Consultation; {len(nodes)} showing accessible objects, {len(focusable)} focusable.")
        problems = []
        if unnamed:
            problems.append(f"{sum(1 for r, n in focusable if not n)} focusable control(s) without a name, "
                            f"roles: {', '.join(unnamed)}")
        for want_role, text, answer in REQUIRED:
            hits = [n for _, r, n, _f in nodes if r == want_role and text in n and (answer is None or
                                                                                  n.endswith(" " + answer))]
            shown = hits[0] if hits else "MISSING"
            print(f"  {want_role:12} {text + (' ' + answer if answer else ''):40} -> {shown}")
            if not hits:
                problems.append(f"no {want_role} named with {text!r}" + (f" and {answer!r}" if answer else ""))
        elapsed = time.monotonic() - started
        if problems:
            for p in problems:
                print(f"atspi check FAILED: {p}")
            return 1
        print(f"atspi check passed: every focusable control has a name ({elapsed:.1f} s).")
        return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=20, help="seconds to wait for the window (20)")
    parser.add_argument("--strict", action="store_true", help="exit 2 instead of 0 when the tools are missing")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")  # GLib's notes about objects already gone: not about the app
    why = missing_tools()
    system = Path("/usr/bin/python3")
    if why.startswith("python3-pyatspi") and system.exists() and Path(sys.executable).resolve() != system.resolve() \
            and subprocess.run([str(system), "-c", "import pyatspi"], capture_output=True).returncode == 0:
        # `python3` on PATH is another Python (pyenv, a venv): Debian's own has the bindings
        return subprocess.run([str(system), __file__, *(sys.argv[1:] if argv is None else argv)]).returncode
    if why:
        print(f"atspi check skipped: {why}.")
        return 2 if args.strict else 0
    def give_up(*_):
        raise TimeoutError

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(int(args.timeout * 4))  # a hung bus must not hang CI
    try:
        return check(args.timeout)
    except TimeoutError:
        print(f"atspi check FAILED: no answer on the accessibility bus within {args.timeout * 4:.0f} s.")
        return 1
    except RuntimeError as exc:
        print(f"atspi check FAILED: {exc}.")
        return 1


if __name__ == "__main__":
    sys.exit(main())
