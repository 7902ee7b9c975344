"""escape-theory, harness: checks, verdicts, suites, reports, notebooks and the `escape` CLI."""

from .check import Check, Context, Finding
from .outcome import Basis, Outcome, Verdict
from .runner import Report, run_suite
from .suite import SUITES, all_checks, checks_in, get_check
from .user_check import check_user_claim

__all__ = ["Basis", "Check", "Context", "Finding", "Outcome", "Report", "SUITES", "Verdict", "all_checks", "checks_in",
           "check_user_claim", "get_check", "run_suite"]
