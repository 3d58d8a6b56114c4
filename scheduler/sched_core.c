// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The scheduler object: set-up, tunables, the clock.
 */
#include "sched_internal.h"

void vsched_params_init(struct vsched_params *p)
{
	p->policy = VSCHED_BEST_EFFORT;
	p->slice_ns = VSCHED_SLICE_DEFAULT_NS;
	p->balance_ns = VSCHED_BALANCE_DEFAULT_NS;
	p->credit_ns = VSCHED_SLICE_DEFAULT_NS;
	p->watchdog_ns = VSCHED_WATCHDOG_DEFAULT_NS;
}

static bool vsched_params_valid(const struct vsched_params *p)
{
	if (p->policy != VSCHED_BEST_EFFORT &&
	    p->policy != VSCHED_EQUAL_SHARE &&
	    p->policy != VSCHED_FIXED_SHARE)
		return false;
	if (p->slice_ns < VSCHED_SLICE_MIN_NS ||
	    p->slice_ns > VSCHED_SLICE_MAX_NS)
		return false;
	if (p->balance_ns < p->slice_ns ||
	    p->balance_ns > VSCHED_BALANCE_MAX_NS)
		return false;
	if (p->credit_ns > p->balance_ns)
		return false;
	return p->watchdog_ns >= VSCHED_WATCHDOG_MIN_NS &&
	       p->watchdog_ns <= VSCHED_WATCHDOG_MAX_NS;
}

u64 vsched_now(struct vsched *s)
{
	u64 now = s->clock(s->clock_data);

	if (now < s->last_now)
		now = s->last_now;
	s->last_now = now;
	return now;
}

int vsched_init(struct vsched *s, const struct vsched_config *cfg)
{
	unsigned int i;

	if (!cfg->table || !cfg->capacity || !cfg->clock ||
	    !cfg->num_engines || cfg->num_engines > VSCHED_MAX_ENGINES ||
	    cfg->capacity > VSCHED_CAPACITY_MAX ||
	    !vsched_params_valid(&cfg->params))
		return -EINVAL;

	memset(s, 0, sizeof(*s));
	s->params = cfg->params;
	s->clock = cfg->clock;
	s->clock_data = cfg->clock_data;
	s->table = cfg->table;
	s->capacity = cfg->capacity;
	s->num_engines = cfg->num_engines;
	for (i = 0; i < s->capacity; i++)
		s->table[i] = NULL;
	s->last_now = s->clock(s->clock_data);
	return 0;
}

/*
 * A policy switch can change every entity's effective weight and cap. Bring
 * every engine's time and the caps' budgets up to now under the old rules,
 * take each run queue's clock once, then move every entity to its new
 * weight keeping its lag in engine time.
 */
static void vsched_switch_policy(struct vsched *s,
				 const struct vsched_params *p, u64 now)
{
	u64 clock[VSCHED_MAX_ENGINES][VSCHED_PRIO_LEVELS];
	enum vsched_policy old_policy = s->params.policy;
	unsigned int i, e, p_lvl;

	for (e = 0; e < s->num_engines; e++) {
		vsched_engine_charge(s, e, now);
		for (p_lvl = 0; p_lvl < VSCHED_PRIO_LEVELS; p_lvl++) {
			u64 *c = &clock[e][p_lvl];

			*c = vsched_policy_clock(s, e, p_lvl, now, NULL);
		}
	}

	for (i = 0; i < s->capacity; i++) {
		struct vsched_entity *ent = s->table[i];
		u32 old_weight, new_weight;

		if (!ent)
			continue;
		for (e = 0; e < s->num_engines; e++)
			vsched_cap_refill(s, ent, &ent->engine[e], now);

		old_weight = vsched_weight(s, ent);
		s->params.policy = p->policy;
		new_weight = vsched_weight(s, ent);
		s->params.policy = old_policy;
		if (new_weight == old_weight)
			continue;
		for (e = 0; e < s->num_engines; e++)
			vsched_vtime_move(s, &ent->engine[e],
					  clock[e][ent->prio], old_weight,
					  clock[e][ent->prio], new_weight);
	}
}

int vsched_set_params(struct vsched *s, const struct vsched_params *p)
{
	u64 now;

	if (!vsched_params_valid(p))
		return -EINVAL;
	now = vsched_now(s);
	if (p->policy != s->params.policy)
		vsched_switch_policy(s, p, now);
	s->params = *p;
	return 0;
}
