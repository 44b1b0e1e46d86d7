"""``python -m debttrap``: the same command as the installed ``debttrap`` script."""

from debttrap.cli import script

if __name__ == "__main__":
    script()
