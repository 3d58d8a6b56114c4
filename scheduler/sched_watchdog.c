// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Workloads and the watchdog: each workload gets a budget of engine time;
 * one that uses it up is reported with VSCHED_KILL, and the caller resets
 * only its entity.
 */
#include "sched_internal.h"

bool vsched_watchdog_expired(const struct vsched_entity_engine *ee)
{
	return ee->wl_active && ee->wl_runtime >= ee->wl_budget;
}

/* Engine time left to the current workload; VSCHED_NO_DEADLINE if none. */
u64 vsched_watchdog_left(const struct vsched_entity_engine *ee)
{
	if (!ee->wl_active)
		return VSCHED_NO_DEADLINE;
	if (ee->wl_runtime >= ee->wl_budget)
		return 0;
	return ee->wl_budget - ee->wl_runtime;
}

static bool vsched_valid(const struct vsched *s,
			 const struct vsched_entity *ent, unsigned int engine)
{
	return engine < s->num_engines && vsched_attached(s, ent);
}

u64 vsched_workload_begin(struct vsched *s, struct vsched_entity *ent,
			  unsigned int engine, u64 budget_ns)
{
	struct vsched_entity_engine *ee;
	u64 now;

	if (!vsched_valid(s, ent, engine))
		return VSCHED_NO_DEADLINE;
	now = vsched_now(s);
	vsched_engine_charge(s, engine, now);

	ee = &ent->engine[engine];
	ee->wl_active = true;
	ee->wl_runtime = 0;
	ee->wl_budget = budget_ns ? budget_ns : s->params.watchdog_ns;
	ee->stats.workloads_started++;

	if (s->engine[engine].curr != ent)
		return VSCHED_NO_DEADLINE;
	return vsched_engine_deadline(s, engine, now);
}

void vsched_workload_end(struct vsched *s, struct vsched_entity *ent,
			 unsigned int engine)
{
	struct vsched_entity_engine *ee;

	if (!vsched_valid(s, ent, engine))
		return;
	vsched_engine_charge(s, engine, vsched_now(s));

	ee = &ent->engine[engine];
	if (!ee->wl_active)
		return;
	ee->wl_active = false;
	ee->stats.workloads_completed++;
}

void vsched_entity_reset(struct vsched *s, struct vsched_entity *ent)
{
	unsigned int e;
	u64 now;

	if (!vsched_attached(s, ent))
		return;
	now = vsched_now(s);
	for (e = 0; e < s->num_engines; e++) {
		struct vsched_entity_engine *ee = &ent->engine[e];

		if (s->engine[e].curr == ent)
			vsched_engine_release(s, e, now);
		if (ee->wl_active) {
			ee->wl_active = false;
			ee->stats.workloads_killed++;
		}
		vsched_cap_refill(s, ent, ee, now);
		ee->runnable = false;
		vsched_cap_refill(s, ent, ee, now);
	}
	ent->resets++;
}
