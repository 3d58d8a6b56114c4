// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Virtual time and the credit rules.
 *
 * An entity's virtual time on an engine grows by the engine time it
 * receives divided by its weight, so entities that always pick the smallest
 * virtual time receive engine time in proportion to their weights. Lag is
 * the distance of an entity's virtual time from its run queue's clock: a
 * negative lag is credit (engine time owed to it), a positive lag is debt.
 * Credit is bounded by credit_ns of engine time, which is what stops an
 * idle or waiting entity from hoarding.
 */
#include "sched_internal.h"

u32 vsched_weight(const struct vsched *s, const struct vsched_entity *ent)
{
	if (s->params.policy == VSCHED_EQUAL_SHARE)
		return VSCHED_WEIGHT_DEFAULT;
	return ent->weight;
}

/* Engine time to virtual time for @weight, rounded down. */
static u64 vsched_ns_to_vt(u64 ns, u32 weight)
{
	return div_u64(ns, weight);
}

/*
 * Charge @delta_ns of engine time. The remainder below one unit of virtual
 * time is carried over, so no engine time is ever lost to rounding.
 */
void vsched_vtime_charge(struct vsched_entity_engine *ee, u64 delta_ns,
			 u32 weight)
{
	u64 total = delta_ns + ee->vtime_rem;
	u64 units = div_u64(total, weight);

	ee->vtime += units;
	ee->vtime_rem = total - units * weight;
}

/* Credit rule: an entity is never more than credit_ns behind @clock. */
void vsched_vtime_limit_credit(const struct vsched *s,
			       struct vsched_entity_engine *ee, u32 weight,
			       u64 clock)
{
	u64 floor = clock - vsched_ns_to_vt(s->params.credit_ns, weight);

	if (vsched_vt_before(ee->vtime, floor)) {
		ee->vtime = floor;
		ee->vtime_rem = 0;
	}
}

/*
 * Move an entity from one (run queue clock, weight) to another keeping its
 * lag in engine time: a weight or priority change neither grants credit nor
 * forgives debt. The lag is bounded first: credit by credit_ns, debt by
 * balance_ns (an entity cannot legitimately be a whole balance period
 * ahead of its queue).
 */
void vsched_vtime_move(const struct vsched *s,
		       struct vsched_entity_engine *ee,
		       u64 from_clock, u32 from_weight,
		       u64 to_clock, u32 to_weight)
{
	s64 lag = (s64)(ee->vtime - from_clock);
	s64 lo = -(s64)vsched_ns_to_vt(s->params.credit_ns, from_weight);
	s64 hi = (s64)vsched_ns_to_vt(s->params.balance_ns, from_weight);
	s64 lag_ns;

	if (lag < lo)
		lag = lo;
	if (lag > hi)
		lag = hi;
	lag_ns = lag * (s64)from_weight;
	ee->vtime = to_clock + (u64)vsched_sdiv64(lag_ns, to_weight);
	ee->vtime_rem = 0;
}
