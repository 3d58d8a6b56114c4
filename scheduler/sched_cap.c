// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Caps for the fixed-share policy: a token bucket per entity and engine.
 *
 * Tokens are nanoseconds of engine time. They accrue at the entity's cap
 * (a fraction of wall time) and are spent while it occupies the engine. An
 * idle entity's bucket holds at most one slice, so idling stores at most one
 * slice; a runnable entity's holds two, so the time it spends waiting for
 * other entities' slices with a full bucket is not lost. An entity whose
 * budget runs out is throttled until it has a whole slice again, which makes
 * it run in whole slices rather than in slivers. Over any window of length
 * W an entity therefore runs at most cap * W + 2 * slice_ns.
 */
#include "sched_internal.h"

/* Longest refill interval considered (1000 s): the bucket is full long before. */
#define VSCHED_CAP_REFILL_MAX_NS	(1000ULL * 1000000000ULL)
/* Largest debt kept (an overrun charged after a long preemption delay). */
#define VSCHED_CAP_DEBT_MAX_NS		((s64)VSCHED_CAP_REFILL_MAX_NS)

u32 vsched_cap_share(const struct vsched *s, const struct vsched_entity *ent)
{
	u64 share;

	if (s->params.policy != VSCHED_FIXED_SHARE)
		return VSCHED_CAP_FULL;
	if (ent->cap != VSCHED_CAP_NONE)
		return ent->cap;
	if (!s->weight_sum)
		return VSCHED_CAP_FULL;
	/* Rounded up: the weight-derived caps add up to at least 100 %. */
	share = div64_u64((u64)ent->weight * VSCHED_CAP_FULL +
			  s->weight_sum - 1, s->weight_sum);
	return share < VSCHED_CAP_FULL ? (u32)share : VSCHED_CAP_FULL;
}

/* Budget needed to leave the throttled state: one slice. */
static s64 vsched_cap_burst(const struct vsched *s)
{
	return (s64)s->params.slice_ns;
}

/* Largest budget: one slice when idle, two while waiting to run. */
static s64 vsched_cap_limit(const struct vsched *s,
			    const struct vsched_entity_engine *ee)
{
	return ee->runnable ? 2 * vsched_cap_burst(s) : vsched_cap_burst(s);
}

/*
 * Add the tokens earned since the last update and take away @used_ns of
 * engine time, then bound the bucket. Earning and spending are netted
 * before the bound, so the time earned while running is not lost to it.
 */
static void vsched_cap_update(const struct vsched *s,
			      const struct vsched_entity *ent,
			      struct vsched_entity_engine *ee, u64 now,
			      u64 used_ns)
{
	u32 cap = vsched_cap_share(s, ent);
	s64 limit = vsched_cap_limit(s, ee);
	u64 elapsed = now - ee->token_stamp;

	ee->token_stamp = now;
	if (cap >= VSCHED_CAP_FULL) {
		ee->tokens = vsched_cap_burst(s);
		ee->throttled = false;
		return;
	}
	if (elapsed > VSCHED_CAP_REFILL_MAX_NS)
		elapsed = VSCHED_CAP_REFILL_MAX_NS;
	if (used_ns > VSCHED_CAP_REFILL_MAX_NS)
		used_ns = VSCHED_CAP_REFILL_MAX_NS;
	ee->tokens += (s64)div_u64(elapsed * cap, VSCHED_CAP_FULL);
	ee->tokens -= (s64)used_ns;
	if (ee->tokens > limit)
		ee->tokens = limit;
	if (ee->tokens >= vsched_cap_burst(s)) {
		ee->throttled = false;
	} else if (ee->tokens <= 0) {
		ee->throttled = true;
		if (ee->tokens < -VSCHED_CAP_DEBT_MAX_NS)
			ee->tokens = -VSCHED_CAP_DEBT_MAX_NS;
	}
}

/* Add the tokens earned up to @now. */
void vsched_cap_refill(const struct vsched *s, const struct vsched_entity *ent,
		       struct vsched_entity_engine *ee, u64 now)
{
	vsched_cap_update(s, ent, ee, now, 0);
}

/* Account @used_ns of engine time that ended at @now. */
void vsched_cap_charge(const struct vsched *s, const struct vsched_entity *ent,
		       struct vsched_entity_engine *ee, u64 now, u64 used_ns)
{
	vsched_cap_update(s, ent, ee, now, used_ns);
}

/*
 * May the entity run now? If not, pull *@ready_at in to the time its bucket
 * will be full again.
 */
bool vsched_cap_eligible(const struct vsched *s,
			 const struct vsched_entity *ent,
			 struct vsched_entity_engine *ee, u64 now,
			 u64 *ready_at)
{
	u32 cap;
	u64 need, wait;

	vsched_cap_refill(s, ent, ee, now);
	if (!ee->throttled)
		return true;

	cap = vsched_cap_share(s, ent);
	need = (u64)(vsched_cap_burst(s) - ee->tokens);
	wait = div_u64(need * VSCHED_CAP_FULL + cap - 1, cap);
	if (now + wait < *ready_at)
		*ready_at = now + wait;
	return false;
}

/*
 * How long the entity may occupy the engine from now before its budget is
 * spent, counting the tokens it earns meanwhile; VSCHED_NO_DEADLINE if it
 * is not capped.
 */
u64 vsched_cap_runtime(const struct vsched *s,
		       const struct vsched_entity *ent,
		       const struct vsched_entity_engine *ee)
{
	u32 cap = vsched_cap_share(s, ent);
	u32 drain = VSCHED_CAP_FULL - cap;

	if (cap >= VSCHED_CAP_FULL)
		return VSCHED_NO_DEADLINE;
	if (ee->tokens <= 0)
		return 0;
	return div_u64((u64)ee->tokens * VSCHED_CAP_FULL + drain - 1, drain);
}
