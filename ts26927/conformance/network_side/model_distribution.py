"""Network mutants of AI/ML model distribution and operation (5.3.6): the reference network
that ingests (3) what is not a model, or distributes (8) other bytes than it ingested."""

from __future__ import annotations

import onnx

from ts26927.bindings.base import Output

from ..mutants import Mutant, MutantSpec, _edit, _true_digest


def _restamped_model(output: Output) -> Output:
    """The same graph saved again with other metadata: other bytes (true digest)."""
    model = onnx.load_from_string(output.attachments["model"])
    model.doc_string = "re-exported by the distribution function"
    return _true_digest(output, model.SerializeToString())


MUTANTS: tuple[MutantSpec, ...] = (
    MutantSpec(
        "ingests-anything",
        "stores (and would serve) an ingested file that is not a model",
        lambda: Mutant(lax=True),
        "5.3.6-model-distribution-003",
        "3",
    ),
    MutantSpec(
        "delivers-restamped-model",
        "distributes the ingested model saved again with other metadata",
        lambda: Mutant(_edit("8", _restamped_model)),
        "5.3.6-model-distribution-001",
        "8",
    ),
)
