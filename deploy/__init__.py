"""Deployment material (image, manifests, dashboards); `deploy.checks` holds the checks `make lint` runs on it."""
