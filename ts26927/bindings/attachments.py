"""Non-JSON payloads beside messages: numpy arrays as ``.npy`` bytes (a documented,
language-neutral format), read back without pickles."""

from __future__ import annotations

import io

import numpy as np

from ts26927.errors import AttachmentError

#: Largest array accepted from an attachment.
MAX_ARRAY_BYTES = 256 * 1024 * 1024


def array_to_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def bytes_to_array(data: bytes, name: str = "attachment") -> np.ndarray:
    if len(data) > MAX_ARRAY_BYTES:
        raise AttachmentError(f"{name}: larger than {MAX_ARRAY_BYTES} bytes")
    try:
        return np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise AttachmentError(f"{name}: not a .npy array ({error})") from None


def require(attachments: dict[str, bytes], name: str, where: str) -> bytes:
    try:
        return attachments[name]
    except KeyError:
        raise AttachmentError(f"{where}: attachment {name!r} is missing") from None
