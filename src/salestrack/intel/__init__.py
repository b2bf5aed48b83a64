"""Intel: the pre-call brief, availability facts, small wins, the checklist, who to call next."""
