/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A sample migration stream for the userspace tests of the stream's
 * framing (migration_stream_test.c, the fuzz seeds): every section, with
 * payloads of a few sizes. What a section holds is its owner's business
 * in vgpu.ko; here the payloads are only patterns.
 */
#ifndef _MIG_STREAM_SAMPLE_H
#define _MIG_STREAM_SAMPLE_H

#include "vgpu/migration_stream.h"

#define MIG_SAMPLE_TYPE		"small"
#define MIG_SAMPLE_MAX		4096

/* Payload bytes of section @id in the sample: 0 for one, to test empty. */
static inline u32 mig_sample_payload(unsigned int id)
{
	return id == VGPU_MIG_SEC_EDID ? 0 : 4 * id + 1;
}

/*
 * Write the sample to @buf, after a pre-copy preamble if @preamble.
 * Return: its bytes (negative if @size is too small).
 */
static inline int mig_sample_write(u8 *buf, u32 size, bool preamble)
{
	struct vgpu_mig_writer w;
	unsigned int id;
	int pre = 0, len;
	u32 i;

	if (preamble) {
		vgpu_mig_begin(&w, buf, size, MIG_SAMPLE_TYPE);
		pre = vgpu_mig_end(&w);
		if (pre < 0)
			return pre;
	}
	vgpu_mig_begin(&w, buf + pre, size - pre, MIG_SAMPLE_TYPE);
	/* Out of order on purpose: the parser takes any order. */
	for (id = VGPU_MIG_SEC_END - 1; id >= VGPU_MIG_SEC_SCHED; id--) {
		vgpu_mig_section_begin(&w, id);
		for (i = 0; i < mig_sample_payload(id); i++)
			vgpu_mig_put_u8(&w, (u8)(id * 16 + i));
		vgpu_mig_section_end(&w);
	}
	len = vgpu_mig_end(&w);
	return len < 0 ? len : pre + len;
}

#endif /* _MIG_STREAM_SAMPLE_H */
