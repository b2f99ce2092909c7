"""The fidelity table's entries — :class:`Item` and :class:`StepFidelity` — and the helpers
that the per-clause modules write them with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """One information item of a step's TR sentence."""

    phrase: str
    """Exact words of the TR's sentence for the step (case and spacing aside)."""
    paths: tuple[str, ...] = ()
    """Properties of the carrying step's message that carry it; empty: none does."""
    reading: str = ""
    """How we read the phrase; required when no property carries it."""
    at: str | None = None
    """The step whose message carries the paths, when it is not this step."""


@dataclass(frozen=True)
class StepFidelity:
    flow: str
    step: str
    items: tuple[Item, ...]

    @property
    def label(self) -> str:
        return step_label(self.flow, self.step)


def step_label(flow: str, step: str) -> str:
    """How the schemas and pages name a step: ``split-inference 2a``."""
    return f"{flow} {step}"


def to(phrase: str, *paths: str, reading: str = "", at: str | None = None) -> Item:
    return Item(phrase, paths, reading, at)


def read(phrase: str, reading: str) -> Item:
    return Item(phrase, (), reading)
