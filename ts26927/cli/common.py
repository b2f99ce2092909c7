"""What every subcommand module shares: exit codes and reading a document."""

from __future__ import annotations

import sys
from typing import BinaryIO

from ts26927 import validation
from ts26927.errors import DocumentError, MalformedDocumentError, MalformedModelError

#: 0 success; 1 the thing checked is wrong (a document that is not JSON within the limits or
#: not of its type, stale files, a failed check); 2 usage errors (unknown type or flow, a file
#: that cannot be read, an option file the command cannot use).
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

_CHUNK = 1 << 20


def exit_code(error: Exception, usage: tuple[type[Exception], ...]) -> int:
    """EXIT_USAGE for the ``usage`` errors (a name or a file the command cannot use), else
    EXIT_INVALID; content that was read but is malformed (a document that is not JSON within
    the limits, bytes that are not an ONNX model) is always invalid input."""
    if isinstance(error, MalformedDocumentError | MalformedModelError):
        return EXIT_INVALID
    return EXIT_USAGE if isinstance(error, usage) else EXIT_INVALID


def _read_capped(handle: BinaryIO) -> bytes:
    """At most one byte past the size cap, read in chunks: enough for the loader to refuse an
    oversized document, without reserving the cap's worth of memory for a small one."""
    chunks: list[bytes] = []
    left = validation.MAX_DOCUMENT_BYTES + 1
    while left > 0:
        chunk = handle.read(min(_CHUNK, left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_document(path: str) -> tuple[bytes, str]:
    """The bytes of ``path`` (``-``: standard input), at most one past the size cap, and the
    name to report them under; DocumentError when the file cannot be read."""
    if path == "-":
        return _read_capped(sys.stdin.buffer), "<stdin>"
    try:
        with open(path, "rb") as handle:
            return _read_capped(handle), path
    except OSError as error:
        raise DocumentError(path, f"cannot read: {error.strerror or error}") from None
