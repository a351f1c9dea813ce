"""The security checks of CI (`make security`): pip-audit on the locked dependencies and bandit on
the code. A finding fails unless a reviewed ignore file lists it with its reason:

  .ci/pip-audit-ignore.txt   VULNERABILITY-ID  reason        (an id or one of its aliases)
  .ci/bandit-ignore.txt      TEST-ID  PATH  reason           (a file, or a folder ending in /)

Bandit's findings are matched on test id and file, not line numbers, so an entry survives edits
around it; a new finding of the same test in the same file is therefore covered too, which is why
each entry says what was reviewed. Entries that no longer match anything are printed (delete
them). pip-audit needs the vulnerability service (PyPI's JSON API): when it cannot be reached
the check fails and says so; SECURITY_ALLOW_OFFLINE=1 turns that one case into a loud warning,
for a build machine without internet.

Usage: python .ci/security.py [pip-audit|bandit]   (both when no argument)
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCK = ROOT / "requirements" / "dev-lock.txt"
PIP_AUDIT_IGNORE = ROOT / ".ci" / "pip-audit-ignore.txt"
BANDIT_IGNORE = ROOT / ".ci" / "bandit-ignore.txt"
BANDIT_TARGET = "alliance"


def entries(path: Path, fields: int) -> list[tuple[str, ...]]:
    """The entries of an ignore file: `fields` words, then the reason (required)."""
    found = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, fields)
        if len(parts) <= fields:
            sys.exit(f"{path.relative_to(ROOT)}:{number}: an entry needs its reason: {line!r}")
        found.append(tuple(parts))
    return found


def pip_audit() -> bool:
    ignored = {entry[0]: entry[1] for entry in entries(PIP_AUDIT_IGNORE, 1)}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "pip-audit.json"
        # --disable-pip: the lock pins every package with hashes, so nothing is resolved or
        # installed; only the names and versions are sent to the vulnerability service.
        command = [str(BIN / "pip-audit"), "-r", str(LOCK), "--require-hashes", "--disable-pip",
                   "--progress-spinner", "off", "--timeout", "30", "-f", "json", "-o", str(report)]
        for vuln_id in ignored:
            command += ["--ignore-vuln", vuln_id]
        # S603: the command is ours; the only inputs are the reviewed ids of the ignore file.
        run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)  # noqa: S603
        written = report.exists() and report.stat().st_size
        data = json.loads(report.read_text()) if written else None
    if data is None:
        # No report at all: pip-audit stopped before auditing (most often: no network).
        print("\n".join((run.stderr.strip() or run.stdout.strip()).splitlines()[-3:]))
        message = ("pip-audit could not audit requirements/dev-lock.txt: the vulnerability "
                   "service (PyPI) did not answer, or pip-audit failed (see above).")
        if os.environ.get("SECURITY_ALLOW_OFFLINE") == "1":
            print(f"WARNING: {message} SECURITY_ALLOW_OFFLINE=1: going on WITHOUT the "
                  "dependency audit.")
            return True
        print(f"FAILED: {message} Run it again with network access (or, knowingly, with "
              "SECURITY_ALLOW_OFFLINE=1).")
        return False
    findings, used = [], set()
    for dependency in data.get("dependencies", []):
        for vuln in dependency.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            if ids & ignored.keys():
                used |= ids & ignored.keys()
                continue
            findings.append(f"  {dependency['name']} {dependency['version']}: {vuln['id']} "
                            f"(fixed in {', '.join(vuln.get('fix_versions', [])) or 'no release'})"
                            f" {vuln.get('description', '')[:160]}")
    audited = len(data.get("dependencies", []))
    for vuln_id in ignored.keys() - used:
        print(f"note: {PIP_AUDIT_IGNORE.name}: {vuln_id} no longer matches anything: delete it")
    if findings:
        print(f"FAILED: pip-audit found {len(findings)} known vulnerabilities in the locked "
              "dependencies. Upgrade (make lock) or list each, with its reason, in "
              f"{PIP_AUDIT_IGNORE.relative_to(ROOT)}:")
        print("\n".join(findings))
        return False
    print(f"pip-audit: {audited} locked packages, no known vulnerability "
          f"({len(used)} reviewed and ignored).")
    return True


def bandit() -> bool:
    ignored = entries(BANDIT_IGNORE, 2)
    run = subprocess.run([str(BIN / "bandit"), "-r", BANDIT_TARGET, "-q", "-f", "json"],  # noqa: S603
                         capture_output=True, text=True, cwd=ROOT)
    try:
        data = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(run.stderr.strip())
        print("FAILED: bandit did not run (see above).")
        return False
    if data.get("errors"):
        for error in data["errors"]:
            print(f"  {error['filename']}: {error['reason']}")
        print("FAILED: bandit could not read these files.")
        return False
    findings, used = [], set()
    for result in data["results"]:
        path = result["filename"]
        match = next((entry for entry in ignored if entry[0] == result["test_id"] and (
            path == entry[1] or (entry[1].endswith("/") and path.startswith(entry[1])))), None)
        if match:
            used.add(match)
            continue
        findings.append(f"  {path}:{result['line_number']}: {result['test_id']} "
                        f"({result['issue_severity'].lower()} severity, "
                        f"{result['issue_confidence'].lower()} confidence) "
                        f"{result['issue_text']}")
    for entry in ignored:
        if entry not in used:
            print(f"note: {BANDIT_IGNORE.name}: {entry[0]} {entry[1]} no longer matches "
                  "anything: delete it")
    if findings:
        print(f"FAILED: bandit found {len(findings)} problems in {BANDIT_TARGET}/. Fix them, "
              f"or, if reviewed as harmless, list each (test id, file, reason) in "
              f"{BANDIT_IGNORE.relative_to(ROOT)}:")
        print("\n".join(findings))
        return False
    print(f"bandit: {data['metrics']['_totals']['loc']} lines of {BANDIT_TARGET}/, "
          f"{len(data['results'])} findings, all reviewed in {BANDIT_IGNORE.name}.")
    return True


CHECKS = {"pip-audit": pip_audit, "bandit": bandit}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(CHECKS)
    unknown = set(chosen) - CHECKS.keys()
    if unknown:
        sys.exit(f"unknown check {sorted(unknown)}; choose from {sorted(CHECKS)}")
    results = [CHECKS[name]() for name in chosen]  # every check runs, even after a failure
    sys.exit(0 if all(results) else 1)
