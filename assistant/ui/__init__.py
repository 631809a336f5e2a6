"""Streamlit views: small render helpers for ``app.py``. Pure formatting lives in
``format``; the tabs (``chat``, ``documents``, ``responsibilities``) only call the
package and render."""
