#!/usr/bin/env python3
"""check_crash_state.py FUZZER REPLAY INVARIANT=REPRO...

Runs each repro (text, compiled to binary with the replay tool's --binary;
or binary) through the libFuzzer binary with a symbolized stack, takes the
crash state the way ClusterFuzz does (the top three frames of the crash's
stack past the frames it ignores: abort/raise, sanitizer and libFuzzer
frames, LLVMFuzzerTestOneInput, libc) and requires the states to differ
pairwise and each to name its invariant: vlf_<invariant>_at_<site>, then
vlf_<invariant>. Prints the states. Known findings are not let pass
(VLF_SUPPRESS is set empty)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# ClusterFuzz's STACK_FRAME_IGNORE_REGEXES (clusterfuzz/stacktraces/
# constants.py): the part a libFuzzer abort() on Linux runs into.
IGNORE = [re.compile(r) for r in (
    r'^abort', r'^raise$', r'^gsignal', r'^__pthread_kill', r'^pthread_kill$',
    r'^__GI_', r'^__sanitizer', r'^_sanitizer_', r'^__asan', r'^__ubsan', r'^fuzzer::',
    r'^LLVMFuzzerTestOneInput', r'^main', r'^__libc_', r'^_start', r'.*assert',
    r'^panic$', r'^__interceptor_', r'.*libc\.so', r'.*/sanitizer_common/',
    r'^<unknown>$')]
FRAME = re.compile(r'^\s*#\d+ 0x[0-9a-f]+ (?:in (\S+)|\((\S+?)\+0x)')


def symbolizer():
    for name in ('llvm-symbolizer', *('llvm-symbolizer-%d' % v for v in range(20, 13, -1))):
        path = shutil.which(name)
        if path:
            return path
    return None


def crash_state(log):
    """The top three frames of the first stack after the crash report."""
    frames, started = [], False
    for line in log.splitlines():
        if 'ERROR: libFuzzer: deadly signal' in line or 'ERROR: AddressSanitizer' in line:
            started = True
            continue
        if not started:
            continue
        m = FRAME.match(line)
        if m is None:
            if frames:
                break
            continue
        name = m.group(1) or m.group(2)
        if not any(r.match(name) for r in IGNORE):
            frames.append(name)
    return frames[:3]


def main(argv):
    if len(argv) < 5 or any('=' not in a for a in argv[3:]):
        print('usage: check_crash_state.py FUZZER REPLAY INVARIANT=REPRO INVARIANT=REPRO...',
              file=sys.stderr)
        return 2
    fuzzer, replay = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    sym = symbolizer()
    if sym is None:
        print('FAIL: no llvm-symbolizer on PATH (apt-get install llvm)')
        return 1
    env = dict(os.environ, VLF_SUPPRESS='',
               ASAN_OPTIONS='symbolize=1:detect_leaks=0:external_symbolizer_path=' + sym,
               UBSAN_OPTIONS='symbolize=1:external_symbolizer_path=' + sym)
    states = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, arg in enumerate(argv[3:]):
            inv, repro = arg.split('=', 1)
            if repro.endswith('.txt'):
                binary = os.path.join(tmp, '%d.bin' % i)
                subprocess.run([replay, '--binary=' + binary, repro], check=True,
                               stdout=subprocess.DEVNULL)
            else:
                binary = repro
            run = subprocess.run([fuzzer, binary], env=env, cwd=tmp, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, errors='replace')
            state = crash_state(run.stdout)
            shown = os.path.join(*repro.split(os.sep)[-2:])
            print('%s (%s): %s' % (inv, shown, ' / '.join(state) or '(none)'))
            ident = inv.replace('-', '_')
            if run.returncode == 0:
                print('FAIL: %s: no crash' % repro)
                return 1
            if (len(state) < 3 or not state[0].startswith('vlf_%s_at_' % ident)
                    or state[1] != 'vlf_' + ident):
                print('FAIL: %s: the crash state does not name %s' % (repro, inv))
                print('\n'.join(run.stdout.splitlines()[-40:]))
                return 1
            if tuple(state) in states:
                print('FAIL: %s and %s share the crash state' % (states[tuple(state)], repro))
                return 1
            states[tuple(state)] = repro
    print('ok: %d repros, %d distinct crash states' % (len(states), len(states)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
