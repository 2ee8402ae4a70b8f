"""Entry point of `scripts/services`; see refapp/stack.py."""

from refapp.stack import main

raise SystemExit(main())
