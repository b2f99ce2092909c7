"""The conformance suite: replays the TR's call flows against an implementation and gives
verdicts tied to TR clauses and steps. The cases are data in ``cases/`` beside this
package, installed with it."""

from ts26927 import __version__

#: Version of the suite (the case files and their checks): the package's own.
SUITE_VERSION = __version__
