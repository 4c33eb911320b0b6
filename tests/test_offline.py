"""Offline by construction: her2desk never opens a network connection.

Hospital workstations have no internet, and patient data must never leave the
machine. Two guards: (1) with every way Python opens a connection made to raise,
the app opens the sample study, runs every analysis and exports the report; (2)
no module in ``her2desk/`` imports a network library (a test that fails the day
someone adds one).
"""
import re
import socket
import ssl
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "her2desk"
SAMPLE = ROOT / "resources" / "sample_study.xlsx"

NETWORK_IMPORTS = re.compile(
    r"^\s*(?:import|from)\s+(urllib\.request|urllib3|urllib(?=\s+import\s+request)|requests|httpx|"
    r"http\.client|http\.server|aiohttp|socket|ssl|ftplib|smtplib|poplib|imaplib|xmlrpc|websocket\w*)\b",
    re.MULTILINE)
NETWORK_NAMES = re.compile(
    r"\b(QtNetwork|QNetworkAccessManager|QNetworkRequest|QTcpSocket|QUdpSocket|QSslSocket|"
    r"QWebEngine\w*|urlopen|create_connection)\b")


ALLOW_MARK = "noqa: network"   # a line that names a network module without using it


class NetworkUsed(AssertionError):
    pass


def _refuse(*args, **kwargs):
    raise NetworkUsed(f"her2desk tried to use the network: {args!r}")


@pytest.fixture
def no_network(monkeypatch):
    class NoSocket(socket.socket):
        def __init__(self, *args, **kwargs):
            _refuse(*args)

    monkeypatch.setattr(socket, "socket", NoSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
                 "create_server", "socketpair"):
        monkeypatch.setattr(socket, name, _refuse)
    monkeypatch.setattr(ssl, "create_default_context", _refuse)
    monkeypatch.setattr(ssl.SSLContext, "wrap_socket", _refuse)
    yield


def test_the_guard_works(no_network):
    with pytest.raises(NetworkUsed):
        socket.create_connection(("192.0.2.1", 80), timeout=0.1)
    with pytest.raises(NetworkUsed):
        socket.socket()
    import urllib.request

    with pytest.raises(Exception):
        urllib.request.urlopen("http://192.0.2.1/", timeout=0.1)


@pytest.mark.skipif(not SAMPLE.is_file(), reason="resources/sample_study.xlsx is not in this checkout yet")
def test_app_runs_the_sample_study_offline(no_network, qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from her2desk.ui.app import add_language_menu, make_application
    from her2desk.ui.main_window import MainWindow

    make_application()
    store = QSettings(str(tmp_path / "offline.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings_store=store)
    qtbot.addWidget(window)
    add_language_menu(window)
    window.show()
    qtbot.waitExposed(window)
    failures = []
    window.runner.failed.connect(lambda key, msg: failures.append((key, msg)))
    try:
        with qtbot.waitSignal(window.results_ready, timeout=300_000):
            assert window.open_study(SAMPLE)
        assert not failures
        assert window.results.flowchart.eligible == 828
        out = tmp_path / "report"
        window.export_report(str(out))
        qtbot.waitUntil(lambda: not window.runner.is_busy() and (out / "results.json").is_file(),
                        timeout=60_000)
        assert not failures
        assert (out / "report.xlsx").stat().st_size > 0
    finally:
        window.runner.shutdown(10_000)
    # Nothing loaded Qt's network module behind our back either (the socket guard
    # only sees Python; Qt would open sockets from C++).
    assert "PySide6.QtNetwork" not in sys.modules


def _sources():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_network_code_in_the_package():
    offenders = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for rx in (NETWORK_IMPORTS, NETWORK_NAMES):
            for m in rx.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                if ALLOW_MARK in lines[line - 1]:   # e.g. the self-test checking it is *not* loaded
                    continue
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {m.group(0).strip()}")
    assert not offenders, "her2desk must work offline; network code found:\n" + "\n".join(offenders)


@pytest.mark.parametrize("snippet", [
    "import requests", "from urllib.request import urlopen", "import http.client",
    "from PySide6.QtNetwork import QNetworkAccessManager", "    import socket",
])
def test_the_grep_catches(snippet):
    assert NETWORK_IMPORTS.search(snippet) or NETWORK_NAMES.search(snippet)


def test_the_grep_allows_harmless_urls():
    for ok in ("from urllib.parse import quote", "from PySide6.QtCore import QUrl",
               "QUrl.fromLocalFile(path)"):
        assert not (NETWORK_IMPORTS.search(ok) or NETWORK_NAMES.search(ok)), ok
