"""Writes about internships, one module per area: the directory of sites, mentors and
opportunities (directory), a student's pipeline into a placement with its agreement, visits
and evaluations (pipeline), the daily log and hours (logs), the mentors' portal (portal)."""
