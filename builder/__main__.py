"""`python -m builder` is the same program as `factsheet`."""

from builder.cli import program

if __name__ == "__main__":
    program()
