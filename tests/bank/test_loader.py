"""The question bank: built from the seeds, validated strictly."""

import shutil

import pytest

from app.bank.loader import load_bank
from app.yamlio import YamlProblems
from tests.conftest import ROOT

TOP_25_CATEGORIES = ("Transaction Processing", "Scalability & Performance", "Security & Compliance",
                     "Financial Logic & Features", "System Design & Architecture")


@pytest.fixture(scope="module")
def bank():
    return load_bank(ROOT / "question_bank")


def test_bank_has_all_top_25_questions_in_five_categories(bank):
    top = [q for q in bank.questions.values() if "Top 25" in q["source"]]
    assert len(top) == 25
    for category in TOP_25_CATEGORIES:
        assert sum(category in q["source"] for q in top) == 5, category
    texts = {q["text"] for q in top}
    assert "How would you implement idempotent payment processing?" in texts
    assert all(q["rubric"]["strong"] and q["rubric"]["weak"] for q in top)


def test_bank_has_seed_000_topics_challenges_and_behavioral_prompts(bank):
    items = list(bank.questions.values())
    assert sum("Seed 000" in q["source"] and q["kind"] == "written" for q in items) >= 7
    challenges = [q for q in items if "Critical challenges" in q["source"]]
    assert len(challenges) == 25
    for level in ("junior", "mid", "senior", "staff", "principal"):
        assert sum(level in q["levels"] for q in challenges) >= 5
    assert sum(q["kind"] == "behavioral" for q in items) >= 12


def test_progression_guide_has_five_levels_and_anchors_for_every_tag(bank):
    assert list(bank.levels) == ["junior", "mid", "senior", "staff", "principal"]
    assert bank.levels["senior"]["core_focus"] == "System Architecture"
    assert bank.levels["junior"]["transactions"]["volume"] == "Thousands per day"
    for tag in bank.tags.values():
        assert set(tag["anchors"]) == {"junior", "mid", "senior", "staff", "principal"}


def test_bank_tags_cover_every_shipped_spec_competency(bank):
    import yaml
    for path in (ROOT / "job_specs").glob("*.yaml"):
        spec = yaml.safe_load(path.read_text())
        for comp in spec["competencies"]:
            for tag in comp.get("tags") or [comp["id"]]:
                assert tag in bank.tags, (path.name, tag)


def copy_bank(tmp_path):
    target = tmp_path / "bank"
    shutil.copytree(ROOT / "question_bank", target)
    return target


def test_bank_rejects_duplicate_ids_unknown_tags_and_levels(tmp_path):
    import yaml
    target = copy_bank(tmp_path)
    data = yaml.safe_load((target / "questions.yaml").read_text())
    items = data["questions"]
    items[1]["id"] = items[2]["id"]
    items[4]["tags"] = ["no_such_tag"]
    items[6]["levels"] = ["grandmaster"]
    (target / "questions.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    with pytest.raises(YamlProblems) as info:
        load_bank(target)
    messages = "\n".join(str(p) for p in info.value.problems)
    assert f"duplicate question id '{items[2]['id']}'" in messages
    assert "unknown competency tag 'no_such_tag'" in messages
    assert "levels: Input should be" in messages
    assert all(p.path.endswith("questions.yaml") and p.line > 1 for p in info.value.problems)
