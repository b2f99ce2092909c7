"""The byte-layout page is enough to implement the intermediate data unit.

``independent_unit`` is an encoder and a decoder written from
``docs/reference/intermediate-data-unit.md`` alone. These tests check that the page states
what it assumes and that its tables cover the engine's, run it against the reference
``encode_unit`` / ``decode_unit`` in both directions, for every element type and codec chain,
rounding edge cases and random units, and check that the page's worked example is what
``encode_unit`` produces now. What both decoders refuse is in
``test_unit_layout_doc_refusals.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.engine.split.independent_unit import (
    ALIGN,
    CHAINS,
    DTYPES,
    MAGIC,
    PREFIX,
    REDUCTIONS,
    RESERVED,
    VERSION,
    decode,
    encode,
    reference,
    sample,
    split,
)
from ts26927 import docgen
from ts26927.engine.onnxtools.codecs import CodecChain
from ts26927.engine.onnxtools.dtypes import numpy_dtype
from ts26927.engine.split.unit import decode_unit, encode_unit
from ts26927.models.intermediate_unit import LOSSLESS, PRECISION_REDUCTIONS
from ts26927.models.tensors import ElementDataType

PAGE = Path(__file__).parents[3] / "docs" / "reference" / "intermediate-data-unit.md"


# ---------------------------------------------------------------------------------------------
# Comparisons with the reference engine.


def assert_same(got: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> None:
    """Same names, types, shapes and bits (NaN payloads and -0.0 included)."""
    assert list(got) == list(expected)
    for name, array in expected.items():
        assert got[name].dtype == array.dtype, name
        assert got[name].shape == array.shape, name
        assert got[name].tobytes() == np.ascontiguousarray(array).tobytes(), name


def both_ways(arrays: dict[str, np.ndarray], chain: str) -> None:
    ours, theirs = encode(arrays, chain.split("+")), reference(arrays, chain)
    our_header, our_bodies = split(ours)
    their_header, their_bodies = split(theirs)
    assert our_header == their_header  # as JSON values; the texts differ
    assert our_bodies == their_bodies
    expected = decode_unit(theirs).tensors
    assert_same(decode_unit(ours).tensors, expected)
    assert_same(decode(theirs), expected)
    assert_same(decode(ours), expected)
    for payload, name in zip(their_header["payloads"], arrays, strict=True):
        if payload["compressionAlgorithms"][0] not in REDUCTIONS:
            little = arrays[name].astype(arrays[name].dtype.newbyteorder("<"))
            assert_same({name: expected[name]}, {name: little})


# ---------------------------------------------------------------------------------------------
# Tests.


def test_the_page_states_what_the_independent_implementation_assumes() -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert f"`{MAGIC.hex(' ')}` (ASCII `{MAGIC.decode()}`)" in page
    assert f"| 4 | 1 | `version` | uint8 | `{VERSION}` |" in page
    assert f"`{RESERVED.hex(' ')}`" in page
    assert f"`struct.Struct({PREFIX.format!r})`" in page
    assert f"start = position rounded up to a multiple of {ALIGN}" in page
    for name, dtype in DTYPES.items():
        assert f"| `{name}` | {dtype.itemsize} | `{dtype.str}` |" in page
    assert "are: " + ", ".join(f"`{c}`" for c in CHAINS) + "." in page
    for call in (
        "cramjam.zstd.compress(raw, level=1)",
        "cramjam.zstd.decompress_into(payload, out)",
        "cramjam.lz4.compress_block(raw, store_size=False)",
        "cramjam.lz4.decompress_block_into(payload, out)",
        "cramjam.snappy.compress_raw(raw)",
        "cramjam.snappy.decompress_raw_into(payload, out)",
        "out = bytearray(rawLength)",
        "r = W(1 / scale)",
        "x' = T(T(q) - T(zeroPoint)) * T(scale)",
    ):
        assert call in page, call


def test_the_independent_tables_cover_the_engine() -> None:
    supported = {str(e) for e in ElementDataType if numpy_dtype(e) is not None}
    assert set(DTYPES) == supported
    for name, dtype in DTYPES.items():
        assert numpy_dtype(ElementDataType(name)) == dtype
    engine_chains = [
        CodecChain(p, q).name for p in (None, *PRECISION_REDUCTIONS) for q in (None, *LOSSLESS)
    ]
    assert engine_chains == CHAINS


@pytest.mark.parametrize("chain", CHAINS)
@pytest.mark.parametrize("element", list(DTYPES))
def test_every_type_and_chain_both_ways(element: str, chain: str) -> None:
    # A second float tensor, so that there is padding between two payloads.
    arrays = {
        "tensor": sample(element, (2, 3), chain, seed=1),
        "features": sample("FLOAT", (5,), chain, seed=2),
    }
    both_ways(arrays, chain)


def test_rounding_edge_cases_both_ways() -> None:
    """Values where another reading of the page's rounding rules gives other bytes."""
    quantized = {
        # Dividing by scale in binary32, instead of multiplying by W(1 / scale): 222, not 221.
        "reciprocal": np.array([2.2491257190704346, 1.953652262687683], np.float32),
        # Dividing by scale in binary64: 221, not 220.
        "binary64": np.array([4.118593215942383, 3.5613718032836914], np.float32),
        # -128 - lo / scale is -127.5: ties to even give -128, rounding half up -127.
        "zero_point_tie": np.array([-0.25, 127.25], np.float32),
    }
    both_ways(quantized, "INT8")
    halved = {
        # 1 + 2**-11 + 2**-40 rounds up to binary16 directly, but to 1.0 through binary32.
        "double": np.array([1 + 2**-11 + 2**-40, 1 + 2**-11, 65504.0, 1.5 * 2.0**-24]),
        "float": np.array([1 + 2**-11, 1 + 3 * 2**-11, 65519.0, 2.0**-25], np.float32),
    }
    both_ways(halved, "FLOAT16")


_NONZERO = st.floats(1e-3, 6e4) | st.floats(-6e4, -1e-3)


@st.composite
def _arrays(draw: st.DrawFn) -> np.ndarray:
    element = draw(st.sampled_from(list(DTYPES)))
    dtype = DTYPES[element]
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5))
    if dtype.kind == "f":
        # Zero or away from it: an INT8 range must stay representable in the working type.
        values = st.just(0.0) | _NONZERO.map(lambda v: float(dtype.type(v)))
        array = draw(hnp.arrays(dtype, shape, elements=values))
    elif dtype.kind == "c":
        part = st.floats(-6e4, 6e4, width=4 * dtype.itemsize)
        array = draw(hnp.arrays(dtype, shape, elements=st.builds(complex, part, part)))
    else:
        array = draw(hnp.arrays(dtype, shape))
    if draw(st.booleans()):  # the encoders take big-endian input too
        array = array.astype(array.dtype.newbyteorder(">"))
    if array.ndim > 1 and draw(st.booleans()):  # and views that are not C-contiguous
        array = array.T
    return array


@settings(max_examples=50, deadline=None)
@given(
    st.lists(_arrays(), min_size=1, max_size=3),
    st.sampled_from(CHAINS),
)
def test_random_units_both_ways(tensors: list[np.ndarray], chain: str) -> None:
    both_ways({f"t{i}": array for i, array in enumerate(tensors)}, chain)


def _page_dump(page: str) -> bytes:
    block = page.split("Every byte of the unit", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    data = bytearray()
    for line in block.splitlines():
        offset = int(line[:8], 16)
        assert offset == len(data), line
        data += bytes.fromhex(line[10:58])
    return bytes(data)


def test_the_worked_example_is_what_encode_unit_produces_now() -> None:
    page = PAGE.read_text(encoding="utf-8")
    information, arrays, chain, split_point = docgen.unit_example()
    unit = encode_unit(information, arrays, chain, split_point=split_point).to_bytes()
    shown = _page_dump(page)
    assert shown == unit
    # The indented header on the page is the unit's header, as JSON values.
    pretty = re.search(r"```json\n(.*?)```", page, re.S)
    assert pretty is not None
    assert json.loads(pretty.group(1)) == split(shown)[0]
    # The independent decoder reads the example as the reference does.
    decoded = decode(shown)
    assert_same(decoded, decode_unit(shown).tensors)
    np.testing.assert_array_equal(decoded["indices"], arrays["indices"])
