"""A programme's caseload: the simulator (an event log of many cases) and the CPIMS+-style
indicators computed from it.
"""
