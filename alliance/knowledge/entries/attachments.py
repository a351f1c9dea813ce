"""Files attached to knowledge entries: what is taken, how it is checked and how it is kept.

* **What**: documents and images only (ALLOWED). A file must have an allowed extension AND
  content that is really of that type (its magic bytes; for Office and OpenDocument files, the
  zip member that names the document type, read without extracting anything, so a zip bomb
  costs nothing). Macro-enabled Office files are refused. Text and CSV must be UTF-8 without NUL.
* **Size**: at most settings.KNOWLEDGE_ATTACHMENT_MAX_BYTES (10 MiB unless configured); empty
  files are refused.
* **Viruses**: settings.KNOWLEDGE_ATTACHMENT_SCANNER may name a callable
  `scan(data: bytes, file_name: str)` that raises ValidationError to refuse the file (see
  docs/deployment.md for ClamAV). A scanner that cannot scan should refuse, not let through.
* **At rest**: encrypted with the field keys (core.crypto.encrypt_bytes) in AttachmentData, a
  separate row so lists never load it; the SHA-256 of the plaintext is kept to check a read.

`store` checks no permission and writes no audit row: the entry service that calls it does both.
Its errors are keyed "file".
"""

import hashlib
import io
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from alliance.core import crypto

from ..models import Attachment, AttachmentData

MIB = 1024 * 1024
MAX_NAME = 200

# Extension -> the content type stored and served (never the browser's claim).
ALLOWED = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain",
    "csv": "text/csv",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}

# OOXML: the content type [Content_Types].xml gives the main part (the macro-enabled variants
# have other types, so they fail this check).
_OOXML_MAIN = {
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
_MAGIC = {"pdf": (b"%PDF-",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",),
          "jpeg": (b"\xff\xd8\xff",)}
_ZIP = b"PK\x03\x04"
_MEMBER_LIMIT = MIB  # the most read of one zip member (its declared size may lie)


def __getattr__(name):
    # MAX_BYTES follows the setting at the time it is read (tests override it).
    if name == "MAX_BYTES":
        return settings.KNOWLEDGE_ATTACHMENT_MAX_BYTES
    raise AttributeError(name)


def allowed_types() -> str:
    """The types taken, in words, for help texts and refusals."""
    return _("PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument (.odt, .ods, "
             ".odp), text (.txt, .csv) and PNG or JPEG images")


def accept_attribute() -> str:
    """The value of a file input's `accept` attribute."""
    return ",".join(f".{ext}" for ext in ALLOWED)


def _refuse(message: str, code: str):
    raise ValidationError({"file": [ValidationError(message, code=code)]})


def _size(size: int) -> str:
    return filesizeformat(size)  # "1.5 MB", in the reader's language


def clean_file_name(name: str) -> str:
    """The last part of a path, without control or format characters, at most 200 characters
    (the extension kept)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[:MAX_NAME - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_NAME]
    return name


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _read(upload, limit: int) -> bytes:
    """At most limit + 1 bytes of the upload (enough to know it is too large)."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    buffer = io.BytesIO()
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter([upload.read()])
    for chunk in chunks:
        buffer.write(chunk)
        if buffer.tell() > limit:
            break
    return buffer.getvalue()


def _zip_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _MEMBER_LIMIT:
        return None
    with archive.open(info) as member:
        return member.read(_MEMBER_LIMIT + 1)


def _content_matches(ext: str, data: bytes) -> bool:
    if ext in _MAGIC:
        return data.startswith(_MAGIC[ext])
    if ext in ("txt", "csv"):
        text = data.removeprefix(b"\xef\xbb\xbf")
        try:
            text.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in text
    if not data.startswith(_ZIP):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if ext in _OOXML_MAIN:
                if any(n.lower().endswith("vbaproject.bin") for n in archive.namelist()):
                    return False
                types = _zip_member(archive, "[Content_Types].xml")
                return types is not None and _OOXML_MAIN[ext] in types
            # ODF: the "mimetype" member holds exactly the document's type.
            mimetype = _zip_member(archive, "mimetype")
            return mimetype is not None and mimetype.strip() == ALLOWED[ext].encode()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError,
            RuntimeError, ValueError):
        return False


def validate(upload) -> tuple[str, str, bytes]:
    """Check an uploaded file (a Django UploadedFile). Returns its clean name, the content type
    to store and serve, and its bytes; raises ValidationError({"file": [reason]}) otherwise."""
    limit = settings.KNOWLEDGE_ATTACHMENT_MAX_BYTES
    name = clean_file_name(getattr(upload, "name", ""))
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        _refuse(_("The file is %(size)s; the limit is %(limit)s. Make it smaller (for "
                  "example, save it as PDF or compress its images) and try again.")
                % {"size": _size(size), "limit": _size(limit)}, "too_large")
    data = _read(upload, limit)
    if len(data) > limit:
        _refuse(_("The file is over %(limit)s, the limit. Make it smaller and try again.")
                % {"limit": _size(limit)}, "too_large")
    if not data:
        _refuse(_("“%(name)s” is empty. Choose the file again.") % {"name": name}, "empty")
    ext = _extension(name)
    if ext not in ALLOWED:
        _refuse(_("“%(name)s” is not a type the knowledge base takes: %(allowed)s.")
                % {"name": name, "allowed": allowed_types()}, "file_type")
    if not _content_matches(ext, data):
        if ext in ("txt", "csv"):
            message = _("“%(name)s” is not plain UTF-8 text. Save it as UTF-8 text and try "
                        "again.")
        else:
            message = _("The content of “%(name)s” is not what its name says (.%(ext)s). "
                        "Save it again in that format, or choose another file.")
        _refuse(message % {"name": name, "ext": ext}, "file_content")
    return name, ALLOWED[ext], data


def scan(data: bytes, file_name: str) -> None:
    """Run the configured virus scanner, if any; it raises ValidationError to refuse."""
    path = settings.KNOWLEDGE_ATTACHMENT_SCANNER
    if not path:
        return
    try:
        import_string(path)(data, file_name)
    except ValidationError as exc:
        _refuse(" ".join(exc.messages), "virus")


@transaction.atomic
def store(*, entry, upload, actor) -> Attachment:
    """Validate, scan, encrypt and save an upload as an attachment of `entry`, uploaded by
    `actor`. No permission check and no audit row: the caller's service does both."""
    name, content_type, data = validate(upload)
    scan(data, name)
    attachment = Attachment.objects.create(
        entry=entry, file_name=name, content_type=content_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor)
    AttachmentData.objects.create(attachment=attachment, ciphertext=crypto.encrypt_bytes(data))
    return attachment


def read(attachment) -> bytes:
    """The attachment's bytes, decrypted and checked against the SHA-256 kept at upload."""
    token = (AttachmentData.objects.filter(attachment_id=attachment.pk)
             .values_list("ciphertext", flat=True).get())
    data = crypto.decrypt_bytes(token)
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise crypto.DecryptionError("A stored file does not match the checksum kept at upload.")
    return data
