"""The weekly report (周报): `report` runs it, `jobs` lists its pages and images, `serve` starts a
dashboard, `browser` drives headless Chromium until a page is drawn, `capture` takes its pictures,
`report_checks` refuses an unfit page, `report_layout` cuts phone pages and names the hints the
report leaves out, `a4` binds the PDF, `week_files` writes the index and swaps the week's files in,
`briefing` writes the week in one paragraph."""
