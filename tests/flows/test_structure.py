from __future__ import annotations

import pytest

from ts26927.flows.structure import alt, compile_structure, loop, occurrences, opt, seq


def _run(structure, steps: list[str]) -> tuple[bool, list[str]]:
    auto = compile_structure(structure)
    state = None
    for step in steps:
        state = auto.next_positions(state, step)
        if not state:
            return False, []
    return auto.can_end(state), auto.allowed(state)


def test_sequence_alternative_option_loop() -> None:
    flow = seq("1", alt(("A", seq("2a", "3a")), ("B", "2b")), loop("4", opt("5"), "6"))
    assert _run(flow, ["1", "2a", "3a", "4", "6"]) == (True, ["4"])
    assert _run(flow, ["1", "2b", "4", "5", "6", "4", "6"]) == (True, ["4"])
    assert _run(flow, ["1", "2b", "4"]) == (False, ["5", "6"])
    assert _run(flow, ["1", "2a", "2b"])[1] == []
    assert _run(flow, ["2a"])[1] == []


def test_repeated_step_ids_are_distinct_positions() -> None:
    # The intermediate data session (3) is set up once; 1, 2, 4 repeat.
    flow = seq("1", "2", "3", "4", loop("1", "2", "4", min_times=0))
    assert _run(flow, ["1", "2", "3", "4"]) == (True, ["1"])
    assert _run(flow, ["1", "2", "3", "4", "1", "2", "4", "1", "2", "4"])[0] is True
    assert _run(flow, ["1", "2", "3", "4", "1", "2", "3"]) == (False, [])


def test_alternatives_sharing_a_prefix_keep_both_open() -> None:
    flow = alt(("A", seq("7", "8")), ("A then B", seq("7", "8", "9")))
    assert _run(flow, ["7", "8"]) == (True, ["9"])


def test_empty_flow_is_nullable_and_options_are_marked() -> None:
    auto = compile_structure(opt("1"))
    assert auto.can_end(None) and auto.allowed(None) == ["1"]
    found = [(o.step, o.optional, o.looped) for o in occurrences(seq("1", opt("2"), loop("3")))]
    assert found == [("1", False, False), ("2", True, False), ("3", False, True)]


def test_unknown_nodes_are_refused() -> None:
    with pytest.raises(TypeError, match="not a structure node"):
        compile_structure(object())  # type: ignore[arg-type]
