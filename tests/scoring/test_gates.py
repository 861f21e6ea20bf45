import pytest

from scoring.gates import gate_outcome, knocked_out, must_have_outcomes

REQUIRED = {"prod_go": True, "payments": True, "english": False}


def test_must_have_outcomes_met_failed_tie_not_assessed() -> None:
    checks = [
        ("prod_go", "met"),
        ("prod_go", "met"),
        ("prod_go", "not_met"),
        ("payments", "met"),
        ("payments", "not_met"),
        ("payments", "not_assessed"),
        ("english", "not_assessed"),
        ("english", "not_assessed"),
    ]
    assert must_have_outcomes(REQUIRED, checks) == {
        "prod_go": "met",
        "payments": "unresolved",
        "english": "not_assessed",
    }


def test_must_have_outcomes_not_met_outnumbering_met_fails() -> None:
    checks = [("prod_go", "not_met"), ("prod_go", "not_met"), ("prod_go", "met")]
    assert must_have_outcomes(REQUIRED, checks)["prod_go"] == "failed"


def test_must_have_outcomes_without_checks_are_not_assessed() -> None:
    assert must_have_outcomes(REQUIRED, []) == dict.fromkeys(REQUIRED, "not_assessed")


def test_must_have_outcomes_keeps_unknown_ids_after_known_ones() -> None:
    outcomes = must_have_outcomes({"prod_go": True}, [("legacy", "not_met"), ("prod_go", "met")])
    assert list(outcomes) == ["prod_go", "legacy"]
    assert outcomes == {"prod_go": "met", "legacy": "failed"}


def test_must_have_outcomes_rejects_unknown_mark() -> None:
    with pytest.raises(ValueError):
        must_have_outcomes(REQUIRED, [("prod_go", "maybe")])


@pytest.mark.parametrize(
    ("met", "not_met", "expected"),
    [
        (0, 0, "not_assessed"),
        (1, 0, "met"),
        (0, 1, "failed"),
        (2, 2, "unresolved"),
        (3, 2, "met"),
        (1, 2, "failed"),
    ],
)
def test_gate_outcome_counts(met: int, not_met: int, expected: str) -> None:
    assert gate_outcome(met, not_met) == expected


def test_knocked_out_by_failed_required_must_have() -> None:
    outcomes = must_have_outcomes(REQUIRED, [("payments", "not_met")])
    assert knocked_out(REQUIRED, outcomes) is True


def test_knocked_out_not_by_failed_optional_must_have() -> None:
    outcomes = must_have_outcomes(REQUIRED, [("english", "not_met"), ("english", "not_met")])
    assert outcomes["english"] == "failed"
    assert knocked_out(REQUIRED, outcomes) is False


def test_knocked_out_not_by_unresolved_or_unassessed_required() -> None:
    outcomes = must_have_outcomes(REQUIRED, [("prod_go", "met"), ("prod_go", "not_met")])
    assert outcomes == {
        "prod_go": "unresolved",
        "payments": "not_assessed",
        "english": "not_assessed",
    }
    assert knocked_out(REQUIRED, outcomes) is False


def test_knocked_out_not_by_unknown_must_have() -> None:
    outcomes = must_have_outcomes({"prod_go": True}, [("legacy", "not_met")])
    assert knocked_out({"prod_go": True}, outcomes) is False
