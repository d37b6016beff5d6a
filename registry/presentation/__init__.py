"""What the site and the API both say and check: languages and words, labels, dates and
numbers, who may open which route, bounded input. Below both interfaces, above the services."""
