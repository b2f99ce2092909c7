"""Ways to reach an implementation under test: in-process Python, a harness program over
stdin/stdout (any language), and (later) HTTP. All present the same small interface,
:class:`~ts26927.bindings.base.Implementation`."""
