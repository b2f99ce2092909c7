"""ts26927: reference library for 3GPP TR 26.927 (AI/ML in 5G media services)."""

__version__ = "0.1.0"

#: Version of the exported JSON Schemas; its major.minor appears in every schema's `$id`.
SCHEMA_VERSION = "0.1"
