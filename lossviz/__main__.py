"""``python -m lossviz COMMAND ...``: the command-line tools (see ``lossviz.cli``)."""

import sys

from lossviz.cli import main

if __name__ == "__main__":
    sys.exit(main())
