"""The clinician's path through the record service in a real browser (headless Debian Chromium driven by
Playwright): sign in, the worklist, the report with the patient's demographics joined in, then the
two-person sign-off through the page's own forms (one clinician checks, another authorises), after which the
report is final and the worklist shows the sample done."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from clinwgs.service.main import BackgroundService, start_background
from clinwgs.service.seed import demo_patient
from tests.service.service_support import bundle_for, make_settings
from tests.support.tools import require

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.browser
require(CHROMIUM, "chromium (Debian package)")
require(importlib.util.find_spec("playwright"), "playwright (pip install -e '.[dev]')")
from playwright import sync_api as playwright  # noqa: E402 - after the check that it is installed

SAMPLE = "SBROWSE01"
# headless as root, and nothing that reaches out of a closed network (Playwright adds a fresh profile)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture
def live(tmp_path: Path) -> Iterator[BackgroundService]:
    settings = make_settings(tmp_path)
    service = start_background(port=0, settings=settings, seed_sample_ids=[SAMPLE])
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _sign_in(browser: Any, url: str, token: str) -> Any:
    page = browser.new_context().new_page()
    page.goto(f"{url}/ui/login?next=/ui/")
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/ui/")
    return page


def test_clinicians_sign_in_read_and_sign_off_a_report(live: BackgroundService, browser: Any) -> None:
    published = httpx.post(
        f"{live.url}/fhir",
        json=bundle_for(SAMPLE),
        headers={"Authorization": f"Bearer {live.tokens['pipeline']}"},
    )
    assert published.status_code == 201, published.text
    report_id = published.json()["report_id"]
    patient = demo_patient(0)

    checker = _sign_in(browser, live.url, live.tokens["dr.checker"])
    row = checker.locator(f'tr[data-sample="{SAMPLE}"]')
    assert row.locator("td.state").inner_text() == "on track"
    row.get_by_role("link", name="open").click()
    checker.wait_for_url(f"{live.url}/ui/reports/{report_id}")
    demographics = checker.get_by_label("Patient").inner_text()
    assert patient.family_name.upper() in demographics
    nhs = patient.nhs_number
    assert checker.inner_text("#nhs-number") == f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
    assert "BRCA1" in checker.locator("table").inner_text()
    assert checker.inner_text("#status") == "preliminary"
    checker.get_by_role("button", name="Mark as checked").click()
    checker.wait_for_load_state()
    assert checker.inner_text("#checked-by") == "dr.checker"
    # the same person cannot authorise: the form is there, the service refuses it
    checker.get_by_role("button", name="Authorise (must differ from the checker)").click()
    assert "different person" in checker.content()

    authoriser = _sign_in(browser, live.url, live.tokens["dr.authoriser"])
    authoriser.goto(f"{live.url}/ui/reports/{report_id}")
    authoriser.get_by_role("button", name="Authorise (must differ from the checker)").click()
    authoriser.wait_for_load_state()
    assert authoriser.inner_text("#authorised-by") == "dr.authoriser"
    assert authoriser.inner_text("#status") == "final"
    authoriser.goto(f"{live.url}/ui/")
    assert authoriser.locator(f'tr[data-sample="{SAMPLE}"] td.state').inner_text() == "done"
