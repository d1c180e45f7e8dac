"""The course taken to the platforms the sector uses (`cm101 export ...`): files built from
the same notebooks and question bank as the Voilà course, for a learning platform to import.
"""
