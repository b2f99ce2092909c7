"""The rows of every clause 6.6 metadata table of TR 26.927, as the TR prints them.

This is the spec side of traceability: each :class:`TrRow` names one metadata type
verbatim, with its clause and the TR's own example text. Model fields point at these rows
(see :func:`ts26927.models.base.tr_field`); ``ts26927 trace`` joins the two and a test fails
when a row has no field or a field points at no row.

Clause 6.6.6 lists its parameters as bullet items (``Round_number``, ``Group_id``…) rather
than table rows; those items are rows here too, named exactly as the TR writes them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrTable:
    """One metadata table (or parameter list) of clause 6.6."""

    key: str
    clause: str
    title: str


@dataclass(frozen=True)
class TrRow:
    """One metadata type of a table, named verbatim as in the TR."""

    table: TrTable
    category: str
    metadata_type: str
    example: str = ""

    @property
    def clause(self) -> str:
        return self.table.clause

    @property
    def key(self) -> tuple[str, str]:
        return (self.table.key, self.metadata_type)


COMMON = TrTable("6.6.2", "6.6.2", "Common AI model information")
SPLIT = TrTable("6.6.3-split", "6.6.3", "AI model information for split AI/ML operations")
INTERMEDIATE = TrTable(
    "6.6.3-intermediate", "6.6.3", "Intermediate data information for split AI/ML operations"
)
SERVICE = TrTable("6.6.4", "6.6.4", "Service requirement information")
ENDPOINT = TrTable("6.6.5", "6.6.5", "Endpoint capability information")
FL_CONTROL = TrTable("6.6.6.1", "6.6.6.1", "Distributed/Federated learning control information")
FL_SYNC = TrTable("6.6.6.2", "6.6.6.2.3", "Synchronization information parameters")
FL_ELIGIBILITY = TrTable("6.6.6.3", "6.6.6.3.3", "Device eligibility information parameters")
FL_EVALUATION = TrTable("6.6.6.4", "6.6.6.4.3", "Model evaluation information parameters")
FL_UPDATE = TrTable("6.6.6.5", "6.6.6.5.3", "Model update information parameters")
FL_FAILURE = TrTable("6.6.6.6", "6.6.6.6.3", "Failure reporting information parameters")

TABLES: tuple[TrTable, ...] = (
    COMMON,
    SPLIT,
    INTERMEDIATE,
    SERVICE,
    ENDPOINT,
    FL_CONTROL,
    FL_SYNC,
    FL_ELIGIBILITY,
    FL_EVALUATION,
    FL_UPDATE,
    FL_FAILURE,
)


def _rows(table: TrTable, category: str, *rows: tuple[str, str]) -> tuple[TrRow, ...]:
    return tuple(TrRow(table, category, name, example) for name, example in rows)


ROWS: tuple[TrRow, ...] = (
    *_rows(
        COMMON,
        "Model information",
        ("Model identifier", "model_1, model_2"),
        ("Number of parameters", "11 million"),
        ("Model size", "40MB"),
        ("Input size", "256 KB"),
        ("Output size", "256 KB"),
        ("Accuracy", "85%"),
        ("Target inference latency", "20ms"),
        ("Format/ framework", "Pytorch 2.0 ONNX 1.15.0"),
        ("Processing capabilities", "NPU 10TFLOPS, MEM 10GB"),
    ),
    *_rows(SPLIT, "Split model information", ("Split points", "2")),
    *_rows(
        SPLIT,
        "Split point information",
        ("Split point identifier", "Nb:10, 75 Name: Layer_10,"),
        ("Split point intermediate data size", "1086KB"),
        ("Split point number", "10"),
        ("Split point name", "conv2d_1234"),
        ("Split point flag", "before, after"),
    ),
    *_rows(
        INTERMEDIATE,
        "Intermediate data information",
        ("Tensor structure information", "PyTorch 2.0, Tensor flow v2.13.0, NumPy v1 .25"),
        ("Tensor shape", "[1,64,64,64]."),
        ("Tensor element data type", ":int64, Float32"),
        ("Data direction", "Upstream, Downstream"),
        ("Compression algorithm", "NONE, FC_VCM, SNAPPY, …"),
    ),
    *_rows(
        SERVICE,
        "Service requirement information",
        ("Maximum service inference latency", "100ms"),
        ("Minimum service inference accuracy", "80%"),
        ("Service type identifier", "TTS, ASR, Trans-EN-to-ZH"),
        ("Service accuracy", "85%"),
    ),
    *_rows(
        ENDPOINT,
        "Endpoint capability information",
        ("Processing capabilities", "NPU 10TFLOPS, MEM 10GB"),
        ("Supported AI Framework", "TensorFlow 2.0"),
        ("Supported compression algorithms", "NONE, FC_VCM, SNAPPY, …"),
        ("Connection capabilities", "256 kb/s"),
    ),
    *_rows(
        FL_CONTROL,
        "Control information",
        ("Control information", ""),
        ("Synchronization information", ""),
        ("Device eligibility information", ""),
        ("Model evaluation information", ""),
        ("Model update information", ""),
        ("Failure reporting information", ""),
    ),
    *_rows(
        FL_SYNC,
        "Synchronization information",
        ("Round_number", ""),
        ("Start_time", ""),
        ("Duration", ""),
    ),
    *_rows(
        FL_ELIGIBILITY,
        "Device eligibility information",
        ("Group_id", ""),
        ("Application_group_id", ""),
        ("Hardware", ""),
        ("Location", ""),
        ("Language", ""),
        ("Data_library_id", ""),
    ),
    *_rows(
        FL_EVALUATION,
        "Model evaluation information",
        ("Round_number", ""),
        ("Metric_number", ""),
        ("Metric", ""),
    ),
    # 6.6.6.5.2 (behaviour) adds "the model id of the AI/ML model to be updated".
    *_rows(
        FL_UPDATE,
        "Model update information",
        ("Parameters", ""),
        ("New_model_id", ""),
        ("model id", ""),
    ),
    *_rows(FL_FAILURE, "Failure reporting information", ("reason for the failure", "")),
)

_BY_KEY = {row.key: row for row in ROWS}


def row(table: TrTable, metadata_type: str) -> TrRow:
    """The catalogue row of ``table`` named ``metadata_type``; KeyError if the TR has none."""
    return _BY_KEY[(table.key, metadata_type)]
