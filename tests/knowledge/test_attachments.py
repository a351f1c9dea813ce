"""Attachments of knowledge entries (knowledge/entries/attachments.py): what is taken, what is
refused and why, the virus-scan hook, encryption at rest and key rotation."""

import hashlib
import io
import time
import zipfile

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from alliance.core import crypto
from alliance.core.models import AuditEvent
from alliance.knowledge.entries import attachments
from alliance.knowledge.models import AttachmentData

from .builders import entry

OOXML_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}


def _zip(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), members.pop(stored_first),
                             compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(kind: str, main_type: str | None = None, **extra) -> bytes:
    types = (f'<?xml version="1.0"?><Types><Override PartName="/main.xml" '
             f'ContentType="{main_type or OOXML_TYPES[kind]}"/></Types>').encode()
    return _zip({"[Content_Types].xml": types, "main.xml": b"<doc/>", **extra})


def odf(mimetype: str) -> bytes:
    return _zip({"mimetype": mimetype.encode(), "content.xml": b"<doc/>"},
                stored_first="mimetype")


SAMPLES = {
    "report.pdf": b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n",
    "notes.docx": ooxml("docx"),
    "figures.xlsx": ooxml("xlsx"),
    "slides.pptx": ooxml("pptx"),
    "notes.odt": odf("application/vnd.oasis.opendocument.text"),
    "figures.ods": odf("application/vnd.oasis.opendocument.spreadsheet"),
    "slides.odp": odf("application/vnd.oasis.opendocument.presentation"),
    "readme.txt": "Përshëndetje, здраво, čćšžđ.\n".encode(),
    "table.csv": "\ufefftheme,count\nmotivation,3\n".encode(),
    "chart.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
    "photo.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 32,
    "photo.JPEG": b"\xff\xd8\xff\xdb" + b"\x00" * 32,
}


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def refusal_of(file) -> tuple[str, str]:
    with pytest.raises(ValidationError) as excinfo:
        attachments.validate(file)
    [error] = excinfo.value.error_dict["file"]
    return error.code, error.message


def refusal(name: str, data: bytes) -> tuple[str, str]:
    return refusal_of(upload(name, data))


# --- what is taken --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SAMPLES)
def test_it_takes_every_allowed_type_by_name_and_content(name):
    clean, content_type, data = attachments.validate(upload(name, SAMPLES[name]))
    assert clean == name
    assert data == SAMPLES[name]
    assert content_type == attachments.ALLOWED[name.rsplit(".", 1)[1].lower()]


def test_the_content_type_stored_is_never_the_browsers_claim():
    file = SimpleUploadedFile("report.pdf", SAMPLES["report.pdf"], content_type="text/html")
    assert attachments.validate(file)[1] == "application/pdf"


# --- what is refused, and why ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["setup.exe", "script.js", "page.html", "archive.zip",
                                  "macro.docm", "noextension", ".pdf"])
def test_it_refuses_a_type_the_knowledge_base_does_not_take(name):
    code, message = refusal(name, b"%PDF-1.7 whatever")
    assert code == "file_type"
    assert "is not a type the knowledge base takes" in message
    assert "PDF, Word (.docx)" in message


@pytest.mark.parametrize("name, data", [
    ("report.pdf", b"MZ\x90\x00 a program"),  # a program named .pdf
    ("chart.png", SAMPLES["photo.jpg"]),
    ("photo.jpg", SAMPLES["chart.png"]),
    ("notes.docx", SAMPLES["report.pdf"]),
    ("notes.docx", ooxml("xlsx")),  # a spreadsheet named .docx
    ("notes.docx", ooxml("docx", "application/vnd.ms-word.document.macroEnabled.main+xml")),
    ("notes.docx", ooxml("docx", **{"word/vbaProject.bin": b"macro"})),
    ("notes.docx", _zip({"main.xml": b"<doc/>"})),  # no [Content_Types].xml
    ("notes.odt", odf("application/vnd.oasis.opendocument.spreadsheet")),
    ("notes.odt", b"PK\x03\x04 but not a zip"),
])
def test_it_refuses_content_that_is_not_what_its_name_says(name, data):
    code, message = refusal(name, data)
    assert code == "file_content"
    assert f"The content of “{name}” is not what its name says" in message


@pytest.mark.parametrize("name, data", [
    ("readme.txt", b"text with a \x00 inside"),
    ("table.csv", "naïve".encode("latin-1")),
])
def test_it_refuses_text_that_is_not_utf8_or_holds_nul(name, data):
    code, message = refusal(name, data)
    assert code == "file_content"
    assert "is not plain UTF-8 text" in message


def test_it_refuses_an_empty_file():
    assert refusal("report.pdf", b"") == (
        "empty", "“report.pdf” is empty. Choose the file again.")


def test_it_refuses_a_file_over_the_limit_and_says_both_sizes(settings):
    settings.KNOWLEDGE_ATTACHMENT_MAX_BYTES = 1024 * 1024
    code, message = refusal("report.pdf", b"%PDF-" + b"x" * (1536 * 1024))
    assert code == "too_large"
    assert "The file is 1.5\xa0MB; the limit is 1.0\xa0MB." in message


def test_the_limit_follows_the_setting(settings):
    settings.KNOWLEDGE_ATTACHMENT_MAX_BYTES = 1234
    assert attachments.MAX_BYTES == 1234


def test_it_stops_reading_a_stream_that_grows_past_the_limit(settings):
    settings.KNOWLEDGE_ATTACHMENT_MAX_BYTES = 1000
    file = upload("report.pdf", b"%PDF-" + b"x" * 5000)
    file.size = None  # a stream whose size nobody announced
    code, message = refusal_of(file)
    assert (code, message) == (
        "too_large", "The file is over 1000\xa0bytes, the limit. Make it smaller and try again.")


def test_a_zip_bomb_is_refused_without_being_extracted():
    # 200 MB of zeros compress to about 200 KB; the check reads no member larger than 1 MiB.
    buffer = io.BytesIO()
    chunk = b"\x00" * (1024 * 1024)
    with (zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
          archive.open("[Content_Types].xml", "w") as member):
        for _ in range(200):
            member.write(chunk)
    started = time.monotonic()
    code, _message = refusal("bomb.docx", buffer.getvalue())
    assert code == "file_content"
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("given, kept", [
    ("C:\\Users\\ana\\Desktop\\report.pdf", "report.pdf"),
    ("../../etc/report.pdf", "report.pdf"),
    ("re\x00po\x1brt\u202e.pdf", "report.pdf"),
    ("  spaced   out .pdf ", "spaced out .pdf"),
    ("Извештај о раду.pdf", "Извештај о раду.pdf"),
])
def test_it_cleans_the_file_name(given, kept):
    assert attachments.clean_file_name(given) == kept


def test_a_long_file_name_is_cut_to_200_characters_keeping_its_extension():
    name = attachments.clean_file_name("a" * 300 + ".docx")
    assert len(name) == 200
    assert name.endswith("a.docx")


# --- the virus-scan hook ----------------------------------------------------------------------------

scanned: list[tuple[bytes, str]] = []


def recording_scanner(data: bytes, file_name: str) -> None:
    scanned.append((data, file_name))


def infected_scanner(data: bytes, file_name: str) -> None:
    raise ValidationError(f"“{file_name}” holds Eicar-Test-Signature. It was not saved.")


@pytest.mark.django_db
def test_the_configured_scanner_sees_every_file_before_it_is_saved(world, settings):
    settings.KNOWLEDGE_ATTACHMENT_SCANNER = f"{__name__}.recording_scanner"
    scanned.clear()
    attachments.store(entry=entry(world.treatment_a), upload=upload(
        "report.pdf", SAMPLES["report.pdf"]), actor=world.treatment_a)
    assert scanned == [(SAMPLES["report.pdf"], "report.pdf")]


@pytest.mark.django_db
def test_a_file_the_scanner_refuses_is_not_saved_and_says_why(world, settings):
    settings.KNOWLEDGE_ATTACHMENT_SCANNER = f"{__name__}.infected_scanner"
    e = entry(world.treatment_a)
    with pytest.raises(ValidationError) as excinfo:
        attachments.store(entry=e, upload=upload("report.pdf", SAMPLES["report.pdf"]),
                          actor=world.treatment_a)
    [error] = excinfo.value.error_dict["file"]
    assert error.code == "virus"
    assert "Eicar-Test-Signature" in error.message
    assert not e.attachments.exists()


# --- at rest ------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_stored_file_is_encrypted_and_reads_back_intact(world):
    e = entry(world.treatment_a)
    data = SAMPLES["notes.docx"]
    events = AuditEvent.objects.count()
    attachment = attachments.store(entry=e, upload=upload("notes.docx", data),
                                   actor=world.treatment_a)
    attachment.refresh_from_db()
    assert (attachment.file_name, attachment.size, attachment.uploaded_by) == (
        "notes.docx", len(data), world.treatment_a)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT ciphertext FROM knowledge_attachmentdata WHERE attachment_id = %s",
                       [attachment.pk])
        raw = bytes(cursor.fetchone()[0])
    assert raw.startswith(b"gAAAA")  # a Fernet token
    assert b"[Content_Types].xml" not in raw
    assert attachments.read(attachment) == data
    assert AuditEvent.objects.count() == events  # the caller's service writes the audit row


@pytest.mark.django_db
def test_a_file_that_does_not_match_its_checksum_is_not_returned(world):
    attachment = attachments.store(entry=entry(world.treatment_a), upload=upload(
        "readme.txt", SAMPLES["readme.txt"]), actor=world.treatment_a)
    AttachmentData.objects.filter(pk=attachment.pk).update(
        ciphertext=crypto.encrypt_bytes(b"something else"))
    with pytest.raises(crypto.DecryptionError):
        attachments.read(attachment)


@pytest.mark.django_db
def test_key_rotation_reencrypts_the_files_in_batches(world, settings):
    e = entry(world.treatment_a)
    stored = [attachments.store(entry=e, upload=upload(name, SAMPLES[name]),
                                actor=world.treatment_a)
              for name in ("report.pdf", "notes.odt", "table.csv")]
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = io.StringIO()
    call_command("rotate_encryption_keys", "--file-batch-size", "2", stdout=out)
    assert "knowledge.AttachmentData.ciphertext: 3 rows re-encrypted" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone now
    for attachment, name in zip(stored, ("report.pdf", "notes.odt", "table.csv"), strict=True):
        assert attachments.read(attachment) == SAMPLES[name]
