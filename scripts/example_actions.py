"""Checks the inputs and outputs the example workflows use of the actions actionlint does not know.

actionlint checks `with:` keys only for the popular actions whose metadata it bundles (actions/*);
for Neon's actions and mikepenz/action-junit-report a misspelt input is silently ignored by
GitHub, so a typo would make an example do nothing. The lists below are copied from each
action's own action.yml (action.yaml) at the major version the examples pin; update them with
the pin. Exit 0 all good, 1 a problem (each printed).
"""

import re
import sys
from pathlib import Path

import yaml

ACTIONS = {
    # neondatabase/create-branch-action v6.4.0, action.yml
    "neondatabase/create-branch-action@v6": {
        "inputs": {"api_key", "api_host", "branch_name", "project_id", "parent_branch", "prisma", "database", "role",
                   "branch_type", "ssl", "suspend_timeout", "expires_at", "masking_rules", "get_auth_url",
                   "get_data_api_url"},
        "required": {"api_key", "project_id"},
        "outputs": {"db_url", "db_url_pooled", "db_host", "db_host_pooled", "password", "branch_id", "created",
                    "auth_url", "data_api_url"},
    },
    # neondatabase/delete-branch-action v3.2.1, action.yaml (branch_id is deprecated for branch)
    "neondatabase/delete-branch-action@v3": {
        "inputs": {"project_id", "branch", "api_key", "api_host"},
        "required": {"project_id", "api_key"},
        "outputs": set(),
    },
    # mikepenz/action-junit-report v6.4.2, action.yml
    "mikepenz/action-junit-report@v6": {
        "inputs": {"token", "github_token", "report_paths", "group_reports", "test_files_prefix", "exclude_sources",
                   "annotate_only", "check_annotations", "update_check", "check_name", "commit", "fail_on_failure",
                   "fail_on_parse_error", "require_tests", "require_passed_tests", "include_passed",
                   "include_skipped", "check_title_template", "bread_crumb_delimiter", "summary", "check_retries",
                   "transformers", "job_summary", "job_summary_text", "detailed_summary", "flaky_summary",
                   "verbose_summary", "skip_success_summary", "include_empty_in_summary", "include_time_in_summary",
                   "simplified_summary", "group_suite", "comment", "annotate_notice", "follow_symlink", "job_name",
                   "annotations_limit", "skip_annotations", "truncate_stack_traces", "resolve_ignore_classname",
                   "skip_comment_without_tests", "pr_id"},
        "required": set(),
        "outputs": {"total", "passed", "skipped", "failed", "time", "summary", "detailed_summary", "flaky_summary",
                    "report_url"},
    },
}


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def check(path):
    problems = []
    workflow = yaml.safe_load(path.read_text())
    for job_name, job in (workflow.get("jobs") or {}).items():
        outputs_of = {}
        for n, step in enumerate(job.get("steps") or []):
            uses = step.get("uses", "")
            owner_repo = uses.split("@")[0]
            if any(a.split("@")[0] == owner_repo for a in ACTIONS) and uses not in ACTIONS:
                problems.append(f"{path.name}: job {job_name} step {n + 1}: {uses}: the lists here are for "
                                f"{', '.join(a for a in ACTIONS if a.startswith(owner_repo))}; update them with the pin")
                continue
            spec = ACTIONS.get(uses)
            if spec is None:
                continue
            given = set((step.get("with") or {}).keys())
            for key in sorted(given - spec["inputs"]):
                problems.append(f"{path.name}: job {job_name}: {uses} has no input {key!r} "
                                f"(inputs: {', '.join(sorted(spec['inputs']))})")
            for key in sorted(spec["required"] - given):
                problems.append(f"{path.name}: job {job_name}: {uses} needs input {key!r}")
            if "id" in step:
                outputs_of[step["id"]] = (uses, spec["outputs"])
        for text in strings(job):
            for step_id, name in re.findall(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", text):
                if step_id in outputs_of and name not in outputs_of[step_id][1]:
                    uses, names = outputs_of[step_id]
                    problems.append(f"{path.name}: job {job_name}: {uses} has no output {name!r} "
                                    f"(outputs: {', '.join(sorted(names))})")
    return problems


def main():
    problems = []
    files = sorted(Path(sys.argv[1]).glob("*.yml"))
    for path in files:
        problems += check(path)
    for p in problems:
        print("PROBLEM " + p)
    print(f"{len(files)} workflow(s), {len(problems)} problem(s) with third-party action inputs and outputs")
    return 1 if problems or not files else 0


if __name__ == "__main__":
    sys.exit(main())
