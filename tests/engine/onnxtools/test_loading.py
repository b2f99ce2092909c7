"""Loading models from untrusted files: every hostile input gets its typed error."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper
from onnx.external_data_helper import convert_model_to_external_data

from tests.engine.builders import residual_model
from ts26927.engine.onnxtools.limits import ModelLimits
from ts26927.engine.onnxtools.loading import load_model
from ts26927.errors import (
    ExternalDataError,
    ModelCheckError,
    ModelLoadError,
    ModelSizeError,
    Ts26927Error,
)


def _external(tmp_path: Path, location: str = "weights.bin") -> Path:
    """The test model saved with its weights in one external file; returns the model path."""
    folder = tmp_path / "model"
    folder.mkdir(parents=True)
    model = residual_model()
    convert_model_to_external_data(model, location=location, size_threshold=0)
    path = folder / "model.onnx"
    onnx.save(model, path)
    return path


def _set_external(path: Path, tensor: str, **entries: str) -> None:
    model = onnx.load(path, load_external_data=False)
    for init in model.graph.initializer:
        if init.name == tensor:
            for entry in init.external_data:
                if entry.key in entries:
                    entry.value = entries[entry.key]
    onnx.save(model, path)


def test_loads_a_file_and_bytes_alike(tmp_path: Path) -> None:
    model = residual_model()
    path = tmp_path / "m.onnx"
    onnx.save(model, path)
    assert load_model(path) == model
    assert load_model(model.SerializeToString()) == model


def test_loads_external_data_from_the_model_folder(tmp_path: Path) -> None:
    path = _external(tmp_path)
    loaded = load_model(path)
    expected = {t.name: numpy_helper.to_array(t) for t in residual_model().graph.initializer}
    got = {t.name: numpy_helper.to_array(t) for t in loaded.graph.initializer}
    assert got.keys() == expected.keys()
    for name, value in expected.items():
        np.testing.assert_array_equal(got[name], value)


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, this is not a model", bytes(range(256)) * 4, b"\x08\x07"],
    ids=["empty", "text", "binary", "ir-only"],
)
def test_not_onnx_is_a_load_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.onnx"
    path.write_bytes(content)
    with pytest.raises(ModelLoadError, match="not an ONNX model"):
        load_model(path)
    with pytest.raises(ModelLoadError, match="<bytes>: not an ONNX model"):
        load_model(content)


def test_unreadable_paths_are_load_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="not a readable regular file"):
        load_model(tmp_path / "absent.onnx")
    with pytest.raises(ModelLoadError, match="not a readable regular file"):
        load_model(tmp_path)


def test_checker_failure_is_a_check_error() -> None:
    model = residual_model()
    model.graph.node[0].op_type = "NoSuchOperator"
    with pytest.raises(ModelCheckError, match="NoSuchOperator"):
        load_model(model.SerializeToString())
    # check=False skips only the checker: the model still parses.
    assert load_model(model.SerializeToString(), check=False).graph.node[0].op_type


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "m.onnx"
    onnx.save(residual_model(), path)
    with pytest.raises(ModelSizeError, match=r"model file: .* more than the limit of 100 bytes"):
        load_model(path, limits=ModelLimits(max_model_bytes=100))


def test_absurd_declared_tensor_size_is_refused() -> None:
    model = residual_model()
    tensor = model.graph.initializer[0]
    del tensor.dims[:]
    tensor.dims.extend([10**6, 10**6, 10**3])
    with pytest.raises(ModelSizeError, match=r"tensor 'w1'.*declares 4000000000000000 bytes"):
        load_model(model.SerializeToString())


def test_inline_data_must_match_its_shape() -> None:
    model = residual_model()
    tensor = model.graph.initializer[0]
    tensor.dims[0] = 4
    with pytest.raises(ModelSizeError, match=r"tensor 'w1'.*needs 432 bytes but 864 are stored"):
        load_model(model.SerializeToString())


def test_absurd_graph_input_shape_is_refused() -> None:
    model = residual_model(batch=10**12)
    with pytest.raises(ModelSizeError, match="graph input 'x'"):
        load_model(model.SerializeToString(), check=False)


def test_negative_dimension_is_refused() -> None:
    model = residual_model()
    model.graph.initializer[1].dims[0] = -8
    with pytest.raises(ModelSizeError, match="negative dimension"):
        load_model(model.SerializeToString())


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("../outside.bin", "points outside the model's folder"),
        ("sub/../../outside.bin", "points outside the model's folder"),
        ("/etc/hostname", "absolute paths are refused"),
        ("missing.bin", "is not a regular file"),
    ],
)
def test_external_locations_must_stay_in_the_folder(
    tmp_path: Path, location: str, message: str
) -> None:
    path = _external(tmp_path)
    (tmp_path / "outside.bin").write_bytes(bytes(4096))
    _set_external(path, "w1", location=location)
    with pytest.raises(ExternalDataError, match=message) as caught:
        load_model(path)
    assert caught.value.tensor == "w1" and caught.value.location == location


def test_symbolic_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    path = _external(tmp_path)
    (tmp_path / "secret.bin").write_bytes(bytes(4096))
    os.symlink(tmp_path / "secret.bin", path.parent / "link.bin")
    _set_external(path, "w1", location="link.bin")
    with pytest.raises(ExternalDataError, match="points outside the model's folder"):
        load_model(path)


def test_external_range_must_fit_the_file_and_the_shape(tmp_path: Path) -> None:
    path = _external(tmp_path)
    _set_external(path, "w1", offset="1000000")
    with pytest.raises(ExternalDataError, match=r"declares bytes 1000000\.\.1000864"):
        load_model(path)
    path = _external(tmp_path / "again")
    _set_external(path, "w1", length="8")
    with pytest.raises(ExternalDataError, match="declares 8 bytes but shape"):
        load_model(path)


def test_external_data_needs_a_path() -> None:
    model = residual_model()
    convert_model_to_external_data(model, location="w.bin", size_threshold=0)
    with pytest.raises(ExternalDataError, match="needs a model file path"):
        load_model(model.SerializeToString())


def test_a_dangling_input_is_refused_by_the_checker_as_a_library_error() -> None:
    model = residual_model()
    model.graph.node[-1].input[0] = "no_such_tensor"
    with pytest.raises(Ts26927Error, match="no_such_tensor") as caught:
        load_model(model.SerializeToString())
    assert isinstance(caught.value, ModelCheckError)


def test_a_model_file_is_read_at_its_own_size_not_the_limit(tmp_path) -> None:
    """Reading 'up to the limit' would reserve the whole limit up front: with a limit of a
    petabyte, that read could not even be allocated."""
    from dataclasses import replace

    from ts26927.engine.embedded.digits import digits_classifier
    from ts26927.engine.onnxtools.limits import ModelLimits
    from ts26927.engine.onnxtools.loading import load_model

    path = tmp_path / "m.onnx"
    path.write_bytes(digits_classifier().model.SerializeToString())
    huge = replace(ModelLimits(), max_model_bytes=2**50)
    assert load_model(path, limits=huge).graph.name
