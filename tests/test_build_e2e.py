"""End to end: real papermill execution and real nbconvert HTML, on the demo data as CSV, XLSX
and SPSS .sav; failed builds leave the last good report untouched."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from pku_eval import config
from pku_eval.build import build
from pku_eval.errors import BuildError
from pku_eval.io import convert_dir
from pku_eval.results import missing_keys, null_paths

from conftest import run_build

pytestmark = pytest.mark.slow
WAVES = ["T0", "T1", "T2"]


@pytest.mark.parametrize("stage", ["interim", "final"])
def test_report_files(built, stage, demo_dir):
    d = built / stage
    html = (d / "report.html").read_text(encoding="utf-8")
    res = json.loads((d / "results.json").read_text(encoding="utf-8"))
    # every required key, nulls with reasons
    assert missing_keys(res, WAVES) == []
    assert res["stage"] == stage
    for path in null_paths(res, WAVES):
        assert path in res["null_reasons"], path
    # checksums are those of the files read
    for name, digest in res["data"]["sha256"].items():
        assert hashlib.sha256((demo_dir / name).read_bytes()).hexdigest() == digest
    # every contract file of the demo data (new files of the contract come in as they are added)
    assert set(res["data"]["sha256"]) == {p.name for p in demo_dir.glob("*.csv")}
    # executed notebooks kept for audit
    from pku_eval.params import read_params

    chapters = read_params(config.PARAMS_DIR / f"{stage}.yml").chapters
    assert sorted(p.name for p in (d / "notebooks").glob("*.ipynb")) == sorted(
        f"{c}.ipynb" for c in chapters)
    # both chapters, numbered, with a static table of contents that resolves
    assert '<h2 class="pku-chapter" id="kap-1">' in html and "Datakvalitet" in html
    assert '<h2 class="pku-chapter" id="kap-2">' in html and "Deltakere" in html
    ids = set(re.findall(r'id="([^"]+)"', html))
    toc = re.search(r'<nav [^>]*class="pku-toc".*?</nav>', html, re.S).group(0)
    links = re.findall(r'href="#([^"]+)"', toc)
    assert len(links) >= 6 and all(link in ids for link in links)
    # self-contained: no remote resources, no scripts loaded from anywhere
    assert not re.search(r'src="(https?:)?//', html)
    assert not re.search(r'<link\b[^>]*href="(https?:)?//', html)
    # the only links out of the report are the references' DOIs (a reader's click, no load)
    outward = re.findall(r'<a\b[^>]*href="((?:https?:)?//[^"]*)"', html)
    assert all(u.startswith("https://doi.org/10.") for u in outward), outward
    assert "<script src" not in html
    # no code visible
    assert "chapter.start" not in html and "import " not in html
    assert "Traceback" not in html
    # numbered figures and tables
    assert "Figur 1.1" in html and "Tabell 2.1" in html


def test_final_has_values_for_its_chapters(built):
    res = json.loads((built / "final" / "results.json").read_text(encoding="utf-8"))
    for wave in WAVES:
        for arm in ("treatment", "internal_control", "external_control", "all"):
            assert 0 <= res["response"][wave][arm] <= 1
    for arm in ("treatment", "internal_control", "external_control"):
        assert res["flow"]["enrolled"][arm] > 0
        assert res["flow"]["withdrawn"][arm] is not None, "default demo must not suppress"
    # the demo data exercise the attrition guard, and the flag shows as a warning box
    assert any(f["code"] == "attrition" for f in res["quality"]["flags"])
    html = (built / "final" / "report.html").read_text(encoding="utf-8")
    assert 'class="pku-warning"' in html


def test_interim_uses_only_data_up_to_cutoff(built):
    interim = json.loads((built / "interim" / "results.json").read_text(encoding="utf-8"))
    final = json.loads((built / "final" / "results.json").read_text(encoding="utf-8"))
    total = lambda r, k: sum(v or 0 for v in r["flow"][k].values())  # noqa: E731
    assert total(interim, "enrolled") < total(final, "enrolled")
    # withdrawals after the interim cut-off are honoured in a later interim build too
    assert total(interim, "withdrawn") > 0


@pytest.mark.parametrize("fmt", ["xlsx", "sav"])
def test_other_formats_give_the_same_results(built, demo_dir, tmp_path, fmt):
    data = tmp_path / fmt
    convert_dir(demo_dir, data, fmt)
    res = run_build("final.yml", data, tmp_path / "out")
    assert res.returncode == 0, res.stderr
    got = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    want = json.loads((built / "final" / "results.json").read_text(encoding="utf-8"))
    assert sorted(got["data"]["sha256"]) == sorted(n.replace(".csv", f".{fmt}")
                                                   for n in want["data"]["sha256"])
    for key in ("flow", "response", "quality"):
        assert got[key] == want[key], key


def test_bad_data_fail_the_build_and_keep_the_last_report(built, data_copy, tmp_path):
    out = tmp_path / "final"
    shutil.copytree(built / "final", out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    s = (data_copy / "survey.csv").read_text(encoding="utf-8").splitlines()
    s[1] = s[1].replace(",T0,", ",T7,", 1)
    (data_copy / "survey.csv").write_text("\n".join(s) + "\n", encoding="utf-8")
    res = run_build("final.yml", data_copy, out)
    assert res.returncode == 1
    assert "survey.csv, row 2, column 'wave'" in res.stderr
    assert "Traceback" not in res.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_failing_chapter_names_chapter_and_cell(built, demo_dir, tmp_path, monkeypatch):
    nbdir = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, nbdir)
    nb = json.loads((nbdir / "participants.ipynb").read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "id": "boom",
                        "execution_count": None, "source": "1 / 0"})
    (nbdir / "participants.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", nbdir)
    out = tmp_path / "final"
    shutil.copytree(built / "final", out)
    before = (out / "report.html").read_bytes(), (out / "results.json").read_bytes()
    with pytest.raises(BuildError) as exc:
        build(config.PARAMS_DIR / "final.yml", data_dir=demo_dir, out_dir=out)
    assert exc.value.chapter == "participants" and exc.value.cell is not None
    assert "ZeroDivisionError" in str(exc.value)
    assert Path(exc.value.notebook).exists()
    assert ((out / "report.html").read_bytes(), (out / "results.json").read_bytes()) == before
    assert not list(tmp_path.glob(".final.building-*"))


def test_english_report(demo_dir, tmp_path):
    import yaml

    raw = yaml.safe_load((config.PARAMS_DIR / "final.yml").read_text(encoding="utf-8"))
    raw["language"] = "en"
    raw["title"] = "Knowledge-based practice in NAV offices (PKU) – final report"
    params = tmp_path / "final-en.yml"
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    res = run_build(params, demo_dir, tmp_path / "en")
    assert res.returncode == 0, res.stderr[-3000:]
    html = (tmp_path / "en" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html
    for word in ("Contents", "Final report", "Figure 1.1", "Table 1.1", "Source:",
                 "Data quality", "Participants", "Appendix: codebook"):
        assert word in html, word
    for word in ("Tabell ", "Figur ", "Kilde:", "Innhold", "tiltaksgruppe", " KI "):
        assert word not in html, word


def test_codebook_command(tmp_path):
    import csv

    from pku_eval import cli
    from pku_eval.codebook import FILES

    for lang in ("nb", "en"):
        assert cli.main(["codebook", "--language", lang, "--out", str(tmp_path)]) == 0
        rows = list(csv.DictReader((tmp_path / f"codebook-{lang}.csv").open(encoding="utf-8")))
        assert len(rows) == sum(len(f.variables) for f in FILES.values())
        html = (tmp_path / f"codebook-{lang}.html").read_text(encoding="utf-8")
        assert "mastery_1" in html and "participant_id" in html
    en = {r["variable"]: r for r in csv.DictReader(
        (tmp_path / "codebook-en.csv").open(encoding="utf-8"))}
    assert "reversed" in en["mastery_1"]["scale"] and "don't know" in en["health"]["missing"]
