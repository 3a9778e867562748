"""Where archived recordings and delivery bundles live: a local folder
(ARCHIVE_DIR, the default) or an S3-compatible object store
(ARCHIVE_STORAGE=s3: AWS S3, MinIO, Ceph RGW, Alibaba OSS and the like).

Keys are the same relative paths in both (`campaign_7/2026/11/23/123.flac`,
`bundles/campaign_7/C7_2026-11-23.zip`); in a bucket they sit under
ARCHIVE_S3_PREFIX.  Both stores offer the same operations:

* `put(key, file, sha256)` moves a finished local file in (the file is
  consumed).  A reader sees the old object or the whole new one, never part
  of one: a local put is a rename, an S3 object appears when its upload
  completes.
* `stat(key)` (size, ETag, time), `exists(key)`, `delete(key)`.
* `open(key)` a seekable binary reader; from S3 it fetches byte ranges from
  the position read, so seeking to the end of a long call costs no download
  of its start.
* `digest(key)` / `read_back(key)` the object's SHA-256 and size as read
  back through the store (S3: HEAD for the size, one streamed GET hashed as
  it arrives; a length that disagrees with HEAD is an error), the second
  also as a local file for decoding.  This is what the archive job checks
  before it deletes a source recording.

`ObjectMissing` means a key has no object; any other `StorageError` means the
store itself cannot be used (endpoint down, bucket missing, credentials
refused) and says what to check.
"""
from __future__ import annotations

import io
import mimetypes
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path, PurePosixPath

from recordings.codec import hash_stream

CHUNK = 1 << 20


class StorageError(RuntimeError):
    """The archive store cannot do what was asked; the message says why."""


class ObjectMissing(StorageError):
    """No object under the key."""


@dataclass(frozen=True)
class ObjectInfo:
    size: int
    etag: str
    modified: datetime | None


@dataclass(frozen=True)
class ReadBack:
    """An object's bytes as read back through the store: a local file, their hash and length."""

    path: Path
    sha256: str
    size: int


def _check_key(key: str) -> str:
    parts = PurePosixPath(key).parts
    if not key or key.startswith("/") or any(part in ("..", ".") for part in parts):
        raise StorageError(f"key {key!r} leaves the archive")
    return key


SCRATCH_STALE_S = 3600.0


def remove_stale(folder: Path, pattern: str, older_than_s: float = SCRATCH_STALE_S, now: float | None = None) -> int:
    """Delete scratch files matching `pattern` in `folder` not touched for
    `older_than_s` seconds: what a worker killed mid-job left behind (a live
    job's file is younger, every write refreshes it).  Returns how many."""
    limit = (time.time() if now is None else now) - older_than_s
    removed = 0
    for leftover in folder.glob(pattern):
        try:
            if leftover.is_file() and leftover.stat().st_mtime < limit:
                leftover.unlink()
                removed += 1
        except FileNotFoundError:
            pass  # another worker cleaned it first
    return removed


def file_info(path: str | os.PathLike) -> ObjectInfo:
    """What `stat` tells of a local file (raises FileNotFoundError)."""
    st = os.stat(path)
    return ObjectInfo(st.st_size, f"{st.st_mtime_ns:x}-{st.st_size:x}", datetime.fromtimestamp(st.st_mtime, timezone.utc))


class LocalStore:
    """The archive folder on this machine (or a mounted file system)."""

    name = "local"

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def describe(self, key: str) -> str:
        return str(self.root / key)

    def path(self, key: str) -> Path:
        resolved = (self.root / _check_key(key)).resolve()
        if self.root.resolve() not in resolved.parents:
            raise StorageError(f"key {key!r} leaves the archive folder")
        return resolved

    def scratch_dir(self, key: str) -> Path:
        """Where to write a file before `put`: beside its target, so the put is a rename."""
        folder = self.path(key).parent
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def put(self, key: str, local_file: str | os.PathLike, sha256: str | None = None) -> None:
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

    def stat(self, key: str) -> ObjectInfo:
        try:
            return file_info(self.path(key))
        except FileNotFoundError:
            raise ObjectMissing(f"no archived object {key!r} in {self.root}") from None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def open(self, key: str, info: ObjectInfo | None = None):
        """A binary reader of the object (`info`, from `stat`, spares S3 a second HEAD)."""
        try:
            return open(self.path(key), "rb")
        except (FileNotFoundError, IsADirectoryError):
            raise ObjectMissing(f"no archived object {key!r} in {self.root}") from None

    def digest(self, key: str) -> tuple[str, int]:
        with self.open(key) as handle:
            return hash_stream(handle)

    @contextmanager
    def read_back(self, key: str) -> Iterator[ReadBack]:
        sha256, size = self.digest(key)
        yield ReadBack(self.path(key), sha256, size)  # the stored file itself: nothing to copy

    def delete(self, key: str) -> bool:
        try:
            self.path(key).unlink()
            return True
        except FileNotFoundError:
            return False


_CREDENTIAL_CODES = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken",
                     "ExpiredToken", "InvalidSecurity", "AuthorizationHeaderMalformed", "403"}


def explain(exc: Exception, *, endpoint: str, bucket: str, action: str, key: str | None = None) -> StorageError:
    """A botocore failure as a StorageError that says what to check."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError
    from botocore.exceptions import ConnectionError as BotoConnectionError

    cause = exc.__cause__ or exc.__context__
    if not isinstance(exc, (ClientError, BotoCoreError)) and isinstance(cause, (ClientError, BotoCoreError)):
        exc = cause  # boto3's upload manager wraps the S3 error in its own (S3UploadFailedError)
    where = f"s3://{bucket}/{key}" if key else f"bucket {bucket!r}"
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        message = error.get("Message") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
        if code in ("NoSuchKey", "404", "NotFound") and key is not None:
            return ObjectMissing(f"no archived object {where}")
        if code == "NoSuchBucket" or code in ("404", "NotFound"):
            return StorageError(f"bucket {bucket!r} does not exist at {endpoint}: create it, or fix "
                                f"ARCHIVE_S3_BUCKET")
        if code in _CREDENTIAL_CODES:
            return StorageError(f"{endpoint} refused the credentials for {action} {where} ({code}: {message}): "
                                f"check ARCHIVE_S3_ACCESS_KEY_ID, ARCHIVE_S3_SECRET_ACCESS_KEY and the "
                                f"bucket's policy")
        return StorageError(f"{action} {where} at {endpoint} failed: {code} {message}".rstrip())
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return StorageError(f"no credentials for {endpoint}: set ARCHIVE_S3_ACCESS_KEY_ID and "
                            f"ARCHIVE_S3_SECRET_ACCESS_KEY")
    if isinstance(exc, BotoConnectionError):
        return StorageError(f"cannot reach the object store at {endpoint} ({action} {where}): {exc}")
    if isinstance(exc, BotoCoreError):
        return StorageError(f"{action} {where} at {endpoint} failed: {exc}")
    return StorageError(f"{action} {where} at {endpoint} failed: {exc}")


class _ObjectReader(io.RawIOBase):
    """A seekable reader of one S3 object: a ranged GET from the current
    position, opened at the first read after a seek."""

    def __init__(self, store: S3Store, key: str, size: int) -> None:
        super().__init__()
        self._store, self._key, self._size = store, key, size
        self._pos, self._body = 0, None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        target = max(0, base + offset)
        if target != self._pos:
            self._drop_body()
            self._pos = target
        return self._pos

    def readinto(self, buffer) -> int:
        if self._pos >= self._size:
            return 0
        if self._body is None:
            self._body = self._store._get(self._key, f"bytes={self._pos}-")
        data = self._store._call(lambda: self._body.read(len(buffer)), "read", self._key)
        if not data:
            raise StorageError(f"s3://{self._store.bucket}/{self._store.object_key(self._key)} ended at byte "
                               f"{self._pos} of {self._size}")
        buffer[:len(data)] = data
        self._pos += len(data)
        return len(data)

    def _drop_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._drop_body()
        super().close()


class S3Store:
    """A bucket (and key prefix) of an S3-compatible object store."""

    name = "s3"

    def __init__(self, bucket: str, scratch: str | os.PathLike, *, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, access_key_id: str | None = None, secret_access_key: str | None = None,
                 path_style: bool = False, timeout: float = 10.0, max_attempts: int = 3) -> None:
        import boto3
        from boto3.s3.transfer import TransferConfig
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.scratch = Path(scratch)
        self.endpoint = endpoint_url or f"AWS S3 ({region or 'default region'})"
        config = Config(
            connect_timeout=timeout, read_timeout=timeout,
            retries={"mode": "standard", "max_attempts": max_attempts},
            s3={"addressing_style": "path" if path_style else "auto"},
            # botocore ≥ 1.36 adds x-amz-checksum-* headers to every upload by
            # default, which many S3-compatible stores reject (boto/boto3#4392);
            # the read-back SHA-256 is our integrity check.
            request_checksum_calculation="when_required", response_checksum_validation="when_required",
        )
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, region_name=region, aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key, config=config)
        self._transfer = TransferConfig(multipart_threshold=64 * CHUNK, multipart_chunksize=64 * CHUNK)

    def object_key(self, key: str) -> str:
        key = _check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def describe(self, key: str) -> str:
        return f"s3://{self.bucket}/{self.object_key(key)}"

    def _call(self, fn, action: str, key: str | None = None):
        from boto3.exceptions import Boto3Error
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn()
        except (BotoCoreError, ClientError, Boto3Error) as exc:
            raise explain(exc, endpoint=self.endpoint, bucket=self.bucket, action=action,
                          key=self.object_key(key) if key else None) from exc

    def _get(self, key: str, byte_range: str | None = None):
        args = {"Bucket": self.bucket, "Key": self.object_key(key)}
        if byte_range:
            args["Range"] = byte_range
        return self._call(lambda: self.client.get_object(**args), "GET", key)["Body"]

    def scratch_dir(self, key: str) -> Path:
        self.scratch.mkdir(parents=True, exist_ok=True)
        return self.scratch

    def put(self, key: str, local_file: str | os.PathLike, sha256: str | None = None) -> None:
        """Upload a finished local file as `key` (multipart when large); the file is consumed."""
        extra = {"ContentType": mimetypes.guess_type(key)[0] or "application/octet-stream"}
        if sha256:
            extra["Metadata"] = {"sha256": sha256}
        self._call(lambda: self.client.upload_file(str(local_file), self.bucket, self.object_key(key),
                                                   ExtraArgs=extra, Config=self._transfer), "PUT", key)
        os.unlink(local_file)

    def stat(self, key: str) -> ObjectInfo:
        try:
            head = self._call(lambda: self.client.head_object(Bucket=self.bucket, Key=self.object_key(key)),
                              "HEAD", key)
        except ObjectMissing:
            # A HEAD has no body to tell a missing key from a missing bucket.
            self._call(lambda: self.client.head_bucket(Bucket=self.bucket), "HEAD")
            raise
        return ObjectInfo(head["ContentLength"], head.get("ETag", "").strip('"'), head.get("LastModified"))

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
            return True
        except ObjectMissing:
            return False

    def open(self, key: str, info: ObjectInfo | None = None) -> io.BufferedReader:
        size = info.size if info is not None else self.stat(key).size
        return io.BufferedReader(_ObjectReader(self, key, size), CHUNK)

    def _read_all(self, key: str, sink=None) -> tuple[str, int]:
        expected = self.stat(key).size
        body = self._get(key)
        try:
            sha256, size = self._call(lambda: hash_stream(body, sink), "GET", key)
        finally:
            body.close()
        if size != expected:
            raise StorageError(f"{self.describe(key)}: read back {size} bytes, HEAD says {expected}")
        return sha256, size

    def digest(self, key: str) -> tuple[str, int]:
        return self._read_all(key)

    @contextmanager
    def read_back(self, key: str) -> Iterator[ReadBack]:
        folder = self.scratch_dir(key)
        remove_stale(folder, ".readback.*")  # left by a worker killed during a read-back
        fd, name = tempfile.mkstemp(dir=folder, prefix=".readback.")
        try:
            with os.fdopen(fd, "wb") as handle:
                sha256, size = self._read_all(key, handle)
            yield ReadBack(Path(name), sha256, size)
        finally:
            os.unlink(name)

    def delete(self, key: str) -> bool:
        if not self.exists(key):
            return False
        self._call(lambda: self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key)), "DELETE", key)
        return True


def setting(config, name: str):
    """A key of a Flask config (a mapping) or of a settings object."""
    return config.get(name) if isinstance(config, Mapping) else getattr(config, name, None)


@lru_cache(maxsize=8)
def _s3_store(bucket, scratch, prefix, endpoint_url, region, access_key_id, secret_access_key, path_style,
              timeout, max_attempts) -> S3Store:
    # One client per configuration: boto3 clients are thread-safe and slow to build.
    return S3Store(bucket, scratch, prefix=prefix or "", endpoint_url=endpoint_url, region=region,
                   access_key_id=access_key_id, secret_access_key=secret_access_key, path_style=bool(path_style),
                   timeout=float(timeout or 10.0), max_attempts=int(max_attempts or 3))


def store_for(config, name: str | None = None) -> LocalStore | S3Store:
    """The store the settings (a Flask config or a settings object) describe.

    `name` is a recording's `storage` ("local" or "s3"): objects are read and
    deleted where they were put, even after ARCHIVE_STORAGE changed; without
    it, the configured store, where new objects go.
    """
    name = name or setting(config, "ARCHIVE_STORAGE") or "local"
    root = setting(config, "ARCHIVE_DIR")
    if name == "local":
        return LocalStore(root)
    if name != "s3":
        raise StorageError(f"unknown archive storage {name!r}")
    bucket = setting(config, "ARCHIVE_S3_BUCKET")
    if not bucket:
        raise StorageError("this object is in S3 but ARCHIVE_S3_BUCKET is not set")
    return _s3_store(bucket, str(Path(root) / ".s3-incoming"), setting(config, "ARCHIVE_S3_PREFIX"),
                     setting(config, "ARCHIVE_S3_ENDPOINT_URL"), setting(config, "ARCHIVE_S3_REGION"),
                     setting(config, "ARCHIVE_S3_ACCESS_KEY_ID"), setting(config, "ARCHIVE_S3_SECRET_ACCESS_KEY"),
                     setting(config, "ARCHIVE_S3_PATH_STYLE"), setting(config, "ARCHIVE_S3_TIMEOUT"),
                     setting(config, "ARCHIVE_S3_MAX_ATTEMPTS"))


Store = LocalStore | S3Store
