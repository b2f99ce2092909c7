"""The reference engine: split inference on ONNX (TR 26.927 clauses 5.1, 5.2.3, 6.3, 6.6.3).

One job per module:

* :mod:`.loading` reads untrusted ONNX files safely; :mod:`.limits` bounds what is read.
* :mod:`.graph` classifies nodes and infers types once; :mod:`.flops` prices each node.
* :mod:`.analysis` lists every candidate split point with its clause 6.6.3 metadata.
* :mod:`.extraction` cuts the head and tail sub-models (around ``onnx.utils.Extractor``).
* :mod:`.runtime` runs a sub-model with onnxruntime; :mod:`.pipeline` runs a split in a
  clause 5.1.2 topology, through a real intermediate data unit.
* :mod:`.codecs` and :mod:`.unit` are the intermediate data codecs and framed format.
* :mod:`.selection` chooses a split configuration (clause 5.2.3.2); :mod:`.profiling`
  measures accuracy and unit sizes on held-out data.
* :mod:`.zoo`, :mod:`.digits`, :mod:`.weights` and :mod:`.inputs` provide the embedded
  models and deterministic inputs.
"""

from ts26927.engine.analysis import SplitAnalysis, SplitCandidate, analyze
from ts26927.engine.codecs import CodecChain
from ts26927.engine.extraction import SplitExtractor, SubModels, extract
from ts26927.engine.limits import ModelLimits, UnitLimits
from ts26927.engine.loading import load_model
from ts26927.engine.pipeline import SplitPipeline, SplitResult, compare
from ts26927.engine.runtime import Runner, session_options
from ts26927.engine.selection import Measurement, SelectionRequest, evaluate, rank, select
from ts26927.engine.unit import DecodedUnit, EncodedUnit, decode_unit, encode_unit

__all__ = [
    "CodecChain",
    "DecodedUnit",
    "EncodedUnit",
    "Measurement",
    "ModelLimits",
    "Runner",
    "SelectionRequest",
    "SplitAnalysis",
    "SplitCandidate",
    "SplitExtractor",
    "SplitPipeline",
    "SplitResult",
    "SubModels",
    "UnitLimits",
    "analyze",
    "compare",
    "decode_unit",
    "encode_unit",
    "evaluate",
    "extract",
    "load_model",
    "rank",
    "select",
    "session_options",
]
