from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ts26927.models import (
    DeviceEligibilityInformation,
    DeviceProfile,
    EligibilityCriterion,
)
from ts26927.models.examples import EXAMPLES

C = EligibilityCriterion
CRITERIA = DeviceEligibilityInformation.from_wire(EXAMPLES["DeviceEligibilityInformation"][0])
PROFILE = EXAMPLES["DeviceProfile"][0]


def _decide(**changes: object) -> list[EligibilityCriterion]:
    profile = DeviceProfile.from_wire(
        {k: v for k, v in {**PROFILE, **changes}.items() if v is not None}
    )
    decision = CRITERIA.evaluate(profile)
    assert decision.eligible == (not decision.failed_criteria)
    assert (decision.group_id == "fl-group-7") == decision.eligible
    return [f.criterion for f in decision.failed_criteria]


def test_a_device_meeting_all_criteria_takes_the_group_id() -> None:
    assert _decide() == []


@pytest.mark.parametrize(
    ("changes", "failed"),
    [
        ({"applicationGroupId": "other-app"}, [C.APPLICATION_GROUP_ID]),
        ({"operatingSystem": "Symbian"}, [C.OPERATING_SYSTEM]),
        ({"operatingSystem": "android"}, []),
        ({"processorKinds": ["CPU"]}, [C.PROCESSOR_KIND]),
        ({"processorSpeed": 1000}, [C.PROCESSOR_SPEED]),
        ({"processorSpeed": 1800}, []),
        ({"availableMemory": 1999.5}, [C.AVAILABLE_MEMORY]),
        ({"countryCode": "IT"}, [C.LOCATION]),
        ({"language": "fr-FR"}, [C.LANGUAGE]),
        ({"language": "EN-gb"}, []),
        ({"language": "eng"}, [C.LANGUAGE]),
        (
            {"dataLibraries": [{"dataLibraryId": "other", "numberOfSamples": 9000}]},
            [C.DATA_LIBRARY],
        ),
        (
            {"dataLibraries": [{"dataLibraryId": "images-v1", "numberOfSamples": 499}]},
            [C.DATA_SAMPLES],
        ),
        ({"dataLibraries": [{"dataLibraryId": "images-v1"}]}, [C.DATA_SAMPLES]),
        (
            {"language": "fr", "countryCode": "IT", "processorSpeed": 10},
            [C.PROCESSOR_SPEED, C.LOCATION, C.LANGUAGE],
        ),
    ],
)
def test_every_failed_criterion_is_named(changes: dict, failed: list) -> None:
    assert _decide(**changes) == failed


@pytest.mark.parametrize(
    ("missing", "failed"),
    [
        ("applicationGroupId", C.APPLICATION_GROUP_ID),
        ("operatingSystem", C.OPERATING_SYSTEM),
        ("processorKinds", C.PROCESSOR_KIND),
        ("processorSpeed", C.PROCESSOR_SPEED),
        ("availableMemory", C.AVAILABLE_MEMORY),
        ("countryCode", C.LOCATION),
        ("language", C.LANGUAGE),
        ("dataLibraries", C.DATA_LIBRARY),
    ],
)
def test_an_unstated_attribute_does_not_meet_its_criterion(missing: str, failed: C) -> None:
    assert _decide(**{missing: None}) == [failed]


def test_no_criteria_admit_every_device() -> None:
    open_call = DeviceEligibilityInformation(group_id="g")
    assert open_call.evaluate(DeviceProfile()).eligible


def test_sample_minimum_without_library_counts_all_libraries() -> None:
    criteria = DeviceEligibilityInformation(group_id="g", minimum_data_samples=100)
    two = DeviceProfile.from_wire(
        {
            "dataLibraries": [
                {"dataLibraryId": "a", "numberOfSamples": 60},
                {"dataLibraryId": "b", "numberOfSamples": 50},
            ]
        }
    )
    assert criteria.evaluate(two).eligible
    one = DeviceProfile.from_wire(
        {"dataLibraries": [{"dataLibraryId": "a", "numberOfSamples": 60}]}
    )
    assert [f.criterion for f in criteria.evaluate(one).failed_criteria] == [C.DATA_SAMPLES]


@given(
    speed=st.floats(0, 5000),
    memory=st.floats(0, 8000),
    country=st.sampled_from(["DE", "FR", "IT"]),
    language=st.sampled_from(["de", "en-US", "fr"]),
)
def test_eligible_exactly_when_every_single_criterion_holds(
    speed: float, memory: float, country: str, language: str
) -> None:
    profile = DeviceProfile.from_wire(
        {
            **PROFILE,
            "processorSpeed": speed,
            "availableMemory": memory,
            "countryCode": country,
            "language": language,
        }
    )
    expected = (
        speed >= 1800 and memory >= 2000 and country in {"DE", "FR"} and language in {"de", "en-US"}
    )
    assert CRITERIA.evaluate(profile).eligible is expected
