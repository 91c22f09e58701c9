"""fanzha segments: customer data, the rule language, three engines, holdout, arms, explain."""

from fanzha.segments.arms import Allocation, ArmSplit, arm_scores, assign_arms, moved_share
from fanzha.segments.assign import AudienceSpec, SegmentSpec, assign
from fanzha.segments.control import EpochSchedule, GlobalControl, split_population
from fanzha.segments.engine_pandas import evaluate
from fanzha.segments.errors import (
    ArmSplitError,
    CustomerNotFound,
    RuleError,
    RuleSyntaxError,
    RuleTypeError,
    SchemaError,
    SegmentsError,
    UnknownColumnError,
)
from fanzha.segments.explain import Explanation, explain
from fanzha.segments.generate import generate_customers, write_customers
from fanzha.segments.holdout import holdout_scores, in_holdout
from fanzha.segments.literals import LiteralProblem, literal_problems
from fanzha.segments.loader import LoadResult, LoadSummary, describe_load, load_customers
from fanzha.segments.nodes import Rule
from fanzha.segments.reading import customer_columns
from fanzha.segments.record import evaluate_record
from fanzha.segments.run import (
    SegmentRun,
    explain_file,
    needed_columns,
    segment_file,
    write_assignments,
)
from fanzha.segments.schema import (
    ColumnSpec,
    CustomerSchema,
    default_schema,
    infer_schema,
    load_schema,
)
from fanzha.segments.typecheck import parse_rule

__all__ = [
    "Allocation",
    "ArmSplit",
    "ArmSplitError",
    "AudienceSpec",
    "ColumnSpec",
    "CustomerNotFound",
    "CustomerSchema",
    "EpochSchedule",
    "Explanation",
    "GlobalControl",
    "LiteralProblem",
    "LoadResult",
    "LoadSummary",
    "Rule",
    "RuleError",
    "RuleSyntaxError",
    "RuleTypeError",
    "SchemaError",
    "SegmentRun",
    "SegmentSpec",
    "SegmentsError",
    "UnknownColumnError",
    "arm_scores",
    "assign",
    "assign_arms",
    "customer_columns",
    "default_schema",
    "describe_load",
    "evaluate",
    "evaluate_record",
    "explain",
    "explain_file",
    "generate_customers",
    "holdout_scores",
    "in_holdout",
    "infer_schema",
    "literal_problems",
    "load_customers",
    "load_schema",
    "moved_share",
    "needed_columns",
    "parse_rule",
    "segment_file",
    "split_population",
    "write_assignments",
    "write_customers",
]
