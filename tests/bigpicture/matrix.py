"""The access matrix's vocabulary: roles and the expected status of each, per case."""

ROLES = ["anonymous", "admin", "advisor", "student", "guardian", "mentor", "admin2"]
ANON = 302


def expect(default=403, anonymous=ANON, **by_role):
    statuses = dict.fromkeys(ROLES, default)
    statuses["anonymous"] = anonymous
    statuses.update(by_role)
    return statuses


EVERYONE = expect(default=200)
PUBLIC = expect(default=200, anonymous=200)
ADMINS_OF_ROW = expect(admin=200, admin2=404)  # another school's admin: out of reach
ADMINS = expect(admin=200, admin2=200)  # their own school, whatever it is
NOWHERE = expect(default=404, anonymous=404)
