"""Access matrix cases for the second factor's pages."""

from tests.bigpicture.matrix import expect

STAFF = expect(admin=200, advisor=200, admin2=200)

CASES = [
    ("twofactor:setup", None, STAFF),
    ("twofactor:recovery-codes", None, STAFF),
    # Nobody in the world has a second factor: staff are sent to set one up, others home.
    ("twofactor:verify", None, expect(default=302)),
    # POST only; who may post, and on whose row, is pinned in tests/bigpicture/test_twofactor.py
    ("twofactor:reset", lambda w: {"pk": w.advisor.pk}, expect(admin=405, admin2=405)),
]
