"""``python -m debttrap``: the same command as the installed ``debttrap`` script."""

from debttrap.cli import main

if __name__ == "__main__":
    main()
