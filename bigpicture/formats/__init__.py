"""How each language shows dates and times: one format per language (FORMAT_MODULE_PATH).

The short and the long names give the same text, so a date reads the same on every page,
in every table and in every email, whichever named format a template asks for. What is not
set here (the formats of typed input, numbers) stays Django's for the language.
"""
