"""The demo's pictures and documents (issue 20 §4), sent through the use cases as their
people would: the hackathon's organiser illustrates it (a JPEG whose camera data the
platform strips) and sends its detailed budget as a PDF with the co-funding application;
the diffused project's team illustrates it (WebP); the support structure its page (PNG).

The pictures are drawn here with Pillow (no file is shipped), the PDF written by hand:
one page, its text in a standard font, its cross-reference table computed.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from sqlalchemy import select

from inspir_events.accounts.models import User
from inspir_events.aid.cofunding import documents
from inspir_events.aid.projects.models import Project, ProjectMember
from inspir_events.aid.projects.stages import Stage
from inspir_events.events.models import Event
from inspir_events.extensions import db
from inspir_events.pictures import services as pictures

# Camera data the upload carries and the platform strips (EXIF tag 0x013B: Artist).
EXIF_ARTIST = 0x013B


def drawing(kind: str, colours: tuple[str, str], size=(1600, 900), exif=None) -> bytes:
    """A picture of ``size``: a band of two colours and a few circles, as ``kind``."""
    image = Image.new("RGB", size, colours[0])
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((0, height * 2 // 3, width, height), fill=colours[1])
    for i in range(5):
        x = width * (i + 1) // 6
        radius = height // (8 + i)
        draw.ellipse((x - radius, height // 3 - radius, x + radius, height // 3 + radius),
                     fill=colours[1], outline="white", width=6)
    out = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    image.save(out, format=kind, **options)
    return out.getvalue()


def pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing ``lines`` (Latin-1 text), valid for any reader."""
    text = "BT /F1 14 Tf 72 770 Td 18 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
        for line in lines) + " ET"
    stream = text.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
        b"/Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


HACKATHON_BUDGET = [
    "Hackathon - budget previsionnel detaille",
    "Location du lieu et accueil : 6 000,00 EUR",
    "Animation et jury : 9 000,00 EUR",
    "Cartes electroniques et capteurs : 9 000,00 EUR",
    "Total : 24 000,00 EUR ; part Region demandee : 10 000,00 EUR",
]


def send_hackathon_budget(organiser: User, hackathon: Event) -> None:
    """The hackathon's organiser sends its detailed budget (PDF) with the draft."""
    documents.upload(organiser, hackathon.id, "budget", pdf(HACKATHON_BUDGET))


def seed(users: dict[str, User], hackathon: Event) -> None:
    """Pictures on the upcoming hackathon, the diffused project and the structure."""
    exif = Image.Exif()
    exif[EXIF_ARTIST] = "Appareil de l'organisateur"
    pictures.set_picture(users["orga"], "event", hackathon.id,
                         drawing("JPEG", ("#1d3557", "#e63946"), exif=exif.tobytes()),
                         "Des équipes penchées sur des cartes électroniques, au hackathon")
    diffused = db.session.scalar(select(Project).where(Project.stage == Stage.DIFFUSION)
                                 .order_by(Project.id).limit(1))
    member = db.session.scalar(select(User).join(ProjectMember, ProjectMember.user_id == User.id)
                               .where(ProjectMember.project_id == diffused.id)
                               .order_by(ProjectMember.user_id).limit(1))
    pictures.set_picture(member, "project", diffused.id,
                         drawing("WEBP", ("#2a9d8f", "#264653")),
                         "L'équipe du projet présente son prototype aux habitants")
    pictures.set_picture(users["structure"], "support_structure", users["structure"].id,
                         drawing("PNG", ("#f4a261", "#e76f51"), size=(960, 540)),
                         "L'atelier de la structure d'accompagnement")
