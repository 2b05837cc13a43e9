"""Reference data: the region's departments (and their former regions), themes and skills.

The rows are loaded by the initial migration and read from the database at run time.
"""
