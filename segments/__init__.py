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
from fanzha.segments.loader import LoadResult, LoadSummary, load_customers
from fanzha.segments.nodes import Rule
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
    "default_schema",
    "evaluate",
    "explain",
    "explain_file",
    "generate_customers",
    "holdout_scores",
    "in_holdout",
    "infer_schema",
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
