/* open/fstat/read: stdio cannot tell a directory from an empty file. */
#define _POSIX_C_SOURCE 200809L

#include "program_text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int load_fail(char *err, size_t errcap, const char *path, const char *problem,
                     const char *detail)
{
	if (err && errcap)
		snprintf(err, errcap, "%s: %s%s%s", path, problem, detail ? ": " : "",
		         detail ? detail : "");
	return -1;
}

static int ends_with_txt(const char *path)
{
	size_t n = strlen(path);

	return n >= 4 && strcmp(path + n - 4, ".txt") == 0;
}

/*
 * Reads up to VLF_FILE_MAX + 1 bytes whatever fstat says: pipes and device
 * files report no size, and regular files can grow under us.
 */
static int read_all(int fd, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;

	while (n < cap) {
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return 0;
}

int vlf_program_load(const char *path, int force_policy, struct vlf_program *out, char *err,
                     size_t errcap)
{
	struct stat st;
	char *buf;
	size_t len;
	int fd, rc;

	if (err && errcap)
		err[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return load_fail(err, errcap, path, "cannot open", strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = errno;
		close(fd);
		return load_fail(err, errcap, path, "cannot stat", strerror(rc));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return load_fail(err, errcap, path, "is a directory", NULL);
	}
	if (S_ISREG(st.st_mode) && st.st_size > (off_t)VLF_FILE_MAX) {
		close(fd);
		return load_fail(err, errcap, path, "too big (over 1 MiB)", NULL);
	}
	buf = malloc(VLF_FILE_MAX + 1);
	if (!buf) {
		close(fd);
		return load_fail(err, errcap, path, "out of memory", NULL);
	}
	rc = read_all(fd, buf, VLF_FILE_MAX + 1, &len);
	if (rc < 0) {
		rc = errno;
		close(fd);
		free(buf);
		return load_fail(err, errcap, path, "read error", strerror(rc));
	}
	close(fd);
	if (len > VLF_FILE_MAX) {
		free(buf);
		return load_fail(err, errcap, path, "too big (over 1 MiB)", NULL);
	}

	if (ends_with_txt(path) || vlf_looks_like_text((const uint8_t *)buf, len)) {
		rc = vlf_program_parse(buf, len, path, out, err, errcap);
		if (rc == 0 && force_policy >= 0 && force_policy < VLF_POLICY_COUNT)
			out->cfg.policy = (enum vlf_policy)force_policy;
	} else {
		vlf_decode((const uint8_t *)buf, len, force_policy, out);
		rc = 0;
	}
	free(buf);
	return rc;
}
