"""The pictures' files, public: ``/media/<sha256>.<ext>``.

A name is the hash of the file's bytes, so a name never holds other bytes: browsers and
proxies keep it a year without asking again (``immutable``). Only the ``images`` area is
served here (co-funding documents are private: the aid feature serves them, to the
people allowed). The Content-Type comes from the extension the platform gave the file
after reading it, and ``nosniff`` forbids browsers to guess another.
"""

from __future__ import annotations

import io

from flask import abort, send_file

from inspir_events.uploads import rules, storage
from inspir_events.uploads.blueprint import bp

IMMUTABLE = "public, max-age=31536000, immutable"


@bp.route("/media/<name>")
def media(name: str):
    if not rules.valid_name(name) or name.endswith(".pdf") or not storage.exists("images", name):
        abort(404)
    # Read whole (a few hundred kilobytes): no file handle outlives the request.
    response = send_file(io.BytesIO(storage.read("images", name)),
                         mimetype=rules.content_type(name), etag=name.split(".")[0],
                         conditional=True, max_age=31536000)
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
