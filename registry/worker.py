"""The background worker's entry point: `huey_consumer registry.worker.huey`. It builds
the app once, so each job runs in the app's context with its configuration."""

from registry import create_app
from registry.jobs import huey, serve

serve(create_app())

__all__ = ["huey"]
