// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Entities: attaching, their parameters, and the wake-up / sleep transitions
 * through which the caller says whether an entity has work for an engine.
 */
#include "sched_internal.h"

void vsched_entity_init(struct vsched_entity *ent)
{
	memset(ent, 0, sizeof(*ent));
	ent->weight = VSCHED_WEIGHT_DEFAULT;
	ent->cap = VSCHED_CAP_NONE;
	ent->prio = VSCHED_PRIO_NORMAL;
	ent->slot = -1;
}

/*
 * Bring every engine's accounting up to now, and every cap budget when
 * @all_caps (a weight change moves every weight-derived cap).
 */
static void vsched_sync(struct vsched *s, struct vsched_entity *ent, u64 now,
			bool all_caps)
{
	unsigned int i, e;

	for (e = 0; e < s->num_engines; e++) {
		vsched_engine_charge(s, e, now);
		vsched_cap_refill(s, ent, &ent->engine[e], now);
	}
	if (!all_caps)
		return;
	for (i = 0; i < s->capacity; i++) {
		struct vsched_entity *other = s->table[i];

		if (!other || other == ent)
			continue;
		for (e = 0; e < s->num_engines; e++)
			vsched_cap_refill(s, other, &other->engine[e], now);
	}
}

int vsched_entity_attach(struct vsched *s, struct vsched_entity *ent)
{
	unsigned int i, e;
	u64 now;

	if (ent->slot >= 0)
		return -EBUSY;
	for (i = 0; i < s->capacity; i++)
		if (!s->table[i])
			break;
	if (i == s->capacity)
		return -ENOSPC;

	now = vsched_now(s);
	vsched_sync(s, ent, now, true);
	s->table[i] = ent;
	ent->slot = (int)i;
	s->count++;
	s->weight_sum += ent->weight;

	for (e = 0; e < s->num_engines; e++) {
		struct vsched_entity_engine *ee = &ent->engine[e];

		ee->vtime = s->engine[e].clock[ent->prio];
		ee->vtime_rem = 0;
		ee->placed = false;
		ee->runnable = false;
		ee->throttled = false;
		ee->tokens = (s64)s->params.slice_ns;
		ee->token_stamp = now;
		ee->wait_since = now;
		ee->wl_active = false;
	}
	return 0;
}

int vsched_entity_detach(struct vsched *s, struct vsched_entity *ent)
{
	unsigned int e;

	if (!vsched_attached(s, ent))
		return -ENOENT;
	for (e = 0; e < s->num_engines; e++)
		if (s->engine[e].curr == ent)
			return -EBUSY;

	vsched_sync(s, ent, vsched_now(s), true);
	s->table[ent->slot] = NULL;
	ent->slot = -1;
	s->count--;
	s->weight_sum -= ent->weight;
	for (e = 0; e < s->num_engines; e++) {
		ent->engine[e].runnable = false;
		ent->engine[e].wl_active = false;
	}
	return 0;
}

int vsched_entity_set_weight(struct vsched *s, struct vsched_entity *ent,
			     u32 weight)
{
	u32 old_weight, new_weight;
	unsigned int e;
	u64 now;

	if (weight < VSCHED_WEIGHT_MIN || weight > VSCHED_WEIGHT_MAX)
		return -EINVAL;
	if (!vsched_attached(s, ent)) {
		ent->weight = weight;
		return 0;
	}

	now = vsched_now(s);
	vsched_sync(s, ent, now, true);
	old_weight = vsched_weight(s, ent);
	s->weight_sum = s->weight_sum - ent->weight + weight;
	ent->weight = weight;
	new_weight = vsched_weight(s, ent);
	if (new_weight == old_weight)
		return 0;

	for (e = 0; e < s->num_engines; e++) {
		u64 clock = vsched_policy_clock(s, e, ent->prio, now, NULL);

		vsched_vtime_move(s, &ent->engine[e], clock, old_weight,
				  clock, new_weight);
	}
	return 0;
}

int vsched_entity_set_cap(struct vsched *s, struct vsched_entity *ent,
			  u32 cap)
{
	if (cap > VSCHED_CAP_FULL)
		return -EINVAL;
	if (vsched_attached(s, ent))
		vsched_sync(s, ent, vsched_now(s), false);
	ent->cap = cap;
	return 0;
}

int vsched_entity_set_priority(struct vsched *s, struct vsched_entity *ent,
			       u32 prio)
{
	u32 weight;
	unsigned int e;
	u64 now;

	if (prio > VSCHED_PRIO_MAX)
		return -EINVAL;
	if (!vsched_attached(s, ent) || prio == ent->prio) {
		ent->prio = prio;
		return 0;
	}

	now = vsched_now(s);
	vsched_sync(s, ent, now, false);
	weight = vsched_weight(s, ent);
	for (e = 0; e < s->num_engines; e++) {
		u64 from = vsched_policy_clock(s, e, ent->prio, now, NULL);
		u64 to = vsched_policy_clock(s, e, prio, now, NULL);

		vsched_vtime_move(s, &ent->engine[e], from, weight, to, weight);
	}
	ent->prio = prio;
	return 0;
}

bool vsched_entity_wake(struct vsched *s, struct vsched_entity *ent,
			unsigned int engine)
{
	struct vsched_entity_engine *ee;
	u64 now, clock, avg;

	if (engine >= s->num_engines || !vsched_attached(s, ent))
		return false;
	ee = &ent->engine[engine];
	if (ee->runnable)
		return !s->engine[engine].curr;

	now = vsched_now(s);
	vsched_engine_charge(s, engine, now);
	/* The cap budget earned while idle is bounded by the idle limit. */
	vsched_cap_refill(s, ent, ee, now);
	clock = vsched_policy_clock(s, engine, ent->prio, now, &avg);
	if (!ee->placed) {
		/* First work on this engine: zero lag, level with the others. */
		ee->vtime = avg;
		ee->vtime_rem = 0;
		ee->placed = true;
	} else {
		vsched_vtime_limit_credit(s, ee, vsched_weight(s, ent), clock);
	}
	ee->runnable = true;
	ee->wait_since = now;
	if (!s->engine[engine].curr)
		return true;
	return vsched_engine_wake_preempt(s, engine, ent, now);
}

void vsched_entity_sleep(struct vsched *s, struct vsched_entity *ent,
			 unsigned int engine)
{
	struct vsched_entity_engine *ee;
	u64 now;

	if (engine >= s->num_engines || !vsched_attached(s, ent))
		return;
	now = vsched_now(s);
	ee = &ent->engine[engine];
	if (s->engine[engine].curr == ent)
		vsched_engine_release(s, engine, now);
	else
		vsched_cap_refill(s, ent, ee, now);
	ee->runnable = false;
	/* Idle from now: keep at most the idle budget. */
	vsched_cap_refill(s, ent, ee, now);
}
