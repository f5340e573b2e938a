"""A function run in a child process of its own (a fresh Python): the memory of what it reads
— a whole delivery, with pandas — goes back to the system when it ends, instead of staying in
the build process while the chapters run.

Not ``multiprocessing``: its spawn start method keeps a resource-tracker process alive for
the rest of the build (about 6 MB while the kernels run, #19). The function travels by
reference (it must be importable), its arguments and its result or exception by pickle
through a private temporary file; what it writes to stderr reaches the user as it is. The
child does not put the working folder on its import path (``-P``).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile

_CHILD = """
import pickle, sys
with open(sys.argv[1], "rb") as f:
    fn, args = pickle.load(f)
try:
    out = pickle.dumps(("ok", fn(*args)))
except BaseException as exc:  # handed to the parent, which raises it
    try:
        out = pickle.dumps(("error", exc))
    except Exception:  # an exception that does not pickle: its text
        import traceback
        out = pickle.dumps(("error", RuntimeError("".join(traceback.format_exception(exc)))))
with open(sys.argv[1], "wb") as f:
    f.write(out)
"""


def in_child(fn, *args):
    """``fn(*args)`` in a child Python process; its result, or its exception raised here."""
    fd, path = tempfile.mkstemp(prefix="pku-eval-child-")  # private (0600)
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump((fn, args), f)
        # the function's name last: what the child is doing, for ps and the benchmark
        res = subprocess.run([sys.executable, "-P", "-c", _CHILD, path,
                              f"{fn.__module__}.{fn.__qualname__}"], stdin=subprocess.DEVNULL)
        with open(path, "rb") as f:
            data = f.read()
        try:
            status, value = pickle.loads(data)
        except Exception:  # noqa: BLE001  (the child ended before it wrote its outcome)
            raise RuntimeError(f"a child process of the build ended with code "
                               f"{res.returncode} before it finished {fn.__qualname__}") from None
    finally:
        os.unlink(path)
    if status == "error":
        raise value
    return value
