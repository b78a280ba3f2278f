"""`python -m resetkit` runs the same command line as the `resetkit` script."""

from resetkit.cli import main

main()
