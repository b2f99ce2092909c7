"""The reference engine: the TR's logical functions, built on onnx, onnxruntime and numpy.

One room per concern:

* :mod:`.onnxtools` — ONNX tooling every concern uses: safe loading and its limits, graph
  facts and type inference, FLOP counting, the split-point analysis of a model, runtime
  sessions, element types, codecs and digests.
* :mod:`.embedded` — the models that ship with the package (the trained digits classifier,
  the onnx model-zoo topologies with calibrated weights) and their deterministic inputs.
* :mod:`.split` — split inference (clauses 5.2.3, 5.3.5, 6.6.3): sub-model extraction, the
  intermediate data unit, split selection, measurement, the split pipeline, and the
  reference model made ready for split inference.
* :mod:`.delivery` — model delivery (clause 5.2.2): repository, manifest, generic and
  adaptive delivery.
* :mod:`.federated` — distributed/federated learning (clause 5.2.4): FL and training
  engines, aggregation.

No two public functions or types of the engine share a name.
"""
