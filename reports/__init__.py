"""Reports: the daily outbound report (日报) and its stored outputs."""
