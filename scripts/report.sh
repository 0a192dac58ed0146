#!/usr/bin/env bash
# Writes the bug-report draft (markdown, to stdout) of a crashes/<sig>/ entry
# from what scripts/triage.sh put there: signature.txt (vlf-replay
# --signature plus target, revision, engine), input.txt and timeline.txt.
# The interleaving is told from the timeline (vlf-replay --timeline: the
# --trace events plus each vCPU's state after every step).
#
#   scripts/report.sh <entry dir>
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || { echo "report.sh: usage: report.sh <crashes/entry dir>" >&2; exit 2; }
dir=${1%/}
[ -d "$dir" ] || { echo "report.sh: $dir: no such directory" >&2; exit 2; }
for f in signature.txt input.txt timeline.txt; do
	[ -f "$dir/$f" ] || { echo "report.sh: $dir/$f is missing (re-run scripts/triage.sh)" >&2; exit 2; }
done
dir=$(cd "$dir" && pwd)
rel=${dir#$root/}
field() { sed -n "s/^$1: //p" "$dir/signature.txt" | head -n1; }
inv=$(field invariant) cls=$(field class) policy=$(field policy) target=$(field target)
vcpu=$(field vcpu) vector=$(field vector) step=$(field step) verdict=$(field verdict)
revision=$(field revision) engine=$(field engine) minimized=$(field minimized) sig=$(field signature)
detail=${verdict#*: }
[ -n "$inv" ] && [ -n "$target" ] || { echo "report.sh: $dir/signature.txt has no invariant/target" >&2; exit 2; }
nops=$(grep -v '^#' "$dir/input.txt" | grep -vc '^config')
nvcpus=$(field vcpus)
if [ "$target" = model ]; then
	rbin=build/fuzz/vlf-replay-$target cmake_extra=""
else
	rbin=build/fuzz/targets/$target/vlf-replay-$target
	cmake_extra=" -DVLF_TARGET=$target -DFREEBSD_SRC=<FreeBSD tree at ${revision:-the revision above}>"
fi
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)

case "$inv" in
lost-vector) what="an interrupt request that real hardware would have kept pending was never delivered to the guest" ;;
double-service) what="the guest's handler ran for a vector that real hardware would not have delivered (no request was pending, or it had been delivered already)" ;;
delivery-below-ppr) what="a vector was delivered although its priority class was not above the processor priority (TPR or an in-service vector)" ;;
delivery-masked) what="a vector was delivered while the guest had interrupts blocked (RFLAGS.IF=0 or the STI shadow)" ;;
delivery-late) what="a request the hypervisor knew of at VMRUN, deliverable above PPR, was still held back while the guest ran with interrupts open (no injection, no interrupt window)" ;;
read-mismatch) what="a guest read of a LAPIC register returned a value real hardware would not have returned" ;;
eoi-mismatch) what="an EOI retired the wrong in-service vector, or its I/O APIC broadcast was wrong" ;;
*) what="an invariant of the architectural LAPIC broke" ;;
esac
case "$policy" in
virq) pol="LAPIC vectors injected as virtual interrupts (V_IRQ), IRR->ISR only at the next #VMEXIT, as \`svm_inj_interrupts()\` did before the 2018 fix (bug 215972)" ;;
virq-pending) pol="V_IRQ injection with the vector parked in a pending state until the next #VMEXIT (review D13781)" ;;
eventinj) pol="event injection (EVENTINJ) with IRR->ISR at injection and a VINTR window (review D13780, FreeBSD today)" ;;
*) pol="policy $policy" ;;
esac
if [ "$target" = freebsd ]; then
	where="FreeBSD's own \`sys/amd64/vmm/io/vlapic.c\` and \`sys/amd64/vmm/amd/svm.c\`, revision \`${revision:-unknown}\`, built unmodified in userspace"
	tname="FreeBSD ${revision:-unknown revision} (bhyve vlapic.c + svm.c)"
else
	where="the embedded model of bhyve's vLAPIC and SVM injection (\`vmm_src/model/\`), policy \`$policy\`: $pol"
	tname="model of sys/amd64/vmm, policy $policy"
fi
state_words() { # hwX-tgtY -> prose
	local hw=${1%%-tgt*} tgt=${1#*-tgt}
	hw=${hw#hw}
	case "$hw" in idle) hw="neither requested nor in service" ;; irr) hw="requested (IRR) and not in service" ;;
	isr) hw="in service (ISR), its IRR bit clear" ;; irrisr) hw="both in service and requested again" ;; esac
	case "$tgt" in idle) tgt="neither in IRR nor in ISR" ;; irr) tgt="still in IRR, not yet in ISR" ;;
	isr) tgt="in ISR, its IRR bit clear" ;; irrisr) tgt="in both IRR and ISR" ;; esac
	echo "on hardware the vector was $hw; in the target's vLAPIC it was $tgt"
}
case "$cls" in
hw*-tgt*) classtext=$(state_words "${cls%-drain}") ;;
*) classtext="the check broke at \`${cls}\`" ;;
esac
stepword="step $step"
[ "$step" != drain ] || stepword="the final drain"

# The interleaving as a story, from the timeline.
story=$(awk -v victim="$vcpu" -v vec="${vector#0x}" -v keystep="$step" -v inv="$inv" -v cls="$cls" '
function vname(v) { return "vCPU " v }
function kv(line, key,    m) { if (match(line, key "=[^ ]*")) return substr(line, RSTART + length(key) + 1, RLENGTH - length(key) - 1); return "" }
function describe(op,    kind, v, s) {
	split(op, w, " "); kind = w[1]; v = kv(op, "vcpu")
	if (kind == "ipi") {
		d = kv(op, "dest"); s = "the guest on " vname(v) " sends IPI " kv(op, "vector")
		if (d ~ /^vcpu/) s = s " to " vname(substr(d, 5))
		else if (d == "self") s = s " to itself"
		else if (d == "all") s = s " to every vCPU, itself included"
		else s = s " to every other vCPU"
		return s " (an ICR write the hypervisor emulates)"
	}
	if (kind == "post") return "a device raises vector " kv(op, "vector") " (" kv(op, "trigger") "-triggered) at " vname(v) "'"'"'s LAPIC"
	if (kind == "run") return entered ? vname(v) " enters the guest (VMRUN)" : "the guest on " vname(v) " runs one instruction"
	if (kind == "nop") return "the guest on " vname(v) " executes one instruction"
	if (kind == "sti") return "the guest on " vname(v) " executes STI (interrupts open after the next instruction)"
	if (kind == "cli") return "the guest on " vname(v) " executes CLI"
	if (kind == "cr8") return "the guest on " vname(v) " writes CR8 = " kv(op, "value")
	if (kind == "tpr") return "the guest on " vname(v) " writes TPR = " kv(op, "value")
	if (kind == "eoi") return "the guest on " vname(v) " writes EOI"
	if (kind == "read") return "the guest on " vname(v) " reads " toupper(kv(op, "reg")) (kv(op, "word") != "" ? " word " kv(op, "word") : "")
	if (kind == "hlt") return "the guest on " vname(v) " executes HLT"
	if (kind == "ack") return "the interrupt handler on " vname(v) " does its work (acknowledges its sender)"
	if (kind == "iret") return "the interrupt handler on " vname(v) " returns (IRET)"
	if (kind == "exit") return vname(v) " takes a #VMEXIT (" kv(op, "reason") ")" (kv(op, "during-delivery") == "yes" ? " in the middle of an interrupt delivery" : "")
	return op
}
function event(e,    s) {
	sub(/^ *vcpu[0-9]+: /, "", e)
	if (e ~ /^VMRUN:/) {
		s = "VMRUN"
		if (kv(e, "EVENTINJ") != "-") s = s " with EVENTINJ=" kv(e, "EVENTINJ")
		if (kv(e, "V_IRQ") == "1") s = s " with V_IRQ=1 V_INTR_VECTOR=" kv(e, "V_INTR_VECTOR")
		return s
	}
	if (e ~ /^#VMEXIT/) { split(e, w, ":"); s = w[1]; if (kv(e, "EXITINTINFO") != "-") s = s " (EXITINTINFO=" kv(e, "EXITINTINFO") ")"; return s }
	return e
}
function flush(   i, s, ev) {
	if (cur == "") return
	ev = ""; entered = 0
	for (i = 1; i <= nev; i++) if (evs[i] ~ /: VMRUN:/) entered = 1
	for (i = 1; i <= nev; i++) { e = event(evs[i]); if (e != last_e || i == 1) ev = ev (ev == "" ? "" : "; ") e; last_e = e }
	s = "- **Step " cur "**: " describe(curop)
	if (ev != "") s = s ". CPU and hypervisor: " ev
	s = s "."
	if (state != "" && (state != prev_state || cur == keystep)) s = s " Afterwards, for vector 0x" vec " on " vname(victim) ": " state "."
	if (cur == keystep) {
		if (inv == "lost-vector" && cls ~ /tgtirr/) s = s " **This is where the request is lost**: real hardware latches it in IRR, the target merges it into a bit it still holds."
		else if (inv == "lost-vector") s = s " **This is the request that is never delivered.**"
		else s = s " **Here the `" inv "` check breaks.**"
	}
	print s
	if (state != "") prev_state = state
	cur = ""; nev = 0
}
function has(set, v) { return ("," set ",") ~ ("," v ",") }
function vstate(line,    t, h, ti, ts, hi, hs) {
	t = line; sub(/.*\| target/, "", t); sub(/\| hardware.*/, "", t)
	h = line; sub(/.*\| hardware/, "", h)
	ti = kv(t, "irr"); ts = kv(t, "isr"); hi = kv(h, "irr"); hs = kv(h, "isr")
	gsub(/[{}]/, "", ti); gsub(/[{}]/, "", ts); gsub(/[{}]/, "", hi); gsub(/[{}]/, "", hs)
	return "target IRR " (has(ti, vec) ? "set" : "clear") ", ISR " (has(ts, vec) ? "set" : "clear") "; hardware IRR " (has(hi, vec) ? "set" : "clear") ", ISR " (has(hs, vec) ? "set" : "clear")
}
/^\[drain\]/ { flush(); drain = 1; next }
/^-- drain/ { flush(); drain = 1; next }
/^\[[0-9]+\]/ { flush(); cur = substr($1, 2, length($1) - 2); curop = $0; sub(/^\[[0-9]+\] /, "", curop); next }
drain { next }
/^      vcpu[0-9]+: / { if (cur != "") evs[++nev] = $0; next }
/^   \| vcpu/ { if (cur != "" && vec != "none" && $2 == "vcpu" victim) state = vstate($0); next }
END { flush() }
' "$dir/timeline.txt")

# Expected (reference hardware) versus actual (target) for the victim vCPU.
regs() { # <state line> -> markdown rows
	awk '{
		line = $0
		t = line; sub(/.*\| target/, "", t); sub(/\| hardware.*/, "", t)
		h = line; sub(/.*\| hardware/, "", h); sub(/\| V_IRQ.*/, "", h)
		n = split("irr isr tpr ppr", r, " ")
		for (i = 1; i <= n; i++) {
			tv = t; sub(".*" r[i] "=", "", tv); sub(/ .*/, "", tv)
			hv = h; sub(".*" r[i] "=", "", hv); sub(/ .*/, "", hv)
			printf "| %s | `%s` | `%s` | %s |\n", toupper(r[i]), hv, tv, (tv != hv ? "**differs**" : "")
		}
	}'
}
state_after() { # <step label regex> -> the victim state line after that step
	awk -v want="$1" -v victim="vcpu$vcpu" '
		/^\[/ { label = $1 }
		/^   \| vcpu/ && label == want && $2 == victim { line = $0 }
		END { print line }' "$dir/timeline.txt"
}
final_state=$(awk -v victim="vcpu$vcpu" '/^   \| vcpu/ && $2 == victim { line = $0 } END { print line }' "$dir/timeline.txt")
key_state=""
[ "$step" = drain ] || key_state=$(state_after "[$step]")

if [ "$inv" = lost-vector ] || [ "$step" = drain ]; then
	drain_text="- **Then** every vCPU is drained: it runs with IF=1 and TPR=0, finishing its
  handlers, until nothing is pending. Verdict: \`$verdict\`."
else
	drain_text="Verdict: \`$verdict\`."
fi
summary="Under ${where%%:*}, $what."
if [ "$inv" = lost-vector ]; then
	case "$cls" in
	*tgtirr*) summary="$summary Vector $vector on vCPU $vcpu was requested again at $stepword, when $classtext. The target coalesced the new request into the stale IRR bit, so the guest ran its handler once for two requests that real hardware delivers separately ($detail). A guest that waits for every IPI it sends to be handled (TLB shootdowns, rendezvous) can hang waiting for the lost one." ;;
	*) summary="$summary Vector $vector on vCPU $vcpu was requested at $stepword, when $classtext. The target took the request, but the guest never ran its handler, not even after the drain, in which the vCPU runs with IF=1 and TPR=0 until nothing is pending ($detail). Read the steps below for what kept it from the guest." ;;
	esac
else
	summary="$summary The check broke at $stepword, for vector $vector on vCPU $vcpu, when $classtext: \`$detail\`."
fi

cat <<MD
# bhyve/amd64 SVM: ${inv} ${vector:+of vector $vector }under ${tname}

**Signature:** \`$sig\` (invariant \`$inv\`, state class \`$cls\`)
**Target:** $where.
**Found by:** ${engine:-unknown}; minimized with ${minimized:-unknown}: $nops operation(s) on $nvcpus vCPU(s).
**Harness:** vlapic-fuzz commit \`$commit\`; the reference LAPIC follows Intel SDM vol. 3 ch. 11 (IRR to ISR at the instant of delivery), the simulated CPU AMD APM vol. 2 sections 15.20-15.21.

## Summary
$summary

## How it happens
The whole program is $nops operation(s). Each step, with what the simulated
CPU and the hypervisor did (from \`vlf-replay --trace\`):

$story
$drain_text

## Expected versus actual register state (vCPU $vcpu)
MD
if [ -n "$key_state" ]; then
	cat <<MD
After step $step (the request that matters):

| register | expected (hardware) | actual (target) | |
|---|---|---|---|
$(echo "$key_state" | regs)

MD
fi
cat <<MD
At the end, after the drain:

| register | expected (hardware) | actual (target) | |
|---|---|---|---|
$(echo "$final_state" | regs)

## Reproduce
From a vlapic-fuzz checkout (Debian 12 with clang; \`scripts/setup.sh\` installs it):
\`\`\`sh
cmake -S . -B build/fuzz -DCMAKE_C_COMPILER=clang$cmake_extra && cmake --build build/fuzz --target vlf-replay-$target
$rbin --timeline $rel/input.txt   # exit status 1: $inv
\`\`\`
\`$rel/input.bin\` is the same program in the fuzzers' binary form.

## Program (\`$rel/input.txt\`)
\`\`\`
$(grep -v '^#' "$dir/input.txt")
\`\`\`

Full timeline with every vCPU's state after each step: \`$rel/timeline.txt\`.
MD
