"""Starts the CRM emulator (`fakecrm`, built by `cargo build`) once for the Close tests."""

import json
import os
import pathlib
import subprocess
import urllib.request

import pytest
from closeio_api import API

ROOT = pathlib.Path(__file__).resolve().parents[3]


class Emulator:
    def __init__(self, description):
        self.description = description
        self.close = description["close"]
        self.admin_url = description["admin_url"]

    def faults(self, provider, spec):
        request = urllib.request.Request(
            f"{self.admin_url}/faults?provider={provider}", data=spec.encode(), method="PUT"
        )
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 200

    def api(self, **kwargs):
        """Close's official client, pointed at the emulated Close (its base URL ends with a slash)."""
        return API(self.close["base_url"].rstrip("/") + "/", api_key=self.close["api_key"], **kwargs)


@pytest.fixture(scope="session")
def emulator():
    binary = os.environ.get("FAKECRM_BIN", str(ROOT / "target" / "debug" / "fakecrm"))
    child = subprocess.Popen(
        [binary, "--port", "0", "--records", "300"], stdout=subprocess.PIPE, text=True
    )
    try:
        yield Emulator(json.loads(child.stdout.readline()))
    finally:
        child.terminate()
        child.wait(timeout=10)


@pytest.fixture(scope="session")
def close(emulator):
    return emulator.api()
