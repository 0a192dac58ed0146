/*
 * The text form of a program: what people read, write and keep next to a
 * crash. One operation per line, round-tripping with the binary form:
 *
 *   # vlapic-fuzz program
 *   config vcpus=2 policy=virq apic=xapic cr8=passthrough
 *   ipi vcpu=0 dest=vcpu1 vector=0x41
 *   exit vcpu=1 reason=intr during-delivery=no
 *
 * The printer emits exactly the canonical form; the parser also accepts
 * comments ('#' to end of line), blank lines, keys in any order and numbers
 * in decimal or 0x-hex. Parsed programs are canonical (see program.h), so
 * they survive vlf_encode/vlf_decode unchanged.
 */
#ifndef VLF_PROGRAM_TEXT_H
#define VLF_PROGRAM_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "program.h"

/* Longest line the parser accepts, not counting the newline. */
#define VLF_TEXT_LINE_MAX 512
/* Largest file vlf_program_load() reads. */
#define VLF_FILE_MAX (1024u * 1024u)

/* One operation as its canonical text line, without newline. snprintf-like:
 * returns the length the full line needs (buf may be NULL when cap is 0). */
int vlf_op_format(const struct vlf_op *op, char *buf, size_t cap);
/* The config line ("config vcpus=..."), without newline; snprintf-like. */
int vlf_config_format(const struct vlf_config *cfg, char *buf, size_t cap);
/* Whole program, canonical text form, to a stream. */
void vlf_program_print(const struct vlf_program *p, FILE *f);

/*
 * Parse text (len bytes, need not be NUL-terminated). 0 on success; -1 with
 * err = "<filename>:<line>: <problem>" (one line, no newline; truncated to
 * errcap; err may be NULL). The first error wins. *out is unspecified on
 * error. filename may be NULL.
 */
int vlf_program_parse(const char *text, size_t len, const char *filename, struct vlf_program *out,
                      char *err, size_t errcap);

/* Does this buffer look like the text form (starts, after optional
 * blank/comment lines, with "config ")? */
int vlf_looks_like_text(const uint8_t *data, size_t size);

/*
 * Load a program file: text if the name ends in ".txt" or the contents look
 * like text, else the binary form (decoded with force_policy). For text
 * files, force_policy >= 0 overrides the config's policy. 0 on success; -1
 * with err "<path>: <problem>" or "<path>:<line>: <problem>".
 */
int vlf_program_load(const char *path, int force_policy, struct vlf_program *out, char *err,
                     size_t errcap);

#endif
