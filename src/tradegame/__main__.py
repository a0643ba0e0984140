import sys

from tradegame.cli import main

sys.exit(main())
