"""The weekly report (周报): `report` drives it, `serve` starts a dashboard, `browser` drives
headless Chromium, `report_checks` refuses an unfit page, `report_layout` cuts phone pages and
names the hints the report leaves out, `briefing` writes the week in one paragraph."""
