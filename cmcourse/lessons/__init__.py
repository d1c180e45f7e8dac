"""Pieces of the CM 101 module pages: the diagrams and the calculators."""
