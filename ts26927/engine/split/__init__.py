"""Split inference (clauses 5.1, 5.2.3, 5.3.5, 6.6.3): :mod:`.extraction` cuts the two
sub-models at a split point; :mod:`.unit` is the framed intermediate data unit;
:mod:`.selection` chooses a split configuration; :mod:`.profiling` measures configurations on
held-out data; :mod:`.pipeline` runs a split in a clause 5.1.2 topology; :mod:`.service` is a
model made ready for split inference (the reference model of the bindings)."""
