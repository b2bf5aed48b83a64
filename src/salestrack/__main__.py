"""Run the command line as ``python -m salestrack``."""

from salestrack.cli import main

if __name__ == "__main__":
    main()
