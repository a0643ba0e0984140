"""The game screen's panels: dashboard, talks, orders, log and briefing."""
