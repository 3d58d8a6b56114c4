/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A deterministic, discrete-event model of vsched's caller: engines that
 * run workloads, preempt them at command boundaries, kill them when the
 * watchdog fires, and entities that generate work. Time is virtual; the
 * engine occupancy it records is the ground truth the tests compare the
 * scheduler's shares against.
 */
#ifndef _VGPU_SCHED_SIM_H
#define _VGPU_SCHED_SIM_H

#include "vgpu/scheduler.h"

#define SIM_MAX_ENTITIES	128
#define SIM_NEVER		VSCHED_NO_DEADLINE
#define SIM_US			1000ULL
#define SIM_MS			1000000ULL
#define SIM_S			1000000000ULL

/**
 * enum sim_kind - how an entity generates work on an engine
 * @SIM_OFF: never has work
 * @SIM_SATURATE: always has another workload queued from @start to @stop
 * @SIM_PERIODIC: one workload arrives every @period from @start to @stop
 */
enum sim_kind {
	SIM_OFF,
	SIM_SATURATE,
	SIM_PERIODIC,
};

/**
 * struct sim_load - the work an entity generates on one engine
 * @kind: see enum sim_kind
 * @len_min: shortest workload (engine time)
 * @len_max: longest workload; lengths are uniform in [@len_min, @len_max]
 * @period: SIM_PERIODIC: time between arrivals
 * @start: first arrival (SIM_PERIODIC) or start of saturation
 * @stop: no new work from then on; 0 for never
 * @hang_at: the first workload begun at or after this time never completes
 *	and ignores preemption (only the watchdog ends it); 0 for never
 * @budget: watchdog budget given with each workload; 0 for the default
 */
struct sim_load {
	enum sim_kind kind;
	u64 len_min;
	u64 len_max;
	u64 period;
	u64 start;
	u64 stop;
	u64 hang_at;
	u64 budget;
};

/**
 * struct sim_lane - one entity's work and observations on one engine
 * @load: the work generator
 * @next_event: next arrival, start or stop of @load
 * @saturating: SIM_SATURATE between start and stop
 * @queued: workloads waiting to begin
 * @active: a workload has begun and not ended (it may be preempted)
 * @hung: the active workload hangs
 * @remaining: engine time the active workload still needs
 * @waiting_since: when the entity last became ready and not running, or
 *	SIM_NEVER
 * @max_wait: longest time from ready to running
 * @busy: engine time occupied (ground truth)
 * @runs: times the entity was started on the engine
 * @completed: workloads completed
 * @killed: workloads killed
 * @hang_begin: when the hanging workload began
 */
struct sim_lane {
	struct sim_load load;
	u64 next_event;
	bool saturating;
	u64 queued;
	bool active;
	bool hung;
	u64 remaining;
	u64 waiting_since;
	u64 max_wait;
	u64 busy;
	u64 runs;
	u64 completed;
	u64 killed;
	u64 hang_begin;
};

/**
 * struct sim_entity - a simulated vGPU
 * @se: the scheduler entity
 * @lane: work per engine
 * @kills: times the watchdog killed one of its workloads
 * @kill_time: when it last happened
 */
struct sim_entity {
	struct vsched_entity se;
	struct sim_lane lane[VSCHED_MAX_ENGINES];
	u64 kills;
	u64 kill_time;
};

/**
 * struct sim_engine - a simulated engine and what was seen on it
 * @cur: the entity occupying it
 * @preempting: a preemption was requested
 * @preempt_at: when the running workload reaches a command boundary
 * @timer: when to ask the scheduler again
 * @ask: ask the scheduler at the current time
 * @rng: this engine's random stream (workload lengths, boundaries)
 * @run_start: when @cur started
 * @runs: times an entity was started
 * @preempt_requests: PREEMPT decisions received
 * @issue_min: shortest run time before a preemption request
 * @issue_max: longest run time before a preemption request
 * @issue_unaligned: preemption requests not at a slice boundary of the run
 * @run_min: shortest run ended by a preemption
 * @run_max: longest run ended by a preemption
 * @idle: engine time with nothing on it
 */
struct sim_engine {
	struct sim_entity *cur;
	bool preempting;
	u64 preempt_at;
	u64 timer;
	bool ask;
	u32 rng;
	u64 run_start;
	u64 runs;
	u64 preempt_requests;
	u64 issue_min;
	u64 issue_max;
	u64 issue_unaligned;
	u64 run_min;
	u64 run_max;
	u64 idle;
};

/**
 * struct sim - the simulation
 * @sched: the scheduler under test
 * @table: its entity table
 * @ent: the entities
 * @n: entities added
 * @engines: engines simulated
 * @now: virtual time
 * @boundary_max: a preemption request is honoured at the next command
 *	boundary, uniformly 0..@boundary_max later (0: at once)
 * @eng: the engines
 * @anomalies: protocol violations seen (must stay 0)
 */
struct sim {
	struct vsched sched;
	struct vsched_entity *table[SIM_MAX_ENTITIES];
	struct sim_entity ent[SIM_MAX_ENTITIES];
	unsigned int n;
	unsigned int engines;
	u64 now;
	u64 boundary_max;
	struct sim_engine eng[VSCHED_MAX_ENGINES];
	u64 anomalies;
};

struct sim *sim_create(unsigned int engines, const struct vsched_params *p,
		       u64 boundary_max, u32 seed);
void sim_destroy(struct sim *sim);
struct sim_entity *sim_add(struct sim *sim, u32 weight, u32 prio);
void sim_set_load(struct sim *sim, struct sim_entity *ent, unsigned int e,
		  const struct sim_load *load);
void sim_saturate(struct sim *sim, struct sim_entity *ent, unsigned int e,
		  u64 start);
void sim_run(struct sim *sim, u64 until);
void sim_reset_observations(struct sim *sim);

/* Busy time of each entity on engine @e, copied to @busy[0..n-1]. */
void sim_busy(const struct sim *sim, unsigned int e, u64 *busy);

/*
 * Largest |share - expected| in percentage points between the busy times
 * @b1 - @b0 of entities 0..n-1 (n = @count) and shares proportional to
 * @weights.
 */
double sim_share_error_pp(const u64 *b0, const u64 *b1, const u32 *weights,
			  unsigned int count);

#endif /* _VGPU_SCHED_SIM_H */
