"""ONNX tooling every concern of the engine uses: :mod:`.loading` reads untrusted ONNX files
safely within :mod:`.limits`; :mod:`.graph` classifies nodes and infers types once;
:mod:`.flops` prices each node; :mod:`.analysis` lists every candidate split point of a model
with its costs; :mod:`.runtime` runs a model with onnxruntime; :mod:`.dtypes` maps element
types; :mod:`.codecs` compresses and reduces precision; :mod:`.digest` names bytes by their
SHA-256."""
