"""What every subcommand module shares: exit codes."""

#: 0 success; 1 the thing checked is wrong (invalid document, stale files, failed check);
#: 2 usage errors (unknown type, unreadable file, not JSON).
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
