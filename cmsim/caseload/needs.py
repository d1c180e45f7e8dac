"""What the simulated children need: protection concerns and the services that answer them.

The table is data (`needs.yaml`, the model's stated assumption); this module reads and checks
it, and turns it into the plain tuples the simulator draws from.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cmsim.vocab import ProtectionConcern, ServiceType

__all__ = ["ConcernNeeds", "Needs", "load_needs"]

NEEDS_FILE = Path(__file__).with_name("needs.yaml")


class ConcernNeeds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    weight: float = Field(gt=0, description="How often the concern is found, relative to others.")
    services: tuple[ServiceType, ...] = Field(min_length=1)


class Needs(BaseModel):
    """Protection concerns with their frequency and services, and who gives which service."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    concerns: dict[ProtectionConcern, ConcernNeeds] = Field(min_length=1)
    another_concern: float = Field(ge=0, lt=1)
    most_concerns: int = Field(ge=1)
    given_by_caseworker: frozenset[ServiceType] = frozenset()

    @model_validator(mode="after")
    def _enough_concerns(self) -> Needs:
        if self.most_concerns > len(self.concerns):
            raise ValueError(
                f"most_concerns is {self.most_concerns} but only {len(self.concerns)} "
                "concerns are listed"
            )
        return self


@cache
def load_needs(path: Path = NEEDS_FILE) -> Needs:
    return Needs.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
