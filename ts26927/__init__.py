"""ts26927: reference library for 3GPP TR 26.927 (AI/ML in 5G media services)."""

#: The one version of the package, the suite (its cases and checks) and the schemas (the
#: major.minor in every `$id`); the build reads it from here (pyproject.toml).
__version__ = "0.1.0"

#: The edition of the TR this library implements (recorded here once; the schemas, the docs
#: and ``ts26927 --version`` show it). The study is Release 18; its text carries no version
#: number of its own, so none is claimed.
TR_EDITION = "3GPP TR 26.927, Release 18"

#: The major.minor of :data:`__version__`, in every schema's `$id`.
SCHEMA_VERSION = ".".join(__version__.split(".")[:2])
