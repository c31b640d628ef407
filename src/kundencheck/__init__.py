"""kundencheck: client-care checklists answered in a terminal UI and kept in git history."""

__version__ = "0.1.0"
