"""Vendored files are the ones we checked, and everything is served by us."""

import hashlib

from server.app import STATIC_FILES
from server.settings import PROJECT_ROOT

VENDOR = PROJECT_ROOT / "static" / "vendor"


def test_vendored_files_match_their_checksums():
    lines = (VENDOR / "SHA256SUMS").read_text().splitlines()
    assert len(lines) == 3
    for line in lines:
        digest, name = line.split()
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest


def test_htmx_versions_are_the_pinned_ones():
    assert STATIC_FILES["htmx"].endswith("htmx-2.0.11.min.js")
    assert STATIC_FILES["htmx_ws"].endswith("htmx-ext-ws-2.0.4.min.js")
    assert STATIC_FILES["htmx_morph"].endswith("idiomorph-ext-0.8.0.min.js")


def test_every_static_file_the_pages_name_exists(client):
    for url in STATIC_FILES.values():
        assert client.get(url).status_code == 200, url
