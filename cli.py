"""`newsflow` command line (placeholder; see issue 2)."""


def main() -> None:
    raise SystemExit("not yet")
