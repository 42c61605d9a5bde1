"""The pages that gather every app: each role's home and the school overview.

They sit on top of the apps (core <- advisories <- students <- internships <- expectations
<- pages) and are the only code besides the URL configuration and the demo that may import
them all.
"""
