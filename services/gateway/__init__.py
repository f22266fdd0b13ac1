"""The HTTP gateway (api.md): authentication, authorisation, validation, audit and OpenAPI in front of the
services, which it calls over nameko RPC.

`app.py` is the request pipeline, free of nameko so that it is tested with werkzeug alone; `routes.py` is the
route table; `service.py` is the nameko service that serves it on `WEB_SERVER_ADDRESS`.
"""
