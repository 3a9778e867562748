"""Where archived recordings live: a local folder (ARCHIVE_DIR) by default.

Keys are relative paths (`campaign_7/2026/11/23/123.flac`).  `put` is atomic:
a reader sees the old object or the whole new one, never a partial file,
so a worker killed while writing leaves at most a `.part` file that the next
run overwrites.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path


class StorageError(RuntimeError):
    pass


class LocalStore:
    name = "local"

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        resolved = (self.root / key).resolve()
        if self.root.resolve() not in resolved.parents:
            raise StorageError(f"key {key!r} leaves the archive folder")
        return resolved

    def put(self, key: str, local_file: str | os.PathLike) -> None:
        """Move a finished local file in under `key`, atomically (it is consumed)."""
        dest = self.path(key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(local_file, "rb") as handle:
            os.fsync(handle.fileno())
        try:
            os.replace(local_file, dest)
        except OSError:  # another file system: copy beside the target, then rename
            tmp = dest.with_name(dest.name + ".part")
            shutil.copyfile(local_file, tmp)
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, dest)
            os.unlink(local_file)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def fetch(self, key: str) -> Path:
        """A local path with the object's bytes (for local storage, the object itself)."""
        path = self.path(key)
        if not path.is_file():
            raise StorageError(f"no archived object {key!r}")
        return path

    def delete(self, key: str) -> bool:
        try:
            self.path(key).unlink()
            return True
        except FileNotFoundError:
            return False


def store_for(config) -> LocalStore:
    """The store the settings describe (a mapping or settings object with ARCHIVE_DIR)."""
    root = config["ARCHIVE_DIR"] if isinstance(config, dict) or hasattr(config, "keys") else config.ARCHIVE_DIR
    return LocalStore(root)
