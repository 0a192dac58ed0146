#!/usr/bin/env bash
# Writes a bug-report draft (markdown, to stdout) for a crashes/<sig>/ entry.
#   scripts/report.sh <entry dir> <verdict line> <target> <policy>
set -euo pipefail
dir=$1 verdict=$2 target=$3 policy=$4
root=$(cd "$(dirname "$0")/.." && pwd)
rel=${dir#$root/}
inv=$(echo "$verdict" | awk '{print $2}')

case "$inv" in
lost-vector) what="an interrupt request that real hardware would have kept pending separately was never delivered to the guest" ;;
double-service) what="the guest's handler ran for a vector that real hardware would not have delivered (no request was pending, or it had been delivered already)" ;;
delivery-below-ppr) what="a vector was delivered although its priority class was not above the processor priority (TPR or an in-service vector)" ;;
delivery-masked) what="a vector was delivered while the guest had interrupts blocked (RFLAGS.IF=0 or the STI shadow)" ;;
read-mismatch) what="a guest read of a LAPIC register returned a value real hardware would not have returned" ;;
eoi-mismatch) what="an EOI retired the wrong in-service vector, or its I/O APIC broadcast was wrong" ;;
*) what="an invariant of the architectural LAPIC broke" ;;
esac
case "$policy" in
virq) pol="LAPIC vectors injected as virtual interrupts (V_IRQ), IRR->ISR at the next #VMEXIT (FreeBSD before the 2018 fix)" ;;
virq-pending) pol="V_IRQ injection with the vector parked in a pending state until the next #VMEXIT (D13781)" ;;
eventinj) pol="event injection (EVENTINJ) with IRR->ISR at injection and a VINTR window (D13780, FreeBSD today)" ;;
*) pol="$policy" ;;
esac

cat <<MD
# ${inv}: ${verdict#VIOLATION $inv }

**Target:** $target, injection policy \`$policy\`: $pol.

## Summary
Under the \`$policy\` policy, $what. The program below, run on the simulated
SVM CPU against the vLAPIC, breaks the \`$inv\` invariant: \`$verdict\`.
The reference LAPIC beside it follows Intel SDM vol. 3 ch. 11 (IRR to ISR at
the instant of delivery); the simulated CPU follows AMD APM vol. 2 15.20-15.21.

## Program (text form; \`$rel/input.txt\`)
\`\`\`
$(grep -v '^#' "$dir/input.txt")
\`\`\`

## What happened
Each step of the program, with what the CPU and the hypervisor did (the drain
at the end runs every vCPU with IF=1 and TPR=0 until nothing is pending):
\`\`\`
$(grep -v '^   |' "$dir/timeline.txt" | grep -v '^====')
\`\`\`

## Expected versus actual state after the last step
\`target\` is the vLAPIC under test, \`hardware\` the reference LAPIC:
\`\`\`
$(grep '^   |' "$dir/timeline.txt" | tail -n "$(grep -m1 -o 'config vcpus=[0-9]' "$dir/input.txt" | tail -c 2)")
\`\`\`

## Reproduce
\`\`\`
build/fuzz/vlf-replay-$target --timeline $rel/input.txt     # text form
build/fuzz/vlf-replay-$target $rel/input.bin                # libFuzzer's minimized input
\`\`\`
MD
