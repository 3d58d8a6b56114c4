// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Accounting: what each entity received, read at any time.
 */
#include "sched_internal.h"

void vsched_entity_stats(struct vsched *s, struct vsched_entity *ent,
			 unsigned int engine, struct vsched_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (engine >= s->num_engines)
		return;
	if (vsched_attached(s, ent) && s->engine[engine].curr == ent)
		vsched_engine_charge(s, engine, vsched_now(s));
	*st = ent->engine[engine].stats;
	st->resets = ent->resets;
}

u64 vsched_engine_busy_ns(struct vsched *s, unsigned int engine)
{
	if (engine >= s->num_engines)
		return 0;
	vsched_engine_charge(s, engine, vsched_now(s));
	return s->engine[engine].busy_ns;
}
