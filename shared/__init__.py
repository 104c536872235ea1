"""Code shared by the API, the workers and the CLI. ``__version__`` is the service's one version
(pyproject reads it, as do ``/openapi.json``, ``/docs`` and ``newsflow --version``)."""

__version__ = "0.1.0"
