"""Briefing's own folders and files on a shared machine: private, and refused when others could change them.

Whoosh unpickles its index files when it opens them, so whoever can write to
the index folder can run code as the user who opens it; and the state holds
the analyst's notes. So:

- every folder Briefing makes is 0700 and every file it writes 0600, whatever
  the umask (:func:`private_dir`, :func:`open_private`, :func:`write_private`;
  :func:`restrict_umask` makes it the rule for the whole process);
- a folder of Briefing's own (the index, the state, and the folders above them
  that Briefing made: ``~/.cache/briefing/...``, ``~/.local/share/briefing``)
  is used only when it is a real folder (not a link planted in its place),
  belongs to the user, and no one else can write to it; the same holds for
  the files in it that Briefing loads. Otherwise :class:`UnsafeFolder` says
  why and how to fix it, and nothing in it is read.

"Someone else can write to it" means: writable by all users, or by a group
with members other than the owner. A group made for the user alone (the
user's private group, as most distributions give each user) does not count,
so a folder made under the common umask 002 is not refused; it is tightened.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class UnsafeFolder(PermissionError):
    """A folder or file of Briefing's that someone else could have written; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


def restrict_umask() -> None:
    """Make every file and folder this process (and the processes it starts) creates private."""
    os.umask(0o077)


def briefing_roots() -> list[Path]:
    """The per-user folders that are Briefing's own from the top: its cache, data and config folders."""
    import platformdirs

    return [Path(platformdirs.user_cache_dir("briefing")), Path(platformdirs.user_data_dir("briefing")),
            Path(platformdirs.user_config_dir("briefing"))]


def _own_chain(path: Path) -> list[Path]:
    """*path* and the folders above it that are Briefing's own, top first.

    Below one of :func:`briefing_roots`: the root and everything down to
    *path*. Elsewhere (a folder named by ``BRIEFING_INDEX_DIR``, say) only
    *path* itself: the folders above it are the user's.
    """
    path = Path(os.path.abspath(path))
    for root in briefing_roots():
        root = Path(os.path.abspath(root))
        if path == root or path.is_relative_to(root):
            chain = [root]
            for part in path.relative_to(root).parts:
                chain.append(chain[-1] / part)
            return chain
    return [path]


def _user(uid: int) -> str:
    try:
        return f"user '{pwd.getpwuid(uid).pw_name}' (uid {uid})"
    except KeyError:
        return f"uid {uid}"


def _others_can_write(info: os.stat_result) -> str | None:
    """Who besides the owner can write to a file or folder with *info*, or None."""
    if info.st_mode & stat.S_IWOTH:
        return "every user"
    if info.st_mode & stat.S_IWGRP:
        try:
            group = grp.getgrgid(info.st_gid)
            owner = pwd.getpwuid(info.st_uid).pw_name
        except KeyError:
            return f"group {info.st_gid}"
        # The owner's private group: named after the owner, with no one else in it.
        if group.gr_name == owner and set(group.gr_mem) <= {owner}:
            return None
        return f"group '{group.gr_name}'"
    return None


def _shown(path: object) -> str:
    from briefing.sanitize import shown_path

    return shown_path(path)


def _refusal(path: Path, what: str, why: str, fix: str) -> UnsafeFolder:
    """One line: what is refused, why, and how to put it right."""
    return UnsafeFolder(f"refusing to use {what} {_shown(path)}: {why}. {fix}")


def _check(path: Path, info: os.stat_result, what: str, is_folder: bool) -> None:
    """Refuse *path* (with *info* from lstat) unless it is the user's own and no one else can write to it."""
    kind = "folder" if is_folder else "file"
    if stat.S_ISLNK(info.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        raise _refusal(path, what, f"it is a symbolic link (to {_shown(target)}) where Briefing's own {kind} "
                       "should be",
                       "Remove the link; Briefing makes the folder itself.")
    if is_folder and not stat.S_ISDIR(info.st_mode):
        raise _refusal(path, what, "it is not a folder", "Move it away; Briefing makes the folder itself.")
    if not is_folder and not stat.S_ISREG(info.st_mode):
        raise _refusal(path, what, "it is not a regular file", "Move it away.")
    if info.st_uid != os.geteuid():
        raise _refusal(path, what, f"it belongs to {_user(info.st_uid)}, so what is in it could run code as you",
                       f"Remove it (as its owner or root), or use a {kind} of your own.")
    writers = _others_can_write(info)
    if writers:
        raise _refusal(path, what, f"{writers} can write to it (mode {stat.S_IMODE(info.st_mode):04o}), so what "
                       "is in it could run code as you",
                       f"Check it, then: chmod go-w {_shown(path)}" if is_folder
                       else f"Check it, then: chmod 600 {_shown(path)}")


def _tighten(path: Path, info: os.stat_result, mode: int) -> None:
    if stat.S_IMODE(info.st_mode) != mode:
        with contextlib.suppress(OSError):  # a read-only file system: it stays as it is
            os.chmod(path, mode, follow_symlinks=False)


def private_dir(path: Path, what: str = "the folder", create: bool = True,
                files: bool | list[str] = False, file_what: str = "the file") -> Path:
    """Make sure *path* is a private folder of Briefing's own, making it (0700) if need be.

    Each folder from the top of Briefing's own down to *path* (see
    :func:`_own_chain`) that exists is checked (:class:`UnsafeFolder` if a
    link, someone else's, or writable by others) and tightened to 0700; each
    that does not is made 0700. With *files* true, every file in *path* is
    checked the same way and tightened to 0600 (the index: Whoosh loads all
    of them); with a list of names, those files only (the state file and its
    journals); *file_what* names them in messages. With *create* false a
    missing folder is left missing.
    """
    chain = _own_chain(Path(path))
    if create:
        _make_parents(chain[0].parent)
    for folder in chain:
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            if not create:
                return Path(path)
            try:
                os.mkdir(folder, FOLDER_MODE)
                os.chmod(folder, FOLDER_MODE)  # whatever the umask
            except FileExistsError:
                pass  # made by another process just now: checked below
            info = os.lstat(folder)
        # Tightened before its files are looked at: from then on no one else can add one.
        _check(folder, info, what, is_folder=True)
        _tighten(folder, info, FOLDER_MODE)
    if files:
        names = sorted(os.listdir(path)) if files is True else files
        for name in names:
            file = Path(path) / name
            try:
                info = os.lstat(file)
            except FileNotFoundError:
                continue
            if stat.S_ISDIR(info.st_mode) and files is True:
                _check(file, info, what, is_folder=True)
                continue
            _check(file, info, file_what, is_folder=False)
            _tighten(file, info, FILE_MODE)
    return Path(path)


def _make_parents(folder: Path) -> None:
    """Make *folder* and the folders above it that are missing, each 0700 (as ``mkdir -p`` would, privately)."""
    missing = []
    while not os.path.lexists(folder) and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(made, FOLDER_MODE)
            os.chmod(made, FOLDER_MODE)


def check_private_file(path: Path, what: str = "the file") -> bool:
    """Refuse the existing file *path* unless it is the user's, a regular file and private; tighten it to 0600.

    False when there is no such file.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    _check(Path(path), info, what, is_folder=False)
    _tighten(Path(path), info, FILE_MODE)
    return True


def create_private_file(path: Path, what: str = "the file") -> None:
    """Make *path* an empty 0600 file unless it exists; an existing one is checked as by :func:`check_private_file`."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC, FILE_MODE)
    except FileExistsError:
        check_private_file(path, what)
        return
    try:
        os.fchmod(fd, FILE_MODE)  # whatever the umask
    finally:
        os.close(fd)


def open_private(path: Path, mode: str = "a", what: str = "the file"):
    """Open *path* for writing (created 0600), refusing a link or someone else's file in its place."""
    flags = os.O_WRONLY | os.O_CREAT | _O_NOFOLLOW | _O_CLOEXEC
    if "a" in mode:
        flags |= os.O_APPEND
    elif "w" in mode:
        flags |= os.O_TRUNC
    try:
        fd = os.open(path, flags, FILE_MODE)
    except OSError as exc:
        if os.path.islink(path):
            raise _refusal(Path(path), what, "it is a symbolic link where Briefing's own file should be",
                           "Remove the link.") from None
        raise exc
    try:
        info = os.fstat(fd)
        _check(Path(path), info, what, is_folder=False)
        if stat.S_IMODE(info.st_mode) != FILE_MODE:
            os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, mode)
    except BaseException:
        os.close(fd)
        raise


@contextlib.contextmanager
def _temporary_beside(path: Path) -> Iterator[tuple[int, str]]:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        yield handle, temp
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_private(path: Path, text: str) -> None:
    """Write *text* to *path* atomically (a temporary file beside it, then a rename), as a 0600 file.

    A reader of *path* sees the old content or the new, never half of it;
    the file is private whatever the umask and whatever mode it had before.
    """
    path = Path(path).expanduser()
    with _temporary_beside(path) as (handle, temp):
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), FILE_MODE)
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
