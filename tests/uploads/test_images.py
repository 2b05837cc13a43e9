"""Pictures read from their bytes and re-encoded (issue 20 §4): each accepted format comes
out in its format at each width, without EXIF; what is not a picture, a decompression
bomb, an oversize file are refused with a message on the file's field."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from inspir_events.uploads import images, rules
from inspir_events.uploads.errors import UploadRefused
from tests.uploads.conftest import ARTIST, bomb, drawn


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_each_format_is_re_encoded_at_each_width_without_exif(app, kind):
    original = drawn(kind)
    assert Image.open(io.BytesIO(original)).getexif()[ARTIST] == "Jean Photographe"
    with app.test_request_context():
        prepared = images.prepare(original)
    assert prepared.extension == rules.IMAGE_FORMATS[kind][0]
    assert (prepared.width, prepared.height) == (1600, 900)
    assert [r.width for r in prepared.renditions] == [320, 640, 1280]
    for rendition in prepared.renditions:
        assert rendition.data != original
        image = Image.open(io.BytesIO(rendition.data))
        assert image.format == kind
        assert image.size == (rendition.width, rendition.height)
        assert rendition.height == round(900 * rendition.width / 1600)
        assert not image.getexif()  # no artist, no GPS: nothing the camera wrote
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert b"Jean Photographe" not in rendition.data


def test_a_small_picture_is_kept_at_its_width(app):
    with app.test_request_context():
        prepared = images.prepare(drawn("PNG", size=(200, 100)))
    assert [(r.width, r.height) for r in prepared.renditions] == [(200, 100)]


def test_the_exif_orientation_is_applied_before_it_is_dropped(app):
    image = Image.new("RGB", (400, 200), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    with app.test_request_context():
        prepared = images.prepare(out.getvalue())
    assert (prepared.width, prepared.height) == (200, 400)


def refusal(app, data: bytes) -> UploadRefused:
    with app.test_request_context(), pytest.raises(UploadRefused) as caught:
        images.prepare(data)
    assert caught.value.field == "image"
    return caught.value


def test_a_fake_extension_or_another_format_is_refused(app):
    for data in (b"<script>alert(1)</script>", b"%PDF-1.4 not a picture",
                 drawn("GIF", exif=False), drawn("BMP", exif=False)):
        assert "JPEG, PNG or WebP" in str(refusal(app, data).message)


def test_a_truncated_picture_is_refused(app):
    assert "JPEG, PNG or WebP" in str(refusal(app, drawn("PNG")[:400]).message)


def test_a_decompression_bomb_is_refused_before_it_is_decoded(app):
    data = bomb()  # 400 million pixels in a few tens of kilobytes
    assert len(data) < 200_000
    assert "too large in pixels" in str(refusal(app, data).message)
    # Between Pillow's limit and twice it, Pillow only warns: refused all the same.
    assert "too large in pixels" in str(refusal(app, bomb(50_000_000)).message)


def test_an_oversize_file_and_an_empty_one_are_refused(app):
    assert "5 MB" in str(refusal(app, b"\xff\xd8" + b"0" * rules.IMAGE_MAX_BYTES).message)
    assert refusal(app, b"").message
