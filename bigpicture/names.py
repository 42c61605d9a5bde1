"""How the platform writes a person's name, in one place for the pages that read names as
plain values (rows of a prepared read) and for the models."""


def display_name(preferred: str, first: str, last: str) -> str:
    """A student's name as every page shows it: the name they go by (else their first name)
    and their last name."""
    return f"{preferred or first} {last}".strip()
