"""A second factor for staff: time-based one-time codes (RFC 6238) with django-otp.

Sign-in is the password (the usual sign-in page), then a code from an authenticator app or a
single-use recovery code. ``SecondFactorMiddleware`` holds a signed-in person who must use a
second factor (their school's setting for admins or advisors; a person who has one) on the
enrolment or code page until their session is verified. The back office asks for a verified
session too (``admin_site``). Wrong codes count as failed sign-ins for django-axes.
"""
