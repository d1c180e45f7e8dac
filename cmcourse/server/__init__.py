"""The course server: Voilà with the course's sign-in (app), and its sign-in pages (signin)."""
