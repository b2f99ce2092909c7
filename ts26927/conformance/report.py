"""Reports of a run: the JSON report is the source; JUnit XML is derived from it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from ts26927.bindings.base import PROTOCOL_VERSION, ImplementationInfo

from . import SUITE_VERSION
from .verdict import CaseResult, Verdict


def summary(results: list[CaseResult]) -> dict[str, int]:
    counts = Counter(r.verdict.value for r in results)
    return {v.value: counts.get(v.value, 0) for v in Verdict}


def succeeded(results: list[CaseResult]) -> bool:
    """A run succeeds when at least one case ran and every applicable case passed (or gave
    exactly the result its expectation names)."""
    ran = [r for r in results if r.verdict is not Verdict.NOT_APPLICABLE]
    if not ran:
        return False
    return all(
        (r.verdict is Verdict.PASS and r.expected is None)
        or (r.expected is not None and not r.unexpected)
        for r in ran
    )


def json_report(
    results: list[CaseResult], info: ImplementationInfo, parameters: dict[str, Any]
) -> dict[str, Any]:
    return {
        "suiteVersion": SUITE_VERSION,
        "protocolVersion": PROTOCOL_VERSION,
        "finishedAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "implementation": info.to_dict(),
        "parameters": parameters,
        "summary": summary(results),
        "succeeded": succeeded(results),
        "results": [r.to_dict() for r in results],
    }


def junit_xml(report: dict[str, Any]) -> str:
    """JUnit XML of a JSON report (fail -> failure, error/timeout -> error, other -> skip)."""
    results = report["results"]
    suite = ET.Element(
        "testsuite", name=f"ts26927 conformance {report['suiteVersion']}", tests=str(len(results))
    )
    counts = Counter()
    for r in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{r['clause']}.{r['flow']}",
            name=r["id"],
            time=f"{r['durationS']:.4f}",
        )
        text = f"step {r['step']}: {r['reason']}" if r["step"] else r["reason"]
        if r["verdict"] == "fail":
            ET.SubElement(case, "failure", message=text).text = "\n".join(r["log"])
            counts["failures"] += 1
        elif r["verdict"] in ("error", "timeout"):
            ET.SubElement(case, "error", message=f"{r['verdict']}: {text}")
            counts["errors"] += 1
        elif r["verdict"] in ("not applicable", "inconclusive"):
            ET.SubElement(case, "skipped", message=f"{r['verdict']}: {text}")
            counts["skipped"] += 1
    for key in ("failures", "errors", "skipped"):
        suite.set(key, str(counts[key]))
    return ET.tostring(suite, encoding="unicode")
