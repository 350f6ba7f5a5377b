"""The ground floor: what every app uses, importing no app (docs/architecture.md).

error_codes.py       every error code the API answers with, by domain
errors.py            ServiceError / NotFoundError / ConflictError: what services raise for users
api.py               the one error shape, the exception handler, the safe JSON parser
money.py             integer cents: rounding half-up, dollars typed by staff, display
text.py              text PostgreSQL cannot hold (NUL, lone surrogates)
contact.py           emails lower-cased, phones in E.164
client_ip.py         the client's IP address, proxy-aware (throttles, security events, audit)
field_encryption.py  the field-encryption key, for rotating it
models.py            UUIDModel, the abstract base of every table
db/                  the schema-aware PostgreSQL backend, schema and ON DELETE migrations
openapi.py           the error shape in the OpenAPI document, the shared error responses
middleware.py        infrastructure middleware (NUL characters refused)
hooks.py             typed in-process hooks: how a lower layer lets a higher one react
queue.py             enqueueing Celery tasks by name, so services never import tasks.py
"""
