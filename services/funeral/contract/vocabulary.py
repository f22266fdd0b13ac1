"""The words of the funeral domain and the shapes of its values.

Every text a command carries is bounded and free of control characters: hostile input (10,000-character
strings, NUL bytes, terminal escapes) is refused at the edge as a schema break, never stored. Numbers that
are identifiers (certificates, plots) are restricted to the characters such numbers actually use, so that an
SQL fragment or markup cannot pass as one.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.reference.text import line

# Control characters, Unicode line separators and bidirectional overrides (which make a text display as
# something other than what it says) have no place in a record.
Name = line(100)
Note = line(500)
PoliceCase = line(60)  # e.g. 渭公刑字〔2025〕123号: Chinese, digits and brackets
DocumentNumber = Annotated[str, StringConstraints(min_length=1, max_length=40,
                                                  pattern=r"^[A-Za-z0-9][A-Za-z0-9/-]*$")]
PlaceCode = Annotated[str, StringConstraints(max_length=20, pattern=r"^[A-Z]{2,3}-[0-9]{6}(-[1-9][0-9]{0,3})?$")]
# The gateway's stricter forms (issue 11: where the gateway's copy and the service's disagreed, the stricter
# one is the contract): a funeral home is FH-<division>, a cemetery CEM-<division>-<n>.
FuneralHome = Annotated[str, StringConstraints(pattern=r"^FH-[0-9]{6}$")]
CemeteryCode = Annotated[str, StringConstraints(pattern=r"^CEM-[0-9]{6}-[1-9][0-9]{0,3}$")]
PlotNumber = Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$")]
Category = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z][a-z_]*$")]
Amount = Annotated[Decimal, Field(ge=0, le=1_000_000, max_digits=12, decimal_places=2)]
Years = Annotated[int, Field(ge=1, le=100)]

# F-3, F-4: how the deceased is laid to rest. Body burials (土葬) need a plot of their size; ashes go into a
# plot or a niche; tree, lawn and flower burials use a small plot of an eco area; sea burial and scattering
# need no plot at all.
BurialType = Literal["body_single", "body_double", "ashes", "ashes_niche", "tree", "lawn", "flower", "sea",
                     "scattering"]
BODY_BURIALS: frozenset[str] = frozenset({"body_single", "body_double"})
ECO_BURIALS: frozenset[str] = frozenset({"tree", "lawn", "flower", "sea", "scattering"})  # 节地生态 (F-4)
PLOTLESS_BURIALS: frozenset[str] = frozenset({"sea", "scattering"})
# Places a plot or niche holds: a double body plot is for a couple.
CAPACITY: dict[str, int] = {"body_double": 2}

PlotKind = Literal["plot", "niche"]  # 墓穴 / 骨灰格位
CemeteryKind = Literal["public_welfare", "commercial"]  # 公益性 / 经营性 (F-3)
AshesDisposition = Literal["family", "deposit"]  # interment and eco burial are burials (POST /burials)
AssistanceItem = Literal["collection", "storage", "cremation", "ash_deposit"]  # basic services (F-5)
IdentificationMethod = Literal["dna", "fingerprint", "family_recognition", "documents", "police", "other"]
DeathSource = Literal["funeral_home", "relief_station"]

