"""Messages of the TR's call flows (clauses 5.2.2-5.3.6), built from the clause 6.6 models.

The TR names most messages without defining their content; each class says what it carries
and which steps use it. Flow tables in :mod:`ts26927.flows` bind them to steps.
"""
