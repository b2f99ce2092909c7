"""Traffic characteristics (TR 26.927 clause 7) computed from real models.

The TR's clause 7 asks, per scenario and data component, for burst size, latency and data
rate. These modules compute them with the reference engine, each for one concern:

* :mod:`.rates` — the pure arithmetic (sizes, rates, times, volumes) and its units;
* :mod:`.samples` — the real inputs measurements run on;
* :mod:`.cuts` — the real tensors at every cut, from one run of the model;
* :mod:`.split` — split operation (7.3): intermediate data per split point, raw and per
  codec chain, uplink rates, UE compute and memory, the latency budget split;
* :mod:`.distribution` — model distribution (7.2): per variant sizes, rates, delivery times,
  unicast versus shared delivery;
* :mod:`.federated` — federated learning: per-round volumes and the rates a deadline needs;
* :mod:`.tables` — the results as JSON documents and CSV rows.

The package sits above the engine's rooms (split, delivery, federated), which stay
independent of each other.
"""
