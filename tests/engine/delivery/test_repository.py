from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from tests.engine.delivery.models import matmul_model, weights_model
from ts26927.engine.delivery.encoder import canonical
from ts26927.engine.delivery.evaluation import EvaluationSet
from ts26927.engine.delivery.repository import ModelRepository, ModelSource
from ts26927.engine.embedded.digits import digits_classifier
from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.errors import (
    ExternalDataError,
    ModelCheckError,
    ModelLoadError,
    ModelSizeError,
    NotInRepositoryError,
    RepositoryError,
)


def test_metadata_is_computed_from_the_model(digits_repository: ModelRepository) -> None:
    stored = digits_repository.get("digits")
    info = stored.information
    assert info.number_of_parameters == 64 * 64 + 64 + 64 * 32 + 32 + 32 * 10 + 10 + 1
    assert info.model_size == len(stored.data) / 1e6
    assert info.input_size == 64 * 4 / 1000 and info.output_size == 10 * 4 / 1000
    assert info.accuracy == digits_classifier().accuracy
    assert info.format_framework is not None and info.format_framework[0].name == "ONNX"
    processing = info.processing_capabilities
    assert processing is not None
    assert processing.computational_complexity == 64 * 64 + 64 * 32 + 32 * 10
    assert processing.memory is not None and processing.memory > 6571 * 4 / 1e6
    assert stored.sha256 == hashlib.sha256(stored.data).hexdigest()


def test_identifiers_are_names_or_content_hashes(digits_repository: ModelRepository) -> None:
    sha256 = digits_repository.get("digits").sha256
    assert digits_repository.resolve(sha256) == "digits"
    with pytest.raises(NotInRepositoryError, match="known: digits"):
        digits_repository.resolve("f" * 64)
    with pytest.raises(NotInRepositoryError):
        digits_repository.get("resnet")


def test_variants_are_measured_and_checked(digits_repository: ModelRepository) -> None:
    variants = {v.identifier: v.variant for v in digits_repository.variants("digits")}
    assert list(variants) == ["digits-full", "digits-int8", "digits-int16", "digits-fp32"]
    full, base, middle, exact = variants.values()
    assert full.accuracy == digits_classifier().accuracy
    assert base.accuracy is not None and full.accuracy - base.accuracy <= 1.0
    assert middle.accuracy == exact.accuracy == full.accuracy
    assert base.update_of is None and middle.update_of == base.variant_identifier
    assert exact.update_of == middle.variant_identifier and exact.weight_sqnr is None
    assert base.model_size < 0.22 * full.model_size
    for variant in variants.values():
        data = digits_repository.variant("digits", variant.variant_identifier).data
        assert variant.sha256 == hashlib.sha256(data).hexdigest()
        assert variant.model_size == len(data) / 1e6
    with pytest.raises(NotInRepositoryError, match="digits-int8"):
        digits_repository.variant("digits", "digits-int4")


def test_the_full_variant_alone_needs_no_encoding() -> None:
    repository = ModelRepository()
    repository.add(weights_model([np.ones(6)]), identifier="small")
    entry = repository.entry("small", adaptive=False)
    assert [v.variant_identifier for v in entry.variants] == ["small-full"]
    assert not entry.adaptive and not repository._encodings


def test_models_from_bytes_and_files_are_loaded_safely(tmp_path: Path) -> None:
    model = weights_model([np.arange(12, dtype=np.float32).reshape(3, 4)])
    repository = ModelRepository(limits=ModelLimits(max_model_bytes=10_000))
    identifier = repository.add(model.SerializeToString())
    assert identifier == hashlib.sha256(canonical(model, "m").SerializeToString()).hexdigest()
    path = tmp_path / "weights.onnx"
    saved = onnx.ModelProto()
    saved.CopyFrom(model)  # saving with external data edits the model it is given
    onnx.save_model(saved, path, save_as_external_data=True, location="w.bin", size_threshold=0)
    assert repository.add(path, identifier="from-file") == "from-file"
    assert repository.get("from-file").sha256 == repository.get(identifier).sha256
    with pytest.raises(ModelLoadError):
        repository.add(b"not onnx at all")
    with pytest.raises(ModelSizeError):
        repository.add(bytes(20_000))
    broken = onnx.ModelProto()
    broken.CopyFrom(model)
    broken.graph.node[0].input[0] = "missing"
    with pytest.raises(ModelCheckError):
        repository.add(broken.SerializeToString())


def test_external_data_outside_the_models_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    model = weights_model([np.ones((3, 4))])
    onnx.save_model(
        model, folder / "m.onnx", save_as_external_data=True, location="w.bin", size_threshold=0
    )
    (folder / "w.bin").rename(tmp_path / "w.bin")
    loaded = onnx.load_model(folder / "m.onnx", load_external_data=False)
    for entry in loaded.graph.initializer[0].external_data:
        if entry.key == "location":
            entry.value = "../w.bin"
    onnx.save_model(loaded, folder / "m.onnx")
    with pytest.raises(ExternalDataError, match="outside the model's folder"):
        ModelRepository().add(folder / "m.onnx")


def test_identifiers_are_checked_and_never_reused() -> None:
    repository = ModelRepository()
    model = weights_model([np.ones(4)])
    repository.add(model, identifier="a")
    with pytest.raises(RepositoryError, match="already held"):
        repository.add(model, identifier="a")
    for bad in ("", "has space", "../x", "x" * 201):
        with pytest.raises(RepositoryError, match="identifiers are"):
            repository.add(model, identifier=bad)
    assert repository.identifiers() == ["a"]


def test_models_without_weights_to_refine_are_refused_for_adaptive_delivery() -> None:
    repository = ModelRepository()
    repository.add(weights_model([np.ones(1)]), identifier="scalar")
    assert repository.variants("scalar", adaptive=False)
    with pytest.raises(RepositoryError, match="no float32 weights"):
        repository.variants("scalar")


def test_lazy_sources_are_built_once_and_summaries_stay_cheap() -> None:
    calls: list[str] = []

    def load() -> onnx.ModelProto:
        calls.append("load")
        return matmul_model(np.ones((2, 5)))

    repository = ModelRepository()
    repository.register(
        ModelSource("lazy", "test model", load, topology=lambda: matmul_model(np.zeros((2, 5))))
    )
    summary = repository.summary("lazy")
    assert (summary.parameters, summary.kind, calls) == (10, "test model", [])
    repository.get("lazy")
    repository.get("lazy")
    assert calls == ["load"]
    with pytest.raises(RepositoryError, match="already held"):
        repository.register(ModelSource("lazy", "again", load))


def test_float_data_weights_become_raw_data_in_the_canonical_file() -> None:
    model = weights_model([np.ones(3)])
    tensor = model.graph.initializer[0]
    values = numpy_helper.to_array(tensor)
    tensor.ClearField("raw_data")
    tensor.float_data.extend(values.tolist())
    repository = ModelRepository()
    repository.add(model, identifier="floats")
    stored = repository.get("floats").model.graph.initializer[0]
    assert stored.raw_data == values.tobytes() and not stored.float_data


def test_evaluation_sets_must_be_consistent() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        EvaluationSet("e", {"x": np.zeros((3, 1))}, np.zeros(2), "y")


def test_released_models_are_rebuilt_identically_and_added_ones_stay() -> None:
    repository = ModelRepository()
    repository.register(ModelSource("lazy", "test", lambda: matmul_model(np.ones((2, 5)))))
    first = repository.entry("lazy")
    repository.release("lazy")
    assert not repository._stored and not repository._encodings
    assert repository.entry("lazy") == first
    repository.add(matmul_model(np.ones((3, 3))), identifier="added")
    repository.release("added")
    assert "added" in repository._stored
