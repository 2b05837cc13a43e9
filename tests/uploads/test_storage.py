"""The uploads folder: files written whole under their content's name, in UPLOADS_DIR;
a file let go is removed after the commit, never after a rollback."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from inspir_events.extensions import db as _db
from inspir_events.uploads import rules, storage


def test_the_folder_is_uploads_dir_and_files_are_named_by_their_content(app, tmp_path):
    with app.app_context():
        assert storage.root() == tmp_path / "uploads"
        name = storage.put("documents", b"%PDF-1.4 one", "pdf")
        assert name == hashlib.sha256(b"%PDF-1.4 one").hexdigest() + ".pdf"
        assert storage.put("documents", b"%PDF-1.4 one", "pdf") == name  # stored once
        folder = tmp_path / "uploads" / "documents"
        assert [p.name for p in folder.iterdir()] == [name]  # no temporary file left
        assert storage.read("documents", name) == b"%PDF-1.4 one"
        assert oct(os.stat(folder / name).st_mode & 0o777) == "0o640"


def test_the_default_folder_is_under_instance(app):
    with app.app_context():
        app.config["UPLOADS_DIR"] = None
        assert storage.root() == Path(app.instance_path) / "uploads"


def test_uploads_dir_is_set_by_the_environment():
    import config

    assert config.load("production", {"UPLOADS_DIR": " /srv/inspir-uploads "}).UPLOADS_DIR \
        == "/srv/inspir-uploads"
    assert config.load("development", {}).UPLOADS_DIR is None  # instance/uploads


def test_a_name_from_outside_never_walks_the_folder(app):
    with app.app_context():
        for forged in ("../inspir.db", "/etc/passwd", "a" * 64 + ".exe"):
            with pytest.raises(ValueError):
                storage.path("images", forged)
            assert not storage.exists("images", forged)
        with pytest.raises(ValueError):
            storage.path("secrets", "a" * 64 + ".png")


def test_a_failed_write_leaves_nothing(app, monkeypatch, tmp_path):
    def broken(*args):
        raise OSError("disk full")

    with app.app_context():
        monkeypatch.setattr(storage.os, "replace", broken)
        with pytest.raises(OSError):
            storage.put("images", b"bytes", "png")
        assert list((tmp_path / "uploads" / "images").iterdir()) == []


def test_a_file_let_go_goes_after_the_commit_not_after_a_rollback(app):
    with app.app_context():
        kept = storage.put("images", b"kept", "png")
        gone = storage.put("images", b"gone", "png")
        storage.discard_after_commit("images", [kept], lambda name: False)
        _db.session.rollback()
        _db.session.commit()
        assert storage.exists("images", kept)
        storage.discard_after_commit("images", [gone, kept], lambda name: name == kept)
        assert storage.exists("images", gone)  # not before the commit
        _db.session.commit()
        assert not storage.exists("images", gone)
        assert storage.exists("images", kept)  # still used by another row
        assert rules.valid_name(kept)
