"""Every error of the REST binding as Problem Details (``application/problem+json``)."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.responses import JSONResponse

from ts26927.bindings.http.causes import Cause
from ts26927.bindings.http.wire import InvalidParam, ProblemDetails
from ts26927.errors import Issue

PROBLEM_JSON = "application/problem+json"

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


class Problem(Exception):
    """Raised anywhere in a request's handling; answered as Problem Details with the
    cause's status (from the one table in :mod:`.causes`)."""

    def __init__(
        self,
        cause: Cause,
        detail: str,
        *,
        status: int | None = None,
        invalid: Iterable[InvalidParam] = (),
        allowed: list[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        found = status if status is not None else cause.status
        if found is None:
            raise ValueError(f"cause {cause.name} takes the status of the error it wraps")
        self.status, self.cause, self.detail = found, cause.name, detail
        self.invalid = list(invalid)
        self.allowed = allowed
        self.headers = headers or {}

    def body(self, instance: str | None = None) -> ProblemDetails:
        return ProblemDetails(
            title=_TITLES.get(self.status, "Error"),
            status=self.status,
            detail=self.detail,
            instance=instance,
            cause=self.cause,
            invalidParams=self.invalid or None,
            allowedSteps=self.allowed,
        )

    def response(self, instance: str | None = None) -> JSONResponse:
        return problem_response(self.body(instance), self.headers)


def problem_response(body: ProblemDetails, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=body.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def invalid_params(issues: Iterable[Issue], prefix: str = "") -> list[InvalidParam]:
    """Issues (JSON pointers into a message) as ``invalidParams``; ``prefix`` points at the
    message inside the body (``/message`` in a multipart body's message part)."""
    return [InvalidParam(param=prefix + (i.pointer or ""), reason=i.reason) for i in issues]


__all__ = ["PROBLEM_JSON", "Problem", "invalid_params", "problem_response"]
