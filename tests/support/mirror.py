"""The client's view (core/mirror.py) as its core tests set it up: the shipped English build
checklist and Jane Doe's invitation to sprint 2026-W48, made by Erika."""

from __future__ import annotations

import datetime as dt

from kundencheck.core.catalog import load_catalog
from kundencheck.core.checklist import Checklist
from kundencheck.core.mirror import Invitation, new_invitation

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
ERIKA = "Erika Mustermann <erika@example.com>"


def shipped_build_en() -> Checklist:
    return load_catalog(None).find("build", "en")


def jane_invitation(checklist: Checklist) -> Invitation:
    """Jane Doe's invitation to sprint 2026-W48 of the build phase, with a fixed token and secret."""
    return new_invitation(
        checklist,
        phase="build",
        sprint="2026-W48",
        created=NOW,
        created_by=ERIKA,
        to="Jane Doe",
        token="k3f9a2mz",
        secret="ab" * 32,
    )
