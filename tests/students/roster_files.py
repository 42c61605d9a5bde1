"""Small roster files built in tests: a OneRoster 1.1 CSV zip of one school (shaped like the
specification's samples) and the plain CSV, as bytes."""

import csv
import io
import zipfile

FILES = ("orgs", "academicSessions", "classes", "users", "enrollments")


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def oneroster_rows(students: int = 3, *, year: int = 2026) -> dict[str, list[dict]]:
    """One school, a school year with a term, an advisor with a homeroom class, students
    (grade 9) each with a guardian, and their enrollments."""
    base = {"status": "", "dateLastModified": ""}
    orgs = [
        {
            "sourcedId": "org-1",
            **base,
            "name": "Met Roster",
            "type": "school",
            "identifier": "",
            "parentSourcedId": "",
        }
    ]
    sessions = [
        {
            "sourcedId": "y1",
            **base,
            "title": f"{year}-{year + 1}",
            "type": "schoolYear",
            "startDate": f"{year}-08-20",
            "endDate": f"{year + 1}-06-20",
            "parentSourcedId": "",
            "schoolYear": str(year + 1),
        },
        {
            "sourcedId": "t1",
            **base,
            "title": "Fall",
            "type": "term",
            "startDate": f"{year}-08-20",
            "endDate": f"{year}-12-20",
            "parentSourcedId": "y1",
            "schoolYear": str(year + 1),
        },
    ]
    classes = [
        {
            "sourcedId": "c1",
            **base,
            "title": "Harbor",
            "grades": "09",
            "courseSourcedId": "course-1",
            "classCode": "",
            "classType": "homeroom",
            "location": "",
            "schoolSourcedId": "org-1",
            "termSourcedIds": "t1",
            "subjects": "",
            "subjectCodes": "",
            "periods": "",
        }
    ]
    user = {
        "enabledUser": "true",
        "orgSourcedIds": "org-1",
        "userIds": "",
        "middleName": "",
        "identifier": "",
        "sms": "",
        "phone": "",
        "grades": "",
        "password": "",
        "agentSourcedIds": "",
    }
    users = [
        {
            "sourcedId": "t-1",
            **base,
            **user,
            "role": "teacher",
            "username": "rivera",
            "givenName": "Dana",
            "familyName": "Rivera",
            "email": "dana.rivera@roster.test",
        }
    ]
    enrollments = [
        {
            "sourcedId": "e-t-1",
            **base,
            "classSourcedId": "c1",
            "schoolSourcedId": "org-1",
            "userSourcedId": "t-1",
            "role": "teacher",
            "primary": "true",
            "beginDate": "",
            "endDate": "",
        }
    ]
    for n in range(1, students + 1):
        users.append(
            {
                "sourcedId": f"s-{n}",
                **base,
                **user,
                "role": "student",
                "username": f"student{n}",
                "givenName": f"Student{n}",
                "familyName": "Roster",
                "email": f"student{n}@roster.test",
                "grades": "09",
                "agentSourcedIds": f"g-{n}",
            }
        )
        users.append(
            {
                "sourcedId": f"g-{n}",
                **base,
                **user,
                "role": "parent",
                "username": f"parent{n}",
                "givenName": f"Parent{n}",
                "familyName": "Roster",
                "email": f"parent{n}@roster.test",
                "agentSourcedIds": f"s-{n}",
            }
        )
        enrollments.append(
            {
                "sourcedId": f"e-s-{n}",
                **base,
                "classSourcedId": "c1",
                "schoolSourcedId": "org-1",
                "userSourcedId": f"s-{n}",
                "role": "student",
                "primary": "false",
                "beginDate": "",
                "endDate": "",
            }
        )
    return {
        "orgs": orgs,
        "academicSessions": sessions,
        "classes": classes,
        "users": users,
        "enrollments": enrollments,
    }


def oneroster_zip(students: int = 3, *, rows: dict[str, list[dict]] | None = None) -> bytes:
    """The zip: manifest.csv naming each file as a bulk file, then the files."""
    rows = rows or oneroster_rows(students)
    manifest = [
        {"propertyName": "manifest.version", "value": "1.0"},
        {"propertyName": "oneroster.version", "value": "1.1"},
    ]
    for kind in (
        "academicSessions",
        "categories",
        "classes",
        "classResources",
        "courses",
        "courseResources",
        "demographics",
        "enrollments",
        "lineItems",
        "orgs",
        "resources",
        "results",
        "users",
    ):
        manifest.append(
            {"propertyName": f"file.{kind}", "value": "bulk" if kind in rows else "absent"}
        )
    manifest += [
        {"propertyName": "source.systemName", "value": "Tests"},
        {"propertyName": "source.systemCode", "value": ""},
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.csv", _csv(manifest))
        for kind, kind_rows in rows.items():
            archive.writestr(f"{kind}.csv", _csv(kind_rows))
    return out.getvalue()


def oneroster_zip_with_errors() -> bytes:
    """A zip whose users.csv has a student without a name and a guardian of nobody."""
    rows = oneroster_rows(2)
    rows["users"][1]["givenName"] = ""
    rows["users"][2]["agentSourcedIds"] = "s-404"
    return oneroster_zip(rows=rows)
