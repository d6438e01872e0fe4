"""The ZIP Alipay e-mails the export in, opened in memory, within size limits.

Alipay protects the ZIP with a password it shows in the app (解压密码). ``pyzipper`` reads both
the old ZipCrypto and AES encryption (the standard library reads only ZipCrypto), so either
works. Nothing is written to disk. Sizes are checked from the ZIP's directory before anything
is inflated, and again while reading, so a ZIP bomb stops at the limit.
"""

from __future__ import annotations

import io
import zlib

import pyzipper
from pyzipper import BadZipFile, LargeZipFile

from scoring.alipay_bill.errors import BillImportError, Reason
from scoring.alipay_bill.limits import MAX_FILE_BYTES, MAX_ZIP_EXPANDED_BYTES, MAX_ZIP_MEMBERS

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
CHUNK = 1024 * 1024


def is_zip(data: bytes) -> bool:
    """Whether ``data`` starts like a ZIP archive."""
    return data.startswith(ZIP_MAGIC)


def _read_limited(archive: pyzipper.AESZipFile, info: pyzipper.ZipInfo, limit: int) -> bytes:
    """A member's bytes, refusing more than ``limit`` whatever its directory entry claimed."""
    parts: list[bytes] = []
    size = 0
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise BillImportError(Reason.TOO_BIG, f"the CSV in the ZIP expands past {limit} bytes")
            parts.append(chunk)
    return b"".join(parts)


def _password_bytes(password: str | bytes | None) -> bytes | None:
    if password is None or isinstance(password, bytes):
        return password or None
    return password.strip().encode("utf-8") or None


def extract_csv(data: bytes, password: str | bytes | None = None, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The one CSV inside an Alipay ZIP.

    Raises ``BillImportError``: ZIP_BROKEN, ZIP_TOO_MANY_FILES, ZIP_TOO_BIG, ZIP_NO_CSV, TOO_BIG
    (the CSV alone is over ``max_bytes``), ZIP_PASSWORD_NEEDED (encrypted, no password given) or
    ZIP_PASSWORD_WRONG. The password is used for this call only and never kept.
    """
    secret = _password_bytes(password)
    try:
        with pyzipper.AESZipFile(io.BytesIO(data)) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if len(members) > MAX_ZIP_MEMBERS:
                raise BillImportError(Reason.ZIP_TOO_MANY_FILES, f"{len(members)} files, at most {MAX_ZIP_MEMBERS}")
            expanded = sum(info.file_size for info in members)
            if expanded > MAX_ZIP_EXPANDED_BYTES:
                raise BillImportError(Reason.ZIP_TOO_BIG, f"expands to {expanded} bytes")
            csvs = [
                info
                for info in members
                if info.filename.lower().endswith(".csv") and not info.filename.startswith("__MACOSX")
            ]
            if not csvs:
                raise BillImportError(Reason.ZIP_NO_CSV)
            target = max(csvs, key=lambda info: info.file_size)
            if target.file_size > max_bytes:
                raise BillImportError(Reason.TOO_BIG, f"the CSV in the ZIP is {target.file_size} bytes")
            encrypted = bool(target.flag_bits & 0x1)
            if encrypted and secret is None:
                raise BillImportError(Reason.ZIP_PASSWORD_NEEDED)
            if secret is not None:
                archive.setpassword(secret)
            try:
                return _read_limited(archive, target, max_bytes)
            except (RuntimeError, BadZipFile, zlib.error, ValueError, EOFError) as exc:
                # ZipCrypto's one check byte lets 1 wrong password in 256 through; it then
                # fails the CRC or inflate, which for an encrypted member means the same thing.
                if encrypted:
                    raise BillImportError(Reason.ZIP_PASSWORD_WRONG) from None
                raise BillImportError(Reason.ZIP_BROKEN, type(exc).__name__) from None
    except BillImportError:
        raise
    except (BadZipFile, LargeZipFile, NotImplementedError, zlib.error, ValueError, EOFError, OSError) as exc:
        raise BillImportError(Reason.ZIP_BROKEN, type(exc).__name__) from None
    except (RuntimeError, KeyError, IndexError, OverflowError, UnicodeDecodeError) as exc:
        raise BillImportError(Reason.ZIP_BROKEN, type(exc).__name__) from None
