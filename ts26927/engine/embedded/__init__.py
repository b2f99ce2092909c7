"""The models that ship with the package, built deterministically, never downloaded:
:mod:`.digits` (an MLP trained on scikit-learn's bundled digits), :mod:`.zoo` (the model-zoo
topologies inside the onnx package) with :mod:`.weights` (calibrated deterministic weights),
and :mod:`.inputs` (their deterministic inputs, real photos for image models)."""
