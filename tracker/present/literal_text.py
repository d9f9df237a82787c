"""Text from ledgers shown as the characters it holds, never as markup.

A village name, a 迁入村, a fund source, a file or sheet name, a header found in an upload:
all of them are typed by whoever made the file. Streamlit's alerts, captions and
st.markdown read their text as Markdown (links, images fetched from any host, colour
directives, LaTeX), and plotly reads a subset of HTML in every label (`<a href>` makes a
link in a chart). Whatever of such text reaches one of those goes through here first.
Tables (st.dataframe) and the report's HTML (`html.escape`) show text as text already.
"""

from __future__ import annotations

import html
import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and an escaped one is
# always the character itself: no emphasis, link, image, autolink (`<http://…>`), HTML,
# entity (`\&`), table, heading, LaTeX (`\$`) or Streamlit directive (`\:red[`, `\:material/`).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^%@/;,?])")


# GitHub-flavoured Markdown also makes links of bare URLs, `www.` and e-mail addresses, found in the
# text after escapes are resolved: an invisible WORD JOINER (U+2060) inside each keeps them text.
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)")
_JOINER = "\u2060"


def markdown(text: object) -> str:
    """text as Markdown that shows exactly its characters (line breaks become spaces: one paragraph)."""
    flat = " ".join(str(text).splitlines())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(_JOINER, flat))


def plotly(text: object) -> str:
    """text as a plotly label that shows exactly its characters (plotly decodes &lt; &gt; &amp;)."""
    return html.escape(str(text), quote=False)
