"""The network side of generic model delivery and of split inference, driven step by step:
the harness refuses steps out of order, malformed messages, forged selections and corrupt
intermediate data units, saying why, and refuses to set up what it cannot play."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ts26927.bindings.stdio import StdioImplementation
from ts26927.errors import HarnessSetupRefusedError

from .support import (
    document,
    float_unit,
    harness_argv,
    needs_node,
    refused,
    repository_state,
    sealed,
    steps,
)

pytestmark = needs_node


def test_model_delivery_refuses_out_of_order_and_malformed_steps(fixtures: Path) -> None:
    trigger = {
        "service": "MODEL_DELIVERY",
        "sessionId": "s-1",
        "serviceRequirementInformation": document(
            fixtures, "serviceRequirements", "service-digits"
        ),
        "ueCapabilityInformation": document(fixtures, "ueCapabilities", "ue-ample"),
    }
    model = (fixtures / "models" / "digits.onnx").read_bytes()
    with StdioImplementation(harness_argv(fixtures)) as iut:
        iut.setup("c", "model-delivery", "NETWORK", repository_state(fixtures))
        session = {"deliverySessionId": "d-1", "modelIdentifier": "digits"}
        assert "out of order" in refused(iut.deliver("4", session, {}))
        assert "sessionId" in refused(iut.deliver("1", {"service": "MODEL_DELIVERY"}, {}))
        assert "unknown properties" in refused(iut.deliver("1", {**trigger, "x": 1}, {}))
        strict = {"minimumServiceInferenceAccuracy": 99.9}
        demanding = {**trigger, "serviceRequirementInformation": strict}
        assert "no model" in refused(iut.deliver("1", demanding, {}))
        assert steps(iut.deliver("1", trigger, {})) == ["2", "3"]
        assert "not one the network side receives" in refused(iut.deliver("6", {}, {}))
        other = {**session, "modelIdentifier": "resnet50"}
        assert "was not selected" in refused(iut.deliver("4", other, {}))
        [delivered] = iut.deliver("4", session, {})  # type: ignore[misc]
        assert delivered.step == "5" and delivered.attachments["model"] == model
        assert delivered.message["sha256"] == hashlib.sha256(model).hexdigest()
        assert delivered.message["size"] == len(model)


def test_setup_refuses_what_it_cannot_set_up(fixtures: Path, runtime: None) -> None:
    wrong_sha = {
        "state": "model-repository",
        "params": {"model": "digits", "modelSha256": "0" * 64},
    }
    with StdioImplementation(harness_argv(fixtures)) as iut:
        for flow, state, reason in [
            ("model-delivery", wrong_sha, "export the fixtures again"),
            (
                "split-inference",
                repository_state(fixtures, model="resnet50"),
                "not in the fixtures manifest",
            ),
            (
                "split-inference",
                repository_state(fixtures, topology="UE_SOURCE_NETWORK_FIRST"),
                "topology",
            ),
            ("federated-learning", repository_state(fixtures), "only the network side of"),
        ]:
            with pytest.raises(HarnessSetupRefusedError, match=reason):
                iut.setup("c", flow, "NETWORK", state)
        with pytest.raises(HarnessSetupRefusedError, match="only the network side of"):
            iut.setup("c", "split-inference", "UE", repository_state(fixtures))


def test_split_inference_refuses_out_of_order_forged_and_corrupt_steps(
    fixtures: Path, runtime: None
) -> None:
    ue = document(fixtures, "ueCapabilities", "ue-ample")
    service = document(fixtures, "serviceRequirements", "service-digits")
    request = {
        "sessionId": "s-1",
        "serviceRequirementInformation": service,
        "ueCapabilityInformation": ue,
    }
    unreachable = document(fixtures, "serviceRequirements", "service-digits-unreachable-accuracy")
    with StdioImplementation(harness_argv(fixtures)) as iut:
        iut.setup(
            "c",
            "split-inference",
            "NETWORK",
            repository_state(fixtures, topology="UE_SOURCE_UE_FIRST"),
        )
        assert "no session is established" in refused(iut.deliver("2b", request, {}))
        assert steps(iut.deliver("0", {"sessionId": "s-1"}, {})) == []
        assert "not one the network side receives" in refused(iut.deliver("1", ue, {}))
        assert "out of order" in refused(
            iut.deliver("6b", {"sessionId": "s-1", "selected": {}}, {})
        )
        assert "is not the established" in refused(
            iut.deliver("2b", {**request, "sessionId": "x"}, {})
        )
        hopeless = {**request, "serviceRequirementInformation": unreachable}
        assert "no split configuration" in refused(iut.deliver("2a", hopeless, {}))
        offered = iut.deliver("2b", request, {})
        assert steps(offered) == ["3b", "4b"]
        candidates = offered[1].message["candidates"]  # type: ignore[index]
        chosen = candidates[-1]
        forged = {**chosen, "intermediateDataSize": chosen["intermediateDataSize"] / 2}
        selection = {"sessionId": "s-1", "selected": forged}
        assert "differs from the one offered" in refused(iut.deliver("6b", selection, {}))
        renamed = {**chosen, "configurationIdentifier": "9/NONE"}
        selection = {"sessionId": "s-1", "selected": renamed}
        assert "never offered" in refused(iut.deliver("6b", selection, {}))
        agreed = iut.deliver("6b", {"sessionId": "s-1", "selected": chosen}, {})
        assert steps(agreed) == ["7b", "8b", "9b", "10", "11"]
        assert "out of order" in refused(iut.deliver("18b", {}, {}))
        subset = {"deliverySessionId": "d-1", "modelIdentifier": "digits"}
        assert "UE_SUBSET" in refused(iut.deliver("12", subset, {}))
        [delivered] = iut.deliver("12", {**subset, "subset": "UE_SUBSET"}, {})  # type: ignore[misc]
        number = chosen["splitPointInformation"]["splitPointNumber"]
        first = (fixtures / "split-points" / "digits" / str(number) / "first.onnx").read_bytes()
        assert (delivered.step, delivered.attachments["model"]) == ("13", first)
        assert delivered.message["sha256"] == hashlib.sha256(first).hexdigest()
        [opened] = iut.poll()  # type: ignore[misc]
        info = chosen["intermediateDataInformation"]
        assert opened.step == "17b" and opened.message["intermediateDataInformation"] == info
        assert iut.poll() == []
        [tensor] = info["tensors"]
        values = bytes(4 * tensor["tensorShape"][0] * tensor["tensorShape"][1])
        unit = float_unit(chosen["splitPointInformation"], info, values)
        identifier = chosen["splitPointInformation"]["splitPointIdentifier"]
        body = unit[:-4]
        for corrupt, reason in [
            (unit[:-7], "CRC-32"),
            (unit[:20] + b"\xff" + unit[21:], "CRC-32"),
            (sealed(body[:-7]), "needs bytes"),
            (sealed(body[:20] + b"\xff" + body[21:]), "JSON"),
            (sealed(body + b"\0"), "follow the last payload"),
            (b"TSIX" + unit[4:], "magic"),
        ]:
            data = {"sequenceNumber": 0, "splitPointIdentifier": identifier, "size": len(corrupt)}
            refusal = refused(iut.deliver("18b", data, {"unit": corrupt}))
            assert "intermediate data unit refused" in refusal and any(
                r in refusal for r in reason.split("|")
            ), refusal
        data = {"sequenceNumber": 0, "splitPointIdentifier": identifier, "size": len(unit)}
        outputs = iut.deliver("18b", data, {"unit": unit})
        assert steps(outputs) == ["19b", "20b"]
        assert outputs[1].attachments["output"].startswith(b"\x93NUMPY")  # type: ignore[index]
