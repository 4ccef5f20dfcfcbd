"""Reports of checked derivations: LaTeX, PDF and Markdown, in the book's notation."""
