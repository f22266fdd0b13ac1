"""The AsyncAPI 3.0 document of civreg's events, generated from the event models (`GET /asyncapi.json`, public,
and docs/asyncapi.json via `civreg docs asyncapi`).

One channel per service exchange (`<service>.events`, a durable topic exchange; the routing key is the event
type), one message per event type and schema version whose payload is the envelope of `shared/envelope.py` with
that type's model as `payload`, and one `send` operation per message naming its routing key (AMQP `cc`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from services import SERVICES
from services.event_contracts import catalogues
from shared.envelope import Event
from shared.reference.events import EventModel
from shared.reference.glossary import field_description

ASYNCAPI_JSON = Path(__file__).resolve().parents[1] / "docs" / "asyncapi.json"
ASYNCAPI_VERSION = "3.0.0"
_SCHEMAS = "#/components/schemas/{model}"
_AMQP = "0.3.0"


def message_key(model: type[EventModel]) -> str:
    """`marriage.MarriageRegistered.v1`: the message's name in the document."""
    return f"{model.TYPE}.v{model.VERSION}"


def _schema(model: type[Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON Schema; nested models go to `components.schemas`, referenced from there."""
    schema = model.model_json_schema(ref_template=_SCHEMAS, mode="serialization")
    for name, nested in schema.pop("$defs", {}).items():
        if schemas.setdefault(name, nested) != nested:
            raise ValueError(f"two different schemas named {name}")
    return schema


def _describe_fields(model: type[EventModel], schema: dict[str, Any]) -> dict[str, Any]:
    for name, info in model.model_fields.items():
        description = field_description(name, info)
        if description and name in schema.get("properties", {}):
            schema["properties"][name].setdefault("description", description)
    return schema


def _message(model: type[EventModel], schemas: dict[str, Any]) -> dict[str, Any]:
    payload_name = f"{model.TYPE}.v{model.VERSION}.payload"
    schemas[payload_name] = _describe_fields(model, _schema(model, schemas))
    return {
        "name": model.TYPE,
        "title": f"{model.TYPE} v{model.VERSION}",
        "summary": " ".join((model.__doc__ or "").split()),
        "contentType": "application/json",
        "payload": {
            "allOf": [{"$ref": _SCHEMAS.format(model="Envelope")}],
            "type": "object",
            "properties": {
                "type": {"const": model.TYPE},
                "schema_version": {"const": model.VERSION},
                "payload": {"$ref": _SCHEMAS.format(model=payload_name)},
            },
        },
        "bindings": {"amqp": {"contentEncoding": "utf-8", "messageType": model.TYPE, "bindingVersion": _AMQP}},
    }


def build_document() -> dict[str, Any]:
    schemas: dict[str, Any] = {"Envelope": _schema(Event, {})}
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    by_service = {catalogue.service: catalogue for catalogue in catalogues()}
    for service in (s for s in SERVICES if s.event_store):
        exchange = f"{service.name}.events"
        catalogue = by_service.get(service.name)
        models = [model for _, model in sorted(catalogue.models.items())] if catalogue else []
        channels[exchange] = {
            "address": exchange,
            "title": f"{service.name} events",
            "description": f"The {service.name} service's exchange (topic; routing key = event type)."
            + ("" if models else " It publishes no events today."),
            "messages": {message_key(m): {"$ref": f"#/components/messages/{message_key(m)}"} for m in models},
            "bindings": {"amqp": {"is": "routingKey", "bindingVersion": _AMQP, "exchange": {
                "name": exchange, "type": "topic", "durable": True, "autoDelete": False, "vhost": "/"}}},
        }
        for model in models:
            messages[message_key(model)] = _message(model, schemas)
            operations[f"publish.{message_key(model)}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{exchange}"},
                "messages": [{"$ref": f"#/channels/{exchange}/messages/{message_key(model)}"}],
                "summary": f"{service.name} publishes {model.TYPE} (routing key `{model.TYPE}`)",
                "bindings": {"amqp": {"cc": [model.TYPE], "deliveryMode": 2, "bindingVersion": _AMQP}},
            }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "civreg events",
            "version": "2",
            "description": "What civreg's services publish on RabbitMQ: the envelope of every event, with its "
                           "type's payload. docs/events.md is the same catalogue as prose.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def render() -> str:
    return json.dumps(build_document(), ensure_ascii=False, indent=2) + "\n"

