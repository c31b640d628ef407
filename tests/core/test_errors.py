"""core/errors.py: what each error carries besides its message."""

from __future__ import annotations

from kundencheck.core.errors import (
    ChecklistError,
    KundencheckError,
    StoreError,
    UsageError,
)


def test_a_store_error_carries_whether_it_was_refused_and_the_draft():
    plain = StoreError("git failed")
    assert (str(plain), plain.message, plain.refused, plain.draft_id) == ("git failed", "git failed", False, None)
    refused = StoreError("a merge is in progress", refused=True, draft_id="d-1")
    assert (str(refused), refused.refused, refused.draft_id) == ("a merge is in progress", True, "d-1")
    assert isinstance(refused, KundencheckError) and StoreError.exit_code == 1 and UsageError.exit_code == 2


def test_a_checklist_error_lists_the_first_30_problems_and_counts_the_rest():
    assert str(ChecklistError("c.toml", ["bad"])) == "c.toml: bad"
    assert str(ChecklistError("c.toml", ["a", "b"])) == "c.toml: 2 problems:\n  - a\n  - b"
    many = ChecklistError("c.toml", [f"p{n}" for n in range(32)])
    assert str(many).splitlines()[-2:] == ["  - p29", "  … and 2 more."] and len(many.problems) == 32
    assert len(str(ChecklistError("c.toml", [f"p{n}" for n in range(30)])).splitlines()) == 31
