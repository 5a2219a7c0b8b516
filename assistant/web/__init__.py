"""The web app (Gradio) and HTTP API (FastAPI) of ``policyrag serve``.

Modules with one job each: ``catalogue`` (documents and their filter values), ``corpus_files``
(serving the ingested files read-only), ``render`` (answer and sources as HTML), ``labels`` (UI
text in Thai and English), ``service`` (the loaded index and the questions asked of it),
``http_api`` (JSON routes), ``ui`` (the Gradio Blocks), ``app`` (wiring and ``serve``).
Gradio and FastAPI are imported only by ``ui``, ``http_api`` and ``app``.
"""
