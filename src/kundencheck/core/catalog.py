"""Finding checklists: the shipped ones and a project's own in ``.kundencheck/checklists/``."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kundencheck.core.checklist import KNOWN_PHASES, Checklist, load_checklist
from kundencheck.core.errors import ChecklistError, UsageError

PROJECT_CHECKLISTS = ".kundencheck/checklists"


def shipped_dir() -> Path:
    """The checklists that come with kundencheck.

    In a wheel they are packaged as ``kundencheck/checklists``; in a source checkout (and an
    editable install) they sit at the top of the repository.
    """
    packaged = Path(str(resources.files("kundencheck"))) / "checklists"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "checklists"


def checklist_paths(project_root: Path | None) -> list[Path]:
    """Every checklist file, shipped ones first so a project's own file overrides them."""
    dirs = [shipped_dir()]
    if project_root is not None:
        dirs.append(project_root / PROJECT_CHECKLISTS)
    paths: list[Path] = []
    for folder in dirs:
        if folder.is_dir():
            paths.extend(sorted(folder.glob("*.toml")))
    return paths


@dataclass
class Catalog:
    checklists: dict[tuple[str, str], Checklist] = field(default_factory=dict)
    errors: list[ChecklistError] = field(default_factory=list)

    def find(self, checklist_id: str, language: str) -> Checklist:
        for lang in dict.fromkeys((language, "en")):
            found = self.checklists.get((checklist_id, lang))
            for error in self.errors:
                # A broken file named for exactly this checklist is reported, not skipped: a
                # team's broken override must not silently fall back to the shipped checklist.
                broken = Path(error.path)
                if broken.name == f"{checklist_id}.{lang}.toml" and (found is None or broken.parent != shipped_dir()):
                    raise error
            if found is not None:
                return found
        for (cid, _lang), checklist in sorted(self.checklists.items()):
            if cid == checklist_id:
                return checklist
        if self.errors:
            # The checklist asked for may be one of the files that did not load (file names
            # are only a convention); the likeliest one first.
            named = [e for e in self.errors if Path(e.path).name.startswith(f"{checklist_id}.")]
            raise (named or self.errors)[0]
        known = sorted({cid for cid, _ in self.checklists} | set(KNOWN_PHASES))
        raise UsageError(
            f"There is no checklist {checklist_id!r}. Known: {', '.join(known)}. "
            f"Add your own as {PROJECT_CHECKLISTS}/{checklist_id}.{language}.toml (see docs/checklist-format.md)."
        )

    def phases(self) -> list[str]:
        found = {c.phase for c in self.checklists.values()}
        ordered = [p for p in KNOWN_PHASES if p in found]
        return ordered + sorted(found - set(KNOWN_PHASES))


def load_catalog(project_root: Path | None) -> Catalog:
    catalog = Catalog()
    for path in checklist_paths(project_root):
        try:
            checklist = load_checklist(path)
        except ChecklistError as exc:
            catalog.errors.append(exc)
            continue
        catalog.checklists[(checklist.id, checklist.language)] = checklist
    return catalog
