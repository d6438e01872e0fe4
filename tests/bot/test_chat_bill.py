"""The bill import in the terminal chat: ``/import PATH`` (or a typed path) runs the bot's own flow.

The scripted session is recorded in ``tests/bot/transcripts/chat_bill_<lang>.txt`` (regenerate
with ``UPDATE_TRANSCRIPTS=1 python -m pytest tests/bot/test_chat_bill.py``); the temporary folder
is written as ``<tmp>`` so the transcript stays the same from run to run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.chat import bill_path
from scoring.alipay_bill import read_bill
from tests.bot.test_chat import chat, stored_answers
from tests.scoring.alipay_bill import exports, zips

FOLDER = Path(__file__).parent / "transcripts"
PASSWORD = "381724"


def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    csv = tmp_path / "支付宝交易明细.csv"
    csv.write_bytes(exports.render(exports.quiet(), "app_2021"))
    archive = tmp_path / "alipay.zip"
    archive.write_bytes(zips.zipcrypto({"alipay.csv": exports.render(exports.active(), "app_2023")}, PASSWORD.encode()))
    notes = tmp_path / "notes.csv"
    notes.write_bytes(b"date,what\n2024-01-01,lunch\n")
    return csv, archive, notes


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_recorded_chat_import_matches(tmp_path, lang):
    csv, archive, notes = files(tmp_path)
    lines = [
        "/cancel",  # the chat starts the quick check; leave it
        "/import",
        f"/import {tmp_path / 'missing.zip'}",
        f"/import {notes}",
        f"/import {csv}",
        "2",  # cancel
        str(archive),  # a bare path to a ZIP works too
        "000000",
        PASSWORD,
        "1",  # use these answers
        "/quit",
    ]
    code, out = chat(tmp_path, lines, lang=lang)
    assert code == 0
    transcript = out.replace(str(tmp_path), "<tmp>")
    assert stored_answers(tmp_path) == read_bill(archive.read_bytes(), PASSWORD).answers
    fixture = FOLDER / f"chat_bill_{lang}.txt"
    if os.environ.get("UPDATE_TRANSCRIPTS") == "1":
        fixture.write_text(transcript, encoding="utf-8")
    assert fixture.exists(), f"{fixture} is missing: run UPDATE_TRANSCRIPTS=1 python -m pytest {__file__}"
    assert transcript == fixture.read_text(encoding="utf-8"), (
        f"the {lang} chat import changed; if intended, regenerate with UPDATE_TRANSCRIPTS=1"
    )


def test_the_chat_import_keeps_what_a_cancel_leaves(tmp_path):
    csv, _, _ = files(tmp_path)
    code, out = chat(tmp_path, ["/cancel", f"/import {csv}", "2", "/quit"])
    assert code == 0 and "Nothing changed" in out
    assert stored_answers(tmp_path) == {}


def test_what_a_line_names_as_a_bill(tmp_path):
    csv, archive, _ = files(tmp_path)
    assert bill_path(f"/import {csv}") == csv
    assert bill_path(f"/import '{archive}'") == archive
    assert bill_path(str(archive)) == archive
    assert bill_path("/import") is None  # the command alone explains how to export
    assert bill_path(str(tmp_path / "missing.zip")) is None  # a bare path must exist
    assert bill_path("3") is None and bill_path("hello.csv") is None
