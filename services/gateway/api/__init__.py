"""The domain routes of the gateway, one module per service (`funeral.py`, …), each exporting `ROUTES`
(a list of `Route`), composed into the gateway's table in `services/gateway/routes.py`."""
