"""Device eligibility information — TR 26.927 clause 6.6.6.3.

The federated learning engine announces the criteria a device must meet to take part
(step 4 of figure 5.2.4-2). "If more than one eligibility field exists, the device needs to
meet all criteria to become eligible"; an eligible device takes ``groupId`` as one of its
group ids. :meth:`DeviceEligibilityInformation.evaluate` decides this for a
:class:`DeviceProfile` and names every criterion that failed.

We read the TR's "Depending on the number of criteria met, the application assigns a group
id" together with its note: a device meeting all criteria gets the group id, any other none.
A criterion the profile gives no information about is not met.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from ts26927.models import catalogue as tr
from ts26927.models.base import TsModel, tr_field
from ts26927.models.compute import ProcessorKindValue
from ts26927.models.units import Identifier, NonNegativeFloat, Uinteger

_row = tr.FL_ELIGIBILITY

#: ISO 3166-1 alpha-2 country code.
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
#: BCP 47 language tag (language subtag and optional subtags), e.g. "en", "zh-Hans-CN".
LanguageTag = Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", max_length=35)]


class HardwareCriteria(TsModel):
    """Hardware a device must have; every property given is a criterion of its own."""

    operating_systems: list[Identifier] | None = tr_field(
        None,
        "Operating systems accepted (any one, compared case-insensitively).",
        default=None,
        min_length=1,
        max_length=64,
        examples=[["Android", "iOS"]],
    )
    processor_kinds: list[ProcessorKindValue] | None = tr_field(
        None,
        "Processing units of which the device must have at least one.",
        default=None,
        min_length=1,
        max_length=16,
        examples=[["NPU", "GPU"]],
    )
    minimum_processor_speed: NonNegativeFloat | None = tr_field(
        None,
        "Minimum processor clock speed.",
        default=None,
        unit="MHz",
        examples=[1800],
    )
    minimum_available_memory: NonNegativeFloat | None = tr_field(
        None,
        "Minimum available memory.",
        default=None,
        unit="MB",
        examples=[2000],
    )


class LocationCriteria(TsModel):
    """Where a device must be."""

    country_codes: list[CountryCode] = tr_field(
        None,
        "ISO 3166-1 alpha-2 countries in which the device must be (any one).",
        min_length=1,
        max_length=300,
        examples=[["DE", "FR"]],
    )


class DataLibrary(TsModel):
    """A local data library of a device."""

    data_library_id: Identifier = tr_field(
        None, "Identifier of the data library.", examples=["images-v1"]
    )
    number_of_samples: Uinteger | None = tr_field(
        None, "Number of samples (e.g. images) in the library.", default=None, examples=[1200]
    )


class DeviceProfile(TsModel):
    """What a device states about itself when its eligibility is decided.

    Not a TR table: the attributes the TR lists as possible criteria (6.6.6.3.2).
    """

    application_group_id: Identifier | None = tr_field(
        None,
        "Group id the application on the device assigned.",
        default=None,
        examples=["camera-app-beta"],
    )
    operating_system: Identifier | None = tr_field(
        None, "Operating system name.", default=None, examples=["Android"]
    )
    processor_kinds: list[ProcessorKindValue] | None = tr_field(
        None,
        "Processing units the device has.",
        default=None,
        max_length=16,
        examples=[["CPU", "NPU"]],
    )
    processor_speed: NonNegativeFloat | None = tr_field(
        None, "Processor clock speed.", default=None, unit="MHz", examples=[2400]
    )
    available_memory: NonNegativeFloat | None = tr_field(
        None, "Available memory.", default=None, unit="MB", examples=[4000]
    )
    country_code: CountryCode | None = tr_field(
        None, "ISO 3166-1 alpha-2 country where the device is.", default=None, examples=["DE"]
    )
    language: LanguageTag | None = tr_field(
        None, "Language setting (BCP 47).", default=None, examples=["de-DE"]
    )
    data_libraries: list[DataLibrary] | None = tr_field(
        None,
        "Data libraries on the device.",
        default=None,
        max_length=256,
        examples=[[{"dataLibraryId": "images-v1", "numberOfSamples": 1200}]],
    )
    group_ids: list[Identifier] | None = tr_field(
        None,
        "Group ids the device already holds.",
        default=None,
        max_length=256,
        examples=[["fl-group-7"]],
    )


class EligibilityCriterion(StrEnum):
    """One criterion of a device eligibility decision."""

    APPLICATION_GROUP_ID = "APPLICATION_GROUP_ID"
    OPERATING_SYSTEM = "OPERATING_SYSTEM"
    PROCESSOR_KIND = "PROCESSOR_KIND"
    PROCESSOR_SPEED = "PROCESSOR_SPEED"
    AVAILABLE_MEMORY = "AVAILABLE_MEMORY"
    LOCATION = "LOCATION"
    LANGUAGE = "LANGUAGE"
    DATA_LIBRARY = "DATA_LIBRARY"
    DATA_SAMPLES = "DATA_SAMPLES"


class FailedCriterion(TsModel):
    """A criterion a device did not meet, and why."""

    criterion: EligibilityCriterion = tr_field(None, "The criterion.", examples=["LANGUAGE"])
    reason: str = tr_field(
        None,
        "Why it was not met.",
        max_length=1024,
        examples=["device language 'fr-FR' is not one of en, de"],
    )


class EligibilityDecision(TsModel):
    """Outcome of :meth:`DeviceEligibilityInformation.evaluate`."""

    eligible: bool = tr_field(None, "True when every criterion is met.", examples=[False])
    group_id: Identifier | None = tr_field(
        None,
        "Group id the device takes; present only when eligible.",
        default=None,
        examples=["fl-group-7"],
    )
    failed_criteria: list[FailedCriterion] = tr_field(
        None,
        "Every criterion that was not met (empty when eligible).",
        max_length=64,
        examples=[
            [{"criterion": "LANGUAGE", "reason": "device language 'fr-FR' is not one of en, de"}]
        ],
    )


def _language_matches(device: str, wanted: str) -> bool:
    # BCP 47 prefix matching (RFC 4647 basic filtering): "en" admits "en-US".
    device, wanted = device.lower(), wanted.lower()
    return device == wanted or device.startswith(wanted + "-")


class DeviceEligibilityInformation(TsModel):
    """Criteria a device must all meet to take part in federated learning (6.6.6.3)."""

    tr_clause = "6.6.6.3"

    group_id: Identifier = tr_field(
        tr.row(_row, "Group_id"),
        "Group id that a device meeting the criteria takes as one of its group ids; it then "
        "reacts to information carrying the same group id.",
        examples=["fl-group-7"],
    )
    application_group_id: Identifier | None = tr_field(
        tr.row(_row, "Application_group_id"),
        "A device is eligible only if the application on it assigned this same value.",
        default=None,
        examples=["camera-app-beta"],
    )
    hardware: HardwareCriteria | None = tr_field(
        tr.row(_row, "Hardware"),
        "Hardware eligibility criteria (operating system, processor, memory).",
        default=None,
        examples=[{"operatingSystems": ["Android"], "minimumAvailableMemory": 2000}],
    )
    location: LocationCriteria | None = tr_field(
        tr.row(_row, "Location"),
        "Location eligibility criteria.",
        default=None,
        examples=[{"countryCodes": ["DE", "FR"]}],
    )
    language: list[LanguageTag] | None = tr_field(
        tr.row(_row, "Language"),
        "Language settings accepted (any one; 'en' admits 'en-US').",
        default=None,
        min_length=1,
        max_length=64,
        examples=[["en", "de"]],
    )
    data_library_id: Identifier | None = tr_field(
        tr.row(_row, "Data_library_id"),
        "Data library an eligible device shall have.",
        default=None,
        examples=["images-v1"],
    )
    minimum_data_samples: Uinteger | None = tr_field(
        None,
        "Minimum number of samples in that data library (the TR's 'available image library "
        "(number of images…)'). Added by this library; needs dataLibraryId.",
        default=None,
        examples=[500],
    )

    def evaluate(self, profile: DeviceProfile) -> EligibilityDecision:
        """Decide whether ``profile`` meets every criterion; name each one it fails."""
        failed = [
            FailedCriterion(criterion=criterion, reason=reason)
            for criterion, reason in self._failures(profile)
        ]
        return EligibilityDecision(
            eligible=not failed,
            group_id=None if failed else self.group_id,
            failed_criteria=failed,
        )

    def _failures(self, p: DeviceProfile) -> list[tuple[EligibilityCriterion, str]]:
        out: list[tuple[EligibilityCriterion, str]] = []
        c = EligibilityCriterion
        if (
            self.application_group_id is not None
            and p.application_group_id != self.application_group_id
        ):
            out.append(
                (
                    c.APPLICATION_GROUP_ID,
                    f"application group id {p.application_group_id!r} is not "
                    f"{self.application_group_id!r}",
                )
            )
        if self.hardware is not None:
            out.extend(_hardware_failures(self.hardware, p))
        if self.location is not None and p.country_code not in self.location.country_codes:
            out.append(
                (
                    c.LOCATION,
                    f"country {p.country_code!r} is not one of "
                    f"{', '.join(self.location.country_codes)}",
                )
            )
        if self.language is not None and not (
            p.language and any(_language_matches(p.language, w) for w in self.language)
        ):
            out.append(
                (
                    c.LANGUAGE,
                    f"device language {p.language!r} is not one of {', '.join(self.language)}",
                )
            )
        if self.data_library_id is not None:
            library = next(
                (d for d in p.data_libraries or [] if d.data_library_id == self.data_library_id),
                None,
            )
            if library is None:
                out.append((c.DATA_LIBRARY, f"device has no data library {self.data_library_id!r}"))
            elif (
                self.minimum_data_samples is not None
                and (library.number_of_samples or 0) < self.minimum_data_samples
            ):
                out.append(
                    (
                        c.DATA_SAMPLES,
                        f"{library.number_of_samples or 0} samples, fewer "
                        f"than {self.minimum_data_samples}",
                    )
                )
        elif self.minimum_data_samples is not None:
            total = sum(d.number_of_samples or 0 for d in p.data_libraries or [])
            if total < self.minimum_data_samples:
                out.append(
                    (c.DATA_SAMPLES, f"{total} samples, fewer than {self.minimum_data_samples}")
                )
        return out


def _hardware_failures(
    h: HardwareCriteria, p: DeviceProfile
) -> list[tuple[EligibilityCriterion, str]]:
    out: list[tuple[EligibilityCriterion, str]] = []
    c = EligibilityCriterion
    if h.operating_systems is not None and not (
        p.operating_system
        and p.operating_system.lower() in {o.lower() for o in h.operating_systems}
    ):
        out.append(
            (
                c.OPERATING_SYSTEM,
                f"operating system {p.operating_system!r} is not one "
                f"of {', '.join(h.operating_systems)}",
            )
        )
    if h.processor_kinds is not None and not set(h.processor_kinds) & set(p.processor_kinds or []):
        out.append((c.PROCESSOR_KIND, f"device has none of {', '.join(h.processor_kinds)}"))
    for criterion, minimum, actual, unit in (
        (c.PROCESSOR_SPEED, h.minimum_processor_speed, p.processor_speed, "MHz"),
        (c.AVAILABLE_MEMORY, h.minimum_available_memory, p.available_memory, "MB"),
    ):
        if minimum is not None and (actual is None or actual < minimum):
            stated = "not stated" if actual is None else f"{actual:g} {unit}"
            out.append((criterion, f"{stated}, below the minimum {minimum:g} {unit}"))
    return out
