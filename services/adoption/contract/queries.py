"""The query strings of the adoption reads: each parameter once, typed, bounded (422 otherwise)."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.adoption.contract.commands import OfficeCode

CURSOR_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}~[0-9a-f-]{36}$"  # registered_on~adoption_id of the last item


class RegistrationQuery(BaseModel):
    """api.md "Routes the workbench needs": `GET /v1/adoption/registrations?office=&from=&to=`."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    office: OfficeCode | None = None
    from_: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None
    limit: int = Field(default=100, ge=1, le=500)
    cursor: str | None = Field(default=None, pattern=CURSOR_PATTERN)
    certificate: str | None = Field(default=None, max_length=40, description=(
        "A-16: the 收养登记证 presented in person, found by any office's registrar with its `code` (K-8)"))
    code: str | None = Field(default=None, max_length=64, description="the certificate's verification code")

    @field_validator("cursor")
    @classmethod
    def _real_cursor(cls, cursor: str | None) -> str | None:
        """The cursor names a real date and id (`0000-00-00~…` matches the pattern and is neither)."""
        if cursor is not None:
            day, adoption_id = cursor.split("~", 1)
            dt.date.fromisoformat(day)
            uuid.UUID(adoption_id)
        return cursor

    @model_validator(mode="after")
    def _ordered(self) -> RegistrationQuery:
        if self.from_ and self.to and self.from_ > self.to:
            raise ValueError("from is after to")
        return self


class TasksQuery(BaseModel):
    """A-12: `GET /v1/adoption/tasks?as_of=&office=`: the applications overdue on `as_of` (default today)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    as_of: dt.date | None = Field(default=None, description="the day the decisions are due by (default today)")
    office: OfficeCode | None = None


class VerificationQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str | None = Field(default=None, max_length=64)


class PrintQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(max_length=64, description="the copy's verification code from the issuing answer (K-8)")
