"""What a receipt keeps per row (#18, national scale): a keyed hash of the row key and, per
other column, a small code into the column's distinct values, whose keyed hashes are kept once —
no cell hash per cell, no date, no value — so that a receipt stays a fraction of the data's
size; receipts of an older layout are not compared with."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from test_receipts import sha, validate

from pku_eval import receipts


@pytest.fixture(scope="module")
def delivered(tmp_path_factory):
    from pku_eval.demo import write_demo

    root = tmp_path_factory.mktemp("layout")
    d = root / "data"
    write_demo(d, participants=300)
    code, text = validate(d, root / "receipts")
    assert code == 0, text[-2000:]
    (receipt,) = [p for p in (root / "receipts").rglob("receipt.json")]
    return d, root / "receipts", receipt.parent


def test_per_row_a_key_hash_and_small_codes_only(delivered):
    d, _, receipt = delivered
    body = json.loads((receipt / "receipt.json").read_text(encoding="utf-8"))
    assert body["layout"] == receipts.LAYOUT
    for name, entry in body["files"].items():
        with np.load(receipt / f"{name}.npz") as a:
            rows = entry["rows"]
            for k in a.files:
                arr = a[k]
                if k == "key":
                    assert arr.dtype == np.dtype("<u8") and len(arr) == rows
                elif k.startswith("u:"):  # one keyed hash per distinct value
                    assert arr.dtype == np.dtype("<u8") and len(arr) <= rows
                elif k.startswith("c:") or k == "wave":
                    assert arr.dtype.kind == "u" and arr.itemsize <= 4 and len(arr) == rows
                    assert arr.max(initial=0) < max(len(a.get(f"u:{k[2:]}", [])),
                                                     len(entry["wave_names"]), 1)
                else:
                    pytest.fail(f"{name}: unexpected array {k} ({arr.dtype})")
    # the SE log (many rows, few distinct values per column): far below a hash per cell
    log = body["files"]["se_log"]
    size = (receipt / "se_log.npz").stat().st_size
    cells = log["rows"] * len(log["columns"])
    assert size < 8 * log["rows"] + 2 * cells, (size, log["rows"], cells)


def test_a_receipt_of_an_older_layout_is_not_compared_with(delivered, tmp_path):
    d, folder, receipt = delivered
    copy = tmp_path / "receipts"
    shutil.copytree(folder, copy)
    old = next(copy.rglob("receipt.json"))
    body = json.loads(old.read_text(encoding="utf-8"))
    body.pop("layout")
    old.write_text(json.dumps(body), encoding="utf-8")
    assert receipts.compare(copy, sha(d)) is None  # an older layout: not read
    code, text = validate(d, copy)  # recorded again in this layout: a first delivery
    assert code == 0 and "DELIVERY: first delivery recorded" in text
    assert receipts.compare(copy, sha(d)).first
