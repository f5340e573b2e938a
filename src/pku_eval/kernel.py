"""Warm kernels: a kernel server that imports the heavy libraries once and forks a fresh
kernel for each chapter.

A cold kernel pays, per chapter, the start of a Python process and the imports of pandas,
numpy, matplotlib, statsmodels, scipy, lifelines and the chapter code (seconds each time). The
kernel server is one process per build command that does those imports once — it never runs
chapter code — and then waits on a local socket. For each chapter its kernel manager (in a
thread of the build process) asks it for a kernel: the server forks, and the child (a new
session, its own working directory, environment, stdout and stderr) starts a real ipykernel
on the connection file jupyter_client wrote, exactly as ``python -m ipykernel_launcher -f
<file>`` would. papermill then executes the notebook in it as in any kernel.

Isolation: every kernel is a fork of the pristine server, never of another chapter's kernel,
so no chapter sees another's state; each kernel is a process of its own, so a crash in one
takes no other down (the server only forks and waits). Pages the kernels share with the server
are counted once in the proportional set size (PSS), which is how the benchmark measures
memory. A kernel is warm only when the environment that the imports read is the same as the
build's; otherwise, or when the server is not there, the build starts a cold kernel, and
``PKU_EVAL_WARM=0`` turns warm kernels off (the test that compares warm with cold builds uses
it). ``tests/test_warm_kernels.py`` checks that both give identical results and notebooks.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import ClassVar

#: The environment variables that the preloaded imports read (configuration of Python, the
#: numerical libraries' threads, matplotlib, locale and time zone, the suite's own): a kernel
#: is warm only when these are the same as the server's. The kernel gets the build's whole
#: environment in any case.
IMPORT_ENV = ("PKU_EVAL_", "PYTHON", "MPL", "OMP_", "OPENBLAS", "MKL_", "NUMEXPR", "KMP_",
              "LC_", "LANG", "TZ", "HOME", "XDG_", "JUPYTER", "IPYTHON", "PANDAS", "NUMPY",
              "SCIPY", "ARROW", "TMPDIR", "GOTO", "VECLIB", "BLIS", "PYDEVD", "DEBUGPY",
              "MALLOC_")
#: ipykernel's default for the matplotlib backend (``IPKernelApp.init_gui_pylab``): set before
#: matplotlib is imported, as in a cold kernel where the chapter imports it after the kernel
#: started.
INLINE = "module://matplotlib_inline.backend_inline"
#: What the server imports (each on its own: one that fails is left to the kernel to import):
#: the libraries and, so that no kernel holds a private copy of them, what every kernel imports
#: when it starts (the debugger, pdb, the history's sqlite3) and when it reads the store.
HEAVY = ("numpy", "pandas", "pyarrow", "pyarrow.parquet", "scipy.stats", "scipy.optimize",
         "matplotlib", "matplotlib.pyplot", "statsmodels.api", "statsmodels.formula.api",
         "lifelines", "yaml", "babel.numbers", "babel.dates", "IPython", "ipykernel.kernelapp",
         "ipykernel.debugger", "pdb", "sqlite3", "pyarrow.dataset", "pyarrow.pandas_compat",
         "pandas.core.reshape.reshape", "pku_eval.store", "pku_eval.privacy",
         # what every kernel imports when it starts or shows a figure (#19: found by diffing
         # a kernel's sys.modules with the server's)
         "IPython.core.completerlib", "IPython.core.debugger", "IPython.core.oinspect",
         "IPython.core.logger", "IPython.extensions.storemagic", "IPython.utils.wildcard",
         "tornado.platform.asyncio", "zmq.utils.garbage", "zoneinfo",
         "PIL.PngImagePlugin", "PIL.BmpImagePlugin", "PIL.GifImagePlugin",
         "PIL.JpegImagePlugin", "PIL.PpmImagePlugin")
#: Set in the build's environment before its processes start (the kernels get it, warm or
#: cold, and so does the data preparation): Arrow's default memory pool (mimalloc) keeps about
#: 35 MB of every process that read Parquet; the system allocator gives it back. glibc gives
#: each thread that allocates an arena of its own (a kernel has half a dozen threads: iopub,
#: heartbeat, control, history, …), each keeping what it freed: two arenas are enough; and it
#: raises its mmap threshold as blocks are freed, after which freed arrays and figure buffers
#: stay in its heap: a fixed threshold (glibc's starting value, 128 KiB) gives them back. None
#: of this changes a value, only where memory lives.
MEMORY_ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2",
              "MALLOC_MMAP_THRESHOLD_": "131072", "MALLOC_TRIM_THRESHOLD_": "131072"}


def memory_env() -> None:
    """:data:`MEMORY_ENV` in this process's environment (a value the user set is kept)."""
    for name, value in MEMORY_ENV.items():
        os.environ.setdefault(name, value)


def enabled() -> bool:
    """Warm kernels unless ``PKU_EVAL_WARM=0``."""
    return os.environ.get("PKU_EVAL_WARM", "1").strip().lower() not in ("0", "no", "false", "off")


# ---------------------------------------------------------------- the build's side

class KernelServer:
    """The kernel server process of a build command (started from the main thread: it ends
    with the build process)."""

    def __init__(self, key: str = ""):
        self.key = key
        self.folder = tempfile.mkdtemp(prefix="pku-eval-ks-")  # private (0700)
        self.path = str(Path(self.folder) / "socket")
        self.started = time.perf_counter()
        memory_env()  # the server's kernels and this process's cold ones see the same
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pku_eval.kernel", self.path, str(os.getpid())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)  # Ctrl-C reaches the build, which stops the server

    def ready(self, timeout: float = 600) -> bool:
        """Wait until the server listens (its socket appears when the imports are done);
        False when it ended or did not get there in time (the chapters then run cold)."""
        end = time.monotonic() + timeout
        while not Path(self.path).exists():
            if self.proc.poll() is not None or time.monotonic() > end:
                return False
            time.sleep(0.02)
        return True

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)


class Unavailable(Exception):
    """No warm kernel (no server, a different environment): the build starts a cold one."""


class ForkedKernel:
    """A kernel process forked by the server, with the part of ``subprocess.Popen`` that
    jupyter_client uses. It is the server's child (which reaps it), so its end is watched
    through a pid file descriptor; its exit status is not known (``0`` once ended)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, pidfd: int):
        self.pid, self._fd, self.returncode = pid, pidfd, None

    def poll(self, timeout: float = 0) -> int | None:
        if self.returncode is None and self._fd >= 0:
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if ready:
                self.returncode = 0
                os.close(self._fd)
                self._fd = -1
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll(1.0 if end is None else max(0.0, min(1.0, end - time.monotonic()))) \
                is None:
            if end is not None and time.monotonic() >= end:
                raise subprocess.TimeoutExpired("kernel", timeout)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._fd, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def request_kernel(server: str, cmd: list[str], env: dict, cwd: str | None,
                   output: int = 2) -> ForkedKernel:
    """Ask the server at ``server`` for a kernel running ``cmd`` (``python -m
    ipykernel_launcher -f <connection file>``) with ``env`` in ``cwd``; its stdout and stderr
    go to the file descriptor ``output`` (the chapter's log)."""
    if "ipykernel_launcher" not in cmd[1:3]:
        raise Unavailable(f"not an ipykernel: {' '.join(cmd[:3])[-80:]}")
    if not Path(server).exists():
        raise Unavailable("no kernel server")
    args = cmd[cmd.index("ipykernel_launcher") + 1:]
    msg = json.dumps({"args": args, "env": dict(env), "cwd": str(cwd or os.getcwd())})
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        try:
            s.connect(server)
            socket.send_fds(s, [msg.encode()], [output, output])
            data, fds, _, _ = socket.recv_fds(s, 65536, 1)
        except OSError as exc:
            raise Unavailable(str(exc)) from None
    reply = json.loads(data or b"{}")
    if "pid" not in reply or not fds:
        for fd in fds:
            os.close(fd)
        raise Unavailable(reply.get("error", "no reply"))
    return ForkedKernel(reply["pid"], fds[0])


#: The provisioners of the kernels that chapters run in now (warm or cold), so that an
#: interrupted build can end them (a warm kernel is in a session of its own: Ctrl-C does not
#: reach it).
RUNNING: set = set()


def stop_running() -> None:
    """End every kernel a chapter of this process runs in (after an interruption: the
    chapter's papermill then finds its kernel dead and returns)."""
    for provisioner in list(RUNNING):
        proc = getattr(provisioner, "process", None)
        try:
            if proc is not None:
                proc.kill()
        except (OSError, ValueError):
            pass


def kernel_manager_class(server: str | None, output: int | None = None):
    """The kernel manager a chapter gives papermill: kernels over IPC sockets (files in the
    temporary folder, absolute paths; never a TCP port), warm from ``server`` when it can;
    the kernel's stdout and stderr go to the file descriptor ``output`` (the chapter's log;
    None: this process's)."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner
    from traitlets import CaselessStrEnum, default

    class WarmProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd, **kwargs):
            env = dict(kwargs.get("env") or os.environ)
            env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
            try:
                if server is None:
                    raise Unavailable("")
                self.process = request_kernel(server, cmd, env, kwargs.get("cwd"),
                                              2 if output is None else output)
            except Unavailable as exc:
                if server is not None:
                    LocalKernelManager.launched.append(str(exc))
                if output is not None:
                    kwargs.update(stdout=output, stderr=output)
                info = await super().launch_kernel(cmd, **kwargs)
                RUNNING.add(self)
                return info
            LocalKernelManager.launched.append(True)
            RUNNING.add(self)
            self.pid = self.pgid = self.process.pid  # the child made itself a session leader
            self.cwd = kwargs.get("cwd")
            return self.connection_info

        async def wait(self):
            try:
                return await super().wait()
            finally:
                RUNNING.discard(self)

    class LocalKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)
        #: per kernel started: True when it was forked warm, else why it was not
        launched: ClassVar[list] = []

        @default("ip")
        def _ip_default(self):
            return str(Path(tempfile.gettempdir()) / f"pku-eval-kernel-{uuid.uuid4().hex[:12]}")

        @default("client_factory")
        def _client_factory_default(self):
            return ready_client_class()

        async def _async_finish_shutdown(self, waittime=None, pollinterval=0.01,
                                         restart=False):
            # jupyter_client polls the ending kernel every 0.1 s: a chapter waited up to that
            # long for a kernel that had already ended (#19)
            return await super()._async_finish_shutdown(waittime, pollinterval, restart)

        async def _async_pre_start_kernel(self, **kw):
            if self.provisioner is None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = WarmProvisioner(kernel_id=self.kernel_id,
                                                   kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return LocalKernelManager


_READY_CLIENT: list = []


def ready_client_class():
    """jupyter_client's asynchronous kernel client, except in how it knows the kernel is
    ready. jupyter_client's ``wait_for_ready`` gets the kernel_info reply, checks that IOPub
    is connected (a message within 0.2 s), then empties IOPub until no message came for 0.2 s:
    every kernel start waited those 0.2 s at least (#19: 2 s summed over a report's chapters).

    This client first waits for the kernel's greeting on IOPub (``iopub_welcome``, which
    ipykernel sends each subscriber once its subscription is live: nothing the kernel
    publishes after it is lost), then asks for kernel_info and waits for the kernel's "idle"
    status of that request: the last message the kernel sends for it, so the same messages
    are consumed as by jupyter_client's flush, and the notebook's outputs are the same. A
    kernel that sends no greeting within a second (an older ipykernel) gets jupyter_client's
    way: ask again until the idle status comes within 0.2 s."""
    if _READY_CLIENT:
        return _READY_CLIENT[0]
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.utils import ensure_async

    class ReadyClient(AsyncKernelClient):
        async def _iopub_until(self, wanted, timeout: float) -> bool:
            """Read IOPub until a message for which ``wanted(msg)``; False after ``timeout``
            seconds without it."""
            end = time.monotonic() + timeout
            while (left := end - time.monotonic()) > 0:
                try:
                    msg = await ensure_async(self.iopub_channel.get_msg(timeout=left))
                except Empty:
                    return False
                if wanted(msg):
                    return True
            return False

        async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
            end = time.time() + (float("inf") if timeout is None else timeout)
            greeted = await self._iopub_until(
                lambda m: m["msg_type"] == "iopub_welcome", min(1.0, end - time.time()))
            while True:
                self.kernel_info()
                try:
                    msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
                except Empty:
                    msg = None
                if msg is not None and msg["msg_type"] == "kernel_info_reply":
                    parent = msg["parent_header"].get("msg_id")
                    if await self._iopub_until(
                            lambda m: (m["msg_type"] == "status"
                                       and m["content"].get("execution_state") == "idle"
                                       and m["parent_header"].get("msg_id") == parent),
                            10.0 if greeted else 0.2):
                        self._handle_kernel_info_reply(msg)
                        return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.time() > end:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

        wait_for_ready = _async_wait_for_ready  # the name nbclient calls

    _READY_CLIENT.append(ReadyClient)
    return ReadyClient


# ---------------------------------------------------------------- the server

def _preload() -> list[str]:
    """Import the heavy libraries and the chapter code; returns what could not be imported."""
    os.environ.setdefault("MPLBACKEND", INLINE)
    failed = []
    names = list(HEAVY) + ["pku_eval.chapter"]
    chapters = Path(__file__).resolve().parent / "chapters"
    names += sorted(f"pku_eval.chapters.{p.parent.name}.content"
                    for p in chapters.glob("*/content.py"))
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001  (the kernel imports it and shows the error)
            failed.append(name)
    return failed


def _drop_file_pages() -> None:
    """Give back the pages of the libraries' files that the imports read and this process
    alone maps (``MADV_PAGEOUT`` on its file mappings; Linux 5.4 and later): the code run
    once while importing (initialisation, relocation) is not kept resident in the server, and
    a kernel reads back from the file only what it runs. Pages that another process maps, and
    the pages the imports wrote (a private copy), stay as they are."""
    if os.environ.get("PKU_EVAL_PAGEOUT", "1") == "0":
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.madvise.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
        with open("/proc/self/maps", encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 6 or not parts[5].startswith("/") or "w" in parts[1]:
                    continue
                start, end = (int(x, 16) for x in parts[0].split("-"))
                libc.madvise(start, end - start, 21)  # MADV_PAGEOUT
    except (OSError, AttributeError, ValueError):
        pass


def _set_parent_death_signal() -> None:
    """End with the build process (Linux: PR_SET_PDEATHSIG), whatever way it ends."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def serve(path: str, parent: int) -> None:
    """The server: preload, then fork a kernel per request until the build ends."""
    _set_parent_death_signal()
    if os.getppid() != parent:
        return
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does; the kernel puts '' back (init_path)
    base = dict(os.environ)
    gc.disable()  # no collection touches (and so copies) the pages the kernels share
    _preload()
    gc.freeze()
    _drop_file_pages()
    #: what the imports added to the environment (MPLBACKEND, KMP_INIT_AT_FORK, …): a cold
    #: kernel has them too once it imported the same
    added = {k: v for k, v in os.environ.items() if k not in base}
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they end
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    tmp = f"{path}.{os.getpid()}"
    listener.bind(tmp)  # in the build's private folder
    listener.listen(16)
    os.replace(tmp, path)  # the socket appears only when the server is ready
    paged_out = False
    while True:
        conn, _ = listener.accept()
        with conn:
            try:
                data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 2)
                req = json.loads(data)
            except (OSError, ValueError):
                continue
            env = req["env"]
            differ = sorted(k for k in set(base) | set(env) if base.get(k) != env.get(k)
                            and k.startswith(IMPORT_ENV) and k not in added)
            if differ or len(fds) != 2:
                conn.send(json.dumps({"error": f"environment differs: {differ[:5]}"}).encode())
                for fd in fds:
                    os.close(fd)
                continue
            if not paged_out:
                # once more before the first kernel: the server started with a new delivery,
                # so the receipt and the data preparation ran beside its imports and mapped
                # the same libraries then (a page another process maps is not paged out); they
                # have ended now (#19: 30 MB PSS more in the server without this)
                _drop_file_pages()
                paged_out = True
            pid = os.fork()
            if pid == 0:
                listener.close()
                _kernel(req["args"], {**added, **env}, req["cwd"], fds, conn)
            pidfd = os.pidfd_open(pid)
            for fd in fds:
                os.close(fd)
            try:
                socket.send_fds(conn, [json.dumps({"pid": pid}).encode()], [pidfd])
            except OSError:
                os.kill(pid, signal.SIGKILL)
            os.close(pidfd)


def _kernel(args: list[str], env: dict, cwd: str | None, fds: list[int],
            conn: socket.socket) -> None:
    """In the forked child: become a kernel as ``python -m ipykernel_launcher`` would."""
    code = 1
    try:
        conn.close()
        gc.enable()  # the server's objects stay frozen: out of the kernel's collections
        os.setsid()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        for fd in (null, *fds):
            os.close(fd)
        if cwd:
            os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        _fresh_random_state()
        import ipykernel_launcher
        from ipykernel import kernelapp

        sys.argv = [ipykernel_launcher.__file__, *args]
        # the app reads JPY_PARENT_PID when its class is defined (in the server): pass it
        kernelapp.launch_new_instance(argv=args,
                                      parent_handle=int(env.get("JPY_PARENT_PID") or 0))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001  (shown in the chapter's log)
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _fresh_random_state() -> None:
    """The global random states a fresh process would have (``random`` reseeds itself after
    a fork; numpy's legacy global state does not)."""
    np = sys.modules.get("numpy")
    if np is not None:
        np.random.seed()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
