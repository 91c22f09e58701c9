"""fanzha segments: customer data, the rule language, three engines, holdout, arms, explain.

Every public name loads its module on first use: checking a campaign file (the rule
parser and the schema) costs no pandas, NumPy or PyArrow until data is read.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

from fanzha._lazy import lazy_names

if TYPE_CHECKING:
    from fanzha.segments.arms import Allocation, ArmSplit, arm_scores, assign_arms, moved_share
    from fanzha.segments.assign import AudienceSpec, SegmentSpec, assign
    from fanzha.segments.control import EpochSchedule, GlobalControl, split_population
    from fanzha.segments.engine_pandas import evaluate
    from fanzha.segments.engine_sql_pushdown import TableRun, segment_table, split_table_url
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
    from fanzha.segments.load_summary import LoadResult, LoadSummary, describe_load
    from fanzha.segments.loader import load_customers
    from fanzha.segments.nodes import Rule
    from fanzha.segments.output import Output, output_target
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

_HOME = {
    "Allocation": "arms",
    "ArmSplit": "arms",
    "arm_scores": "arms",
    "assign_arms": "arms",
    "moved_share": "arms",
    "AudienceSpec": "assign",
    "SegmentSpec": "assign",
    "assign": "assign",
    "EpochSchedule": "control",
    "GlobalControl": "control",
    "split_population": "control",
    "evaluate": "engine_pandas",
    "TableRun": "engine_sql_pushdown",
    "segment_table": "engine_sql_pushdown",
    "split_table_url": "engine_sql_pushdown",
    "ArmSplitError": "errors",
    "CustomerNotFound": "errors",
    "RuleError": "errors",
    "RuleSyntaxError": "errors",
    "RuleTypeError": "errors",
    "SchemaError": "errors",
    "SegmentsError": "errors",
    "UnknownColumnError": "errors",
    "Explanation": "explain",
    "explain": "explain",
    "generate_customers": "generate",
    "write_customers": "generate",
    "holdout_scores": "holdout",
    "in_holdout": "holdout",
    "LiteralProblem": "literals",
    "literal_problems": "literals",
    "LoadResult": "load_summary",
    "LoadSummary": "load_summary",
    "describe_load": "load_summary",
    "load_customers": "loader",
    "Rule": "nodes",
    "Output": "output",
    "output_target": "output",
    "customer_columns": "reading",
    "evaluate_record": "record",
    "SegmentRun": "run",
    "explain_file": "run",
    "needed_columns": "run",
    "segment_file": "run",
    "write_assignments": "run",
    "ColumnSpec": "schema",
    "CustomerSchema": "schema",
    "default_schema": "schema",
    "infer_schema": "schema",
    "load_schema": "schema",
    "parse_rule": "typecheck",
}


class _Package(types.ModuleType):
    """The package, keeping ``assign`` and ``explain`` the functions their modules hold.

    Importing a submodule sets it as an attribute of its package: eagerly imported, the
    function's own import ran later and won; loaded lazily, the module would shadow it.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if _HOME.get(name) == name and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__getattr__, __dir__ = lazy_names(__name__, _HOME, globals())


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
    "Output",
    "Rule",
    "RuleError",
    "RuleSyntaxError",
    "RuleTypeError",
    "SchemaError",
    "SegmentRun",
    "SegmentSpec",
    "SegmentsError",
    "TableRun",
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
    "output_target",
    "parse_rule",
    "segment_file",
    "segment_table",
    "split_population",
    "split_table_url",
    "write_assignments",
    "write_customers",
]
