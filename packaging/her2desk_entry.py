"""Entry script for the frozen executable: the same front door as ``python -m her2desk``."""
import sys

from her2desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
