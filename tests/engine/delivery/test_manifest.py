from __future__ import annotations

import pytest

from tests.engine.delivery.manifests import entry, manifest, one
from ts26927.engine.delivery.manifest import check_entry, find_entry, find_variant, path_to, paths
from ts26927.errors import ManifestError, NotInRepositoryError


def test_paths_lead_from_the_root_and_list_the_updates_after() -> None:
    model = one(entry("m"))
    found = {p.variant.variant_identifier: p for p in paths(model)}
    assert [v.variant_identifier for v in found["m-int16"].steps] == ["m-int8", "m-int16"]
    assert [v.variant_identifier for v in found["m-int8"].later] == ["m-int16", "m-fp32"]
    assert found["m-full"].steps[0].variant_identifier == "m-full" and not found["m-full"].later
    assert found["m-fp32"].model_identifier == "m"


def test_update_chains_that_loop_are_refused() -> None:
    data = entry("m")
    data["variants"][1] |= {"updateOf": "m-fp32", "composition": "ADDITIVE"}
    with pytest.raises(ManifestError, match="loop back"):
        check_entry(one(data))
    data = entry("m")
    data["variants"][2] |= {"updateOf": "m-int16"}
    with pytest.raises(ManifestError, match="loop back"):
        path_to(one(data), "m-int16")


def test_compositions_belong_to_updates_only() -> None:
    data = entry("m")
    del data["variants"][2]["composition"]
    with pytest.raises(ManifestError, match="m-int16 does not say how it composes"):
        check_entry(one(data))
    data = entry("m")
    data["variants"][0]["composition"] = "ADDITIVE"
    with pytest.raises(ManifestError, match="m-full is usable on its own"):
        check_entry(one(data))


def test_lookups_name_what_is_known() -> None:
    both = manifest(entry("a"), entry("b", adaptive=False))
    assert find_entry(both, "b").ai_model_information.model_identifier == "b"
    with pytest.raises(NotInRepositoryError, match="known: a, b"):
        find_entry(both, "c")
    with pytest.raises(NotInRepositoryError, match="b-full"):
        find_variant(find_entry(both, "b"), "b-int8")
