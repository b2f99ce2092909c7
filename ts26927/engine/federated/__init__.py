"""Distributed/federated learning reference engine (TR 26.927 clauses 5.2.4 and 6.6.6).

- :mod:`.aggregate` — pure numpy aggregation (streaming FedAvg, median, trimmed mean);
- :mod:`.data` — the bundled digits data and its IID / label-skewed partitions;
- :mod:`.mlp` — the small numpy model the UEs train;
- :mod:`.parameters` — parameters to and from clause 6.6.6.5 model update information;
- :mod:`.screening` — the checks an update must pass before it reaches the aggregate;
- :mod:`.server` — the network's Federated Learning Engine;
- :mod:`.client` — the UE's AI Model Training Engine;
- :mod:`.simulation` — rounds of many simulated UEs, each exchange checked against the
  ``federated-learning`` flow of clause 5.2.4.2.
"""
