"""The terminal, as analysts and operators use it: the answers of `show` and `upcoming`, and the progress and
summary of long commands. The command line (regwatch/cli.py) registers the commands; these modules compute and
lay out what they print."""
