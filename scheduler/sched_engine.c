// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Mechanism: the engine protocol between the scheduler and the caller that
 * drives the engine. The caller asks vsched_engine_next() what to do; the
 * scheduler charges the time the current entity used, consults the policy
 * at the end of a slice and answers run, preempt, kill or idle, with the
 * deadline of the next question.
 */
#include "sched_internal.h"

/* Charge the engine's current entity for the time up to @now. */
void vsched_engine_charge(struct vsched *s, unsigned int e, u64 now)
{
	struct vsched_engine *eng = &s->engine[e];
	struct vsched_entity *curr = eng->curr;
	struct vsched_entity_engine *ee;
	u64 delta;

	if (!curr)
		return;
	delta = now - eng->stamp;
	eng->stamp = now;
	if (!delta)
		return;

	ee = &curr->engine[e];
	vsched_vtime_charge(ee, delta, vsched_weight(s, curr));
	vsched_cap_charge(s, curr, ee, now, delta);
	ee->stats.busy_ns += delta;
	eng->busy_ns += delta;
	if (ee->wl_active)
		ee->wl_runtime += delta;
}

/* The current entity leaves the engine; it waits from now if runnable. */
void vsched_engine_release(struct vsched *s, unsigned int e, u64 now)
{
	struct vsched_engine *eng = &s->engine[e];

	if (!eng->curr)
		return;
	vsched_engine_charge(s, e, now);
	eng->curr->engine[e].wait_since = now;
	eng->curr = NULL;
	eng->preempting = false;
}

/*
 * When must the caller ask again while the current entity runs: at the end
 * of its slice, when its cap budget runs out, or when its workload's
 * watchdog fires, whichever comes first.
 */
u64 vsched_engine_deadline(const struct vsched *s, unsigned int e, u64 now)
{
	const struct vsched_engine *eng = &s->engine[e];
	const struct vsched_entity_engine *ee = &eng->curr->engine[e];
	u64 deadline = eng->slice_end;
	u64 t;

	t = vsched_add_deadline(now, vsched_cap_runtime(s, eng->curr, ee));
	if (t < deadline)
		deadline = t;
	t = vsched_add_deadline(now, vsched_watchdog_left(ee));
	if (t < deadline)
		deadline = t;
	return deadline;
}

static void vsched_decide(struct vsched_decision *d, enum vsched_action action,
			  struct vsched_entity *ent, u64 deadline)
{
	d->action = action;
	d->entity = ent;
	d->deadline = deadline;
}

/* Give idle engine @e to @next for a new slice. */
static void vsched_engine_start(struct vsched *s, unsigned int e,
				struct vsched_entity *next, u64 now)
{
	struct vsched_engine *eng = &s->engine[e];

	eng->curr = next;
	eng->preempting = false;
	eng->stamp = now;
	next->engine[e].wait_since = now;
	eng->slice_start = now;
	eng->slice_end = vsched_add_deadline(now, s->params.slice_ns);
}

/* The engine is occupied: keep, extend, preempt or kill its entity. */
static void vsched_engine_busy(struct vsched *s, unsigned int e, u64 now,
			       struct vsched_decision *d)
{
	struct vsched_engine *eng = &s->engine[e];
	struct vsched_entity *curr = eng->curr;
	struct vsched_entity_engine *ee = &curr->engine[e];
	struct vsched_entity *next;
	u64 ready_at;

	vsched_engine_charge(s, e, now);

	if (vsched_watchdog_expired(ee)) {
		vsched_decide(d, VSCHED_KILL, curr, now);
		return;
	}
	if (eng->preempting) {
		/* Still waiting for a command boundary; the watchdog bounds it. */
		vsched_decide(d, VSCHED_PREEMPT, curr,
			      vsched_add_deadline(now, vsched_watchdog_left(ee)));
		return;
	}
	if (now < eng->slice_end && ee->runnable && !ee->throttled) {
		vsched_decide(d, VSCHED_RUN, curr,
			      vsched_engine_deadline(s, e, now));
		return;
	}

	next = vsched_policy_pick(s, e, now, &ready_at);
	if (next == curr) {
		eng->slice_start = now;
		eng->slice_end = vsched_add_deadline(now, s->params.slice_ns);
		vsched_decide(d, VSCHED_RUN, curr,
			      vsched_engine_deadline(s, e, now));
		return;
	}

	eng->preempting = true;
	ee->stats.preemptions++;
	vsched_decide(d, VSCHED_PREEMPT, curr,
		      vsched_add_deadline(now, vsched_watchdog_left(ee)));
}

/*
 * @ent just woke up while engine @e is busy. If it goes first, the slice
 * of the entity on the engine ends 1/VSCHED_WAKE_SLICE_DIV of a slice
 * after it began (now, if that has passed): an interactive entity waits
 * about that long instead of up to a whole slice, while the entity on the
 * engine keeps a useful stretch and switches stay bounded. Returns true if
 * the slice was shortened.
 */
bool vsched_engine_wake_preempt(struct vsched *s, unsigned int e,
				struct vsched_entity *ent, u64 now)
{
	struct vsched_engine *eng = &s->engine[e];
	struct vsched_entity *curr = eng->curr;
	u64 end, ready_at;

	if (!curr || curr == ent || eng->preempting)
		return false;
	if (ent->prio < curr->prio ||
	    (ent->prio == curr->prio &&
	     !vsched_vt_before(ent->engine[e].vtime, curr->engine[e].vtime)))
		return false;
	if (!vsched_cap_eligible(s, ent, &ent->engine[e], now, &ready_at))
		return false;
	end = vsched_add_deadline(eng->slice_start,
				  s->params.slice_ns / VSCHED_WAKE_SLICE_DIV);
	if (end < now)
		end = now;
	if (end >= eng->slice_end)
		return false;
	eng->slice_end = end;
	return true;
}

void vsched_engine_next(struct vsched *s, unsigned int engine,
			struct vsched_decision *d)
{
	struct vsched_entity *next;
	u64 now, ready_at;

	vsched_decide(d, VSCHED_IDLE, NULL, VSCHED_NO_DEADLINE);
	if (engine >= s->num_engines)
		return;

	now = vsched_now(s);
	if (s->engine[engine].curr) {
		vsched_engine_busy(s, engine, now, d);
		return;
	}

	next = vsched_policy_pick(s, engine, now, &ready_at);
	if (!next) {
		d->deadline = ready_at;
		return;
	}
	vsched_engine_start(s, engine, next, now);
	vsched_decide(d, VSCHED_RUN, next,
		      vsched_engine_deadline(s, engine, now));
}

void vsched_engine_stopped(struct vsched *s, unsigned int engine)
{
	if (engine >= s->num_engines)
		return;
	vsched_engine_release(s, engine, vsched_now(s));
}
