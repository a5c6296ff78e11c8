"""Writing a file so that readers see the old one or the whole new one, never half of it."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator


@contextlib.contextmanager
def replacing(target: str) -> Iterator[str]:
    """A temporary path beside `target`, renamed over it when the block succeeds, removed when it fails.

    Used by the cache (ten processes may build it at once; one may be killed mid-write)
    and by `facts export -o` (an export that fails leaves the old file as it was).
    """
    import tempfile  # only when writing: a few ms of start-up otherwise

    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, "is a directory", target)
    folder = os.path.dirname(os.path.abspath(target))
    handle, tmp = tempfile.mkstemp(prefix=os.path.basename(target) + ".", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
