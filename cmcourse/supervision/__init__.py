"""For supervisors: the supervision tools, the month's schedule and the programme-monitoring
dashboards.
"""
