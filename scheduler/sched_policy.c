// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Policy: which entity should occupy an engine next.
 *
 * Each engine has one run queue per priority, each with its own virtual
 * clock. An entity is a candidate if it is runnable on the engine and not
 * throttled by its cap. The rule, in order:
 *
 *  1. Ageing: a candidate of a lower priority than the best candidate's
 *     that has waited balance_ns or more is picked first (the one waiting
 *     longest), so higher priorities cannot starve lower ones.
 *  2. Otherwise the candidate of the highest priority with the smallest
 *     virtual time (ties: not the current entity, then the one waiting
 *     longest, then table order).
 *
 * The scan is linear over the entity table: with tens of entities and one
 * decision per slice, a sorted structure would cost more than it saves.
 */
#include "sched_internal.h"

/*
 * Does @a go before @b within one run queue of engine @e? Smaller virtual
 * time first; on a tie, an entity waiting goes before the one on the
 * engine, then the one waiting longest.
 */
static bool vsched_runs_before(const struct vsched *s, unsigned int e,
			       const struct vsched_entity *a,
			       const struct vsched_entity *b)
{
	const struct vsched_entity_engine *ea = &a->engine[e];
	const struct vsched_entity_engine *eb = &b->engine[e];

	if (ea->vtime != eb->vtime)
		return vsched_vt_before(ea->vtime, eb->vtime);
	if (a == s->engine[e].curr)
		return false;
	if (b == s->engine[e].curr)
		return true;
	return ea->wait_since < eb->wait_since;
}

/*
 * Is @ent a candidate on engine @e? Refills its cap budget and applies the
 * credit rule on the way. A throttled entity is not waiting for the engine
 * (its cap is), so its wait restarts.
 */
static bool vsched_candidate(struct vsched *s, unsigned int e,
			     struct vsched_entity *ent, u64 now,
			     u64 *ready_at)
{
	struct vsched_engine *eng = &s->engine[e];
	struct vsched_entity_engine *ee = &ent->engine[e];

	if (!ee->runnable)
		return false;
	if (!vsched_cap_eligible(s, ent, ee, now, ready_at)) {
		if (ent != eng->curr)
			ee->wait_since = now;
		return false;
	}
	vsched_vtime_limit_credit(s, ee, vsched_weight(s, ent),
				  eng->clock[ent->prio]);
	return true;
}

/* Has @ent waited long enough to jump priorities? */
static bool vsched_aged(const struct vsched *s, unsigned int e,
			const struct vsched_entity *ent, u64 now)
{
	if (ent == s->engine[e].curr)
		return false;
	return now - ent->engine[e].wait_since >= s->params.balance_ns;
}

struct vsched_entity *vsched_policy_pick(struct vsched *s, unsigned int e,
					 u64 now, u64 *ready_at)
{
	struct vsched_entity *best[VSCHED_PRIO_LEVELS] = { NULL };
	struct vsched_entity *aged[VSCHED_PRIO_LEVELS] = { NULL };
	struct vsched_engine *eng = &s->engine[e];
	struct vsched_entity *oldest = NULL;
	unsigned int i, prio, top;

	*ready_at = VSCHED_NO_DEADLINE;
	for (i = 0; i < s->capacity; i++) {
		struct vsched_entity *ent = s->table[i];
		const struct vsched_entity_engine *ee;

		if (!ent || !vsched_candidate(s, e, ent, now, ready_at))
			continue;
		ee = &ent->engine[e];
		prio = ent->prio;
		if (!best[prio] || vsched_runs_before(s, e, ent, best[prio]))
			best[prio] = ent;
		if (vsched_aged(s, e, ent, now) &&
		    (!aged[prio] ||
		     ee->wait_since < aged[prio]->engine[e].wait_since))
			aged[prio] = ent;
	}

	for (prio = 0; prio < VSCHED_PRIO_LEVELS; prio++) {
		u64 vt;

		if (!best[prio])
			continue;
		vt = best[prio]->engine[e].vtime;
		if (vsched_vt_before(eng->clock[prio], vt))
			eng->clock[prio] = vt;
	}

	for (top = VSCHED_PRIO_LEVELS; top > 0; top--)
		if (best[top - 1])
			break;
	if (!top)
		return NULL;
	top--;

	for (prio = 0; prio < top; prio++) {
		if (aged[prio] &&
		    (!oldest || aged[prio]->engine[e].wait_since <
				oldest->engine[e].wait_since))
			oldest = aged[prio];
	}
	return oldest ? oldest : best[top];
}

/*
 * Bring run queue @prio's clock of engine @e up to date (the engine's
 * current entity must have been charged) and return it: the reference of
 * the credit rule. If @avg is not NULL, also return the weighted average
 * virtual time of the queue's candidates (the clock if there are none):
 * the point of zero lag, where a new entity is placed.
 */
u64 vsched_policy_clock(struct vsched *s, unsigned int e, unsigned int prio,
			u64 now, u64 *avg)
{
	struct vsched_engine *eng = &s->engine[e];
	const struct vsched_entity_engine *min = NULL;
	u64 ready_at = VSCHED_NO_DEADLINE;
	s64 lag_sum = 0;
	u64 weight_sum = 0;
	unsigned int i;

	for (i = 0; i < s->capacity; i++) {
		struct vsched_entity *ent = s->table[i];
		const struct vsched_entity_engine *ee;
		u32 weight;

		if (!ent || ent->prio != prio ||
		    !vsched_candidate(s, e, ent, now, &ready_at))
			continue;
		ee = &ent->engine[e];
		if (!min || vsched_vt_before(ee->vtime, min->vtime))
			min = ee;
		/*
		 * Offsets from the clock are bounded by the credit rule below
		 * and by a few slices above, so the sum cannot overflow.
		 */
		weight = vsched_weight(s, ent);
		lag_sum += (s64)(ee->vtime - eng->clock[prio]) * weight;
		weight_sum += weight;
	}
	if (avg) {
		*avg = eng->clock[prio];
		if (weight_sum)
			*avg += (u64)vsched_sdiv64(lag_sum, weight_sum);
	}
	if (min && vsched_vt_before(eng->clock[prio], min->vtime))
		eng->clock[prio] = min->vtime;
	if (avg && vsched_vt_before(*avg, eng->clock[prio]))
		*avg = eng->clock[prio];
	return eng->clock[prio];
}
