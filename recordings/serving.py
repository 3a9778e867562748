"""HTTP responses for archived objects and spool files: the whole object, or
the one byte range asked for (the player seeks with `Range`), with ETag and
Last-Modified so `If-Range` and revalidation work, the same for every store.

Objects in S3 are streamed through the web app rather than handed out as
presigned URLs: the role check then covers every byte, the browser needs no
route to the (often internal) object store and no CORS rules there, and no
bearer link to a recording can leak.  Werkzeug's range handling seeks the
reader, and the S3 reader turns that seek into a ranged GET, so a seek to the
end of a long call downloads only what is played.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response, request
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.wsgi import FileWrapper

from recordings.storage import CHUNK, ObjectInfo, Store, file_info


def _filename(name: str) -> dict:
    try:
        name.encode("ascii")
        return {"filename": name}
    except UnicodeEncodeError:  # e.g. a campaign code in Chinese: RFC 5987 name, ASCII fallback
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        return {"filename": simple, "filename*": f"UTF-8''{quote(name, safe='!#$&+-.^_`|~')}"}


def send_object(reader, info: ObjectInfo, *, mimetype: str, download_name: str,
                as_attachment: bool = False) -> Response:
    """Serve an open binary reader of `info.size` bytes; the response closes it."""
    # werkzeug's own FileWrapper (not the server's wsgi.file_wrapper) because
    # it passes seeks through, which the range handling relies on.
    response = Response(FileWrapper(reader, CHUNK), mimetype=mimetype, direct_passthrough=True)
    response.content_length = info.size
    response.set_etag(info.etag)
    if info.modified is not None:
        response.last_modified = info.modified
    response.cache_control.no_cache = True
    response.headers.set("Content-Disposition", "attachment" if as_attachment else "inline",
                         **_filename(download_name))
    try:
        return response.make_conditional(request, accept_ranges=True, complete_length=info.size)
    except RequestedRangeNotSatisfiable:
        reader.close()
        raise


def send_stored(store: Store, key: str, **kwargs) -> Response:
    """Serve an archived object (raises ObjectMissing / StorageError)."""
    info = store.stat(key)
    return send_object(store.open(key, info), info, **kwargs)


def send_local(path: str, **kwargs) -> Response:
    """Serve a file on this machine, e.g. a recording's spool WAV (raises FileNotFoundError)."""
    info = file_info(path)
    return send_object(open(path, "rb"), info, **kwargs)
