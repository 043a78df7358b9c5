"""Write tests/messaging/vectors.json: what Chromium's envelope.js sealed from fixed secrets, for the suite to
open with Python whether or not a browser is at hand. Run again only when the format changes:

    .venv/bin/python -m tests.messaging.make_vectors
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from tests.messaging.static_server import SEAL_IN_BROWSER, static_serving

VECTORS = Path(__file__).with_name("vectors.json")


def fixed_inputs() -> dict[str, str]:
    """The same inputs every run: secrets derived from their names, ids written out."""

    def secret(name: str) -> str:
        return base64.b64encode(hashlib.sha512(f"confide test vector {name}".encode()).digest()).decode()

    return {
        "senderSecret": secret("clinician"),
        "recipientSecret": secret("client"),
        "practice": "7d3c1c5e-2b1a-4c55-9a0e-3f1f4f3b6a01",
        "thread": "0b7e6f4a-9c3d-4e21-8f5a-6d2c1b0a9e88",
        "message": "5f0c2a9e-1d4b-4a7c-b3e6-8e9d7c6b5a40",
        "plaintext": "Could we move Thursday's session to 5 pm? \u2014 J. \U0001f642",
        "code": "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ",
    }


def seal_in_chromium(inputs: dict[str, str], *, executable: str = "/usr/bin/chromium") -> dict[str, Any]:
    with static_serving() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(url + "/")
        result: dict[str, Any] = page.evaluate(SEAL_IN_BROWSER, inputs)
        browser.close()
    return result


if __name__ == "__main__":
    inputs = fixed_inputs()
    made = {"source": "Chromium (Debian), confide/static/confide/envelope.js", "inputs": inputs}
    made["sealed"] = seal_in_chromium(inputs)
    VECTORS.write_text(json.dumps(made, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {VECTORS}")
