"""The base model and the field helper every clause 6.6 model is built from.

Wire rules (see ../DESIGN conventions):

* JSON property names are lowerCamelCase aliases of snake_case attributes.
* Unknown properties are refused (``extra="forbid"``); models are immutable.
* An optional property is either present with a value or absent. ``null`` is refused,
  both here and in the exported JSON Schema, so the two always agree.
* Wire input is validated in pydantic's strict JSON mode (:meth:`TsModel.from_json`):
  no silent ``"5"`` → ``5`` coercion, exactly like JSON Schema.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from ts26927.models.catalogue import TrRow

#: Key of the JSON Schema annotation that ties a property to its TR table row.
TR_KEY = "x-tr26927"
#: Key of the JSON Schema annotation listing a type's cross-field rules.
RULES_KEY = "x-tr26927-rules"
#: Prefix of the pydantic error types raised by cross-field rules.
RULE_ERROR_PREFIX = "rule_"


def rule_violation(code: str, message: str, **context: Any) -> PydanticCustomError:
    """The error a cross-field rule raises; its type is ``rule_<code>``."""
    return PydanticCustomError(f"{RULE_ERROR_PREFIX}{code}", message, context)


def tr_field(
    row: TrRow | None,
    description: str,
    *,
    examples: list[Any] | None = None,
    unit: str | None = None,
    default: Any = ...,
    **constraints: Any,
) -> Any:
    """A pydantic ``Field`` that carries the TR row it implements.

    ``row`` is the catalogue row (TR metadata-type name, clause, example text) or ``None``
    for a property this library adds; ``unit`` is stated in the description and in the
    annotation; ``examples`` are the TR's examples written as typed wire values.
    """
    extra: dict[str, Any] = {}
    if row is not None:
        extra[TR_KEY] = {
            "clause": row.clause,
            "table": row.table.title,
            "metadataType": row.metadata_type,
            **({"trExample": row.example} if row.example else {}),
            **({"unit": unit} if unit else {}),
        }
    elif unit:
        extra[TR_KEY] = {"unit": unit}
    text = description if unit is None else f"{description} Unit: {unit}."
    return Field(
        default,
        description=text,
        examples=examples,
        json_schema_extra=extra or None,
        **constraints,
    )


class TsModel(BaseModel):
    """Base of every ts26927 wire type."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
        use_enum_values=False,
        ser_json_inf_nan="strings",
    )

    #: TR clause this type implements (shown in its schema and docs).
    tr_clause: ClassVar[str] = ""

    #: Rules across fields that JSON Schema cannot state; listed in the schema as
    #: ``x-tr26927-rules`` and enforced by the model (errors of type ``rule_*``).
    cross_field_rules: ClassVar[tuple[str, ...]] = ()

    #: Complete wire examples; when empty, one is assembled from the fields' examples.
    wire_examples: ClassVar[tuple[dict[str, Any], ...]] = ()

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler.resolve_ref_schema(handler(schema))
        if cls.tr_clause:
            json_schema[TR_KEY] = {"clause": cls.tr_clause}
        if cls.cross_field_rules:
            json_schema[RULES_KEY] = list(cls.cross_field_rules)
        return json_schema

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        # On the wire, optional properties are omitted, never sent as null (3GPP style);
        # in Python, None is how an absent optional property is written.
        if value is None and info.mode == "json":
            raise PydanticCustomError(
                "null_not_allowed", "null is not allowed here; omit the property instead"
            )
        return value

    @classmethod
    def from_json(cls, data: str | bytes) -> Self:
        """Validate a JSON text strictly (the wire rules)."""
        return cls.model_validate_json(data, strict=True)

    @classmethod
    def from_wire(cls, data: Any) -> Self:
        """Validate an already-decoded JSON value strictly (the wire rules)."""
        return cls.from_json(json.dumps(data, allow_nan=False))

    def to_wire(self) -> dict[str, Any]:
        """The JSON-ready dict: camelCase names, optional properties omitted."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_json(self, *, indent: int | None = None) -> str:
        return self.model_dump_json(by_alias=True, exclude_none=True, indent=indent)


def with_schema(extra: dict[str, Any]) -> ConfigDict:
    """The base config plus keywords merged into the type's JSON Schema.

    Used to state in the schema the rules across properties that JSON Schema can express
    (``oneOf``/``anyOf`` of ``required``, ``if``/``then``), so schema and model agree.
    """
    return ConfigDict(**TsModel.model_config, json_schema_extra=extra)


def exactly_one_of(*properties: str) -> dict[str, Any]:
    """JSON Schema: exactly one of ``properties`` is present."""
    return {"oneOf": [{"required": [p]} for p in properties]}


def at_least_one_of(*properties: str) -> dict[str, Any]:
    """JSON Schema: at least one of ``properties`` is present."""
    return {"anyOf": [{"required": [p]} for p in properties]}
