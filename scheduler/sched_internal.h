/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Helpers shared by the scheduler's files; not part of the API.
 */
#ifndef _VGPU_SCHED_INTERNAL_H
#define _VGPU_SCHED_INTERNAL_H

#include "vgpu/scheduler.h"

/* Virtual times are compared through their difference, so they may wrap. */
static inline bool vsched_vt_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

/* Signed division rounding towards zero (div_s64 is kernel-only). */
static inline s64 vsched_sdiv64(s64 n, u64 d)
{
	if (n < 0)
		return -(s64)div64_u64((u64)-n, d);
	return (s64)div64_u64((u64)n, d);
}

/* @now + @delta, saturating at VSCHED_NO_DEADLINE. */
static inline u64 vsched_add_deadline(u64 now, u64 delta)
{
	if (delta >= VSCHED_NO_DEADLINE - now)
		return VSCHED_NO_DEADLINE;
	return now + delta;
}

static inline bool vsched_attached(const struct vsched *s,
				   const struct vsched_entity *ent)
{
	return ent->slot >= 0 && (unsigned int)ent->slot < s->capacity &&
	       s->table[ent->slot] == ent;
}

/* sched_core.c */
u64 vsched_now(struct vsched *s);

/* sched_vtime.c: virtual time and the credit rules */
u32 vsched_weight(const struct vsched *s, const struct vsched_entity *ent);
void vsched_vtime_charge(struct vsched_entity_engine *ee, u64 delta_ns,
			 u32 weight);
void vsched_vtime_limit_credit(const struct vsched *s,
			       struct vsched_entity_engine *ee, u32 weight,
			       u64 clock);
void vsched_vtime_move(const struct vsched *s,
		       struct vsched_entity_engine *ee,
		       u64 from_clock, u32 from_weight,
		       u64 to_clock, u32 to_weight);

/* sched_cap.c: fixed-share caps */
u32 vsched_cap_share(const struct vsched *s, const struct vsched_entity *ent);
void vsched_cap_refill(const struct vsched *s, const struct vsched_entity *ent,
		       struct vsched_entity_engine *ee, u64 now);
void vsched_cap_charge(const struct vsched *s, const struct vsched_entity *ent,
		       struct vsched_entity_engine *ee, u64 now, u64 used_ns);
bool vsched_cap_eligible(const struct vsched *s,
			 const struct vsched_entity *ent,
			 struct vsched_entity_engine *ee, u64 now,
			 u64 *ready_at);
u64 vsched_cap_runtime(const struct vsched *s,
		       const struct vsched_entity *ent,
		       const struct vsched_entity_engine *ee);

/* sched_policy.c: which entity next */
struct vsched_entity *vsched_policy_pick(struct vsched *s, unsigned int e,
					 u64 now, u64 *ready_at);
u64 vsched_policy_clock(struct vsched *s, unsigned int e, unsigned int prio,
			u64 now, u64 *avg);

/* sched_engine.c: the engine mechanism */
void vsched_engine_charge(struct vsched *s, unsigned int e, u64 now);
void vsched_engine_release(struct vsched *s, unsigned int e, u64 now);
u64 vsched_engine_deadline(const struct vsched *s, unsigned int e, u64 now);
bool vsched_engine_wake_preempt(struct vsched *s, unsigned int e,
				struct vsched_entity *ent, u64 now);

/* sched_watchdog.c */
bool vsched_watchdog_expired(const struct vsched_entity_engine *ee);
u64 vsched_watchdog_left(const struct vsched_entity_engine *ee);

#endif /* _VGPU_SCHED_INTERNAL_H */
