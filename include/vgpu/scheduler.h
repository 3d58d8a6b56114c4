/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * vsched - weighted time-slice scheduler for the physical engines that
 * vGPUs share.
 *
 * The scheduler is policy only: it decides which entity (a vGPU) should
 * occupy an engine and until when. The caller owns the mechanism: it runs
 * workloads on the engine, preempts them at a command boundary when asked,
 * kills them when the watchdog says so, and reports back. The caller also
 * supplies every piece of storage (the scheduler, the entities, the entity
 * table) and the clock, so nothing here allocates, sleeps or takes a lock.
 *
 * Locking: every function taking a struct vsched must be serialised by the
 * caller, typically with one spinlock per struct vsched (callable from any
 * context, hard interrupts included, as long as the clock callback is). The
 * cost of a call is O(capacity) at worst: a scan of the entity table.
 *
 * See docs/scheduler.md for the model and the rules.
 */
#ifndef _VGPU_SCHEDULER_H
#define _VGPU_SCHEDULER_H

#include "vgpu/portable.h"

/* Largest number of engines one scheduler drives. */
#define VSCHED_MAX_ENGINES		4

/* Largest entity table one scheduler accepts. */
#define VSCHED_CAPACITY_MAX		65536

/* Priorities: VSCHED_PRIO_LOW (0) is the lowest, VSCHED_PRIO_MAX the highest. */
#define VSCHED_PRIO_LEVELS		4
#define VSCHED_PRIO_LOW			0
#define VSCHED_PRIO_NORMAL		1
#define VSCHED_PRIO_HIGH		2
#define VSCHED_PRIO_MAX			(VSCHED_PRIO_LEVELS - 1)

/* Weights are relative; an entity's share is its weight over the sum. */
#define VSCHED_WEIGHT_MIN		1
#define VSCHED_WEIGHT_MAX		10000
#define VSCHED_WEIGHT_DEFAULT		100

/* Caps are fractions of one engine in units of 1/VSCHED_CAP_FULL (0.01 %). */
#define VSCHED_CAP_NONE			0
#define VSCHED_CAP_FULL			10000

/* A deadline that never comes: re-ask only on an event. */
#define VSCHED_NO_DEADLINE		(~(u64)0)

/* Defaults and limits of struct vsched_params, in nanoseconds. */
#define VSCHED_SLICE_DEFAULT_NS		5000000ULL
#define VSCHED_SLICE_MIN_NS		100000ULL
#define VSCHED_SLICE_MAX_NS		1000000000ULL
/* A woken entity that goes first waits for this part of a slice at most. */
#define VSCHED_WAKE_SLICE_DIV		4
#define VSCHED_BALANCE_DEFAULT_NS	100000000ULL
#define VSCHED_BALANCE_MAX_NS		10000000000ULL
#define VSCHED_WATCHDOG_DEFAULT_NS	500000000ULL
#define VSCHED_WATCHDOG_MIN_NS		100000ULL
#define VSCHED_WATCHDOG_MAX_NS		3600000000000ULL

/**
 * enum vsched_policy - how engine time is divided
 * @VSCHED_BEST_EFFORT: shares in proportion to the weights of the entities
 *	that have work; work-conserving (an engine never idles while an
 *	entity has work); caps are ignored.
 * @VSCHED_EQUAL_SHARE: like @VSCHED_BEST_EFFORT with every weight taken as
 *	equal.
 * @VSCHED_FIXED_SHARE: weighted like @VSCHED_BEST_EFFORT, but no entity
 *	gets more than its cap even when the others are idle (the engine idles
 *	instead). An entity without an explicit cap is capped at its weight
 *	over the sum of the weights of every attached entity.
 */
enum vsched_policy {
	VSCHED_BEST_EFFORT,
	VSCHED_EQUAL_SHARE,
	VSCHED_FIXED_SHARE,
};

/**
 * struct vsched_params - tunables, changeable at run time
 * @policy: see enum vsched_policy
 * @slice_ns: length of a time slice: how long an entity keeps an engine
 *	before the scheduler looks again; also the burst a capped entity may
 *	store
 * @balance_ns: the balance period: the longest a runnable lower-priority
 *	entity waits while higher-priority entities run before it is given a
 *	slice anyway; must be at least @slice_ns
 * @credit_ns: the most engine time an entity can be owed: an entity that
 *	waited or idled falls at most this far behind the others (0: no
 *	credit; default one slice); at most @balance_ns
 * @watchdog_ns: default budget of engine time for one workload
 */
struct vsched_params {
	enum vsched_policy policy;
	u64 slice_ns;
	u64 balance_ns;
	u64 credit_ns;
	u64 watchdog_ns;
};

/**
 * enum vsched_action - what the caller must do with an engine
 * @VSCHED_IDLE: leave the engine idle; ask again at the deadline or when an
 *	entity wakes up
 * @VSCHED_RUN: run the decision's entity (start it if the engine is idle,
 *	keep it otherwise); ask again at the deadline
 * @VSCHED_PREEMPT: stop the decision's entity (the one on the engine) at the
 *	next command boundary, then call vsched_engine_stopped() and ask again;
 *	if it does not stop, ask again at the deadline (its watchdog)
 * @VSCHED_KILL: the decision's entity overran its workload's watchdog
 *	budget: kill the workload, reset the entity's state in the caller, call
 *	vsched_entity_reset() and ask again
 */
enum vsched_action {
	VSCHED_IDLE,
	VSCHED_RUN,
	VSCHED_PREEMPT,
	VSCHED_KILL,
};

/**
 * struct vsched_decision - the answer of vsched_engine_next()
 * @action: what to do
 * @entity: the entity @action applies to; NULL for %VSCHED_IDLE
 * @deadline: clock time at which the caller must call vsched_engine_next()
 *	again at the latest (typically with a timer);
 *	%VSCHED_NO_DEADLINE if only an event (a wake-up, a completion) can
 *	change the answer
 */
struct vsched_decision {
	enum vsched_action action;
	struct vsched_entity *entity;
	u64 deadline;
};

/**
 * struct vsched_stats - accounting of one entity on one engine
 * @busy_ns: engine time the entity occupied
 * @workloads_started: workloads reported by vsched_workload_begin()
 * @workloads_completed: workloads reported by vsched_workload_end()
 * @workloads_killed: workloads ended by vsched_entity_reset()
 * @preemptions: times the scheduler asked for the entity to be preempted
 * @resets: times the entity was reset (same on every engine)
 */
struct vsched_stats {
	u64 busy_ns;
	u64 workloads_started;
	u64 workloads_completed;
	u64 workloads_killed;
	u64 preemptions;
	u64 resets;
};

/**
 * struct vsched_entity_engine - an entity's state on one engine (private)
 * @vtime: virtual time: engine time received divided by the weight
 * @vtime_rem: nanoseconds not yet converted into @vtime (below the weight)
 * @tokens: cap budget in nanoseconds of engine time (fixed-share)
 * @token_stamp: clock time @tokens was last refilled
 * @wait_since: clock time since which the entity is waiting for the engine
 * @wl_runtime: engine time used by the current workload
 * @wl_budget: watchdog budget of the current workload
 * @stats: accounting
 * @runnable: the entity has work for the engine
 * @placed: @vtime has been placed in the run queue once (attach resets it)
 * @throttled: the entity used up its cap and waits for its budget to refill
 * @wl_active: a workload has begun and not ended
 */
struct vsched_entity_engine {
	u64 vtime;
	u64 vtime_rem;
	s64 tokens;
	u64 token_stamp;
	u64 wait_since;
	u64 wl_runtime;
	u64 wl_budget;
	struct vsched_stats stats;
	bool runnable;
	bool placed;
	bool throttled;
	bool wl_active;
};

/**
 * struct vsched_entity - one client of the engines (a vGPU)
 * @weight: relative share (VSCHED_WEIGHT_MIN..VSCHED_WEIGHT_MAX); set with
 *	vsched_entity_set_weight()
 * @cap: most of an engine the entity may use in fixed-share mode, in
 *	1/VSCHED_CAP_FULL, or VSCHED_CAP_NONE; set with vsched_entity_set_cap()
 * @prio: priority (0..VSCHED_PRIO_MAX); set with vsched_entity_set_priority()
 * @slot: index in the scheduler's table, -1 when detached (private)
 * @resets: times vsched_entity_reset() was called (private)
 * @engine: per-engine state (private)
 *
 * The caller embeds this in its own object (struct vgpu) and initialises it
 * with vsched_entity_init(). The fields are read-only for the caller.
 */
struct vsched_entity {
	u32 weight;
	u32 cap;
	u32 prio;
	int slot;
	u64 resets;
	struct vsched_entity_engine engine[VSCHED_MAX_ENGINES];
};

/**
 * struct vsched_engine - one physical engine (private)
 * @curr: the entity occupying the engine, NULL when idle
 * @preempting: @curr was asked to stop
 * @stamp: clock time up to which @curr has been charged
 * @slice_start: clock time at which @curr's slice began
 * @slice_end: clock time at which @curr's slice ends
 * @busy_ns: total time the engine was occupied
 * @clock: virtual clock of each priority's run queue: never decreases, and
 *	follows the smallest virtual time among the queue's eligible entities
 */
struct vsched_engine {
	struct vsched_entity *curr;
	bool preempting;
	u64 stamp;
	u64 slice_start;
	u64 slice_end;
	u64 busy_ns;
	u64 clock[VSCHED_PRIO_LEVELS];
};

/**
 * struct vsched_config - what the caller gives vsched_init()
 * @num_engines: engines to drive, 1..VSCHED_MAX_ENGINES
 * @table: storage for @capacity entity pointers
 * @capacity: most entities attached at once (1..VSCHED_CAPACITY_MAX)
 * @clock: returns the current time in nanoseconds (monotonic); called with
 *	the caller's lock held, so it must not sleep
 * @clock_data: passed to @clock
 * @params: initial tunables (see vsched_params_init())
 */
struct vsched_config {
	unsigned int num_engines;
	struct vsched_entity **table;
	unsigned int capacity;
	u64 (*clock)(void *data);
	void *clock_data;
	struct vsched_params params;
};

/**
 * struct vsched - a scheduler instance (all fields private)
 * @params: current tunables
 * @clock: the caller's clock
 * @clock_data: its argument
 * @last_now: latest time read; the clock is never allowed to go back
 * @table: attached entities, NULL in free slots
 * @capacity: slots in @table
 * @count: attached entities
 * @weight_sum: sum of the weights of the attached entities
 * @num_engines: engines driven
 * @engine: per-engine state
 */
struct vsched {
	struct vsched_params params;
	u64 (*clock)(void *data);
	void *clock_data;
	u64 last_now;
	struct vsched_entity **table;
	unsigned int capacity;
	unsigned int count;
	u64 weight_sum;
	unsigned int num_engines;
	struct vsched_engine engine[VSCHED_MAX_ENGINES];
};

/* sched_core.c: the scheduler object */

/**
 * vsched_params_init() - fill in the default tunables
 * @p: filled in: best-effort, 5 ms slices, 100 ms balance period, one slice
 *	of credit, 500 ms watchdog
 */
void vsched_params_init(struct vsched_params *p);

/**
 * vsched_init() - set up a scheduler in caller-supplied storage
 * @s: the scheduler
 * @cfg: engines, entity table, clock and tunables
 *
 * Return: 0, or -EINVAL if @cfg is incomplete or a tunable is out of range.
 */
int vsched_init(struct vsched *s, const struct vsched_config *cfg);

/**
 * vsched_set_params() - change the tunables at run time
 * @s: the scheduler
 * @p: the new tunables
 *
 * Takes effect at each engine's next decision (within one slice). Switching
 * policy keeps every entity's lag in engine time.
 *
 * Return: 0, or -EINVAL (nothing changed) if a tunable is out of range.
 */
int vsched_set_params(struct vsched *s, const struct vsched_params *p);

/* sched_entity.c: entities */

/**
 * vsched_entity_init() - initialise an entity with default parameters
 * @ent: the entity: weight VSCHED_WEIGHT_DEFAULT, no cap, normal priority
 */
void vsched_entity_init(struct vsched_entity *ent);

/**
 * vsched_entity_attach() - add an entity to a scheduler
 * @s: the scheduler
 * @ent: an initialised, detached entity
 *
 * The entity starts idle on every engine. Its first wake-up on an engine
 * places it level with the entities already there (neutral credit).
 *
 * Return: 0, -EBUSY if @ent is attached already, -ENOSPC if the table is
 * full.
 */
int vsched_entity_attach(struct vsched *s, struct vsched_entity *ent);

/**
 * vsched_entity_detach() - remove an entity from a scheduler
 * @s: the scheduler
 * @ent: the entity
 *
 * The entity must not occupy an engine: preempt or kill it and report with
 * vsched_engine_stopped() or vsched_entity_reset() first.
 *
 * Return: 0, -ENOENT if @ent is not attached to @s, -EBUSY if it occupies
 * an engine.
 */
int vsched_entity_detach(struct vsched *s, struct vsched_entity *ent);

/**
 * vsched_entity_set_weight() - change an entity's weight
 * @s: the scheduler @ent is attached to (unused if detached)
 * @ent: the entity
 * @weight: VSCHED_WEIGHT_MIN..VSCHED_WEIGHT_MAX
 *
 * Takes effect at once; the entity's lag in engine time is kept.
 *
 * Return: 0, or -EINVAL.
 */
int vsched_entity_set_weight(struct vsched *s, struct vsched_entity *ent,
			     u32 weight);

/**
 * vsched_entity_set_cap() - change an entity's cap (fixed-share policy)
 * @s: the scheduler @ent is attached to (unused if detached)
 * @ent: the entity
 * @cap: 1..VSCHED_CAP_FULL, or VSCHED_CAP_NONE for the weight-derived cap
 *
 * Return: 0, or -EINVAL.
 */
int vsched_entity_set_cap(struct vsched *s, struct vsched_entity *ent,
			  u32 cap);

/**
 * vsched_entity_set_priority() - change an entity's priority
 * @s: the scheduler @ent is attached to (unused if detached)
 * @ent: the entity
 * @prio: 0..VSCHED_PRIO_MAX (higher runs first)
 *
 * The entity joins the new priority's run queue with the lag it had in the
 * old one (bounded by the credit limit).
 *
 * Return: 0, or -EINVAL.
 */
int vsched_entity_set_priority(struct vsched *s, struct vsched_entity *ent,
			       u32 prio);

/**
 * vsched_entity_wake() - an entity has work for an engine
 * @s: the scheduler
 * @ent: an attached entity
 * @engine: the engine
 *
 * Called when the entity's queue for @engine goes from empty to non-empty.
 * An entity that was idle comes back at most credit_ns behind the others.
 * If it would run before the entity occupying @engine (a higher priority,
 * or behind it in virtual time), that entity's slice ends a quarter of a
 * slice after it began, or now if that has passed.
 *
 * Return: true if the caller should call vsched_engine_next() for @engine
 * now: the engine is idle, or its current slice was shortened.
 */
bool vsched_entity_wake(struct vsched *s, struct vsched_entity *ent,
			unsigned int engine);

/**
 * vsched_entity_sleep() - an entity has no more work for an engine
 * @s: the scheduler
 * @ent: an attached entity whose last workload on @engine has ended
 * @engine: the engine
 *
 * If the entity occupies @engine, the engine becomes idle: ask
 * vsched_engine_next() for the next entity.
 */
void vsched_entity_sleep(struct vsched *s, struct vsched_entity *ent,
			 unsigned int engine);

/* sched_engine.c: the engine protocol */

/**
 * vsched_engine_next() - what should run on an engine now
 * @s: the scheduler
 * @engine: the engine
 * @d: filled in with the answer
 *
 * Charges the engine's current entity for the time since the last call,
 * then answers: keep or start an entity (%VSCHED_RUN) until the deadline,
 * stop it (%VSCHED_PREEMPT) because its slice is over and another entity
 * should run, kill its workload (%VSCHED_KILL), or idle (%VSCHED_IDLE).
 * Call it when the engine is idle and an entity wakes, at every deadline,
 * after vsched_engine_stopped(), vsched_entity_sleep() of the running
 * entity and vsched_entity_reset().
 */
void vsched_engine_next(struct vsched *s, unsigned int engine,
			struct vsched_decision *d);

/**
 * vsched_engine_stopped() - the engine's entity has left the engine
 * @s: the scheduler
 * @engine: the engine
 *
 * Called after a %VSCHED_PREEMPT once the entity stopped at a command
 * boundary (its workload may be unfinished: it resumes the next time the
 * entity runs). The entity stays runnable; the engine is idle.
 */
void vsched_engine_stopped(struct vsched *s, unsigned int engine);

/* sched_watchdog.c: workloads and the watchdog */

/**
 * vsched_workload_begin() - an entity starts a workload on an engine
 * @s: the scheduler
 * @ent: the entity (normally the one just told to run)
 * @engine: the engine
 * @budget_ns: engine time the workload may use before the watchdog fires;
 *	0 for the default (params.watchdog_ns)
 *
 * Only engine time counts: a workload that is preempted and resumed keeps
 * its runtime, time spent waiting does not count.
 *
 * Return: the clock time by which the caller must call vsched_engine_next()
 * (the engine's deadline, possibly brought forward by the watchdog), or
 * %VSCHED_NO_DEADLINE if @ent does not occupy @engine.
 */
u64 vsched_workload_begin(struct vsched *s, struct vsched_entity *ent,
			  unsigned int engine, u64 budget_ns);

/**
 * vsched_workload_end() - an entity's workload completed
 * @s: the scheduler
 * @ent: the entity
 * @engine: the engine
 */
void vsched_workload_end(struct vsched *s, struct vsched_entity *ent,
			 unsigned int engine);

/**
 * vsched_entity_reset() - an entity was reset by the caller
 * @s: the scheduler
 * @ent: the entity
 *
 * After a %VSCHED_KILL (or any reset of the vGPU): the entity's workloads on
 * every engine count as killed, it leaves any engine it occupies (the
 * caller must have stopped it there) and it becomes idle everywhere; wake it
 * again when it has new work. Its credit is kept. Nothing else changes.
 */
void vsched_entity_reset(struct vsched *s, struct vsched_entity *ent);

/* sched_stats.c: accounting */

/**
 * vsched_entity_stats() - read an entity's accounting on an engine
 * @s: the scheduler
 * @ent: the entity
 * @engine: the engine
 * @st: filled in; busy time includes the current slice up to now
 */
void vsched_entity_stats(struct vsched *s, struct vsched_entity *ent,
			 unsigned int engine, struct vsched_stats *st);

/**
 * vsched_engine_busy_ns() - total time an engine was occupied
 * @s: the scheduler
 * @engine: the engine
 *
 * Return: nanoseconds, including the current slice up to now.
 */
u64 vsched_engine_busy_ns(struct vsched *s, unsigned int engine);

#endif /* _VGPU_SCHEDULER_H */
