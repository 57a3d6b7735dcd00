"""The surviving mutants that no test can kill, by mutmut's name, each with the reason it is equivalent.

A name is mutmut's: the module, the function (x_NAME, or xǁCLASSǁNAME for a method) and the mutant's
number in it. A change to the function renumbers its mutants: rerun benchmarks/mutation.py and check the
report's diffs against the reasons here.
"""

from __future__ import annotations

EQUIVALENT: dict[str, str] = {
    # generator/records/abstracts.py
    "generator.records.abstracts.x__drop_hidden__mutmut_26": (
        "`end <= 0` for `end < 0`: the close is searched from the end of its opening, never at 0"
    ),
    "generator.records.abstracts.x__drop_hidden__mutmut_27": (
        "`end < 1` for `end < 0`: the close is searched from the end of its opening, never at 0"
    ),
    "generator.records.abstracts.x__drop_hidden__mutmut_32": (
        "a comment's end found as the '>' after `-->` instead of 3 past it: the same place"
    ),
    "generator.records.abstracts.x_abstract_problem__mutmut_3": (
        "another stand-in text for a formula: only its nesting is measured, and letters do not nest"
    ),
    "generator.records.abstracts.x_abstract_problem__mutmut_4": (
        "another stand-in text for a formula: only its nesting is measured, and letters do not nest"
    ),
    "generator.records.abstracts.x_sanitize__mutmut_28": (
        "strip_comments left out: nh3 strips comments by default (its signature says strip_comments=True)"
    ),
    # generator/periods.py
    "generator.periods.x_due__mutmut_10": (
        "one more day looked back: that day's period ends before the two days of grace (a day), or is the"
        " week of the day after it (a week), so the filter keeps the same periods"
    ),
}
