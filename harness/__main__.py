import signal
import sys

signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C while starting up just stops, without a traceback

from harness.cli import main  # noqa: E402

sys.exit(main())
