"""Mutation testing of selected modules against their own tests (`make mutation`)."""
