"""decisionaid: a consultation aid for glabellar botulinum toxin A in depression."""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("decisionaid")
except _metadata.PackageNotFoundError:  # running from a source tree without install
    __version__ = "0+unknown"
