"""The conformance suite: replays the TR's call flows against an implementation and gives
verdicts tied to TR clauses and steps. The cases are data in ``cases/`` beside this
package, installed with it."""

#: Version of the suite (the case files and their checks).
SUITE_VERSION = "0.1.0"
