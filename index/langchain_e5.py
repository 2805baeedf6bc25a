"""The e5 model (index/embeddings.py) as a LangChain `Embeddings`: what LangChain's Chroma is given when it
builds the store or searches it by text. Imported only there: a question reads the store with its own
query vector (index/store.py)."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

from index.embeddings import E5Embeddings


class LangChainE5(E5Embeddings, Embeddings):
    """E5Embeddings, registered as LangChain's `Embeddings` (same vectors: its methods are E5Embeddings')."""
