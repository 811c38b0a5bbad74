# SPDX-License-Identifier: GPL-2.0
"""Read the test host's console stream and judge a test run.

The stream is the host's serial console: Xen's lines start "(XEN)", lines
from the guest's serial console start "[guest] ", lines printed by the dom0
payload start "[dom0] ", everything else is dom0's own console. Kernel log
timestamps are stripped before parsing.

Each guest prints one KTAP document (Documentation/dev-tools/ktap.rst): a
version line, a plan (the number of suites it reports), and each suite as
a nested test, its lines indented, followed by its result line:

    KTAP version 1
    1..2
        KTAP version 1
        # Subtest: many_ports
        1..2
        ok 1 open_until_full
        ok 2 nr_channels
    ok 1 many_ports
    ...

The parser follows the kernel's tools/testing/kunit/kunit_parser.py: a
recursive descent over the lines, a test's header (version line, "#
Subtest:", plan), then its subtests, then its result line; unlike
kunit_parser, it goes by indentation to tell a subtest's lines from its
parent's, so that unknown lines cannot end a test early. A flat document
(a version line at the top level with a "# Subtest:" header and result
lines, no nesting) is one suite on its own: the dom0 payload prints its
suites so, and so did the guests before they printed nested documents (the
logs recorded then still parse).

Everything here is pure: lines in, a verdict out, so it is unit-tested
without booting anything (test_ktap.py).
"""

import re
from collections import Counter
from dataclasses import dataclass, field

XEN, DOM0, DOM0_PAYLOAD, GUEST = "xen", "dom0", "dom0-payload", "guest"
PREFIXES = (("(XEN)", XEN), ("[guest] ", GUEST), ("[dom0] ", DOM0_PAYLOAD))

# Only the stamp's end may be left: the emulated serial port sometimes
# drops a byte (make bench saw "   25.338335]     ok 7 ipi_round_trip_busy"),
# and a message the kernel prints to the console cuts the line it lands in,
# whose rest comes after it (make check saw an RCU stall warning leave
# "9]     ok 2 round_trips"). A result line that kept such a stamp would
# go unread.
TIMESTAMP = re.compile(r"^\[?[\s\d.]*\d\]\s?")
VERSION = re.compile(r"^(KTAP version 1|TAP version 1[34])\s*$")
PLAN = re.compile(r"^1\.\.(\d+)")
SUBTEST = re.compile(r"^# Subtest: (\S+)")
RESULT = re.compile(r"^(ok|not ok) (\d+)(?: - | )?([^#]*?)\s*(?:#\s*(.*))?$")
BAIL_OUT = re.compile(r"^Bail out!")
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
class Test:
    """A KTAP test: a document, a suite (a nested test) or a case (a result
    line alone). ok is None while its result line has not been seen."""
    name: str = ""
    number: int = None
    ok: bool = None
    directive: str = ""
    plan: int = None
    subtests: list = field(default_factory=list)
    bailed: str = None
    nested: bool = False        # has a header: a document or a suite
    source: str = ""

    @property
    def skipped(self):
        return self.directive.upper().startswith("SKIP")

    @property
    def xfail(self):
        return self.directive.upper().startswith("XFAIL")

    @property
    def cases(self):
        return [t for t in self.subtests if not t.nested]

    @property
    def suites(self):
        return [t for t in self.subtests if t.nested]

    @property
    def results(self):          # the flat parser's name for the cases
        return self.cases


Result = Test
Document = Test


def _is_header(text):
    return VERSION.match(text) or SUBTEST.match(text)


def _is_ktap(text):
    return _is_header(text) or PLAN.match(text) or RESULT.match(text)


def _set_result(test, text):
    m = RESULT.match(text)
    test.number, test.ok = int(m.group(2)), m.group(1) == "ok"
    test.directive = m.group(4) or ""
    test.name = test.name or m.group(3).strip()


def _parse_body(lines, i, indent, test):
    """Parse what follows @test's version line, all at @indent: its "#
    Subtest:" and plan, then its subtests; return the index of the first
    line that is not @test's (its result line, the parent's next line or a
    new test at this level)."""
    while i < len(lines):
        ind, text = lines[i]
        if ind > indent and _is_header(text):
            child = Test(nested=True, source=test.source)
            i = _parse_body(lines, i + int(bool(VERSION.match(text))), ind,
                            child)
            if i < len(lines) and lines[i][0] == indent and \
                    RESULT.match(lines[i][1]):
                _set_result(child, lines[i][1])
                i += 1
            test.subtests.append(child)
            continue
        if ind < indent and _is_ktap(text):
            return i
        if ind != indent:
            i += 1              # an unknown line (or one too deep)
            continue
        if VERSION.match(text) or (SUBTEST.match(text) and
                                   (test.subtests or test.name)):
            return i            # a new test at this level
        m = SUBTEST.match(text)
        if m:
            test.name = m.group(1)
        elif PLAN.match(text) and test.plan is None and not test.subtests:
            test.plan = int(PLAN.match(text).group(1))
        elif RESULT.match(text):
            case = Test(source=test.source)
            _set_result(case, text)
            test.subtests.append(case)
        elif BAIL_OUT.match(text):
            test.bailed = text
        i += 1
    return i


def parse_documents(texts, source=GUEST):
    """The top-level KTAP documents in one source's lines (timestamps
    already stripped). A document begins with a version line at the top
    level; what comes before one is not KTAP."""
    lines = [(len(t) - len(t.lstrip(" ")), t.strip()) for t in texts]
    docs, i = [], 0
    while i < len(lines):
        ind, text = lines[i]
        if ind == 0 and VERSION.match(text):
            doc = Test(nested=True, source=source)
            i = _parse_body(lines, i + 1, 0, doc)
            docs.append(doc)
        else:
            i += 1
    return docs


def is_flat(doc):
    """A flat document is a suite on its own: no nested suites, and a
    name, or cases at its top level."""
    return not doc.suites and bool(doc.name or doc.cases)


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

    documents are the top-level KTAP documents of the guests and of the
    dom0 payload, each source parsed on its own (their lines interleave);
    kernel_trouble lists (source, line) for guest and dom0 kernel messages
    that mean a bug; guest_rc is the guest script's exit status or None.
    The output of guests lost to the emulated CPU and created again does
    not count.
    """
    texts, trouble, guest_rc = {}, [], None
    for raw in drop_lost_guests(lines):
        source, text = classify(raw)
        if source == XEN:
            continue
        text = TIMESTAMP.sub("", text)
        if KERNEL_TROUBLE.match(text.lstrip()):
            trouble.append((source, text.strip()))
        done = GUEST_DONE.match(text)
        if source == GUEST and done:    # the worst of the boot's guests
            guest_rc = max(guest_rc or 0, int(done.group(1)))
        texts.setdefault(source, []).append(text)
    docs = []
    for source, source_texts in texts.items():
        docs += parse_documents(source_texts, source)
    for n, doc in enumerate(docs, start=1):
        if is_flat(doc) and not doc.name:
            doc.name = f"{doc.source}#{n}"
    return docs, trouble, guest_rc


def suites_of(docs):
    """The suites of the documents: the nested suites of each guest's
    document, and each flat document."""
    return [s for d in docs for s in ([d] if is_flat(d) else d.suites)]


def _judge_suite(suite, report):
    expected = 1
    for r in suite.cases:
        label = f"{suite.name}.{r.name or r.number}"
        if r.number != expected:
            report.add("failed", f"{label}: numbered {r.number}, "
                       f"expected {expected}")
        expected = r.number + 1
        if r.skipped:
            report.add("skipped", f"{label} # {r.directive}")
        elif r.ok and r.xfail:
            # A negative control that failed, as it must.
            report.add("passed", f"{label} # {r.directive}")
        elif r.ok:
            report.add("passed", label)
        else:
            why = f" # {r.directive}" if r.directive else ""
            report.add("failed", label + why)
    complete = suite.plan is None or len(suite.cases) >= suite.plan
    if not complete:
        report.add("failed", f"{suite.name}: {suite.plan - len(suite.cases)} "
                   f"of {suite.plan} planned tests never reported")
    if suite.bailed:
        report.add("failed", f"{suite.name}: {suite.bailed}")
    # The suite's own result line (nested suites): it must come, and say
    # "not ok" only for a reason its cases did not already give.
    cases_ok = all(r.ok for r in suite.cases)
    if suite.ok is False and cases_ok and complete and not suite.bailed:
        report.add("failed", f"{suite.name}: not ok"
                   + (f" # {suite.directive}" if suite.directive else ""))


def _judge_document(doc, must_fail, report):
    """A guest's document: its plan against the suites that came (the
    canaries are among them), their numbers, and results outside any suite."""
    expected = 1
    for t in doc.subtests:
        if t.nested and t.ok is None:
            if t.plan is None or len(t.cases) >= t.plan:
                report.add("failed", f"{t.name}: no result line: the suite "
                           "did not finish")
            continue
        if t.number != expected:
            report.add("failed", f"{t.name or '?'}: suite numbered "
                       f"{t.number}, expected {expected}")
        expected = t.number + 1
        if not t.nested:
            report.add("failed", f"{t.name or t.number}: a result outside any "
                       "suite (more cases than its suite's plan?)")
    came = len(doc.suites)
    if doc.plan is not None and came < doc.plan:
        report.add("failed", f"{doc.source}: {doc.plan - came} of {doc.plan} "
                   "planned suites never reported")
    elif doc.plan is not None and came > doc.plan:
        report.add("failed", f"{doc.source}: {came} suites reported, "
                   f"{doc.plan} planned (is the payload's expect file up "
                   "to date?)")


def _judge_canary(name, suites, report):
    """A canary suite must arrive and every one of its cases must fail."""
    results = [r for s in suites if s.name == name for r in s.cases]
    if results and not any(r.ok for r in results):
        report.add("passed", f"{name}: the runner sees its {len(results)} "
                   "deliberate failure(s) as failures")
    elif not results:
        report.add("failed", f"{name}: the deliberately failing suite never "
                   "reported, so the runner cannot show it catches failures")
    else:
        report.add("failed", f"{name}: a deliberately failing test passed")


@dataclass
class Expectations:
    """A payload's expect file: the suites each guest reports, in any
    order but as often as they come (the guest's plan is their number);
    "!NAME" for a suite that must fail (a canary; it counts in the plan);
    "dom0: NAME" for a suite the dom0 payload reports (outside the plan).
    '#' starts a comment."""
    must_pass: list = field(default_factory=list)
    must_fail: list = field(default_factory=list)
    dom0: list = field(default_factory=list)

    @property
    def plan(self):
        return len(self.must_pass) + len(self.must_fail)


def read_expectations(text):
    exp = Expectations()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("!"):
            exp.must_fail.append(line[1:].strip())
        elif line.startswith("dom0:"):
            exp.dom0.append(line[len("dom0:"):].strip())
        elif line:
            exp.must_pass.append(line)
    return exp


def evaluate(lines, must_pass=(), must_fail=(), completed=True, dom0=()):
    """Judge a run from its console lines; return a Report."""
    docs, trouble, guest_rc = parse(lines)
    suites = suites_of(docs)
    report = Report()
    for doc in docs:
        if not is_flat(doc):
            _judge_document(doc, must_fail, report)
    for suite in suites:
        if suite.name not in must_fail:
            _judge_suite(suite, report)
    for name in must_fail:
        _judge_canary(name, suites, report)
    came = Counter(s.name for s in suites)
    for name, want in Counter(list(must_pass) + list(dom0)).items():
        if came[name] == 0:
            report.add("failed", f"{name}: suite never reported")
        elif came[name] < want:
            report.add("failed", f"{name}: suite reported {came[name]} of "
                       f"{want} times")
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
# Oops, BUG, panic, double fault or general protection fault, nor any other
# die() header, which all end "[#N]": "invalid opcode: 0000 [#1]" is the
# x86 BUG(), after "kernel BUG at FILE:LINE!") was lost to the emulated
# nested SVM of the test host, not to a bug of its own: see "When the
# emulated CPU loses the guest" in Documentation/testing.md. dom0-init.sh
# has the same list.
TRIPLE_FAULT = re.compile(r"^\(XEN\) d\d+v\d+ Triple fault")
GUEST_ALARM = re.compile(r"^\[guest\] .*(Oops|BUG:|Kernel panic|"
                         r"double fault|general protection|kernel BUG at|"
                         r"\[#[0-9]+\])")


def lost_to_emulator(lines):
    """True when the console lines show that signature (guests that dom0
    already created again aside)."""
    lines = drop_lost_guests(lines)
    return (any(TRIPLE_FAULT.match(line) for line in lines) and
            not any(GUEST_ALARM.match(line) for line in lines))
