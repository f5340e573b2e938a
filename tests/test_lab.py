"""`make lab` serves JupyterLab on localhost only, protected by its token."""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from pku_eval import config

pytestmark = pytest.mark.slow


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # localhost: no proxy


def get(url: str):
    for _ in range(50):  # the URL is printed a moment before the socket accepts
        try:
            return OPENER.open(url, timeout=10)
        except urllib.error.URLError as exc:
            if isinstance(exc, urllib.error.HTTPError):
                raise
            time.sleep(0.2)
    return OPENER.open(url, timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lab_listens_on_localhost_with_a_token(tmp_path):
    dry = subprocess.run(["make", "-n", "lab"], cwd=config.PROJECT_ROOT, capture_output=True,
                         text=True, check=True).stdout
    line = next(cmd for cmd in dry.splitlines() if "jupyter lab" in cmd)
    cmd = shlex.split(line)
    assert "--ServerApp.ip=127.0.0.1" in cmd
    assert not any("token=" in c.lower() and c.rstrip("'\"").endswith("=") for c in cmd)
    port = free_port()
    proc = subprocess.Popen(cmd + [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"],
                            cwd=config.PROJECT_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        token, deadline, log = None, time.time() + 90, ""
        while time.time() < deadline and token is None:
            line = proc.stdout.readline()
            log += line
            m = re.search(r"http://127\.0\.0\.1:\d+/lab\?token=([0-9a-f]+)", line)
            token = m.group(1) if m else None
        assert token, f"no tokenised URL printed:\n{log[-2000:]}"
        with pytest.raises(urllib.error.HTTPError) as exc:
            get(f"http://127.0.0.1:{port}/api/contents")
        assert exc.value.code == 403
        ok = get(f"http://127.0.0.1:{port}/api/contents?token={token}")
        assert ok.status == 200
        kernels = get(f"http://127.0.0.1:{port}/api/kernelspecs?token={token}").read()
        assert b"python3" in kernels
        # not reachable on other interfaces
        for addr in {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None,
                                                          socket.AF_INET)} - {"127.0.0.1"}:
            with socket.socket() as s:
                s.settimeout(2)
                assert s.connect_ex((addr, port)) != 0
    finally:
        proc.terminate()
        proc.wait(timeout=30)
