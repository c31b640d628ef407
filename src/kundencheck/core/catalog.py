"""Finding checklists: the shipped ones and a project's own in ``.kundencheck/checklists/``.

A project's file is either a whole checklist (it replaces the shipped one with the same id and
language) or an extension (``extends = "build"``): the shipped checklist with the team's own
questions added, so the shipped questions stay the ones of the installed kundencheck version
(docs/checklist-format.md, "A team's own questions").
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from kundencheck.core.checklist import (
    KNOWN_PHASES,
    Checklist,
    checklist_from_dict,
    extension_base,
    is_extension,
    load_checklist,
    merge_extension,
    parse_toml_bytes,
    read_checklist_bytes,
    read_toml_file,
    toml_text,
)
from kundencheck.core.errors import ChecklistError, UsageError
from kundencheck.core.i18n import _

PROJECT_CHECKLISTS = ".kundencheck/checklists"


def shipped_dir() -> Path:
    """The checklists that come with kundencheck.

    In a wheel they are packaged as ``kundencheck/checklists``; in a source checkout (and an
    editable install) they sit at the top of the repository.
    """
    package = Path(__file__).resolve().parent.parent  # as core/i18n.py finds the locale folder
    packaged = package / "checklists"
    if packaged.is_dir():
        return packaged
    return package.parent.parent / "checklists"


def load_checklist_file(path: str | Path, *, within: Path | None = None) -> Checklist:
    """A checklist file: a whole checklist, or an extension of a shipped one merged with it;
    ``within``: the work tree it must lie in (a symbolic link leading out of it is refused)."""
    path = Path(path)
    return checklist_from_file_bytes(read_checklist_bytes(path, within=within), str(path))


def checklist_from_file_bytes(raw: bytes, source: str) -> Checklist:
    """The checklist in a checklist file's bytes (from the work tree or from git)."""
    data = parse_toml_bytes(raw, source)
    return checklist_from_file_data(data, source, text=toml_text(raw))


def checklist_from_file_data(data: dict[str, Any], source: str, *, text: str | None = None) -> Checklist:
    """The checklist of a file's table (``source`` names it in problems): a whole checklist, or
    an extension (``extends``) merged with the shipped checklist it extends. ``text``, the file's
    own text, gives a whole checklist's problems their lines."""
    if not is_extension(data):
        return checklist_from_dict(data, source, text=text)
    merged = checklist_from_dict(merge_extension(data, _extended(data, source), source), source)
    return replace(merged, extends=data["extends"])


def _extended(data: dict[str, Any], source: str) -> dict[str, Any]:
    """The table of the shipped checklist an extension file extends, or ChecklistError naming
    the extension file and what kundencheck ships."""
    base_id, language = extension_base(data, source)
    base_path = shipped_dir() / f"{base_id}.{language}.toml"
    if not base_path.is_file():
        shipped = sorted({p.name.split(".")[0] for p in shipped_dir().glob("*.toml")})
        raise ChecklistError(
            source,
            [
                _(
                    "top level, key 'extends': kundencheck ships no checklist {id} in language {language}, so there is "
                    "nothing to extend. Shipped: {shipped} (de, en). Extend one of them, or write a whole checklist "
                    "without 'extends'."
                ).format(id=repr(base_id), language=repr(language), shipped=", ".join(shipped))
            ],
        )
    return read_toml_file(base_path)


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


class Catalog:
    """The checklists a project can use; files are parsed only when needed.

    Finding one checklist (the common case, at every start) parses the project's own files
    and only the shipped file named for it; listing everything parses all files once.
    """

    def __init__(self, project_root: Path | None, *, committed: dict[str, bytes | None] | None = None) -> None:
        """``committed``: the project's own checklist files as git has them (name shown in
        messages -> content, None for a symbolic link), read instead of the work tree's folder
        when the work tree lacks it (a sparse checkout)."""
        self.project_root = project_root
        self._committed = committed
        self._all: dict[tuple[str, str], Checklist] | None = None
        self._errors: list[ChecklistError] = []
        self._project: tuple[dict[tuple[str, str], Checklist], list[ChecklistError]] | None = None
        #: Shipped files found by name, parsed once: a run's start asks for its checklist twice
        #: (the CLI checks it, then the session uses it), and they do not change while we run.
        self._shipped: dict[Path, Checklist | None] = {}

    @property
    def checklists(self) -> dict[tuple[str, str], Checklist]:
        return self._load_all()

    @property
    def errors(self) -> list[ChecklistError]:
        self._load_all()
        return self._errors

    def _load_all(self) -> dict[tuple[str, str], Checklist]:
        if self._all is not None:
            return self._all
        shipped, shipped_errors = _load(checklist_paths(None))
        project, project_errors = self._project_files()
        self._all = {**shipped, **project}  # a project's own file overrides a shipped one
        self._errors = shipped_errors + project_errors
        return self._all

    def _project_files(self) -> tuple[dict[tuple[str, str], Checklist], list[ChecklistError]]:
        if self._project is None and self._committed is not None:
            self._project = _load_committed(self._committed)
        if self._project is None:
            folder = self.project_root / PROJECT_CHECKLISTS if self.project_root else None
            paths = sorted(folder.glob("*.toml")) if folder is not None and folder.is_dir() else []
            # Files of the repository: a link leading out of the work tree is refused, not read.
            self._project = _load(paths, within=self.project_root)
        return self._project

    def find(self, checklist_id: str, language: str) -> Checklist:
        if self._all is None:
            quick = self._find_quickly(checklist_id, language)
            if quick is not None:
                return quick
        return self._find_in_all(checklist_id, language)

    def _find_quickly(self, checklist_id: str, language: str) -> Checklist | None:
        """The project's own files, then the shipped file named ``ID.LANG.toml``; None when
        that does not settle it (the full search then gives the same answer or error)."""
        project, errors = self._project_files()
        for lang in dict.fromkeys((language, "en")):
            if any(Path(e.path).name == f"{checklist_id}.{lang}.toml" for e in errors):
                return None
            if (checklist_id, lang) in project:
                return project[(checklist_id, lang)]
            path = shipped_dir() / f"{checklist_id}.{lang}.toml"
            if path not in self._shipped and path.is_file():
                try:
                    self._shipped[path] = load_checklist(path)
                except ChecklistError:
                    self._shipped[path] = None
            if path in self._shipped:
                checklist = self._shipped[path]
                if checklist is None:
                    return None
                if (checklist.id, checklist.language) == (checklist_id, lang):
                    return checklist
                return None
        return None

    def _find_in_all(self, checklist_id: str, language: str) -> Checklist:
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
            _("There is no checklist {id}. Known: {known}. Add your own as {path} (see docs/checklist-format.md).").format(
                id=repr(checklist_id), known=", ".join(known), path=f"{PROJECT_CHECKLISTS}/{checklist_id}.{language}.toml"
            )
        )

    def phases(self) -> list[str]:
        found = {c.phase for c in self.checklists.values()}
        ordered = [p for p in KNOWN_PHASES if p in found]
        return ordered + sorted(found - set(KNOWN_PHASES))


def load_catalog(project_root: Path | None, committed: dict[str, bytes | None] | None = None) -> Catalog:
    return Catalog(project_root, committed=committed)


def _load_committed(files: dict[str, bytes | None]) -> tuple[dict[tuple[str, str], Checklist], list[ChecklistError]]:
    """Parse checklist files read from git (name -> content, None for a symbolic link)."""
    checklists: dict[tuple[str, str], Checklist] = {}
    errors: list[ChecklistError] = []
    for name, raw in sorted(files.items()):
        try:
            if raw is None:
                raise ChecklistError(name, [committed_link_problem()])
            checklist = checklist_from_file_bytes(raw, name)
        except ChecklistError as exc:
            errors.append(exc)
            continue
        checklists[(checklist.id, checklist.language)] = checklist
    return checklists, errors


def committed_link_problem() -> str:
    """Why a file that git holds as a symbolic link is not read (from the tree, not the work tree)."""
    return _(
        "is a symbolic link in git; kundencheck reads files themselves, never what a link leads to. Replace "
        "the link with the file itself and commit that."
    )


def _load(paths: list[Path], within: Path | None = None) -> tuple[dict[tuple[str, str], Checklist], list[ChecklistError]]:
    """Parse ``paths`` in order; a later file with the same id and language wins. ``within``:
    the work tree the files must lie in (see :func:`load_checklist`)."""
    checklists: dict[tuple[str, str], Checklist] = {}
    errors: list[ChecklistError] = []
    for path in paths:
        try:
            checklist = load_checklist_file(path, within=within)
        except ChecklistError as exc:
            errors.append(exc)
            continue
        checklists[(checklist.id, checklist.language)] = checklist
    return checklists, errors
