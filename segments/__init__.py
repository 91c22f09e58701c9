"""fanzha segments: customer data, the rule language, three engines, holdout and explain."""

from segments.assign import AudienceSpec, SegmentSpec, assign
from segments.engine_pandas import evaluate
from segments.errors import (
    CustomerNotFound,
    RuleError,
    RuleSyntaxError,
    RuleTypeError,
    SchemaError,
    SegmentsError,
    UnknownColumnError,
)
from segments.generate import generate_customers, write_customers
from segments.holdout import holdout_scores, in_holdout
from segments.nodes import Rule
from segments.schema import ColumnSpec, CustomerSchema, default_schema, infer_schema, load_schema
from segments.typecheck import parse_rule

__all__ = [
    "AudienceSpec",
    "ColumnSpec",
    "CustomerNotFound",
    "CustomerSchema",
    "Rule",
    "RuleError",
    "RuleSyntaxError",
    "RuleTypeError",
    "SchemaError",
    "SegmentSpec",
    "SegmentsError",
    "UnknownColumnError",
    "assign",
    "default_schema",
    "evaluate",
    "generate_customers",
    "holdout_scores",
    "in_holdout",
    "infer_schema",
    "load_schema",
    "parse_rule",
    "write_customers",
]
