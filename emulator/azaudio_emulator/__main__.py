"""Allow ``python -m azaudio_emulator``."""

from .cli import main

raise SystemExit(main())
