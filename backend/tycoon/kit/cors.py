"""Starlette's CORS middleware, with its refused preflight answered as JSON like every other error."""

from __future__ import annotations

import orjson
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

_BODY_HEADERS = frozenset({"content-type", "content-length"})


class JsonCorsMiddleware(CORSMiddleware):
    def preflight_response(self, request_headers: Headers) -> Response:
        answer = super().preflight_response(request_headers)
        if answer.status_code < 400:
            return answer
        # Starlette says "Disallowed CORS origin, method" as text; the same words as `{"detail": …}`.
        detail = bytes(answer.body).decode()
        kept = {name: value for name, value in answer.headers.items() if name not in _BODY_HEADERS}
        body = orjson.dumps({"detail": detail})
        return Response(body, status_code=answer.status_code, headers=kept, media_type="application/json")
