from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import onnx
import pytest

from tests.engine.delivery.models import float32_bits, weights_model
from ts26927.engine.delivery.encoder import AdaptiveEncoding, AdaptiveOptions, encode_adaptive
from ts26927.engine.delivery.package import Section, read_package, write_package
from ts26927.engine.delivery.progressive import ProgressiveModel
from ts26927.engine.embedded.digits import digits_classifier
from ts26927.errors import IntegrityError, PackageError, PackageMismatchError
from ts26927.models.messages.adaptive import SectionKind


def _rewrite(
    data: bytes, fields: dict[str, Any] | None = None, sections: dict | None = None
) -> bytes:
    """The package with header fields and section contents replaced."""
    header, found = read_package(data, "p", 10**8)
    wire = {k: v for k, v in header.to_wire().items() if k not in ("formatVersion", "sections")}
    contents = {key: bytes(view) for key, view in found.items()} | (sections or {})
    parts = [Section(kind, plane, raw) for (kind, plane), raw in contents.items()]
    return write_package({**wire, **(fields or {})}, parts, 3)


def _rechain(levels: list[bytes]) -> list[bytes]:
    """Packages whose parent digests are made right again after an edit."""
    out = [levels[0]]
    for data in levels[1:]:
        out.append(_rewrite(data, {"parentSha256": hashlib.sha256(out[-1]).hexdigest()}))
    return out


def _data(encoding: AdaptiveEncoding) -> list[bytes]:
    return [level.data for level in encoding.levels]


def test_levels_apply_in_order_and_rebuild_the_model(digits_chain: AdaptiveEncoding) -> None:
    base, middle, exact = _data(digits_chain)
    progressive = ProgressiveModel(base)
    assert (progressive.level, progressive.precision.value, progressive.complete) == (
        0,
        "INT8",
        False,
    )
    progressive.apply(middle)
    progressive.apply(exact)
    assert progressive.complete
    original = digits_classifier().model
    for tensor in original.graph.initializer:
        if tensor.name == "dense1.weight":
            expected = onnx.numpy_helper.to_array(tensor).ravel()
    np.testing.assert_array_equal(
        float32_bits(progressive.weights()[: expected.size]), float32_bits(expected)
    )
    assert hashlib.sha256(progressive.to_bytes()).hexdigest() == digits_chain.target_sha256


@pytest.mark.parametrize(
    ("sequence", "reason"),
    [
        ([2], "is level 2; the next level is 1"),
        ([1, 1], "is level 1; the next level is 2"),
        ([0], "is level 0; the next level is 1"),
        ([1, 2, 2], "already at its exact level"),
    ],
)
def test_updates_out_of_order_are_refused_and_change_nothing(
    digits_chain: AdaptiveEncoding, sequence: list[int], reason: str
) -> None:
    packages = _data(digits_chain)
    progressive = ProgressiveModel(packages[0])
    *good, bad = sequence
    for index in good:
        progressive.apply(packages[index])
    before, level = progressive.weights().copy(), progressive.level
    with pytest.raises(PackageMismatchError, match=reason):
        progressive.apply(packages[bad])
    assert progressive.level == level
    np.testing.assert_array_equal(float32_bits(progressive.weights()), float32_bits(before))
    progressive.to_model()  # still serving


def test_an_update_of_another_model_or_base_is_refused(digits_chain: AdaptiveEncoding) -> None:
    model = digits_classifier().model
    progressive = ProgressiveModel(digits_chain.levels[0].data)
    other_model = encode_adaptive(weights_model([np.ones(8)]), "other")
    with pytest.raises(PackageMismatchError, match="is for model 'other'"):
        progressive.apply(other_model.levels[1].data)
    other_base = encode_adaptive(model, "digits", AdaptiveOptions(base_sqnr_db=None))
    with pytest.raises(PackageMismatchError, match="updates package"):
        progressive.apply(other_base.levels[1].data)
    assert progressive.level == 0


def test_a_broken_update_leaves_the_model_serving(digits_chain: AdaptiveEncoding) -> None:
    base, middle, exact = _data(digits_chain)
    progressive = ProgressiveModel(base)
    progressive.apply(middle)
    truncated_plane = _rewrite(exact, sections={(SectionKind.EXACT, 2): b"\0" * 10})
    with pytest.raises(PackageError, match="section EXACT/2"):
        progressive.apply(truncated_plane)
    with pytest.raises(PackageError, match="truncated"):
        progressive.apply(exact[:-5])
    assert progressive.level == 1
    progressive.apply(exact)
    assert progressive.complete


def test_a_base_that_does_not_rebuild_its_target_is_caught(digits_chain: AdaptiveEncoding) -> None:
    packages = _data(digits_chain)
    _, sections = read_package(packages[0], "p", 10**8)
    skeleton = onnx.load_model_from_string(bytes(sections[(SectionKind.SKELETON, 0)]))
    skeleton.doc_string = "edited"
    edited = _rewrite(
        packages[0], sections={(SectionKind.SKELETON, 0): skeleton.SerializeToString()}
    )
    progressive = ProgressiveModel(edited)
    for data in _rechain([edited, *packages[1:]])[1:]:
        progressive.apply(data)
    with pytest.raises(IntegrityError, match="rebuilt at the exact level"):
        progressive.to_bytes()


def _skeleton_with(digits_chain: AdaptiveEncoding, edit) -> bytes:
    base = digits_chain.levels[0].data
    _, sections = read_package(base, "p", 10**8)
    skeleton = onnx.load_model_from_string(bytes(sections[(SectionKind.SKELETON, 0)]))
    edit(skeleton)
    return _rewrite(base, sections={(SectionKind.SKELETON, 0): skeleton.SerializeToString()})


def _fill_first(model: onnx.ModelProto) -> None:
    tensor = next(t for t in model.graph.initializer if t.name == "dense1.weight")
    tensor.raw_data = bytes(4 * 4096)


def _drop_last(model: onnx.ModelProto) -> None:
    del model.graph.initializer[-1]


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda c: _skeleton_with(c, _fill_first), "already holds data"),
        (lambda c: _skeleton_with(c, _drop_last), "steps for"),
        (
            lambda c: _rewrite(c.levels[0].data, sections={(SectionKind.SKELETON, 0): b"\x08"}),
            "skeleton",
        ),
        (
            lambda c: _rewrite(c.levels[0].data, {"steps": [2143289344] * 6}),
            "step of 'dense1.weight'",
        ),
        (lambda c: _rewrite(c.levels[0].data, {"elements": 7}), "section CODES/0|elements"),
        (lambda c: _rewrite(c.levels[0].data, {"chain": ["INT16", "INT8", "FLOAT32"]}), "chain"),
        (lambda c: c.levels[1].data, "not a base package"),
        (lambda c: _rewrite(c.levels[0].data, sections={(SectionKind.EXACT, 0): b"x"}), "extra"),
    ],
)
def test_bad_base_packages_are_refused(digits_chain: AdaptiveEncoding, make, match: str) -> None:
    with pytest.raises(PackageError, match=match):
        ProgressiveModel(make(digits_chain))


def test_exceptions_are_checked() -> None:
    values = np.array([1.0, np.inf, 2.0, np.nan], np.float32)
    base = encode_adaptive(weights_model([values]), "m").levels[0].data
    packed = np.array([1, 3, 0x7F800000, 0x7FC00000], "<u4")
    ProgressiveModel(_rewrite(base, sections={(SectionKind.EXCEPTIONS, 0): packed.tobytes()}))
    past = np.array([1, 9, 0x7F800000, 0x7FC00000], "<u4").tobytes()
    with pytest.raises(PackageError, match="past the last weight"):
        ProgressiveModel(_rewrite(base, sections={(SectionKind.EXCEPTIONS, 0): past}))
    finite = np.array([1, 3, 0x3F800000, 0x7FC00000], "<u4").tobytes()
    with pytest.raises(PackageError, match="finite value"):
        ProgressiveModel(_rewrite(base, sections={(SectionKind.EXCEPTIONS, 0): finite}))


def test_the_base_model_runs_and_keeps_non_finite_weights_exactly() -> None:
    mask = np.array([0.5, -np.inf, 0.25, np.uint32(0xFFC01234).view(np.float32)], np.float32)
    encoding = encode_adaptive(weights_model([np.linspace(-1, 1, 50), mask]), "masked")
    progressive = ProgressiveModel(encoding.levels[0].data)
    weights = progressive.weights()
    np.testing.assert_array_equal(float32_bits(weights[51:54:2]), float32_bits(mask[1::2]))
    progressive.to_model()  # a base model that loads and passes the ONNX checker
