"""The domain core: checklists, answers, scoring, messages.

Nothing in here imports Textual or GitPython (tests/test_architecture.py enforces it), so the
core stays fast to import and test, and the UI and the git store can change independently.

Small immutable records are ``typing.NamedTuple`` classes, records changed in place are
``@dataclass`` (CONTRIBUTING.md, "The rules the code follows", says why).
"""
