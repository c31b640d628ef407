"""The shipped checklists must be found after a plain, non-editable install."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.support.paths import ROOT

PHASES = ("kickoff", "design", "build", "acceptance", "handover")


def test_wheel_contains_the_checklists_and_finds_them(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("kundencheck-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for phase in PHASES:
        for language in ("de", "en"):
            assert f"kundencheck/checklists/{phase}.{language}.toml" in names
    assert "kundencheck/tui/kundencheck.tcss" in names
    for language in ("de", "en"):  # the compiled catalogs: without them the UI is English only
        assert f"kundencheck/locale/{language}/LC_MESSAGES/kundencheck.mo" in names

    # Import kundencheck from the unpacked wheel only (not from the source tree) and load them.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = "import kundencheck.core.catalog as c; d = c.shipped_dir(); print(d); print(len(c.load_catalog(None).checklists))"
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {probe}"],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    where, count = result.stdout.split()
    assert Path(where) == site / "kundencheck" / "checklists"
    assert count == "10"
