"""On 20 HotpotQA dev questions with their 200 paragraphs pooled (skipped without ../shared)."""

from __future__ import annotations

from tests.conftest import run_cli, shared_data


def test_pooled_hotpotqa_subset(tmp_path):
    source = shared_data("qa", "hotpotqa_dev500.jsonl")
    subset = tmp_path / "dev20.jsonl"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    subset.write_text("".join(lines[:20]), encoding="utf-8")
    result = run_cli("qa", "eval", subset, "-o", tmp_path / "report.json", "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["questions"] == 20
    # Measured on this subset: path EM@1 70, recall@10 100, sp F1 57.7 (bounds leave a margin).
    assert summary["path_em_at_1"] >= 55
    assert summary["recall_all_gold_at_10"] >= 90
    assert summary["sp_f1"] > 40
