"""The platforms the registry knows: their handle lengths and how a name changes hands on
each (registry.services.platforms.platform_facts), public like the other reads."""

from __future__ import annotations

from registry.api import bp
from registry.api.auth import context
from registry.api.inputs import check_known_parameters
from registry.api.schemas import PlatformList
from registry.domain.permissions import PUBLIC
from registry.presentation.access import requires
from registry.services import platforms


@bp.get("/platforms")
@requires(PUBLIC)
def platforms_index():
    check_known_parameters(())
    listed = platforms.platform_facts(context().session)
    body = PlatformList.model_validate({"items": [facts.as_dict() for facts in listed]})
    return body.model_dump(mode="json")
