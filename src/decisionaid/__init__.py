"""decisionaid: a consultation aid for glabellar botulinum toxin A in depression.

The version is defined once, in pyproject.toml, and read from the installed metadata on first use
(importlib.metadata is slow to import, so start-up does not pay for it).
"""


def __getattr__(name: str):
    if name == "__version__":
        from importlib import metadata

        try:
            return metadata.version("decisionaid")
        except metadata.PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(name)
