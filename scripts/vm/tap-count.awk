# SPDX-License-Identifier: GPL-2.0
#
# Count the results in TAP output: prints "pass=N fail=N skip=N".
#
# Only result lines that start in the first column count, so each test of a
# kselftest_harness program counts once and indented subtest lines or
# "#" diagnostics never do.  A "# SKIP" directive makes a skip whether the
# line says ok or not ok; "# TODO" marks a known failure, which counts as a
# skip rather than a failure; "# XFAIL" is an expected failure that happened,
# so a pass.  Runs under busybox awk in the guest and mawk or gawk on the host.

function directive(line, word)
{
	return tolower(line) ~ ("#[ \t]*" word "([^a-z]|$)")
}

{
	sub(/\r$/, "")
}

/^not ok([ \t]|$)/ {
	if (directive($0, "skip") || directive($0, "todo"))
		skip++
	else
		fail++
	next
}

/^ok([ \t]|$)/ {
	if (directive($0, "skip"))
		skip++
	else
		pass++
}

END {
	printf "pass=%d fail=%d skip=%d\n", pass, fail, skip
}
