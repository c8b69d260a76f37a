"""Web interface (Gradio) over the `assistant` library: chat with citations, responsibilities,
targets and the document library. Entry points: `ui.app.serve` and `ui.app.build_app`."""
