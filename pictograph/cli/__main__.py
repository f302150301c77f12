"""``python -m pictograph.cli``: the ``pictograph`` command without the console script on PATH."""

from pictograph.cli import main

main(prog_name="pictograph")
