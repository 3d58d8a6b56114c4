// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of the migration stream fuzz target: the sample
 * stream without pre-copy (one final chunk), with it (preamble, two early
 * chunks with a GGTT base, a delta and the display resent, then a final
 * chunk with a delta), and its first chunks alone.
 *
 *   migration_stream_seeds DIR
 */
#include <stdio.h>
#include <stdlib.h>

#include "mig_stream_sample.h"

static void write_seed(const char *dir, const char *name, const u8 *buf,
		       int len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (len < 0 || !f || fwrite(buf, len, 1, f) != 1 || fclose(f)) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	static u8 buf[MIG_SAMPLE_MAX];
	u32 ends[4];
	int len;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	len = mig_sample_write(buf, sizeof(buf), false);
	write_seed(argv[1], "state", buf, len);
	len = mig_sample_write_chunks(buf, sizeof(buf), true, ends);
	write_seed(argv[1], "precopy-state", buf, len);
	if (len > 0)
		write_seed(argv[1], "precopy-early", buf, ends[2]);
	return 0;
}
