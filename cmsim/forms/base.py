"""What every form shares, and the lists a country can extend."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, PlainValidator, ValidationInfo
from pydantic_core import PydanticCustomError

from cmsim.dates import DayFirstDate
from cmsim.sop import DEFAULT_SOP, SOP
from cmsim.vocab import ProtectionConcern, ServiceType, Vocab, _norm


class Model(BaseModel):
    """A strict record: unknown fields are refused, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Named(Model):
    """The name boxes every form about a person starts with."""

    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)


class Form(Model):
    """A case management form. Every form carries the case ID number box."""

    case_id: str | None = None


def _sop(info: ValidationInfo) -> SOP:
    context = info.context or {}
    sop = context.get("sop")
    return sop if isinstance(sop, SOP) else DEFAULT_SOP


def _contextual(enum_cls: type[Vocab], sop_list: str, what: str) -> Any:
    """An item of a 'Contextualise' list: the form's own items or those the SOP adds.

    The SOP comes from the validation context (`model_validate(data, context={"sop": sop})`).
    """

    def validate(value: Any, info: ValidationInfo) -> Vocab | str:
        if isinstance(value, enum_cls):
            return value
        if isinstance(value, str):
            try:
                return enum_cls(value)
            except ValueError:
                pass
            for extra in getattr(_sop(info).contextualise, sop_list):
                if _norm(extra) == _norm(value):
                    return extra
        raise PydanticCustomError(
            "not_on_list",
            "'{value}' is not on the form's list of {what} nor added by the SOP "
            "(contextualise.{sop_list}); check the spelling or ask the trainer to add it",
            {"value": value, "what": what, "sop_list": sop_list},
        )

    return Annotated[
        enum_cls | str,
        PlainValidator(validate),
        PlainSerializer(lambda v: str(v), return_type=str),
    ]


ConcernItem = _contextual(ProtectionConcern, "protection_concerns", "protection concerns")
ServiceItem = _contextual(ServiceType, "service_types", "service types")


class SupervisorReview(Model):
    """The supervisor review box of the assessment and case plan forms."""

    date: DayFirstDate | None = None
    approved: bool
    supervisor: str
    amendments: str | None = None
    comments: str | None = None
