"""Campaign records: create, edit, list; the campaign's agents; shared helpers
for the campaign API and pages."""
