import sys

from ts26927.cli import main

sys.exit(main())
