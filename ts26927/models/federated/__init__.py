"""Distributed/federated learning control information — TR 26.927 clause 6.6.6."""
