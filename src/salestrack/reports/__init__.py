"""Reports: baseline, pipeline and plan, conversation quality and focus, the team view."""
