from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def indexed(folder: Path, follow_links: bool = False):
    """The folder's list as the reader and the command line get it: indexed, then read
    from the catalogue. The index goes to the test's private cache, never beside the folder."""
    from briefing.search.index import ContentIndex

    index = ContentIndex(folder, follow_links=follow_links)
    index.update()
    return index.snapshot()


@pytest.fixture
def content_dir() -> Path:
    return CONTENT


@pytest.fixture
def content(tmp_path, content_dir) -> Path:
    """A copy of the sample content the test may change, index and mark."""
    folder = tmp_path / "content"
    shutil.copytree(content_dir, folder)
    return folder


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """Search over an index of the sample content, shared by a module's tests."""
    from briefing.search.engine import Engine
    from briefing.search.index import ContentIndex

    index = ContentIndex(CONTENT, tmp_path_factory.mktemp("index"))
    index.update()
    engine = Engine(index.open())
    yield engine
    engine.close()


@pytest.fixture
def sample():
    """Path of the sample briefing whose file name starts with *prefix*."""

    def find(prefix: str) -> Path:
        (path,) = CONTENT.glob(f"{prefix}_*.txt")
        return path

    return find


@pytest.fixture
def write(tmp_path: Path):
    """Write *data* (str as UTF-8, or bytes) to a file in a fresh folder."""

    def _write(name: str, data: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return path

    return _write


@pytest.fixture(autouse=True)
def private_index(tmp_path_factory, monkeypatch):
    """Each test indexes into its own folder, never the user's cache."""
    monkeypatch.setenv("BRIEFING_INDEX_DIR", str(tmp_path_factory.mktemp("index")))


@pytest.fixture(autouse=True)
def private_state(tmp_path_factory, monkeypatch) -> Path:
    """Each test keeps its read marks, stars and notes in its own folder."""
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("BRIEFING_STATE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def private_config(tmp_path_factory, monkeypatch) -> Path:
    """No test reads the user's config.yaml or themes; each has its own config folder."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    monkeypatch.delenv("BRIEFING_CONFIG", raising=False)
    for name in ("BRIEFING_CONTENT", "BRIEFING_THEME", "BRIEFING_ASCII", "BRIEFING_MOUSE", "BRIEFING_DATE_FORMAT",
                 "BRIEFING_FOLLOW_LINKS", "BRIEFING_ARCHIVE", "BRIEFING_ANALYST"):
        monkeypatch.delenv(name, raising=False)
    return folder / "briefing"


@pytest.fixture(autouse=True)
def true_colour_terminal(monkeypatch):
    """Readers made in a test see a true-colour terminal unless the test says otherwise:
    the theme chosen by itself depends on the colours the terminal has."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)


# The PostgreSQL cluster of the team-archive tests: one per session (see archive_fixtures.py).
from archive_fixtures import pg_archive, pg_cluster, pg_env  # noqa: E402,F401
