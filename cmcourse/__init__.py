"""The course engine: turns cmsim results and course content into what a trainee sees."""
