"""No data leaves the machine: the CLI (ingest, ask) and the web app (page, /ask) work inside a
network namespace with no outside interface and try no outbound connection; and the netguard
plugin fails a test that tries one."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import netguard
from tests.conftest import REPO, copy_index

TESTS = Path(__file__).resolve().parent


# -- the guard itself ------------------------------------------------------------------------------
def test_loopback_and_unix_addresses_are_local_everything_else_is_not():
    for address in (("127.0.0.1", 7860), ("127.8.9.1", 1), ("::1", 80, 0, 0), ("localhost", 80), ("[::1]", 1),
                    ("::ffff:127.0.0.1", 1), "/tmp/chroma.sock", b"\0abstract", (0, 0)):
        assert netguard.is_local_address(address), address
    for address in (("10.0.0.1", 80), ("203.0.113.7", 443), ("huggingface.co", 443), ("2001:db8::1", 80, 0, 0),
                    ("0.0.0.0", 80)):
        assert not netguard.is_local_address(address), address
    assert netguard.is_local_host(None, lookup=True) and netguard.is_local_host("0.0.0.0", lookup=True)
    assert not netguard.is_local_host("pypi.org", lookup=True)


GUARDED_TESTS = '''
import socket, threading

def test_outbound_connect_even_if_swallowed():
    try:
        socket.create_connection(("203.0.113.7", 80), timeout=0.2)
    except OSError:
        pass

def test_dns_lookup():
    try:
        socket.getaddrinfo("huggingface.co", 443)
    except OSError:
        pass

def test_background_thread():
    def phone_home():
        try:
            socket.socket().connect(("198.51.100.1", 443))
        except OSError:
            pass
    thread = threading.Thread(target=phone_home, name="telemetry")
    thread.start()
    thread.join()

def test_loopback_and_unix_sockets(tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    socket.create_connection(server.getsockname(), timeout=2).close()
    socket.getaddrinfo("localhost", 80)
    path = str(tmp_path / "s.sock")
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(path)
    unix.listen()
    client = socket.socket(socket.AF_UNIX)
    client.connect(path)
    client.close()

def test_guard_raised_before_any_packet():
    import netguard
    try:
        socket.create_connection(("203.0.113.8", 80), timeout=0.2)
    except netguard.NetworkBlocked:
        netguard.take()  # this test checks the exception type only
        return
    raise AssertionError("connect was not blocked")
'''


def test_netguard_fails_tests_that_connect_out(tmp_path):
    (tmp_path / "test_guarded.py").write_text(GUARDED_TESTS, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "netguard", "-p", "no:cacheprovider", "-q", "-rf", "test_guarded.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(TESTS)})
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "3 failed, 2 passed" in out, out
    for name, shown in (("test_outbound_connect_even_if_swallowed", "203.0.113.7"),
                        ("test_dns_lookup", "huggingface.co"), ("test_background_thread", "thread telemetry")):
        assert f"outbound network attempt during call of test_guarded.py::{name}:" in out, out
        assert shown in out, (name, out)


# -- the product in a network namespace ------------------------------------------------------------
def _namespace_command() -> list[str] | None:
    unshare = shutil.which("unshare")
    if not unshare:
        return None
    for flags in (["-rn"], ["-n"]):
        probe = subprocess.run([unshare, *flags, "true"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return [unshare, *flags]
    return None


NAMESPACE_SCRIPT = r'''
import contextlib, errno, io, json, os, socket, sys, time
from pathlib import Path

tests, index, document = sys.argv[1:4]
sys.path.insert(0, tests)
out = {"interfaces": sorted(name for _, name in socket.if_nameindex())}
try:  # before the guard: what the kernel does with an outbound connection here
    socket.create_connection(("1.1.1.1", 53), timeout=3).close()
    out["outside"] = "connected"
except OSError as error:
    out["outside"] = errno.errorcode.get(error.errno, str(error))

import netguard
attempts = netguard.install(raise_errors=False)  # record only: we want to see every attempt
import assistant
from assistant import cli

def run(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(list(args))
    return code, stdout.getvalue(), stderr.getvalue()

out["ingest"] = run("ingest", document, "--index", index, "--quiet")
out["ask"] = run("ask", "--index", index, "--json", "Tổ an ninh mạng xã Ngoại Tuyến báo cáo trước ngày nào?")

import httpx
from gradio_client import Client
from assistant.engine import Engine
from ui.app import build_app

demo = build_app(Path(index))
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port)
url = f"http://127.0.0.1:{port}/"
out["page"] = httpx.get(url, timeout=60).text[:20000]
out["web_ask"] = Client(url, verbose=False).predict("Tổ an ninh mạng xã Ngoại Tuyến báo cáo trước ngày nào?",
                                                    api_name="/ask")
demo.close()
out["attempts"] = list(attempts)
print("RESULT " + json.dumps(out, ensure_ascii=False), flush=True)
os._exit(0)
'''

OFFLINE_PLAN = """ỦY BAN NHÂN DÂN
XÃ NGOẠI TUYẾN
KẾ HOẠCH
Bảo đảm an toàn thông tin xã Ngoại Tuyến năm 2026
I. TỔ CHỨC THỰC HIỆN
1. Tổ an ninh mạng xã Ngoại Tuyến
- Rà soát mật khẩu máy tính một cửa, báo cáo UBND xã trước ngày 22 tháng 11 hằng năm.
"""


def test_ingest_ask_and_web_app_inside_a_network_namespace(corpus_index, tmp_path):
    """`unshare -rn`: only a loopback interface (brought up for the web request), so any
    outbound connection would fail. Ingest, ask and the web app all work there, and the audit
    hook (record mode, since the subprocess runs outside this pytest) sees no outbound attempt."""
    command = _namespace_command()
    if command is None:
        pytest.skip("cannot create a network namespace here (unshare -rn / -n not permitted)")
    ip = shutil.which("ip")
    index = copy_index(corpus_index, tmp_path / "index")
    document = tmp_path / "an toàn thông tin.txt"
    document.write_text(OFFLINE_PLAN, encoding="utf-8")
    script = tmp_path / "offline.py"
    script.write_text(NAMESPACE_SCRIPT, encoding="utf-8")
    lo_up = f"{ip} link set lo up && " if ip else ""
    shell = f'{lo_up}exec "$0" "$@"'
    result = subprocess.run([*command, "sh", "-c", shell, sys.executable, str(script), str(TESTS), str(index),
                             str(document)], cwd=REPO, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"no result (exit {result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
    out = json.loads(lines[0][len("RESULT "):])

    assert out["interfaces"] == ["lo"]  # nothing but loopback in the namespace
    assert out["outside"] in ("ENETUNREACH", "EHOSTUNREACH", "ENONET")
    code, stdout, stderr = out["ingest"]
    assert code == 0 and stdout.startswith("1 added"), (stdout, stderr)
    code, stdout, stderr = out["ask"]
    answer = json.loads(stdout)
    assert code == 0 and answer["grounded"] and "22 tháng 11" in answer["answer"], (stdout, stderr)
    assert any(c["source"] == str(document) for c in answer["citations"])
    assert "Trợ lý kế hoạch địa phương" in out["page"]
    assert "22 tháng 11" in out["web_ask"] and document.name in out["web_ask"]
    assert out["attempts"] == [], out["attempts"]
