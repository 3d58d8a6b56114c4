// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Discrete-event model of the caller of vsched (see sim.h). It plays the
 * parent driver's part of the protocol: ask vsched_engine_next() at every
 * deadline and event, start the entity it names, honour a preemption at the
 * next command boundary, kill a workload and reset its entity on
 * VSCHED_KILL.
 */
#include <stdlib.h>

#include "sim.h"

/* Iterations at one instant before the model declares a livelock. */
#define SIM_MAX_STEPS_AT_ONCE	10000

static u64 sim_clock(void *data)
{
	return ((struct sim *)data)->now;
}

static u32 sim_random(struct sim_engine *eng)
{
	u32 x = eng->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	eng->rng = x;
	return x;
}

/* Uniform in [@lo, @hi]. */
static u64 sim_draw(struct sim_engine *eng, u64 lo, u64 hi)
{
	if (hi <= lo)
		return lo;
	return lo + sim_random(eng) % (hi - lo + 1);
}

struct sim *sim_create(unsigned int engines, const struct vsched_params *p,
		       u64 boundary_max, u32 seed)
{
	struct vsched_config cfg;
	struct sim *sim;
	unsigned int e;

	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return NULL;
	cfg.num_engines = engines;
	cfg.table = sim->table;
	cfg.capacity = SIM_MAX_ENTITIES;
	cfg.clock = sim_clock;
	cfg.clock_data = sim;
	cfg.params = *p;
	if (vsched_init(&sim->sched, &cfg)) {
		free(sim);
		return NULL;
	}
	sim->engines = engines;
	sim->boundary_max = boundary_max;
	for (e = 0; e < engines; e++) {
		sim->eng[e].timer = SIM_NEVER;
		sim->eng[e].rng = seed * 2654435761u + e * 40503u + 1;
	}
	sim_reset_observations(sim);
	return sim;
}

void sim_destroy(struct sim *sim)
{
	free(sim);
}

struct sim_entity *sim_add(struct sim *sim, u32 weight, u32 prio)
{
	struct sim_entity *ent;
	unsigned int e;

	if (sim->n >= SIM_MAX_ENTITIES)
		return NULL;
	ent = &sim->ent[sim->n];
	vsched_entity_init(&ent->se);
	if (vsched_entity_set_weight(&sim->sched, &ent->se, weight) ||
	    vsched_entity_set_priority(&sim->sched, &ent->se, prio) ||
	    vsched_entity_attach(&sim->sched, &ent->se))
		return NULL;
	for (e = 0; e < VSCHED_MAX_ENGINES; e++) {
		ent->lane[e].next_event = SIM_NEVER;
		ent->lane[e].waiting_since = SIM_NEVER;
	}
	sim->n++;
	return ent;
}

void sim_set_load(struct sim *sim, struct sim_entity *ent, unsigned int e,
		  const struct sim_load *load)
{
	struct sim_lane *lane = &ent->lane[e];

	lane->load = *load;
	if (load->kind == SIM_OFF)
		lane->next_event = SIM_NEVER;
	else
		lane->next_event = load->start > sim->now ? load->start :
							     sim->now;
}

void sim_saturate(struct sim *sim, struct sim_entity *ent, unsigned int e,
		  u64 start)
{
	struct sim_load load = {
		.kind = SIM_SATURATE,
		.len_min = 100 * SIM_US,
		.len_max = 2 * SIM_MS,
		.start = start,
	};

	sim_set_load(sim, ent, e, &load);
}

void sim_reset_observations(struct sim *sim)
{
	unsigned int i, e;

	for (e = 0; e < VSCHED_MAX_ENGINES; e++) {
		struct sim_engine *eng = &sim->eng[e];

		eng->runs = 0;
		eng->preempt_requests = 0;
		eng->issue_min = SIM_NEVER;
		eng->issue_max = 0;
		eng->issue_unaligned = 0;
		eng->run_min = SIM_NEVER;
		eng->run_max = 0;
	}
	for (i = 0; i < sim->n; i++)
		for (e = 0; e < VSCHED_MAX_ENGINES; e++)
			sim->ent[i].lane[e].max_wait = 0;
}

static bool sim_has_work(const struct sim_lane *lane)
{
	return lane->active || lane->queued || lane->saturating;
}

/* A workload arrives for @ent on engine @e. */
static void sim_add_work(struct sim *sim, struct sim_entity *ent,
			 unsigned int e)
{
	struct sim_lane *lane = &ent->lane[e];
	bool was_idle = !lane->active && !lane->queued;

	if (!lane->saturating)
		lane->queued++;
	else if (!lane->queued)
		lane->queued = 1;
	if (!was_idle)
		return;
	if (sim->eng[e].cur != ent)
		lane->waiting_since = sim->now;
	if (vsched_entity_wake(&sim->sched, &ent->se, e))
		sim->eng[e].ask = true;
}

static void sim_lane_event(struct sim *sim, struct sim_entity *ent,
			   unsigned int e)
{
	struct sim_lane *lane = &ent->lane[e];
	const struct sim_load *load = &lane->load;

	if (load->stop && sim->now >= load->stop) {
		lane->next_event = SIM_NEVER;
		if (lane->saturating) {
			lane->saturating = false;
			lane->queued = 0;
		}
		return;
	}
	switch (load->kind) {
	case SIM_SATURATE:
		lane->saturating = true;
		sim_add_work(sim, ent, e);
		lane->next_event = load->stop ? load->stop : SIM_NEVER;
		break;
	case SIM_PERIODIC:
		sim_add_work(sim, ent, e);
		lane->next_event += load->period;
		break;
	default:
		lane->next_event = SIM_NEVER;
		break;
	}
}

/* @ent, occupying engine @e, begins its next workload. */
static void sim_begin(struct sim *sim, struct sim_entity *ent, unsigned int e)
{
	struct sim_engine *eng = &sim->eng[e];
	struct sim_lane *lane = &ent->lane[e];
	u64 deadline;

	if (!lane->saturating) {
		if (!lane->queued) {
			sim->anomalies++;
			return;
		}
		lane->queued--;
	}
	lane->active = true;
	lane->hung = false;
	lane->remaining = sim_draw(eng, lane->load.len_min,
				   lane->load.len_max);
	if (lane->load.hang_at && sim->now >= lane->load.hang_at) {
		lane->hung = true;
		lane->hang_begin = sim->now;
		lane->load.hang_at = 0;
	}
	deadline = vsched_workload_begin(&sim->sched, &ent->se, e,
					 lane->load.budget);
	if (deadline < eng->timer)
		eng->timer = deadline;
}

/* The entity on engine @e has stopped after a preemption request. */
static void sim_stop(struct sim *sim, unsigned int e)
{
	struct sim_engine *eng = &sim->eng[e];
	struct sim_lane *lane = &eng->cur->lane[e];
	u64 run = sim->now - eng->run_start;

	if (run < eng->run_min)
		eng->run_min = run;
	if (run > eng->run_max)
		eng->run_max = run;
	vsched_engine_stopped(&sim->sched, e);
	lane->waiting_since = sim_has_work(lane) ? sim->now : SIM_NEVER;
	eng->cur = NULL;
	eng->preempting = false;
	eng->ask = true;
}

/* Watchdog: kill @ent's workloads and reset it, as the parent would. */
static void sim_kill(struct sim *sim, struct sim_entity *ent)
{
	unsigned int e;

	ent->kills++;
	ent->kill_time = sim->now;
	for (e = 0; e < sim->engines; e++) {
		struct sim_lane *lane = &ent->lane[e];

		if (lane->active) {
			lane->killed++;
			lane->active = false;
			lane->hung = false;
		}
		lane->queued = 0;
		lane->waiting_since = SIM_NEVER;
		if (sim->eng[e].cur == ent) {
			sim->eng[e].cur = NULL;
			sim->eng[e].preempting = false;
			sim->eng[e].ask = true;
		}
	}
	vsched_entity_reset(&sim->sched, &ent->se);
	/* The guest resubmits after its reset. */
	for (e = 0; e < sim->engines; e++)
		if (ent->lane[e].saturating)
			sim_add_work(sim, ent, e);
}

static void sim_run_entity(struct sim *sim, unsigned int e,
			   struct sim_entity *ent)
{
	struct sim_engine *eng = &sim->eng[e];
	struct sim_lane *lane = &ent->lane[e];

	eng->cur = ent;
	eng->run_start = sim->now;
	eng->runs++;
	lane->runs++;
	if (lane->waiting_since != SIM_NEVER) {
		u64 wait = sim->now - lane->waiting_since;

		if (wait > lane->max_wait)
			lane->max_wait = wait;
		lane->waiting_since = SIM_NEVER;
	}
	if (!lane->active) {
		if (sim_has_work(lane))
			sim_begin(sim, ent, e);
		else
			sim->anomalies++;
	}
}

static void sim_preempt(struct sim *sim, unsigned int e)
{
	struct sim_engine *eng = &sim->eng[e];
	struct sim_lane *lane = &eng->cur->lane[e];
	u64 issue = sim->now - eng->run_start;

	eng->preempting = true;
	eng->preempt_requests++;
	if (issue < eng->issue_min)
		eng->issue_min = issue;
	if (issue > eng->issue_max)
		eng->issue_max = issue;
	if (issue % sim->sched.params.slice_ns)
		eng->issue_unaligned++;
	if (lane->hung) {
		eng->preempt_at = SIM_NEVER;
		return;
	}
	eng->preempt_at = sim->now + sim_draw(eng, 0, sim->boundary_max);
	if (eng->preempt_at <= sim->now)
		sim_stop(sim, e);
}

/* Carry out one decision for engine @e. */
static void sim_apply(struct sim *sim, unsigned int e,
		      const struct vsched_decision *d)
{
	struct sim_engine *eng = &sim->eng[e];
	struct sim_entity *ent = (struct sim_entity *)d->entity;

	eng->timer = d->deadline;
	switch (d->action) {
	case VSCHED_IDLE:
		if (eng->cur)
			sim->anomalies++;
		break;
	case VSCHED_RUN:
		if (eng->preempting || (eng->cur && eng->cur != ent)) {
			sim->anomalies++;
			break;
		}
		if (!eng->cur)
			sim_run_entity(sim, e, ent);
		break;
	case VSCHED_PREEMPT:
		if (eng->cur != ent) {
			sim->anomalies++;
			break;
		}
		if (!eng->preempting)
			sim_preempt(sim, e);
		break;
	case VSCHED_KILL:
		if (eng->cur != ent) {
			sim->anomalies++;
			break;
		}
		sim_kill(sim, ent);
		break;
	}
}

static void sim_engine_step(struct sim *sim, unsigned int e)
{
	struct sim_engine *eng = &sim->eng[e];
	struct sim_entity *ent = eng->cur;
	struct vsched_decision d;
	unsigned int guard = 0;

	if (ent) {
		struct sim_lane *lane = &ent->lane[e];

		if (lane->active && !lane->hung && !lane->remaining) {
			vsched_workload_end(&sim->sched, &ent->se, e);
			lane->active = false;
			lane->completed++;
			if (!sim_has_work(lane)) {
				vsched_entity_sleep(&sim->sched, &ent->se, e);
				eng->cur = NULL;
				eng->preempting = false;
				eng->ask = true;
			} else if (eng->preempting) {
				sim_stop(sim, e);
			} else {
				sim_begin(sim, ent, e);
			}
		}
		if (eng->cur && eng->preempting && sim->now >= eng->preempt_at)
			sim_stop(sim, e);
	}
	if (sim->now >= eng->timer)
		eng->ask = true;

	while (eng->ask) {
		eng->ask = false;
		if (++guard > 100) {
			sim->anomalies++;
			break;
		}
		vsched_engine_next(&sim->sched, e, &d);
		sim_apply(sim, e, &d);
	}
}

static u64 sim_next_event(const struct sim *sim, u64 until)
{
	u64 t = until;
	unsigned int i, e;

	for (e = 0; e < sim->engines; e++) {
		const struct sim_engine *eng = &sim->eng[e];

		if (eng->ask)
			return sim->now;
		if (eng->timer < t)
			t = eng->timer;
		if (eng->preempting && eng->preempt_at < t)
			t = eng->preempt_at;
		if (eng->cur) {
			const struct sim_lane *lane = &eng->cur->lane[e];

			if (lane->active && !lane->hung &&
			    sim->now + lane->remaining < t)
				t = sim->now + lane->remaining;
		}
	}
	for (i = 0; i < sim->n; i++)
		for (e = 0; e < sim->engines; e++)
			if (sim->ent[i].lane[e].next_event < t)
				t = sim->ent[i].lane[e].next_event;
	return t < sim->now ? sim->now : t;
}

static void sim_advance(struct sim *sim, u64 t)
{
	u64 dt = t - sim->now;
	unsigned int e;

	for (e = 0; e < sim->engines; e++) {
		struct sim_engine *eng = &sim->eng[e];
		struct sim_lane *lane;

		if (!eng->cur) {
			eng->idle += dt;
			continue;
		}
		lane = &eng->cur->lane[e];
		lane->busy += dt;
		if (lane->active && !lane->hung)
			lane->remaining -= dt;
	}
	sim->now = t;
}

void sim_run(struct sim *sim, u64 until)
{
	unsigned int steps_at_once = 0;

	while (sim->now < until) {
		u64 t = sim_next_event(sim, until);
		unsigned int i, e;

		if (t == sim->now) {
			if (++steps_at_once > SIM_MAX_STEPS_AT_ONCE) {
				sim->anomalies++;
				return;
			}
		} else {
			steps_at_once = 0;
		}
		sim_advance(sim, t);
		for (i = 0; i < sim->n; i++)
			for (e = 0; e < sim->engines; e++)
				if (sim->ent[i].lane[e].next_event <= sim->now)
					sim_lane_event(sim, &sim->ent[i], e);
		for (e = 0; e < sim->engines; e++)
			sim_engine_step(sim, e);
	}
}

void sim_busy(const struct sim *sim, unsigned int e, u64 *busy)
{
	unsigned int i;

	for (i = 0; i < sim->n; i++)
		busy[i] = sim->ent[i].lane[e].busy;
}

double sim_share_error_pp(const u64 *b0, const u64 *b1, const u32 *weights,
			  unsigned int count)
{
	double total = 0, wsum = 0, worst = 0;
	unsigned int i;

	for (i = 0; i < count; i++) {
		total += (double)(b1[i] - b0[i]);
		wsum += weights[i];
	}
	if (total <= 0 || wsum <= 0)
		return 100.0;
	for (i = 0; i < count; i++) {
		double got = 100.0 * (double)(b1[i] - b0[i]) / total;
		double want = 100.0 * weights[i] / wsum;
		double err = got > want ? got - want : want - got;

		if (err > worst)
			worst = err;
	}
	return worst;
}
