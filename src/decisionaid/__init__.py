"""decisionaid: a consultation aid for glabellar botulinum toxin A in depression.

The version is defined once, in pyproject.toml, and read from the installed metadata on first use
(importlib.metadata is slow to import, so start-up does not pay for it).
"""


def _version() -> str:
    """The Version: line of our installed METADATA (wheel, editable install or bundle), found without importing
    importlib.metadata (about 30 ms, most of it the email package)."""
    import sys
    from pathlib import Path

    for entry in sys.path:
        for folder in Path(entry or ".").glob("decisionaid-*.dist-info"):
            try:
                with open(folder / "METADATA", encoding="utf-8") as meta:
                    for line in meta:
                        if line.startswith("Version:"):
                            return line.split(":", 1)[1].strip()
                        if not line.strip():
                            break  # the headers end at the first blank line
            except OSError:
                continue
    from importlib import metadata

    try:
        return metadata.version("decisionaid")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str):
    if name == "__version__":
        global __version__
        __version__ = _version()
        return __version__
    raise AttributeError(name)
