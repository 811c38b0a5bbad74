# SPDX-License-Identifier: GPL-2.0
"""Read the test host's console stream and judge a test run.

The stream is the host's serial console: Xen's lines start "(XEN)", lines
from the guest's serial console start "[guest] ", lines printed by the dom0
payload start "[dom0] ", everything else is dom0's own console. Tests print
KTAP (flat documents: version line, optional "# Subtest: NAME", plan, result
lines). Kernel log timestamps are stripped before parsing.

Everything here is pure: lines in, a verdict out, so it is unit-tested
without booting anything (test_ktap.py).
"""

import re
from dataclasses import dataclass, field

XEN, DOM0, DOM0_PAYLOAD, GUEST = "xen", "dom0", "dom0-payload", "guest"
PREFIXES = (("(XEN)", XEN), ("[guest] ", GUEST), ("[dom0] ", DOM0_PAYLOAD))

TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
VERSION = re.compile(r"^(KTAP version 1|TAP version 1[34])\s*$")
PLAN = re.compile(r"^1\.\.(\d+)")
SUBTEST = re.compile(r"^# Subtest: (\S+)")
RESULT = re.compile(r"^(ok|not ok) (\d+)(?: - | )?([^#]*?)\s*(?:#\s*(.*))?$")
# What a kernel prints when something is wrong, whatever a test says.
KERNEL_TROUBLE = re.compile(
    r"^(WARNING: CPU: |BUG: |Oops|general protection fault|kernel BUG at|"
    r"Kernel panic|UBSAN: |KASAN: |ODEBUG: |"
    r"WARNING: (possible |suspicious RCU usage|inconsistent lock state|"
    r"bad unlock balance|held lock freed|lock held when|Nested lock))")
GUEST_DONE = re.compile(r"^XTH-GUEST: done rc=(\d+)")


def classify(raw):
    """Split a console line into (source, text), text without prefix."""
    line = raw.rstrip("\r\n").replace("\r", "")
    for prefix, source in PREFIXES:
        if line.startswith(prefix):
            return source, line[len(prefix):].lstrip(" ") \
                if source == XEN else line[len(prefix):]
    return DOM0, line


@dataclass
class Result:
    number: int
    name: str
    ok: bool
    directive: str = ""

    @property
    def skipped(self):
        return self.directive.upper().startswith("SKIP")


@dataclass
class Document:
    source: str
    name: str
    plan: int = None
    results: list = field(default_factory=list)
    bailed: str = None


@dataclass
class Report:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    lines: list = field(default_factory=list)

    def add(self, status, text):
        setattr(self, status, getattr(self, status) + 1)
        word = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip"}[status]
        self.lines.append(f"{word} {text}")

    @property
    def summary(self):
        text = f"{self.passed} passed, {self.failed} failed"
        return text + (f", {self.skipped} skipped" if self.skipped else "")


GUEST_CREATED = re.compile(r"^XTH-DOM0: guest created")
GUEST_RECREATED = re.compile(
    r"^XTH-DOM0: guest .* lost to the emulated CPU; creating it again")


def drop_lost_guests(lines):
    """The console lines without those of each guest that dom0 created
    again after the emulated CPU lost it: from its "guest created" line up
    to (not including) the line saying it is created again."""
    kept, start = [], None
    for line in lines:
        if GUEST_CREATED.match(line):
            start = len(kept)
        elif GUEST_RECREATED.match(line) and start is not None:
            del kept[start:]
            start = None
        kept.append(line)
    return kept


def guests_recreated(lines):
    """How many times dom0 created a lost guest again."""
    return sum(1 for line in lines if GUEST_RECREATED.match(line))


def parse(lines):
    """Return (documents, kernel_trouble, guest_rc) found in console lines.

    kernel_trouble lists (source, line) for guest and dom0 kernel messages
    that mean a bug; guest_rc is the guest script's exit status or None.
    The output of guests lost to the emulated CPU and created again does
    not count.
    """
    docs, trouble, guest_rc = [], [], None
    current = {}
    for raw in drop_lost_guests(lines):
        source, text = classify(raw)
        if source == XEN:
            continue
        text = TIMESTAMP.sub("", text)
        if KERNEL_TROUBLE.match(text):
            trouble.append((source, text))
        done = GUEST_DONE.match(text)
        if source == GUEST and done:    # the worst of the boot's guests
            guest_rc = max(guest_rc or 0, int(done.group(1)))
        if VERSION.match(text):
            doc = Document(source, f"{source}#{len(docs) + 1}")
            docs.append(doc)
            current[source] = doc
            continue
        doc = current.get(source)
        if doc is None:
            continue
        m = SUBTEST.match(text)
        if m and not doc.results and doc.plan is None:
            doc.name = m.group(1)
            continue
        m = PLAN.match(text)
        if m and doc.plan is None and not doc.results:
            doc.plan = int(m.group(1))
            continue
        m = RESULT.match(text)
        if m:
            doc.results.append(Result(int(m.group(2)), m.group(3).strip(),
                                      m.group(1) == "ok", m.group(4) or ""))
            continue
        if text.startswith("Bail out!"):
            doc.bailed = text
    return docs, trouble, guest_rc


def _judge_document(doc, report):
    expected = 1
    for r in doc.results:
        label = f"{doc.name}.{r.name or r.number}"
        if r.number != expected:
            report.add("failed", f"{label}: numbered {r.number}, "
                       f"expected {expected}")
        expected = r.number + 1
        if r.skipped:
            report.add("skipped", f"{label} # {r.directive}")
        elif r.ok and r.directive.upper().startswith("XFAIL"):
            # A negative control that failed, as it must.
            report.add("passed", f"{label} # {r.directive}")
        elif r.ok:
            report.add("passed", label)
        else:
            why = f" # {r.directive}" if r.directive else ""
            report.add("failed", label + why)
    if doc.plan is not None and len(doc.results) < doc.plan:
        report.add("failed", f"{doc.name}: {doc.plan - len(doc.results)} of "
                   f"{doc.plan} planned tests never reported")
    if doc.bailed:
        report.add("failed", f"{doc.name}: {doc.bailed}")


def _judge_canary(name, docs, report):
    """A canary suite must arrive and every one of its cases must fail."""
    found = [d for d in docs if d.name == name]
    results = [r for d in found for r in d.results]
    if results and not any(r.ok for r in results):
        report.add("passed", f"{name}: the runner sees its {len(results)} "
                   "deliberate failure(s) as failures")
    elif not results:
        report.add("failed", f"{name}: the deliberately failing suite never "
                   "reported, so the runner cannot show it catches failures")
    else:
        report.add("failed", f"{name}: a deliberately failing test passed")


def read_expectations(text):
    """Parse an 'expect' file: suite names that must report, '!NAME' for a
    suite that must fail (a canary). '#' starts a comment."""
    must_pass, must_fail = [], []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("!"):
            must_fail.append(line[1:].strip())
        elif line:
            must_pass.append(line)
    return must_pass, must_fail


def evaluate(lines, must_pass=(), must_fail=(), completed=True):
    """Judge a run from its console lines; return a Report."""
    docs, trouble, guest_rc = parse(lines)
    report = Report()
    for doc in docs:
        if doc.name not in must_fail:
            _judge_document(doc, report)
    for name in must_fail:
        _judge_canary(name, docs, report)
    names = {d.name for d in docs}
    for name in must_pass:
        if name not in names:
            report.add("failed", f"{name}: suite never reported")
    for source, text in trouble:
        report.add("failed", f"{source} kernel: {text}")
    if completed and guest_rc is None:
        report.add("failed", "guest script: never finished")
    elif guest_rc:
        report.add("failed", f"guest script: exit status {guest_rc}")
    if not docs:
        report.add("failed", "no KTAP output at all")
    return report


# A guest that dies of a triple fault while its kernel reported nothing (no
# Oops, BUG, panic, double fault or general protection fault) was lost to
# the emulated nested SVM of the test host, not to a bug of its own: see
# "When the emulated CPU loses the guest" in Documentation/testing.md.
TRIPLE_FAULT = re.compile(r"^\(XEN\) d\d+v\d+ Triple fault")
GUEST_ALARM = re.compile(r"^\[guest\] .*(Oops|BUG:|Kernel panic|"
                         r"double fault|general protection)")


def lost_to_emulator(lines):
    """True when the console lines show that signature (guests that dom0
    already created again aside)."""
    lines = drop_lost_guests(lines)
    return (any(TRIPLE_FAULT.match(line) for line in lines) and
            not any(GUEST_ALARM.match(line) for line in lines))
