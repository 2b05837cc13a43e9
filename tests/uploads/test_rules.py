"""The uploads' pure rules: names from content, widths, the PDF signature."""

from __future__ import annotations

import hashlib

import pytest

from inspir_events.uploads import rules


def test_a_file_is_named_by_the_hash_of_its_bytes_never_by_the_client():
    data = b"%PDF-1.4 whatever"
    name = rules.content_name(data, "pdf")
    assert name == hashlib.sha256(data).hexdigest() + ".pdf"
    assert rules.valid_name(name)
    for forged in ("../../etc/passwd", "a.pdf", name.upper(), name + "/x", "x" * 64 + ".pdf",
                   name.replace(".pdf", ".html")):
        assert not rules.valid_name(forged)
    with pytest.raises(ValueError):
        rules.content_name(data, "html")


def test_widths_never_enlarge_a_picture():
    assert rules.widths_for(1600) == [320, 640, 1280]
    assert rules.widths_for(1280) == [320, 640, 1280]
    assert rules.widths_for(700) == [320, 640]
    assert rules.widths_for(200) == [200]


def test_a_pdf_is_known_by_its_signature_and_the_limits():
    assert rules.is_pdf(b"%PDF-1.7\n...")
    assert not rules.is_pdf(b"<html>%PDF-1.7")
    assert not rules.is_pdf(b"\x89PNG\r\n")
    assert rules.too_large(rules.DOCUMENT_MAX_BYTES + 1, rules.DOCUMENT_MAX_BYTES)
    assert not rules.too_large(rules.DOCUMENT_MAX_BYTES, rules.DOCUMENT_MAX_BYTES)
    assert rules.megabytes(rules.IMAGE_MAX_BYTES) == 5
    assert rules.megabytes(rules.DOCUMENT_MAX_BYTES) == 10
    assert rules.content_type("a" * 64 + ".webp") == "image/webp"
