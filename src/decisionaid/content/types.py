"""Field types shared by the content files (the same rules their JSON Schemas in resources/ state for authors)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

Text = Annotated[str, msgspec.Meta(min_length=1)]                      # the schemas' "text": never empty
Id = Annotated[str, msgspec.Meta(pattern="^[a-z][a-z0-9_]*$")]         # ids and source keys
Date = dt.date                                                         # "YYYY-MM-DD", and a real day


class Model(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A part of a content file: frozen, and a field the file's schema does not know is an error."""
