#!/usr/bin/env bash
# Adds up what the test runners of `make test` reported, as one closing line.
set -uo pipefail
logs=target/test-logs
plain() { sed 's/\x1b\[[0-9;]*m//g' "$logs/$1" 2>/dev/null; }
sum() { awk -v f="$1" '{s+=$f} END {print s+0}'; }

rust_pass=$(plain rust.log | grep -oE '^test result: [a-zA-Z]+\. [0-9]+ passed' | sum 4)
rust_fail=$(plain rust.log | grep -oE '^test result: .*; [0-9]+ failed' | grep -oE '[0-9]+ failed' | sum 1)
unit_pass=$(plain ui-unit.log | grep -oE '^ *Tests +[0-9]+ passed' | grep -oE '[0-9]+' | sum 1)
unit_fail=$(plain ui-unit.log | grep -oE '^ *Tests +.*[0-9]+ failed' | grep -oE '[0-9]+ failed' | sum 1)
browser_pass=$(plain ui-browser.log | grep -oE '^# pass [0-9]+' | sum 3)
browser_fail=$(plain ui-browser.log | grep -oE '^# fail [0-9]+' | sum 3)
vendor_node() { cat "$logs/vendor-node.log" "$logs/vendor-ours.log" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g'; }
vendor_pass=$(( $(vendor_node | grep -oE '^# pass [0-9]+' | sum 3) + $(plain vendor-close.log | grep -oE '[0-9]+ passed' | sum 1) ))
vendor_fail=$(( $(vendor_node | grep -oE '^# fail [0-9]+' | sum 3) + $(plain vendor-close.log | grep -oE '[0-9]+ failed' | sum 1) ))

echo "rust: ${rust_pass} passed, ${rust_fail} failed"
echo "ui-unit: ${unit_pass} passed, ${unit_fail} failed"
echo "ui-browser: ${browser_pass} passed, ${browser_fail} failed"
echo "vendor-clients: ${vendor_pass} passed, ${vendor_fail} failed"
echo "total: $((rust_pass + unit_pass + browser_pass + vendor_pass)) passed, $((rust_fail + unit_fail + browser_fail + vendor_fail)) failed"
