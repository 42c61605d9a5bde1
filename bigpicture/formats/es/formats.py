"""Spanish: "5 sep 2025" and "5 sep 2025, 14:30" (short enough for a phone's table cell)."""

DATE_FORMAT = "j b Y"
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j b Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j b"
YEAR_MONTH_FORMAT = r"F \d\e Y"
