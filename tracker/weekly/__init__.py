"""The weekly report (周报): `report` runs it; per scope `scope_week` gathers the figures, `week_document`
lays them out as a `document` that `document_html` (printed to PDF) and `document_docx` write, with the
fonts of `fonts`, checked by `document_checks`; `summary_html` is the summary image; `render` draws both
in headless Chromium (`browser`); `week_files` writes the manifest and swaps the week's files in;
`briefing` writes the week in one paragraph. With --pages, `page_images` takes the dashboard's pages
(`jobs`, `serve`, `capture`, `report_checks`, `report_layout`)."""
