"""Pytest plugin: a test that tries to reach anything but this machine fails.

Enable it for the whole suite with one line in tests/conftest.py:

    pytest_plugins = ["tests.netguard"]

(or `pytest -p tests.netguard`; standalone, with tests/ on the path, `-p netguard`). An audit hook (`sys.addaudithook`) sees every `socket.connect`,
`connect_ex`, `sendto` / `sendmsg` with an address, and every name lookup (`socket.getaddrinfo`,
`gethostbyname`, `gethostbyname_ex`, `gethostbyaddr`) in this process, in every thread. Loopback (127.0.0.0/8, ::1,
"localhost"), unix sockets, netlink and wildcard bind lookups are allowed; anything else raises
`NetworkBlocked` (an OSError, so libraries treat it as "offline") *and* is recorded, so the test
fails even when a library swallows the error, e.g. in a background telemetry thread.

Limits: audit hooks live in one interpreter, so subprocesses (`run_cli`) are not covered here —
tests/test_no_network.py runs the CLI and the web app inside a network namespace for that; and
C extensions that open sockets without Python's socket module are not seen.
"""
from __future__ import annotations

import ipaddress
import sys
import threading

import pytest

_EVENTS = {"socket.connect", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo", "socket.gethostbyname",
           "socket.gethostbyname_ex", "socket.gethostbyaddr"}
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_WILDCARDS = {"", "0.0.0.0", "::", "*"}


class NetworkBlocked(OSError):
    """Raised in place of a non-loopback connection or name lookup."""


_state = {"installed": False, "enabled": False, "raise": True}
_lock = threading.Lock()
violations: list[str] = []
stray: list[str] = []  # seen between tests (a previous test's thread): reported at session end


def is_local_host(host, lookup: bool = False) -> bool:
    if host is None:
        return True
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("idna", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip().lower().rstrip(".")
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    name = name.split("%", 1)[0]  # fe80::1%eth0
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    if lookup and name in _WILDCARDS:  # getaddrinfo(None/"0.0.0.0", port) for bind()
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback


def is_local_address(address) -> bool:
    """A socket address this suite may connect to: loopback, a unix socket, netlink."""
    if isinstance(address, (str, bytes, bytearray)):  # AF_UNIX path or abstract name
        return True
    if isinstance(address, tuple) and address:
        host = address[0]
        if isinstance(host, int):  # AF_NETLINK (pid, groups)
            return True
        return is_local_host(host)
    return address is None


def _describe(event: str, args: tuple) -> str | None:
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        address = args[1] if len(args) > 1 else None
        return None if is_local_address(address) else f"{event} to {address!r}"
    host = args[0] if args else None
    return None if is_local_host(host, lookup=True) else f"{event} for {host!r}"


def _hook(event: str, args: tuple) -> None:
    if not _state["enabled"] or event not in _EVENTS:
        return
    problem = _describe(event, args)
    if problem is None:
        return
    message = f"netguard: blocked {problem} (thread {threading.current_thread().name})"
    with _lock:
        violations.append(message)
    if _state["raise"]:
        raise NetworkBlocked(message)


def install(raise_errors: bool = True) -> list[str]:
    """Switch the guard on in this process (the hook itself can only be added once, never
    removed); return the list that collects violations."""
    _state["raise"] = raise_errors
    if not _state["installed"]:
        sys.addaudithook(_hook)
        _state["installed"] = True
    _state["enabled"] = True
    return violations


def take() -> list[str]:
    with _lock:
        found = list(violations)
        violations.clear()
    return found


# -- pytest plugin ---------------------------------------------------------------------------------
def pytest_configure(config) -> None:
    install()
    config.addinivalue_line("markers", "allow_network: do not fail this test on outbound connections")


def _check(item, phase: str) -> None:
    found = take()
    if found and item.get_closest_marker("allow_network") is None:
        shown = "\n  ".join(dict.fromkeys(found))
        pytest.fail(f"outbound network attempt during {phase} of {item.nodeid}:\n  {shown}", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    stray.extend(take())
    result = yield
    _check(item, "setup")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    _check(item, "call")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    _check(item, "teardown")
    return result


def pytest_sessionfinish(session, exitstatus) -> None:
    found = stray + take()
    if found:
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            "netguard: outbound network attempts outside any test:\n  " + "\n  ".join(dict.fromkeys(found)), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
