"""Print mutmut's results as JSON: every mutant's status and diff.

Run in the folder where ``mutmut run`` ran (it reads that folder's configuration and
``mutants/``). One process instead of a ``mutmut show`` per mutant, which costs seconds each;
it uses mutmut's own readers, so it follows the pinned mutmut version.
"""

from __future__ import annotations

import json
import sys

from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files


def main() -> int:
    rows = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for key, exit_code in data.exit_code_by_key.items():
            status = status_by_exit_code[exit_code]
            diff = get_diff_for_mutant(key, path=path)
            rows.append({"key": key, "path": str(path), "status": status, "diff": diff})
    json.dump(rows, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
