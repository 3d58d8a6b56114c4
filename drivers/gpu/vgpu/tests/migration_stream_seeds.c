// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of the migration stream fuzz target: the sample
 * stream with and without a preamble.
 *
 *   migration_stream_seeds DIR
 */
#include <stdio.h>
#include <stdlib.h>

#include "mig_stream_sample.h"

static void write_seed(const char *dir, const char *name, bool preamble)
{
	static u8 buf[MIG_SAMPLE_MAX];
	int len = mig_sample_write(buf, sizeof(buf), preamble);
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
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	write_seed(argv[1], "state", false);
	write_seed(argv[1], "preamble-state", true);
	return 0;
}
