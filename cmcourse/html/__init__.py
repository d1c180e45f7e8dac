"""HTML and documents, no widgets: shared parts, the palette, pictures, printable documents, forms,
the stylesheet.
"""
