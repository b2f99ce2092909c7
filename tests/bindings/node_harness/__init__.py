"""The example harness in another language (Node.js, conformance/harness/node) plays the
network side of generic model delivery and of split inference, and the UE side of adaptive
model delivery, from the exported fixtures and the documented formats alone: it passes
every case its capabilities make applicable, refuses what it must, and speaks the
protocol's schema.

It needs ``node``, and ``onnxruntime-node`` installed into the harness folder (done here
with npm, ``--ignore-scripts``, from npm's cache when it can); without them the tests skip
and say why.

The expensive fixtures (the exported fixtures, the npm install, the whole suite run against
the harness) are package-scoped, in conftest.py; the shared helpers are in support.py."""
